import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Options shared by every invoker construct. */
export interface InvokerOptions {
  /**
   * Function timeout. The handler gives the configuration read and the Bedrock call (the SDK's retries included) the
   * remaining time minus 0.5 s and reports a `ConfigTimeout` error naming the SSM parameter, or a `Timeout` error naming
   * the model, when it runs out.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Function memory in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Total attempts per Bedrock call, first try included, made by the SDK's own retry strategy (exponential backoff
   * with full jitter from 250 ms, capped at 8 s) for throttling, service-unavailable, model-not-ready and 5xx errors.
   * A retry is made only if its backoff plus 0.5 s for the attempt fits in the remaining time; otherwise the last
   * error is reported (Throttled / UpstreamError with the attempt count).
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * Retention of the function's log group.
   * @default - the compliance envelope's `logRetention` (ComplianceEnvelope), else logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency of the function: at most this many invocations run at once, and they are always available to
   * it. It also caps the spend of a runaway caller (the cdk-nag compliance packs' LambdaConcurrency rule asks for it).
   * @default - the compliance envelope's `reservedConcurrentExecutions`, else none (the account's unreserved pool)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * CloudWatch namespace of the EMF metrics (InputTokens, OutputTokens, Latency, EstimatedCostUSD, Errors).
   * @default 'CdkBedrockFoundation'
   */
  readonly metricsNamespace?: string;
  /**
   * Powertools service name (the `service` key of every log line and the `service` metric dimension).
   * @default - the handler kind: 'text-invoker', 'embedding-invoker' or 'rag-invoker'
   */
  readonly serviceName?: string;
}

export const DEFAULT_TIMEOUT = Duration.seconds(60);
