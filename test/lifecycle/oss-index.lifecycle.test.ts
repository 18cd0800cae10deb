/**
 * Lifecycle harness: the OpenSearch Serverless vector index custom resource (Custom::OpenSearchServerlessVectorIndex)
 * driven through CloudFormation's request sequences (cfn-driver.ts cites them) with the bundled oss-index handler
 * against the loopback OpenSearch fake. Its properties, ServiceTimeout and the handler's Lambda timeout come from the
 * synthesized template of a KnowledgeBase with the store, one variant per construct option that reaches the index.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DistanceMetric, KnowledgeBase, VectorStore, type OpenSearchServerlessStoreOptions } from '../../lib/knowledge-base';
import { fakeAwsEnv, loadBundledHandler, setEnv } from '../utils/bundled-handler';
import { FakeOpenSearch } from '../utils/fake-opensearch';
import { useVirtualClock, type VirtualClock } from '../utils/virtual-clock';
import { CfnResource, closeResponseEndpoint, customResourcesIn, type Handler, type Props } from './cfn-driver';

const TYPE = 'Custom::OpenSearchServerlessVectorIndex';

interface Synth { props: Props; serviceTimeoutSeconds: number; lambdaTimeoutMs: number }

const synthCache = new Map<string, Synth>();
/** The index resource's properties as CloudFormation would send them (the collection endpoint is the fake's). */
function synth(options: OpenSearchServerlessStoreOptions, dimensions = 1024): Synth {
  const key = JSON.stringify([options, dimensions]);
  if (!synthCache.has(key)) synthCache.set(key, synthUncached(options, dimensions));
  return synthCache.get(key)!;
}

function synthUncached(options: OpenSearchServerlessStoreOptions, dimensions: number): Synth {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  new KnowledgeBase(stack, 'Kb', { vectorStore: VectorStore.openSearchServerless(options), dimensions });
  const [index] = customResourcesIn(Template.fromStack(stack).toJSON(), TYPE);
  const { Endpoint, ...rest } = index.props;
  expect(Endpoint).toEqual({ 'Fn::GetAtt': [expect.any(String), 'CollectionEndpoint'] });
  expect(typeof rest.IndexBody).toBe('string'); // resolved at synth: CloudFormation sends it as written
  // The function backs the resource directly (its ServiceToken), and Lambda never runs a request again.
  expect(index.maximumRetryAttempts).toBe(0);
  return {
    props: { Endpoint: fake.url, ...rest },
    serviceTimeoutSeconds: index.serviceTimeoutSeconds,
    lambdaTimeoutMs: index.lambdaTimeoutMs,
  };
}

const env = fakeAwsEnv();
let fake: FakeOpenSearch;
let restore: () => void;
let clock: VirtualClock;
let handler: Handler;

beforeAll(async () => {
  fake = await FakeOpenSearch.start({ accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, region: env.AWS_REGION! });
});
afterAll(async () => { await fake.close(); await closeResponseEndpoint(); });
beforeEach(() => {
  fake.reset();
  // The handler's own defaults (OSS_MAX_WAIT_MS 5 min, backoff 1 s..16 s) on the virtual clock; only the per-request
  // socket timeout (real time) is shortened.
  restore = setEnv({ ...env, OSS_REQUEST_TIMEOUT_MS: '300' });
  const mod = loadBundledHandler('oss-index');
  clock = useVirtualClock(mod);
  handler = mod.handler;
});
afterEach(() => { restore(); });

function resource(s: Synth): CfnResource {
  return new CfnResource({ handler, clock, resourceType: TYPE, serviceTimeoutSeconds: s.serviceTimeoutSeconds, lambdaTimeoutMs: s.lambdaTimeoutMs });
}

const bodyOf = (p: Props) => JSON.parse(p.IndexBody as string);
/** The live index's body without the handler's `_meta` bookkeeping. */
function live(name: string) {
  const b = fake.indexes.get(name);
  if (!b) return undefined;
  const { _meta, ...mappings } = b.mappings ?? {};
  return { ...b, mappings };
}

