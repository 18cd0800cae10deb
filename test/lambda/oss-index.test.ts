/**
 * The bundled oss-index handler (assets/handlers/oss-index/index.js) against a fake OpenSearch Serverless endpoint
 * on 127.0.0.1 that verifies SigV4 signatures.
 */
import { ossIndexBody } from '../../lib/knowledge-base/vector-store';
import { FakeOpenSearch } from '../utils/fake-opensearch';
import { fakeAwsEnv, loadBundledHandler as loadBundle, setEnv } from '../utils/bundled-handler';
import { useVirtualClock, type VirtualClock } from '../utils/virtual-clock';

// Each test loads the bundle afresh with a virtual clock: the waits between retries take no real time, and the number
// of attempts before OSS_MAX_WAIT_MS depends only on the backoff (5, 10, 20, 20 ... ms). Per-request timeouts
// (OSS_REQUEST_TIMEOUT_MS) are real socket timeouts.
let clock: VirtualClock;
// `onEvent` is the handler's logic (result or thrown failure); the Lambda entry point `handler` wraps it in the
// CloudFormation response protocol (lambda/shared/cfn-response.ts, driven in test/lifecycle).
function loadBundledHandler(name: 'oss-index') {
  const mod = loadBundle(name);
  clock = useVirtualClock(mod);
  return { ...mod, handler: mod.onEvent };
}

const env = fakeAwsEnv();
let fake: FakeOpenSearch;
let restore: () => void;

const body = JSON.stringify(ossIndexBody({
  dimensions: 512,
  vectorField: 'bedrock-knowledge-base-default-vector',
  textField: 'AMAZON_BEDROCK_TEXT_CHUNK',
  metadataField: 'AMAZON_BEDROCK_METADATA',
  spaceType: 'l2',
  m: 16,
  efConstruction: 512,
  efSearch: 512,
}));

