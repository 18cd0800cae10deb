export * from './invoker-options';
export * from './model-invoker';
export * from './embedding-invoker';
export * from './rag-invoker';