const BASE: OpenSearchServerlessStoreOptions = {};
/** Every construct option that changes the index resource's properties. */
const VARIANTS: Array<[string, OpenSearchServerlessStoreOptions, number?]> = [
  ['dimensions', {}, 512],
  ['distanceMetric', { distanceMetric: DistanceMetric.INNER_PRODUCT }],
  ['hnswM', { hnswM: 32 }],
  ['efConstruction', { efConstruction: 256 }],
  ['efSearch', { efSearch: 128 }],
  ['vectorField', { vectorField: 'embedding' }],
  ['textField', { textField: 'chunk' }],
  ['metadataField', { metadataField: 'meta' }],
  ['indexName', { indexName: 'docs-v2' }],
];

describe('OpenSearch index custom resource through CloudFormation request sequences', () => {
  test('the resource is bounded: ServiceTimeout at most 15 minutes, above the handler function timeout', () => {
    const s = synth(BASE);
    expect(s.serviceTimeoutSeconds).toBeLessThanOrEqual(15 * 60);
    expect(s.serviceTimeoutSeconds * 1000).toBeGreaterThan(s.lambdaTimeoutMs);
  });

  test('Create, no-op Update, Delete', async () => {
    const s = synth(BASE);
    const r = resource(s);
    expect((await r.create(s.props)).ok).toBe(true);
    const id = r.physicalId;
    await r.update(s.props);
    expect(r.physicalId).toBe(id);
    expect(await r.cleanup()).toEqual([]);
    expect(live('bedrock-knowledge-base-default-index')).toEqual(bodyOf(s.props));
    expect((await r.delete()).ok).toBe(true);
    expect(fake.indexes.size).toBe(0);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  describe.each(VARIANTS)('a change of %s', (_name, options, dimensions) => {
    test('is a replacement: new physical ID, the new index serves, cleanup Delete of the old ID keeps it', async () => {
      const before = synth(BASE);
      const after = synth(options, dimensions);
      const r = resource(before);
      await r.create(before.props);
      const oldId = r.physicalId;
      const { update } = await r.update(after.props);
      expect(update).toMatchObject({ ok: true });
      expect(r.physicalId).not.toBe(oldId);
      const cleanup = await r.cleanup();
      expect(cleanup).toEqual([expect.objectContaining({ requestType: 'Delete', physicalResourceId: oldId, ok: true })]);
      expect(live(after.props.IndexName as string)).toEqual(bodyOf(after.props));
      expect(fake.indexes.size).toBe(1);
      expect((await r.delete()).ok).toBe(true);
      expect(fake.indexes.size).toBe(0);
      expect(r.stranding()).toEqual([]);
      expect(r.overdue()).toEqual([]);
      expect(r.violations()).toEqual([]);
    });

    test('rolled back after the stack update fails elsewhere: the rollback Update (old and new swapped) succeeds and the old index serves again', async () => {
      const before = synth(BASE);
      const after = synth(options, dimensions);
      const r = resource(before);
      await r.create(before.props);
      const oldId = r.physicalId;
      const { update, rollback } = await r.update(after.props, { stackFailsLater: true });
      expect(update.ok).toBe(true);
      expect(rollback).toMatchObject({ ok: true, returnedId: oldId });
      expect(r.stranding()).toEqual([]);
      expect(live(before.props.IndexName as string)).toEqual(bodyOf(before.props));
      expect(fake.indexes.size).toBe(1);
      expect(r.overdue()).toEqual([]);
    });

    test('an Update that fails is followed by a rollback Update that succeeds', async () => {
      const before = synth(BASE);
      const after = synth(options, dimensions);
      const r = resource(before);
      await r.create(before.props);
      const requests = fake.requests.length;
      // The first request of the update is refused for good (a non-retryable 400).
      fake.failNext(400, '{"error":{"type":"illegal_argument_exception"}}');
      const { update, rollback } = await r.update(after.props);
      expect(update.ok).toBe(false);
      expect(fake.requests.length).toBeGreaterThan(requests);
      expect(rollback?.ok).toBe(true);
      expect(r.stranding()).toEqual([]);
      expect(live(before.props.IndexName as string)).toEqual(bodyOf(before.props));
      expect(r.overdue()).toEqual([]);
    });
  });

  test('a failed Create rolls back; a Create that succeeded before the stack failed is deleted', async () => {
    const s = synth(BASE);
    fake.failNext(400, '{"error":{"type":"mapper_parsing_exception"}}');
    const failed = resource(s);
    const create = await failed.create(s.props);
    expect(create.ok).toBe(false);
    // The rollback's Delete names the failed Create's own physical ID and is answered without calling OpenSearch.
    expect(failed.sent[1]).toMatchObject({ phase: 'create-rollback', requestType: 'Delete', physicalResourceId: create.returnedId, ok: true });
    expect(create.returnedId).toMatch(/^cdk-bedrock-foundation::CREATE_FAILED::/);
    expect(fake.requests.map((q) => q.method)).toEqual(['PUT']);
    expect(failed.stranding()).toEqual([]);
    const ok = resource(s);
    await ok.create(s.props);
    expect((await ok.delete()).ok).toBe(true);
    expect(fake.indexes.size).toBe(0);
  });

  test('Delete of an index that is already gone succeeds', async () => {
    const s = synth(BASE);
    const r = resource(s);
    await r.create(s.props);
    fake.indexes.clear();
    expect((await r.delete()).ok).toBe(true);
    expect(r.overdue()).toEqual([]);
  });

  test.each([
    ['throttled (429) a few times', () => { for (let i = 0; i < 4; i++) fake.failNext(429, '{"message":"Too Many Requests"}'); }, 0],
    ['answering 5xx a few times', () => { for (let i = 0; i < 4; i++) fake.failNext(503, '{"message":"unavailable"}'); }, 0],
  ])('Delete while the service is %s succeeds and deletes the index', async (_what, script, left) => {
    const s = synth(BASE);
    const r = resource(s);
    await r.create(s.props);
    script();
    expect((await r.delete()).ok).toBe(true);
    expect(fake.indexes.size).toBe(left);
    expect(r.overdue()).toEqual([]);
  });

  test('Delete while the service never recovers still succeeds, within the ServiceTimeout', async () => {
    const s = synth(BASE);
    const r = resource(s);
    await r.create(s.props);
    for (let i = 0; i < 200; i++) fake.failNext(503, '{"message":"unavailable"}');
    const d = await r.delete();
    expect(d.ok).toBe(true);
    expect(d.elapsedMs).toBeGreaterThan(60_000); // it did retry (virtual time)
    expect(r.overdue()).toEqual([]);
  });

  test('removalPolicy RETAIN keeps the index on Delete (and on the cleanup after a replacement)', async () => {
    const s = synth({ removalPolicy: RemovalPolicy.RETAIN });
    expect(s.props.Retain).toBe('true');
    const r = resource(s);
    await r.create(s.props);
    const renamed = synth({ removalPolicy: RemovalPolicy.RETAIN, indexName: 'docs-v2' });
    await r.update(renamed.props);
    await r.cleanup();
    expect((await r.delete()).ok).toBe(true);
    expect([...fake.indexes.keys()].sort()).toEqual(['bedrock-knowledge-base-default-index', 'docs-v2']);
    // Changing only the removal policy is not a replacement.
    const destroy = synth({ indexName: 'docs-v2' });
    const r2 = resource(renamed);
    await r2.create(renamed.props);
    const id = r2.physicalId;
    await r2.update(destroy.props);
    expect(r2.physicalId).toBe(id);
  });

  test('an index created by an earlier version (physical ID without the body hash) is adopted by a no-change Update and replaced safely', async () => {
    const s = synth(BASE);
    const name = s.props.IndexName as string;
    fake.indexes.set(name, bodyOf(s.props)); // no _meta: created before the hash was recorded
    const legacyId = `${fake.url}|${name}`;
    const r = resource(s);
    r.physicalId = legacyId;
    r.props = s.props;
    // Only ServiceTimeout/Retain changed (not sent to the handler's comparison): same physical ID, index kept.
    await r.update(s.props);
    expect(r.physicalId).toBe(legacyId);
    expect(fake.indexes.has(name)).toBe(true);
    // A body change replaces it; the cleanup Delete of the legacy ID keeps the new index.
    const after = synth({ hnswM: 32 });
    await r.update(after.props);
    await r.cleanup();
    expect(live(name)).toEqual(bodyOf(after.props));
    expect(r.stranding()).toEqual([]);
  });
});
