/**
 * The contract between the constructs (which write it) and the handlers in `lambda/` (which read it; esbuild inlines
 * this module into each bundle). It imports nothing, so a handler never pulls in aws-cdk-lib.
 *
 * Anything a construct puts in a function's environment or in the SSM configuration JSON, and a handler reads, is
 * named here once.
 */

/** Environment variable names set by the constructs and read by the handlers. */
export const ENV = {
  /** The run-time configuration JSON itself (a function built from a `model`). */
  MODEL_CONFIG: 'MODEL_CONFIG',
  /** Name of the SSM String parameter holding the configuration JSON (`<prefix>/<role>/config`). */
  MODEL_CONFIG_PARAMETER: 'MODEL_CONFIG_PARAMETER',
  /** sha256 of the configuration JSON, so a configuration change recycles execution environments. */
  MODEL_CONFIG_HASH: 'MODEL_CONFIG_HASH',
  /** The Knowledge Base a RAG invoker queries. */
  KNOWLEDGE_BASE_ID: 'KNOWLEDGE_BASE_ID',
  /** Output dimension an embedding invoker requests. */
  EMBEDDING_DIMENSIONS: 'EMBEDDING_DIMENSIONS',
  /** Whether an embedding invoker asks for normalized vectors (`true`/`false`). */
  EMBEDDING_NORMALIZE: 'EMBEDDING_NORMALIZE',
  /** Which entry point of a two-phase custom-resource bundle runs (`onEvent` or `isComplete`). */
  HANDLER_KIND: 'HANDLER_KIND',
  /** Log group of the access-check handler, named in its failure messages. */
  ACCESS_CHECK_LOG_GROUP: 'ACCESS_CHECK_LOG_GROUP',
} as const;

export type EnvName = typeof ENV[keyof typeof ENV];

/** Version of the run-time model configuration JSON; bump it on any incompatible change. */
export const RUNTIME_CONFIG_SCHEMA_VERSION = 1;

/** How a model is invoked: its ID form, which decides the price and the grant. */
export const INVOCATION_FORMS = ['in-region', 'geo-profile', 'global-profile', 'application-profile', 'provisioned'] as const;
export type InvocationForm = typeof INVOCATION_FORMS[number];

/** Inference parameters sent in Converse `inferenceConfig`. */
export interface InferenceParameters {
  /** Maximum tokens to generate. @default - the model's own default */
  readonly maxTokens?: number;
  /** Sampling temperature, 0–1 in the Converse API. @default - the model's own default */
  readonly temperature?: number;
  /** Nucleus sampling, 0–1 in the Converse API. @default - the model's own default */
  readonly topP?: number;
  /**
   * Sequences that stop generation (Converse `InferenceConfiguration.stopSequences`: at most 2500 items, each at least
   * 1 character; a model may accept fewer). @default - none
   */
  readonly stopSequences?: string[];
}

/** Sourced price at the rate of the invocation form. */
export interface RuntimePrice {
  readonly inputPer1M: number;
  readonly outputPer1M: number | null;
  readonly currency: string;
  readonly rateBasis: string;
  readonly asOf: string | null;
  readonly approximate: boolean;
  readonly source: string[];
}

/**
 * The configuration a function reads at run time: stored by `PinnedModelConfig` as the SSM parameter
 * `<prefix>/<role>/config`, or passed to an invoker as the `MODEL_CONFIG` environment variable.
 */
export interface RuntimeModelConfig {
  readonly schemaVersion: number;
  /** The role name in a `PinnedModelConfig` (e.g. `chat`). */
  readonly role?: string;
  /** The ID to send as `modelId` (foundation-model ID, inference-profile ID or ARN). */
  readonly modelId: string;
  readonly foundationModelId: string | null;
  readonly invocationForm: InvocationForm;
  readonly inferenceParameters?: InferenceParameters;
  readonly contextWindow: number | null;
  readonly maxOutputTokens: number | null;
  readonly embedding: { readonly dimensions: number[]; readonly default: number | null } | null;
  readonly price: RuntimePrice | null;
  readonly catalogGeneratedAt: string;
}
