export * from './compliance-envelope';
export * from './key-policies';
