export * from './pinned-model-config';