function props(overrides: Record<string, string> = {}) {
  return { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', Endpoint: fake.url, IndexName: 'kb-index', IndexBody: body, ...overrides };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function event(requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}) {
  return { RequestType: requestType, ResourceProperties: props(), ...extra } as any;
}

beforeAll(async () => {
  fake = await FakeOpenSearch.start({
    accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, region: env.AWS_REGION!,
  });
});
afterAll(async () => { await fake.close(); });
beforeEach(() => {
  fake.reset();
  restore = setEnv({ ...env, OSS_RETRY_BASE_MS: '5', OSS_RETRY_MAX_MS: '20', OSS_REQUEST_TIMEOUT_MS: '300', OSS_MAX_WAIT_MS: '3000' });
});
afterEach(() => { restore(); });

describe('oss-index handler', () => {
  test('creates the index with the explicit faiss/hnsw mapping, signed for aoss', async () => {
    const { handler } = loadBundledHandler('oss-index');
    const res = await handler(event('Create'));
    // The physical ID names endpoint, index and the body's hash; the hash is also kept in the mapping's _meta.
    expect(res).toEqual({ PhysicalResourceId: expect.stringMatching(new RegExp(`^${escape(fake.url)}\\|kb-index\\|[0-9a-f]{16}$`)), Data: { IndexName: 'kb-index' } });
    const created = fake.indexes.get('kb-index');
    expect(created.mappings._meta.cdk_bedrock_foundation_body_sha256).toMatch(new RegExp(`^${res.PhysicalResourceId.split('|')[2]}[0-9a-f]{48}$`));
    expect(created.mappings.properties['bedrock-knowledge-base-default-vector']).toEqual({
      type: 'knn_vector',
      dimension: 512,
      method: { name: 'hnsw', engine: 'faiss', space_type: 'l2', parameters: { m: 16, ef_construction: 512 } },
    });
    expect(created.settings.index).toEqual({ 'knn': true, 'knn.algo_param.ef_search': 512 });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /kb-index', 'HEAD /kb-index']);
    for (const r of fake.requests) {
      expect(r.signatureValid).toBe(true);
      expect(r.credentialScope).toMatch(/^\d{8}\/us-east-1\/aoss\/aws4_request$/);
    }
  });

  test('the fake rejects a request whose signature does not verify (the check can fail)', async () => {
    const { handler } = loadBundledHandler('oss-index');
    const restoreKey = setEnv({ AWS_SECRET_ACCESS_KEY: 'a-different-secret', OSS_MAX_WAIT_MS: '60' });
    try {
      await expect(handler(event('Create'))).rejects.toThrow(/Gave up on create index kb-index .*HTTP 403/);
    } finally { restoreKey(); }
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => !r.signatureValid)).toBe(true);
    expect(fake.indexes.size).toBe(0);
  });

  test('retries the 403 of a propagating data-access policy, then succeeds', async () => {
    fake.forbidNext(3);
    const { handler } = loadBundledHandler('oss-index');
    await handler(event('Create'));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /kb-index', 'PUT /kb-index', 'PUT /kb-index', 'PUT /kb-index', 'HEAD /kb-index',
    ]);
    expect(fake.indexes.has('kb-index')).toBe(true);
    expect(clock.sleeps).toEqual([5, 10, 20]); // doubling from OSS_RETRY_BASE_MS, capped at OSS_RETRY_MAX_MS
  });

  test('gives up on a 403 that never clears, within the bounded wait, with a message', async () => {
    fake.forbidNext(10_000);
    const { handler } = loadBundledHandler('oss-index');
    setEnv({ OSS_MAX_WAIT_MS: '100' });
    await expect(handler(event('Create'))).rejects.toThrow(/Gave up on create index kb-index after \d+ attempts .*HTTP 403.*data-access policy/s);
    // 5 + 10 + 20 + 20 + 20 + 20 = 95 ms of waits fit in 100 ms; one more (20 ms) would not.
    expect(clock.sleeps).toEqual([5, 10, 20, 20, 20, 20]);
    expect(fake.requests).toHaveLength(7);
  });

  test('a malformed OSS_* setting fails a Create, naming it, but never a Delete', async () => {
    const { handler } = loadBundledHandler('oss-index');
    setEnv({ OSS_MAX_WAIT_MS: 'soon' });
    await expect(handler(event('Create'))).rejects.toThrow('Environment variable OSS_MAX_WAIT_MS must be a whole number >= 1, got "soon"; set a whole number, or unset it for the default (300000).');
    fake.indexes.set('kb-index', {});
    await expect(handler(event('Delete', { PhysicalResourceId: `${fake.url}|kb-index` }))).resolves.toEqual({ PhysicalResourceId: `${fake.url}|kb-index` });
    expect(fake.requests).toHaveLength(0);
  });

  test('accepts an index that already exists (a retried create)', async () => {
    fake.indexes.set('kb-index', { existing: true });
    const { handler } = loadBundledHandler('oss-index');
    const res = await handler(event('Create'));
    expect(res.PhysicalResourceId.startsWith(`${fake.url}|kb-index|`)).toBe(true);
    expect(fake.indexes.get('kb-index')).toEqual({ existing: true });
  });

  test('fails at once on a non-retryable error, naming status and body', async () => {
    fake.failNext(400, '{"error":{"type":"mapper_parsing_exception","reason":"bad mapping"}}');
    const { handler } = loadBundledHandler('oss-index');
    await expect(handler(event('Create'))).rejects.toThrow(/Creating the vector index 'kb-index' at .* failed with HTTP 400: .*mapper_parsing_exception/);
    expect(fake.requests).toHaveLength(1);
  });

  test('a request that never answers times out and is retried', async () => {
    fake.stallNext(1);
    const { handler } = loadBundledHandler('oss-index');
    await handler(event('Create'));
    expect(fake.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'HEAD']);
    expect(fake.indexes.has('kb-index')).toBe(true);
  });

  test('update with a changed body under the same name is a new physical resource: the index is replaced', async () => {
    // Formerly this Update failed, and so did CloudFormation's rollback Update (the same check with old and new
    // swapped): UPDATE_ROLLBACK_FAILED. test/lifecycle/oss-index.lifecycle.test.ts drives the whole sequence.
    const { handler } = loadBundledHandler('oss-index');
    const old = props({ IndexBody: body.replace('"dimension":512', '"dimension":1024') });
    const created = await handler({ RequestType: 'Create', ResourceProperties: old });
    const res = await handler(event('Update', { PhysicalResourceId: created.PhysicalResourceId, OldResourceProperties: old }));
    expect(res.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
    expect(fake.indexes.get('kb-index').mappings.properties['bedrock-knowledge-base-default-vector'].dimension).toBe(512);
    // CloudFormation's cleanup Delete of the old physical ID leaves the new index alone.
    await handler({ RequestType: 'Delete', PhysicalResourceId: created.PhysicalResourceId, ResourceProperties: old });
    expect(fake.indexes.has('kb-index')).toBe(true);
  });

  test('update with a new index name creates the new index and returns a new physical ID', async () => {
    const { handler } = loadBundledHandler('oss-index');
    const e = { RequestType: 'Update', PhysicalResourceId: `${fake.url}|kb-index`, ResourceProperties: props({ IndexName: 'kb-index-2' }), OldResourceProperties: props() };
    const res = await handler(e);
    expect(res.PhysicalResourceId.startsWith(`${fake.url}|kb-index-2|`)).toBe(true);
    expect(fake.indexes.has('kb-index-2')).toBe(true);
  });

  test('delete removes the index', async () => {
    fake.indexes.set('kb-index', {});
    const { handler } = loadBundledHandler('oss-index');
    await handler(event('Delete', { PhysicalResourceId: `${fake.url}|kb-index` }));
    expect(fake.indexes.has('kb-index')).toBe(false);
    expect(fake.requests[0].signatureValid).toBe(true);
  });

  test('delete never fails: missing index, server error, unreachable endpoint, never-created resource', async () => {
    const { handler } = loadBundledHandler('oss-index');
    await expect(handler(event('Delete', { PhysicalResourceId: `${fake.url}|kb-index` }))).resolves.toEqual({ PhysicalResourceId: `${fake.url}|kb-index` });
    fake.failNext(400, '{"error":"nope"}');
    fake.indexes.set('kb-index', {});
    await expect(handler(event('Delete', { PhysicalResourceId: `${fake.url}|kb-index` }))).resolves.toBeDefined();
    const gone = { RequestType: 'Delete', PhysicalResourceId: 'http://127.0.0.1:1|kb-index', ResourceProperties: props({ Endpoint: 'http://127.0.0.1:1' }) };
    setEnv({ OSS_MAX_WAIT_MS: '50' });
    await expect(handler(gone)).resolves.toEqual({ PhysicalResourceId: 'http://127.0.0.1:1|kb-index' });
    const before = fake.requests.length;
    await expect(handler(event('Delete', { PhysicalResourceId: 'some-failed-create-id' }))).resolves.toEqual({ PhysicalResourceId: 'some-failed-create-id' });
    expect(fake.requests.length).toBe(before);
  });

  test('rejects an endpoint that is not a URL', async () => {
    const { handler } = loadBundledHandler('oss-index');
    await expect(handler({ RequestType: 'Create', ResourceProperties: props({ Endpoint: 'abc.aoss.amazonaws.com' }) }))
      .rejects.toThrow(/Endpoint 'abc.aoss.amazonaws.com' is not an http\(s\) URL/);
  });
});
