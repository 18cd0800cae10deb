/**
 * The structured logger every handler uses: Powertools Logger (one JSON object per line with `level`, `message`,
 * `timestamp`, `service` and the given keys; INFO/DEBUG to stdout, WARN/ERROR to stderr). Its level follows
 * `POWERTOOLS_LOG_LEVEL` (or Lambda's advanced logging control `AWS_LAMBDA_LOG_LEVEL`), default INFO; the handler
 * tests load bundles with `POWERTOOLS_LOG_LEVEL=SILENT` unless they assert on logs.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ENV, envString } from './env';

/** The service name of logs and metrics: `POWERTOOLS_SERVICE_NAME` (set by the invoker constructs), else `defaultService`. */
export function serviceName(defaultService: string): string {
  return envString(ENV.POWERTOOLS_SERVICE_NAME) ?? defaultService;
}

/** The handler's logger, its `service` named by `serviceName(defaultService)`. */
export function createLogger(defaultService: string): Logger {
  return new Logger({ serviceName: serviceName(defaultService) });
}

/** The name, message, HTTP status and attempt count of an error (an AWS SDK error or any thrown value), for logs and messages. */
export function errorSummary(e: unknown): { name: string; message: string; status?: number; attempts?: number } {
  const err = (e ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  return { name: err.name ?? 'Error', message: err.message ?? String(e), status: err.$metadata?.httpStatusCode, attempts: err.$metadata?.attempts };
}
