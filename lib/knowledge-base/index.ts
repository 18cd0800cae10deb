export * from './chunking';
export * from './vector-store';
export * from './knowledge-base';
