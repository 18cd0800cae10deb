export * from './types';
export * from './model-id';
export * from './catalog';
export * from './policy';
