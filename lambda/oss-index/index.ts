/**
 * Custom resource handler (cr.Provider onEvent) that creates the vector index of an OpenSearch Serverless collection
 * for a Bedrock Knowledge Base, and deletes it on stack deletion.
 *
 * - Requests are SigV4-signed for the `aoss` service with the function's credentials (from the environment).
 * - Create retries the 403 that OpenSearch Serverless returns while a new data-access policy propagates, and
 *   transient errors (429, 5xx, network, per-request timeout), with bounded exponential backoff, then waits until
 *   the index is visible (HEAD 200). An index that already exists is accepted (a retried create).
 * - Update with a new endpoint or index name creates the new index (CloudFormation then deletes the old one);
 *   an unchanged name with a changed body fails with a message (a knn_vector mapping cannot change in place).
 * - Delete never fails: every error is logged and the stack deletion continues.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { clock } from '../shared/clock';
import { envInt, envString } from '../shared/env';
import { createLogger } from '../shared/log';
import { RetriesExhausted, retryUntilDeadline, type Attempt, type Backoff } from '../shared/retry';

export { setClock } from '../shared/clock';

const logger = createLogger('oss-index');

interface Props {
  readonly Endpoint: string;
  readonly IndexName: string;
  /** JSON of the index creation body: `{ settings, mappings }`. */
  readonly IndexBody: string;
}

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

export async function handler(event: CfnEvent, context: LambdaContext = {}): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> {
  const props = event.ResourceProperties;
  const deadline = () => clock().now() + Math.min(maxWaitMs(), (context.getRemainingTimeInMillis?.() ?? Infinity) - 15_000);
  if (event.RequestType === 'Delete') {
    await deleteIndex(event, deadline);
    return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId(props) };
  }
  validate(props);
  const id = physicalId(props);
  if (event.RequestType === 'Update' && event.PhysicalResourceId === id && event.OldResourceProperties
    && event.OldResourceProperties.IndexBody !== props.IndexBody) {
    throw new Error(`The vector index '${props.IndexName}' already exists and its settings or mappings changed (for `
      + 'example the vector dimension); an OpenSearch knn_vector mapping cannot be changed in place. Give the vector '
      + 'store a new indexName so a new index is created (the old one is then deleted).');
  }
  await createIndex(props, deadline());
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

function physicalId(props: Props): string {
  return `${props.Endpoint}|${props.IndexName}`;
}

function indexPath(name: string) {
  return `/${encodeURIComponent(name)}`;
}

async function createIndex(props: Props, deadline: number): Promise<void> {
  const path = indexPath(props.IndexName);
  const res = await withRetries(`create index ${props.IndexName}`, deadline, async () => {
    const r = await signedRequest(props.Endpoint, 'PUT', path, props.IndexBody);
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
  // Only delete what this resource created: the physical ID names endpoint and index.
  if (!props?.Endpoint || !props?.IndexName || event.PhysicalResourceId !== physicalId(props)) {
    logger.info('delete: nothing to delete (resource was never created)', { physicalResourceId: event.PhysicalResourceId });
    return;
  }
  try {
    await withRetries(`delete index ${props.IndexName}`, deadline(), async () => {
      const r = await signedRequest(props.Endpoint, 'DELETE', indexPath(props.IndexName));
      if ((r.status >= 200 && r.status < 300) || r.status === 404) return { done: true, value: r };
      if (isRetryable(r.status)) return { done: false, reason: `HTTP ${r.status}` };
      throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 500)}`);
    });
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
