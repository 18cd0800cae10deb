import { ENV, envString } from './env';
import { requestState } from './request-scope';

/**
 * Errors returned by the invoker handlers.
 *
 * Every error carries a stable `code` (also used as the error `name`, which the Lambda runtime reports as
 * `errorType`), an HTTP-style `statusCode` (used by the Function URL handler), the offending `field` for input
 * errors and the `modelId` for Bedrock errors. Nothing is swallowed: the SDK error is kept as `cause`.
 */
export class InvokerError extends Error {
  public readonly code: string;
  public readonly statusCode: number;
  public readonly field?: string;
  public readonly modelId?: string;
  public readonly attempts?: number;

  constructor(code: string, statusCode: number, message: string,
    details: { field?: string; modelId?: string; attempts?: number; cause?: unknown } = {}) {
    // The Lambda Node.js runtime reports only errorType (the name), errorMessage and the stack of a thrown error, so
    // the message itself must carry the field and the model ID: a direct invoker never sees `field`/`modelId`.
    let text = message;
    if (details.field !== undefined && !text.includes(details.field)) text += ` (field "${details.field}")`;
    if (details.modelId !== undefined && !text.includes(details.modelId)) text += ` (model ${details.modelId})`;
    super(text, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = code;
    this.code = code;
    this.statusCode = statusCode;
    this.field = details.field;
    this.modelId = details.modelId;
    this.attempts = details.attempts;
  }

  /** The structured body returned to Function URL callers (and logged). */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.modelId !== undefined ? { modelId: this.modelId } : {}),
      ...(this.attempts !== undefined ? { attempts: this.attempts } : {}),
    };
  }
}

/** The configuration read (SSM) did not finish before the deadline; names the parameter and what to check. */
export function configTimeout(budgetMs: number | undefined): InvokerError {
  const name = envString(ENV.MODEL_CONFIG_PARAMETER) ?? `(${ENV.MODEL_CONFIG_PARAMETER} not set)`;
  // The same code as the config helper's own SSM request timeout (lambda/shared/model-config.ts), so callers see one code.
  return new InvokerError('ConfigTimeout', 504,
    `Reading the model configuration from SSM parameter ${name} did not finish within the function's remaining time${budgetMs !== undefined ? ` (${budgetMs} ms)` : ''}. Check that the function can reach the SSM endpoint (in a VPC: an SSM interface endpoint or a NAT gateway), or raise the function timeout.`);
}

interface SdkLikeError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

/** Node.js network error codes: the connection failed, no (complete) reply was received. */
const CONNECTION_CODES = /^(ERR_HTTP2_|ECONNRESET$|ECONNREFUSED$|EPIPE$|ETIMEDOUT$|ENOTFOUND$|EAI_AGAIN$|EHOSTUNREACH$|ENETUNREACH$|ECONNABORTED$)/;

/** What @smithy/eventstream-codec throws for a frame it cannot decode (bad checksum, bad length, bad header). */
const EVENT_STREAM_DECODE = /checksum|message length|event stream message|header (?:type|value)|Unrecognized|Unsupported/i;

/** The first line of an SDK error message, without the SDK's "Deserialization error: ... $response" hint. */
function firstLine(message: string | undefined): string {
  return (message ?? '').split('\n')[0].trim();
}

/**
 * Maps an error thrown while calling (or reading the reply of) an AWS SDK operation to an InvokerError that names the
 * model and says what to do: the one mapping every invoker uses, for Converse, ConverseStream, InvokeModel, Retrieve
 * and RetrieveAndGenerate. In order:
 * 1. once the current request's deadline has passed (lambda/shared/request-scope.ts), anything but a client error is
 *    `Timeout` (504) naming the budget, whatever part of the reply had arrived: a body cut off by the deadline is not
 *    the model's fault;
 * 2. the SDK's modelled errors by name (Throttled, UpstreamError, ModelValidationError, ...);
 * 3. a reply that really cannot be read: a 2xx body the SDK could not deserialize (not JSON, `null`, truncated) or an
 *    event-stream frame that cannot be decoded (bad checksum) is `MalformedModelResponse` (502);
 * 4. a connection that failed (HTTP/2 stream reset, ECONNRESET, ...) is `UpstreamError` (502) saying so;
 * 5. an unmodelled 5xx is `UpstreamError`, an unmodelled 4xx `ModelRequestError` with its status.
 * `operation` names what was called ("Converse", "RetrieveAndGenerate (... with knowledge base KB123)").
 */
