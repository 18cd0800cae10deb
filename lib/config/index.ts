export * from './pinned-model-config-base';
export * from './pinned-model-config';
