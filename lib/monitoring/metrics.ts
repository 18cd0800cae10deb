/**
 * The metric names and dimensions `BedrockMonitoring` watches, each list with where it comes from. Nothing here is
 * guessed: the AWS/Bedrock list is the one the cited AWS page publishes, and the invoker list is what the bundled
 * handlers emit (lambda/shared/observability.ts; test/monitoring/emitter-watcher.test.ts runs every handler against the
 * loopback fakes and checks that each metric the alarms and the dashboard reference is one they emit).
 */

/** One sourced metric list. */
export interface MetricSource {
  /** Where the list comes from. */
  readonly url: string;
  /** Title of the source. */
  readonly title: string;
  /** When it was read (ISO date). */
  readonly retrieved: string;
  /** What the source does and does not say, in one paragraph. */
  readonly note: string;
}

/** CloudWatch namespace of the Amazon Bedrock runtime metrics. */
export const BEDROCK_RUNTIME_NAMESPACE = 'AWS/Bedrock';

/** The dimension the Bedrock runtime metrics are reported by model under. */
export const BEDROCK_MODEL_ID_DIMENSION = 'ModelId';

/**
 * The runtime metrics Amazon Bedrock publishes under `AWS/Bedrock` for the bedrock-runtime endpoint (Converse,
 * ConverseStream, InvokeModel, InvokeModelWithResponseStream), as the cited page lists them. `TimeToFirstToken` is named
 * on the page's companion "Diagnose InvocationLatency increases using output tokens per second (OTPS)"
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-otps.html), published only for the streaming
 * operations. `BedrockMonitoring` uses only the first seven.
 */
export const BEDROCK_RUNTIME_METRICS: readonly string[] = [
  'Invocations',
  'InvocationLatency',
  'InvocationClientErrors',
  'InvocationServerErrors',
  'InvocationThrottles',
  'InputTokenCount',
  'OutputTokenCount',
  'LegacyModelInvocations',
  'OutputImageCount',
  'TimeToFirstToken',
];

/** Source of {@link BEDROCK_RUNTIME_METRICS}. */
export const BEDROCK_RUNTIME_METRICS_SOURCE: MetricSource = {
  url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html',
  title: 'Monitor bedrock-runtime inference using CloudWatch metrics (Amazon Bedrock User Guide), table "Amazon Bedrock runtime metrics"',
  retrieved: '2026-12-07',
  note: 'Two revisions of the page are in circulation: one gives the unit SampleCount and calls Invocations "successful '
    + 'requests"; the newer one gives Count and says Invocations counts accepted requests including those that later '
    + 'failed, excluding throttled ones. BedrockMonitoring therefore alarms on counts (throttles, server and client '
    + 'errors) and a latency percentile, never on a ratio to Invocations. The page names the AWS/Bedrock namespace and '
    + 'per-model metrics but does not say which ModelId value a call through an inference profile is recorded under: '
    + 'public code that reads these metrics for profile calls queries the profile ID (e.g. Cloud Custodian\'s '
    + 'application-inference-profile test queries ModelId = inferenceProfileId after calling with the profile ARN). '
    + 'BedrockMonitoring watches the ID the invoker sends (for an ARN, its last path segment) and lets you override it '
    + '(BedrockMonitoringProps.serviceMetricsModelIds); the dashboard puts the invoker\'s own call count next to the '
    + 'service\'s, so a wrong value shows as an empty service graph.',
};

/**
 * The metrics every invoker handler emits in CloudWatch embedded metric format through Powertools for AWS Lambda
 * (lambda/shared/observability.ts), under the namespace in the function's `POWERTOOLS_METRICS_NAMESPACE` and the
 * Powertools `service` dimension from `POWERTOOLS_SERVICE_NAME`:
 * - with dimensions `service` + `ModelId`: `InputTokens`, `OutputTokens` (Count, when the response reports usage),
 *   `Latency` (Milliseconds, one sample per successful call), `EstimatedCostUSD` (when a USD price is configured and
 *   the response reports tokens), `Errors` (Count, a failure after the model configuration was read);
 * - with dimension `service` only: `Errors` for a failure before the model is known (invalid request, configuration
 *   not readable).
 */
export const INVOKER_METRICS = {
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  latency: 'Latency',
  estimatedCost: 'EstimatedCostUSD',
  errors: 'Errors',
} as const;

/** The Powertools service dimension of the invoker metrics. */
export const INVOKER_SERVICE_DIMENSION = 'service';

/** The model dimension of the invoker metrics (the model ID the handler sends to Bedrock). */
export const INVOKER_MODEL_ID_DIMENSION = 'ModelId';

/** Default namespace of the invoker metrics (InvokerOptions.metricsNamespace). */
export const DEFAULT_INVOKER_NAMESPACE = 'CdkBedrockFoundation';
