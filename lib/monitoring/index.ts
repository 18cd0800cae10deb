export * from './metrics';
export * from './forecast';
export * from './bedrock-monitoring';
