/**
 * Turns a provider-style custom-resource handler (`onEvent(event, context)` returns `{ PhysicalResourceId, Data }`
 * or throws) into the handler of a Lambda-backed custom resource whose ServiceToken is the function's own ARN: it
 * answers CloudFormation itself, by PUTting the response object to the request's `ResponseURL`. This replaces the
 * aws-cdk-lib provider framework (its framework-onEvent function, role and log group per provider).
 *
 * What CloudFormation documents, and what this module does about it:
 * - "CloudFormation invokes your Lambda function asynchronously with an event that includes a callback URL" (Lambda
 *   Developer Guide, services-cloudformation.html). On an asynchronous invocation that returns an error, "by default
 *   Lambda attempts to run it two more times ... Function errors include errors returned by the function's code and
 *   errors returned by the function's runtime, such as timeouts" (invocation-async-error-handling.html). So the
 *   handler never throws (every outcome becomes a response), and the constructs set the function's asynchronous
 *   `MaximumRetryAttempts` to 0 ("between 0 and 2", invocation-async-configuring.html). The same page warns that a
 *   function may "receive the same event from Lambda multiple times": the wrapped handlers are idempotent per request.
 * - The response fields (CloudFormation User Guide, crpg-ref-responses.html): `Status` (SUCCESS or FAILED), `Reason`
 *   ("Required if Status is FAILED"), `PhysicalResourceId` ("can be up to 1 KB in size. The value must be a non-empty
 *   string"), `StackId`, `RequestId` and `LogicalResourceId` (copied from the request), `Data`, `NoEcho`; "The total
 *   size of the response body can't exceed 4096 bytes." The body is built to fit: Reason is shortened first; a
 *   SUCCESS whose Data alone does not fit becomes a FAILED naming the size.
 * - "If no response is received before the timeout period expires, the request is considered unsuccessful"
 *   (crpg-ref.html): the wrapper answers FAILED on its own `marginMs` before the function's timeout
 *   (context.getRemainingTimeInMillis), so a handler that runs too long fails with a reason instead of leaving the
 *   stack waiting for the resource's ServiceTimeout.
 * - A failed Create gets the physical ID `cdk-bedrock-foundation::CREATE_FAILED::<RequestId>`; the Delete the stack's
 *   rollback then sends for it is answered SUCCESS here without calling the handler (the provider framework did the
 *   same with `AWSCDK::CustomResourceProviderFramework::CREATE_FAILED`, which is recognized too).
 * - The response is a PUT of JSON to a presigned S3 URL with an empty Content-Type (cfn-response module,
 *   cfn-lambda-function-code-cfnresponsemodule.html); network errors, timeouts and 5xx are retried a few times with
 *   backoff while the function has time left.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { clock } from './clock';
import { createLogger, errorSummary } from './log';

const logger = createLogger('cfn-response');

/** A CloudFormation custom-resource request (crpg-ref.html, request objects). */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly ResponseURL: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, any>;
  readonly OldResourceProperties?: Record<string, any>;
}

/** What the wrapper reads of the Lambda context. */
export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
  readonly invokedFunctionArn?: string;
}

/** What a provider-style handler returns (as for the aws-cdk-lib provider framework). */
export interface ProviderResult {
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, unknown>;
  readonly NoEcho?: boolean;
}

/**
 * Returned by a handler that has handed the request on (kb-sync: to a fresh invocation of the same function, which
 * answers later): the wrapper sends no response now.
 */
export const RESPONSE_DEFERRED: unique symbol = Symbol('cdk-bedrock-foundation.response-deferred');

export type ProviderHandler<E> = (event: E, context: LambdaContextLike) => Promise<ProviderResult | typeof RESPONSE_DEFERRED | undefined | void>;

/** Prefix of the physical ID this module gives a Create that failed. */
export const CREATE_FAILED_PREFIX = 'cdk-bedrock-foundation::CREATE_FAILED::';
/** The provider framework's physical ID of a failed Create (aws-cdk-lib custom-resources). */
export const FRAMEWORK_CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/** Whether `id` is the physical ID of a Create that failed (ours or the provider framework's). */
export function isFailedCreateId(id: string | undefined): boolean {
  return id !== undefined && (id.startsWith(CREATE_FAILED_PREFIX) || id === FRAMEWORK_CREATE_FAILED);
}

/** The documented limit of the response body (crpg-ref-responses.html). */
export const MAX_RESPONSE_BYTES = 4096;
/** The documented limit of a physical ID ("up to 1 KB"). */
export const MAX_PHYSICAL_ID_BYTES = 1024;

