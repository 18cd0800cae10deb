export * from './runtime-config';
export * from './bedrock-model';
