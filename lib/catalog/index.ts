export * from './types';
export * from './errors';
export * from './model-id';
export * from './catalog';
export * from './policy';
export * from './regions';
export { newestActive, nearestIds } from './suggestions';
