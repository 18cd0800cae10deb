export * from './types';
export * from './guardrail-profile';
export * from './guardrail';