export interface ResponseBody {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, unknown>;
  NoEcho?: boolean;
}

export interface CustomResourceOptions {
  /**
   * The wrapper answers FAILED when the function has this much time left and the handler has not finished: time to
   * PUT the response. Keep it below the handlers' own safety margins, so that their messages win.
   * @default 5000
   */
  readonly marginMs?: number;
}

/** The physical ID a failed request answers with. */
function failedPhysicalId(event: CustomResourceEvent): string {
  if (event.RequestType !== 'Create' && event.PhysicalResourceId) return event.PhysicalResourceId;
  return `${CREATE_FAILED_PREFIX}${event.RequestId}`;
}

/**
 * The JSON body of a response, within MAX_RESPONSE_BYTES: Reason is shortened (keeping its start) until it fits;
 * when Data alone makes a SUCCESS too large, the answer becomes a FAILED that says so.
 */
export function responseBody(event: CustomResourceEvent, outcome:
  | { status: 'SUCCESS'; physicalResourceId: string; data?: Record<string, unknown>; noEcho?: boolean }
  | { status: 'FAILED'; physicalResourceId: string; reason: string }): string {
  const base = {
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId,
  };
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  if (outcome.status === 'SUCCESS') {
    const body: ResponseBody = { Status: 'SUCCESS', PhysicalResourceId: outcome.physicalResourceId, ...base,
      ...(outcome.data ? { Data: outcome.data } : {}), ...(outcome.noEcho ? { NoEcho: true } : {}) };
    const json = JSON.stringify(body);
    if (bytes(json) <= MAX_RESPONSE_BYTES) return json;
    return responseBody(event, { status: 'FAILED', physicalResourceId: event.RequestType === 'Create' ? failedPhysicalId(event) : outcome.physicalResourceId,
      reason: `The handler's response Data is ${bytes(JSON.stringify(outcome.data ?? {}))} bytes of JSON; a custom resource `
        + `response must stay within ${MAX_RESPONSE_BYTES} bytes (CloudFormation). This is a bug of cdk-bedrock-foundation: report it.` });
  }
  const original = outcome.reason || 'Failed (no reason given)';
  const make = (r: string) => JSON.stringify({ Status: 'FAILED', Reason: r, PhysicalResourceId: outcome.physicalResourceId, ...base } as ResponseBody);
  const suffix = ' ... (truncated; the full text is in the function\'s log)';
  let json = make(original);
  // Cut at least the excess (plus the suffix) more of the original each round: always progresses, keeps the start.
  let keep = original.length;
  while (bytes(json) > MAX_RESPONSE_BYTES && keep > 0) {
    keep = Math.max(0, keep - (bytes(json) - MAX_RESPONSE_BYTES) - suffix.length);
    json = make(`${original.slice(0, keep)}${suffix}`);
  }
  return json;
}

/** Attempts of the PUT. */
const PUT_ATTEMPTS = 5;
/** Per-attempt timeout of the PUT (real socket time). */
const PUT_TIMEOUT_MS = 10_000;

