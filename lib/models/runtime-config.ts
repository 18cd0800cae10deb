/** Version of the run-time model configuration JSON; bump it on any incompatible change. */
export const RUNTIME_CONFIG_SCHEMA_VERSION = 1;

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
  readonly invocationForm: string;
  readonly inferenceParameters?: InferenceParameters;
  readonly contextWindow: number | null;
  readonly maxOutputTokens: number | null;
  readonly embedding: { readonly dimensions: number[]; readonly default: number | null } | null;
  readonly price: RuntimePrice | null;
  readonly catalogGeneratedAt: string;
}
