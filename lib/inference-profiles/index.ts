export * from './application-inference-profile';