/** One PUT of `body` to `url`; resolves with the HTTP status, rejects on a network error or timeout. */
function put(url: string, body: string): Promise<number> {
  const u = new URL(url);
  const lib = u.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(u, {
      method: 'PUT',
      // The presigned URL is signed without a content type: send an empty one (as the cfn-response module does).
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: PUT_TIMEOUT_MS,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PUT_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * PUTs the response, retrying network errors, timeouts and 5xx (1, 2, 4, 8 s apart) while `remainingMs()` leaves
 * time. Never throws: returns whether CloudFormation's URL accepted the response.
 */
export async function sendResponse(url: string, body: string, remainingMs: () => number = () => Infinity): Promise<boolean> {
  for (let attempt = 1; attempt <= PUT_ATTEMPTS; attempt++) {
    try {
      const status = await put(url, body);
      if (status >= 200 && status < 300) return true;
      logger.error('the response URL refused the response', { status, attempt });
      if (status < 500) return false;
    } catch (e) {
      logger.error('could not send the response', { attempt, error: errorSummary(e) });
    }
    const delay = 1000 * 2 ** (attempt - 1);
    if (attempt === PUT_ATTEMPTS || remainingMs() < delay + 1000) break;
    await clock().sleep(delay);
  }
  return false;
}

/** Sends the response to `event.ResponseURL`. Never throws. */
export async function respond(event: CustomResourceEvent, body: string, context: LambdaContextLike): Promise<boolean> {
  const sent = await sendResponse(event.ResponseURL, body, () => context.getRemainingTimeInMillis?.() ?? Infinity);
  const parsed = JSON.parse(body) as ResponseBody;
  (sent ? logger.info : logger.error).call(logger, sent ? 'response sent' : 'response NOT sent: CloudFormation waits for the ServiceTimeout', {
    status: parsed.Status, physicalResourceId: parsed.PhysicalResourceId, reason: parsed.Reason,
  });
  return sent;
}

/** The message of a thrown value. */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The Lambda handler of a custom resource backed directly by this function. `onEvent` is called once per request
 * (not for the Delete of a failed Create); its result is the SUCCESS response, a thrown error the FAILED one.
 */
export function customResourceHandler<E extends CustomResourceEvent>(onEvent: ProviderHandler<E>, options: CustomResourceOptions = {})
  : (event: E, context?: LambdaContextLike) => Promise<void> {
  const marginMs = options.marginMs ?? 5_000;
  return async (event: E, context: LambdaContextLike = {}) => {
    try {
      if (!event || typeof event.ResponseURL !== 'string') {
        logger.error('not a CloudFormation custom-resource request (no ResponseURL); nothing to answer', { keys: Object.keys(event ?? {}) });
        return;
      }
      if (event.RequestType === 'Delete' && isFailedCreateId(event.PhysicalResourceId)) {
        logger.info('Delete of a resource whose Create failed: nothing to delete', { physicalResourceId: event.PhysicalResourceId });
        await respond(event, responseBody(event, { status: 'SUCCESS', physicalResourceId: event.PhysicalResourceId! }), context);
        return;
      }
      const body = await run(onEvent, event, context, marginMs);
      if (body !== undefined) await respond(event, body, context);
    } catch (e) {
      // Only a bug of this module gets here; CloudFormation still gets an answer.
      logger.error('unexpected error answering the request', { error: errorSummary(e) });
      try {
        await respond(event, responseBody(event, { status: 'FAILED', physicalResourceId: failedPhysicalId(event), reason: `Internal error: ${messageOf(e)}` }), context);
      } catch { /* never throw */ }
    }
  };
}

/** Runs the handler against the function's clock; returns the response body, or undefined when deferred. */
async function run<E extends CustomResourceEvent>(onEvent: ProviderHandler<E>, event: E, context: LambdaContextLike, marginMs: number): Promise<string | undefined> {
  const remaining = context.getRemainingTimeInMillis?.();
  let cancel: () => void = () => undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (remaining === undefined) return;
    cancel = clock().setTimer(Math.max(0, remaining - marginMs), () => resolve('timeout'));
  });
  const work = Promise.resolve().then(() => onEvent(event, context));
  work.catch(() => undefined); // a late failure after the timeout answer must not be unhandled
  try {
    const result = await Promise.race([work, timedOut]);
    if (result === 'timeout') {
      logger.error('the handler did not finish before the function timeout; answering FAILED', { remainingMs: remaining, marginMs });
      return responseBody(event, { status: 'FAILED', physicalResourceId: failedPhysicalId(event),
        reason: `${event.ResourceType ?? 'The custom resource'} ${event.RequestType} did not finish within its Lambda function's `
          + `timeout (${Math.round((remaining ?? 0) / 1000)} s left at the start); see the function's log. Retry the deployment.` });
    }
    if (result === RESPONSE_DEFERRED) return undefined;
    const r = (result ?? {}) as ProviderResult;
    const physicalResourceId = r.PhysicalResourceId || event.PhysicalResourceId || event.RequestId;
    if (Buffer.byteLength(physicalResourceId) > MAX_PHYSICAL_ID_BYTES) {
      return responseBody(event, { status: 'FAILED', physicalResourceId: failedPhysicalId(event),
        reason: `The handler returned a physical ID of ${Buffer.byteLength(physicalResourceId)} bytes; CloudFormation allows `
          + `${MAX_PHYSICAL_ID_BYTES}. This is a bug of cdk-bedrock-foundation: report it.` });
    }
    return responseBody(event, { status: 'SUCCESS', physicalResourceId, data: r.Data, noEcho: r.NoEcho });
  } catch (e) {
    logger.error(`${event.RequestType} failed`, { error: errorSummary(e) });
    return responseBody(event, { status: 'FAILED', physicalResourceId: failedPhysicalId(event), reason: messageOf(e) });
  } finally {
    cancel();
  }
}
