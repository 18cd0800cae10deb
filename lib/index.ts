// Public API of cdk-bedrock-foundation. Re-exports only; the cdk-nag pack is the separate entry point
// `cdk-bedrock-foundation/nag` so that importing the constructs never requires cdk-nag.
export * from './catalog';
export * from './models';
export * from './config';
export * from './access';
export * from './knowledge-base';
export * from './invokers';
export * from './guardrails';
export * from './monitoring';
export * from './logging';
export * from './compliance';
export * from './network';
export * from './inference-profiles';
