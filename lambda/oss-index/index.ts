/**
 * Custom resource handler that creates the vector index of an OpenSearch Serverless collection for a Bedrock Knowledge
 * Base, and deletes it on stack deletion. The function backs the resource directly: `onEvent` returns the result or
 * throws, and `handler` (lambda/shared/cfn-response.ts) answers CloudFormation with it.
 *
 * - Requests are SigV4-signed for the `aoss` service with the function's credentials (from the environment).
 * - Create retries the 403 that OpenSearch Serverless returns while a new data-access policy propagates, and
 *   transient errors (429, 5xx, network, per-request timeout), with bounded exponential backoff, then waits until
 *   the index is visible (HEAD 200). An index that already exists is accepted (a retried create).
 * - The physical ID names the endpoint, the index and a hash of the index body (`<endpoint>|<index>|<sha>`), and the
 *   hash is stored in the index's mapping `_meta` (`cdk_bedrock_foundation_body_sha256`). Any change of endpoint,
 *   index name or body is a new physical resource: Update creates the new index (a changed body under the same name
 *   replaces the index, since a knn_vector mapping cannot change in place) and returns the new ID, and CloudFormation
 *   deletes the old ID at cleanup. A rollback is the same Update with old and new swapped, so it succeeds the same way.
 * - Delete removes only the index this resource describes: when the index now under that name carries another body
 *   hash (a replacement under the same name, or its rollback, took the name), it is left alone. `Retain: 'true'`
 *   (removal policy RETAIN) keeps the index. Delete never fails: every error is logged and the stack deletion continues.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { clock } from '../shared/clock';
import { envInt, envString } from '../shared/env';
import { createLogger } from '../shared/log';
import { RetriesExhausted, retryUntilDeadline, type Attempt, type Backoff } from '../shared/retry';
import { customResourceHandler, type CustomResourceEvent } from '../shared/cfn-response';

export { setClock } from '../shared/clock';

const logger = createLogger('oss-index');

interface Props {
  readonly Endpoint: string;
  readonly IndexName: string;
  /** JSON of the index creation body: `{ settings, mappings }`. */
  readonly IndexBody: string;
  /** 'true' when the store's removal policy is RETAIN: Delete keeps the index. */
  readonly Retain?: string;
}

/** Mapping `_meta` key holding the SHA-256 of the IndexBody the index was created from. */
const META_KEY = 'cdk_bedrock_foundation_body_sha256';

interface CfnEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Props & { ServiceToken?: string };
  readonly OldResourceProperties?: Props;
}

interface LambdaContext { getRemainingTimeInMillis?: () => number }

interface Response { status: number; body: string }

/** Per-request timeout. */
const requestTimeoutMs = () => envInt('OSS_REQUEST_TIMEOUT_MS', 10_000, 1);
/** Upper bound on all retries of one operation (also capped by the Lambda's remaining time). */
const maxWaitMs = () => envInt('OSS_MAX_WAIT_MS', 5 * 60_000, 1);
/** First backoff delay; doubles up to OSS_RETRY_MAX_MS. */
const backoff = (): Backoff => ({ baseMs: envInt('OSS_RETRY_BASE_MS', 1_000, 1), maxMs: envInt('OSS_RETRY_MAX_MS', 16_000, 1), jitter: 'none' });

export async function onEvent(event: CfnEvent, context: LambdaContext = {}): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> {
  const props = event.ResourceProperties;
  const deadline = () => clock().now() + Math.min(maxWaitMs(), (context.getRemainingTimeInMillis?.() ?? Infinity) - 15_000);
  if (event.RequestType === 'Delete') {
    await deleteIndex(event, deadline);
    return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId(props) };
  }
  validate(props);
  const id = physicalId(props);
  const old = event.OldResourceProperties;
  const sameName = event.RequestType === 'Update' && old !== undefined && old.Endpoint === props.Endpoint && old.IndexName === props.IndexName;
  if (sameName && event.PhysicalResourceId && old?.IndexBody === props.IndexBody) {
    // The index is unchanged (only Retain, ServiceTimeout or the service token changed): same physical resource, kept
    // under its ID (an ID of an earlier version included), so CloudFormation sends no Delete for it.
    await putIndex(props, deadline());
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { IndexName: props.IndexName } };
  }
  // Create, or an Update to a new physical resource. Under the same name and endpoint the old index must go first.
  await createIndex(props, deadline(), sameName);
  return { PhysicalResourceId: id, Data: { IndexName: props.IndexName } };
}

