export * from './types';
export * from './model-id';
export * from './catalog';