export function fromSdkError(error: unknown, modelId: string, operation: string, deadlineMs?: number): InvokerError {
  const scope = requestState();
  const budgetMs = deadlineMs ?? scope?.budgetMs;
  const e = (error ?? {}) as SdkLikeError & { code?: string };
  const attempts = e.$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const details = { modelId, attempts, cause: error };
  const timeout = () => new InvokerError('Timeout', 504,
    `Bedrock did not answer ${operation} for model ${modelId} within the function's remaining time${budgetMs !== undefined ? ` (${budgetMs} ms)` : ''}${tries}. Raise the function timeout or lower maxTokens.`, details);
  if (scope?.signal?.aborted && !(error instanceof InvokerError && error.statusCode < 500)) return timeout();
  if (error instanceof InvokerError) return error;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const detail = e.message ? `: ${firstLine(e.message)}` : '';
  switch (name) {
    case 'ValidationException':
      return new InvokerError('ModelValidationError', 400,
        `Bedrock rejected the ${operation} request for model ${modelId}${detail}. Check the request and the inference parameters in the model configuration.`, details);
    case 'AccessDeniedException':
      return new InvokerError('ModelAccessDenied', 403,
        `Access denied calling ${operation} on model ${modelId}${detail}. Check that the function role is granted this model (ModelInvoker grants it at deploy), that no SCP denies it, and that the account has model access (Anthropic first-use form, Marketplace subscription permissions).`, details);
    case 'ResourceNotFoundException':
      return new InvokerError('ModelNotFound', 404,
        `${operation} target not found for model ${modelId}${detail}. Check the model ID or ARN and that the model is offered in this Region.`, details);
    case 'ThrottlingException':
    case 'TooManyRequestsException':
    case 'ServiceQuotaExceededException':
      return new InvokerError('Throttled', 429,
        `Bedrock throttled ${operation} for model ${modelId}${tries}${detail}. Lower the request rate or raise the account quota.`, details);
    case 'ModelNotReadyException':
      return new InvokerError('ModelNotReady', 503, `Model ${modelId} was not ready${tries}${detail}.`, details);
    case 'ServiceUnavailableException':
    case 'InternalServerException':
    case 'ModelTimeoutException':
    case 'ModelErrorException':
    case 'ModelStreamErrorException':
    case 'DependencyFailedException':
    case 'BadGatewayException':
      return new InvokerError('UpstreamError', 502, `Bedrock failed ${operation} for model ${modelId}${tries} (${name}${status ? ` ${status}` : ''})${detail}.`, details);
    case 'AbortError':
      return timeout();
    case 'TimeoutError':
      return new InvokerError('Timeout', 504, `Bedrock ${operation} for model ${modelId} timed out${tries}${detail}.`, details);
    default:
      break;
  }
  const deserialization = name === 'SyntaxError' || (error !== null && typeof error === 'object' && ('$response' in error || '$responseBodyText' in error));
  if (deserialization && (status === undefined || status < 300)) {
    // The SDK's deserializer failed on a successful reply (not JSON, `null`, truncated). Unmodelled error replies
    // (4xx/5xx) keep their status-based codes below.
    return new InvokerError('MalformedModelResponse', 502,
      `Model ${modelId} returned a ${operation} response that could not be parsed${detail ? ` (${detail.slice(2)})` : ''}; the answer may be truncated or not JSON.`, details);
  }
  if (status === undefined && name === 'Error' && e.code === undefined && EVENT_STREAM_DECODE.test(e.message ?? '')) {
    return new InvokerError('MalformedModelResponse', 502,
      `Model ${modelId} returned a ${operation} event stream that could not be parsed (${firstLine(e.message)}); the answer is incomplete.`, details);
  }
  if (e.code !== undefined && CONNECTION_CODES.test(e.code)) {
    return new InvokerError('UpstreamError', 502,
      `The connection to Bedrock failed during ${operation} for model ${modelId}${tries} (${e.code}${detail}): the connection was reset or closed before a complete reply. `
      + 'Only a stream the server refused before processing it (REFUSED_STREAM) is retried automatically: otherwise the model may have processed the request; retry it if that is acceptable.', details);
  }
  if (status !== undefined && status >= 500) {
    return new InvokerError('UpstreamError', 502, `Bedrock failed ${operation} for model ${modelId}${tries} (${name} ${status})${detail}.`, details);
  }
  if (status !== undefined && status >= 400) {
    return new InvokerError('ModelRequestError', status, `Bedrock refused ${operation} for model ${modelId} (${name} ${status})${detail}.`, details);
  }
  return new InvokerError('UpstreamError', 502, `Calling ${operation} for model ${modelId} failed (${name})${detail}.`, details);
}
