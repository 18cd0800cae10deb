// The run-time configuration types are part of the construct↔handler contract (lib/contract); re-exported here for
// the public API.
export { RUNTIME_CONFIG_SCHEMA_VERSION } from '../contract';
export type { InferenceParameters, RuntimePrice, RuntimeModelConfig } from '../contract';
