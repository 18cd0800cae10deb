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
  /**
   * sha256 of the configuration JSON, so a configuration change recycles execution environments. With a guardrail
   * (whose ID and version are deploy-time values): `<sha256 of the JSON with guardrail.guardrailIdentifier and
   * guardrail.guardrailVersion set to "">:<guardrailIdentifier>:<guardrailVersion>` (`configHashInput`).
   */
  MODEL_CONFIG_HASH: 'MODEL_CONFIG_HASH',
  /** The Knowledge Base a RAG invoker queries. */
  KNOWLEDGE_BASE_ID: 'KNOWLEDGE_BASE_ID',
  /** Output dimension an embedding invoker requests. */
  EMBEDDING_DIMENSIONS: 'EMBEDDING_DIMENSIONS',
  /** Whether an embedding invoker asks for normalized vectors (`true`/`false`). */
  EMBEDDING_NORMALIZE: 'EMBEDDING_NORMALIZE',
  /** Concurrent InvokeModel calls of an embedding invoker for one-text-per-call models. */
  EMBEDDING_CONCURRENCY: 'EMBEDDING_CONCURRENCY',
  /** The generation model's invocation ARN a RAG invoker passes to RetrieveAndGenerate. */
  MODEL_ARN: 'MODEL_ARN',
  /** The model ID a RAG invoker puts in its metrics dimension and messages. */
  MODEL_ID: 'MODEL_ID',
  /** The guardrail ID a RAG invoker sends in RetrieveAndGenerate's generation guardrail configuration. */
  GUARDRAIL_ID: 'GUARDRAIL_ID',
  /** The pinned guardrail version a RAG invoker sends with GUARDRAIL_ID. */
  GUARDRAIL_VERSION: 'GUARDRAIL_VERSION',
  /** Chunks a RAG invoker retrieves per query when the request names none. */
  NUMBER_OF_RESULTS: 'NUMBER_OF_RESULTS',
  /** Total attempts per AWS SDK call of an invoker (first try included). */
  BEDROCK_MAX_ATTEMPTS: 'BEDROCK_MAX_ATTEMPTS',
  /** Powertools service name: the `service` key of every log line and metric dimension. */
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  /** CloudWatch namespace of an invoker's metrics (Powertools). */
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Log group of the access-check handler, named in its failure messages. */
  ACCESS_CHECK_LOG_GROUP: 'ACCESS_CHECK_LOG_GROUP',
  /** Access check: total attempts per GetFoundationModelAvailability / DescribeStacks call. */
  ACCESS_CHECK_MAX_ATTEMPTS: 'ACCESS_CHECK_MAX_ATTEMPTS',
  /** Access check: first backoff cap, doubling per retry (equal jitter). */
  ACCESS_CHECK_BACKOFF_BASE_MS: 'ACCESS_CHECK_BACKOFF_BASE_MS',
  /** Access check: largest backoff (also the largest Retry-After honoured). */
  ACCESS_CHECK_BACKOFF_MAX_MS: 'ACCESS_CHECK_BACKOFF_MAX_MS',
  /** Access check: connection timeout of one request. */
  ACCESS_CHECK_CONNECT_TIMEOUT_MS: 'ACCESS_CHECK_CONNECT_TIMEOUT_MS',
  /** Access check: timeout of one request. */
  ACCESS_CHECK_REQUEST_TIMEOUT_MS: 'ACCESS_CHECK_REQUEST_TIMEOUT_MS',
  /** Access check: overall deadline of one run. */
  ACCESS_CHECK_DEADLINE_MS: 'ACCESS_CHECK_DEADLINE_MS',
  /** Access check: time kept back from the Lambda's remaining time. */
  ACCESS_CHECK_SAFETY_MARGIN_MS: 'ACCESS_CHECK_SAFETY_MARGIN_MS',
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

/** Converse `guardrailConfig.trace` values (Bedrock API Reference, GuardrailConfiguration). */
export const GUARDRAIL_TRACE_VALUES = ['disabled', 'enabled', 'enabled_full'] as const;
export type GuardrailTraceValue = typeof GUARDRAIL_TRACE_VALUES[number];

/**
 * The guardrail a text invoker sends with every Converse / ConverseStream call (`guardrailConfig`). Part of the
 * configuration JSON, so a guardrail upgrade is a configuration change like a model upgrade.
 */
export interface RuntimeGuardrailConfig {
  /** The guardrail ID (`guardrailConfig.guardrailIdentifier`). */
  readonly guardrailIdentifier: string;
  /** A published version number, or `DRAFT` only when asked for by name. */
  readonly guardrailVersion: string;
  /** Whether the guardrail trace is requested and returned with an intervention. */
  readonly trace: GuardrailTraceValue;
}

/**
 * What `MODEL_CONFIG_HASH` hashes, and its suffix: the configuration JSON with its deploy-time values blanked (an
 * application inference profile's ARN, a guardrail's ID and version: a construct cannot hash them at synth), and those
 * values appended as `:<value>` (empty suffix when there is none). The construct and the handler's drift check both
 * use it, so they agree.
 */
export function configHashInput(config: RuntimeModelConfig): { json: string; suffix: string } {
  let blanked: RuntimeModelConfig = config;
  const deployTime: string[] = [];
  if (config.invocationForm === 'application-profile') {
    // An application inference profile created in the same app: its ARN is known only at deploy time.
    blanked = { ...blanked, modelId: '' };
    deployTime.push(config.modelId);
  }
  if (config.guardrail) {
    blanked = { ...blanked, guardrail: { ...config.guardrail, guardrailIdentifier: '', guardrailVersion: '' } };
    deployTime.push(config.guardrail.guardrailIdentifier, config.guardrail.guardrailVersion);
  }
  if (deployTime.length === 0) return { json: JSON.stringify(config), suffix: '' };
  return { json: JSON.stringify(blanked), suffix: deployTime.map((v) => `:${v}`).join('') };
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
  /** Always `RUNTIME_CONFIG_SCHEMA_VERSION`: a handler refuses a configuration of another version. */
  readonly schemaVersion: typeof RUNTIME_CONFIG_SCHEMA_VERSION;
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
  /** The guardrail every call is sent with. @default - none: calls are not guarded */
  readonly guardrail?: RuntimeGuardrailConfig;
}