function validate(props: Props) {
  if (!props.Endpoint || !/^https?:\/\//.test(props.Endpoint)) {
    throw new Error(`Endpoint '${props.Endpoint}' is not an http(s) URL of an OpenSearch Serverless collection.`);
  }
  if (!props.IndexName) throw new Error('IndexName is missing.');
  try {
    JSON.parse(props.IndexBody);
  } catch {
    throw new Error(`IndexBody is not valid JSON: ${String(props.IndexBody).slice(0, 100)}`);
  }
}

function bodySha(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

function physicalId(props: Props): string {
  return `${props.Endpoint}|${props.IndexName}|${bodySha(props.IndexBody).slice(0, 16)}`;
}

/** The creation body with the body hash in the mapping's `_meta`. */
function bodyWithMeta(props: Props): string {
  const body = JSON.parse(props.IndexBody) as { mappings?: { _meta?: Record<string, unknown> } };
  const mappings = body.mappings ?? {};
  return JSON.stringify({ ...body, mappings: { ...mappings, _meta: { ...mappings._meta, [META_KEY]: bodySha(props.IndexBody) } } });
}

/**
 * The body hash recorded in the live index: a string, `null` for an index without one (created before the hash was
 * recorded, or by someone else), `undefined` when there is no such index.
 */
async function liveBodySha(endpoint: string, name: string, deadline: number): Promise<string | null | undefined> {
  const r = await withRetries(`read the mapping of index ${name}`, deadline, async () => {
    const res = await signedRequest(endpoint, 'GET', `${indexPath(name)}/_mapping`);
    if ((res.status >= 200 && res.status < 300) || res.status === 404) return { done: true, value: res };
    if (isRetryable(res.status)) return { done: false, reason: `HTTP ${res.status}: ${res.body.slice(0, 300)}` };
    throw new Error(`Reading the mapping of index '${name}' failed with HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  });
  if (r.status === 404) return undefined;
  const parsed = JSON.parse(r.body) as Record<string, { mappings?: { _meta?: Record<string, unknown> } }>;
  const sha = Object.values(parsed)[0]?.mappings?._meta?.[META_KEY];
  return typeof sha === 'string' ? sha : null;
}

async function deleteIndexRequest(endpoint: string, name: string, deadline: number): Promise<void> {
  await withRetries(`delete index ${name}`, deadline, async () => {
    const r = await signedRequest(endpoint, 'DELETE', indexPath(name));
    if ((r.status >= 200 && r.status < 300) || r.status === 404) return { done: true, value: r };
    if (isRetryable(r.status)) return { done: false, reason: `HTTP ${r.status}` };
    throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 500)}`);
  });
}

function indexPath(name: string) {
  return `/${encodeURIComponent(name)}`;
}

async function createIndex(props: Props, deadline: number, replaceOther: boolean): Promise<void> {
  if (replaceOther) {
    const want = bodySha(props.IndexBody);
    const live = await liveBodySha(props.Endpoint, props.IndexName, deadline);
    if (live === want) {
      logger.info('index with this body already exists; accepting it', { index: props.IndexName });
      return;
    }
    if (live !== undefined) {
      // A knn_vector mapping cannot change in place: the index under this name is replaced (its vectors are derived
      // data that the next ingestion rebuilds).
      logger.warn('replacing the index under the same name: its body changed', { index: props.IndexName, live, want });
      await deleteIndexRequest(props.Endpoint, props.IndexName, deadline);
    }
  }
  await putIndex(props, deadline);
}

async function putIndex(props: Props, deadline: number): Promise<void> {
  const path = indexPath(props.IndexName);
  const body = bodyWithMeta(props);
  const res = await withRetries(`create index ${props.IndexName}`, deadline, async () => {
    const r = await signedRequest(props.Endpoint, 'PUT', path, body);
    if (r.status >= 200 && r.status < 300) return { done: true, value: r };
    if (r.status === 400 && r.body.includes('resource_already_exists_exception')) {
      logger.info('index already exists; accepting it', { index: props.IndexName });
      return { done: true, value: r };
    }
    if (isRetryable(r.status)) return { done: false, reason: `HTTP ${r.status}: ${r.body.slice(0, 300)}` };
    throw new Error(`Creating the vector index '${props.IndexName}' at ${props.Endpoint} failed with HTTP ${r.status}: `
      + `${r.body.slice(0, 1000)}`);
  });
  logger.info('index created', { index: props.IndexName, status: res.status });
  // Wait until the index is visible, so the Knowledge Base created next finds it.
  await withRetries(`wait for index ${props.IndexName}`, deadline, async () => {
    const r = await signedRequest(props.Endpoint, 'HEAD', path);
    if (r.status === 200) return { done: true, value: r };
    if (r.status === 404 || isRetryable(r.status)) return { done: false, reason: `HTTP ${r.status}` };
    throw new Error(`Checking the vector index '${props.IndexName}' failed with HTTP ${r.status}: ${r.body.slice(0, 500)}`);
  });
}

async function deleteIndex(event: CfnEvent, deadline: () => number): Promise<void> {
  const props = event.ResourceProperties;
  // Only delete what this resource created: the physical ID names endpoint and index (and, since the body hash is
  // recorded, the body; IDs of the form `<endpoint>|<index>` come from earlier versions).
  const prefix = `${props?.Endpoint}|${props?.IndexName}`;
  const pid = event.PhysicalResourceId ?? '';
  if (!props?.Endpoint || !props?.IndexName || (pid !== prefix && !pid.startsWith(`${prefix}|`))) {
    logger.info('delete: nothing to delete (resource was never created)', { physicalResourceId: event.PhysicalResourceId });
    return;
  }
  if (props.Retain === 'true') {
    logger.info('delete: the index is retained (removal policy RETAIN)', { index: props.IndexName });
    return;
  }
  try {
    const d = deadline();
    const live = await liveBodySha(props.Endpoint, props.IndexName, d);
    if (live === undefined) {
      logger.info('delete: the index is already gone', { index: props.IndexName });
      return;
    }
    if (live !== null && live !== bodySha(props.IndexBody)) {
      // Another body now lives under this name: a replacement under the same name (or its rollback) owns it.
      logger.info('delete: the index under this name belongs to its replacement; keeping it', { index: props.IndexName });
      return;
    }
    await deleteIndexRequest(props.Endpoint, props.IndexName, d);
    logger.info('index deleted', { index: props.IndexName });
  } catch (e) {
    // Never fail a stack deletion (not even on a malformed OSS_* setting): the collection is usually deleted right
    // after, taking the index with it.
    logger.warn('delete failed; continuing so the stack deletion is not blocked', { index: props.IndexName, error: String(e) });
  }
}

function isRetryable(status: number): boolean {
  // 403: the data-access policy has not propagated yet; 0: network error or timeout.
  return status === 0 || status === 403 || status === 429 || status >= 500;
}

/** Retries `fn` while it reports a retryable status, until the deadline; then fails naming the last error. */
async function withRetries<T>(what: string, deadline: number, fn: () => Promise<Attempt<T>>): Promise<T> {
  try {
    return await retryUntilDeadline({
      backoff: backoff(),
      deadline,
      onRetry: (r) => logger.info('retrying', { what, attempt: r.attempt, delayMs: r.delayMs, reason: r.reason }),
    }, fn);
  } catch (e) {
    if (!(e instanceof RetriesExhausted)) throw e;
    throw new Error(`Gave up on ${what} after ${e.attempts} attempts (time limit reached); last error: ${e.reason}. `
      + 'If this is HTTP 403, check that the data-access policy names this function\'s role.');
  }
}

async function signedRequest(endpoint: string, method: string, path: string, body?: string): Promise<Response> {
  const url = new URL(endpoint);
  const region = envString('AWS_REGION') ?? envString('AWS_DEFAULT_REGION');
  const accessKeyId = envString('AWS_ACCESS_KEY_ID');
  const secretAccessKey = envString('AWS_SECRET_ACCESS_KEY');
  if (!region || !accessKeyId || !secretAccessKey) {
    throw new Error('AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set to sign OpenSearch requests.');
  }
  const hash = new Sha256();
  hash.update(body ?? '');
  const contentSha = Buffer.from(await hash.digest()).toString('hex');
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path,
    headers: {
      'host': url.host,
      'content-type': 'application/json',
      'x-amz-content-sha256': contentSha,
      ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    },
    body,
  });
  const signer = new SignatureV4({
    service: 'aoss',
    region,
    credentials: { accessKeyId, secretAccessKey, sessionToken: envString('AWS_SESSION_TOKEN') },
    sha256: Sha256,
  });
  const signed = await signer.sign(request);
  return send(url, signed.method, path, signed.headers as Record<string, string>, body);
}

function send(url: URL, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise((resolve) => {
    const req = lib.request({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port || undefined,
      method,
      path,
      headers,
      timeout: requestTimeoutMs(),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: `response error: ${e.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out after ${requestTimeoutMs()} ms`)));
    req.on('error', (e) => resolve({ status: 0, body: `request error: ${e.message}` }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The Lambda handler: CloudFormation's request in, the response PUT to its ResponseURL (never throws). */
export const handler = customResourceHandler<CfnEvent & CustomResourceEvent>((event, context) => onEvent(event, context));
