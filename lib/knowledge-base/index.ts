export * from './chunking';
export * from './vector-store';
export * from './types';
export * from './knowledge-base';
