export * from './model-access-check';
export * from './perms';
