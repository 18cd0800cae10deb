import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { main } from '../../bin/refresh-catalog';
import {
  CatalogLike, buildSnapshot, diffSnapshot, fetchRegions, formatDiff, isEmptyDiff,
} from '../../lib/catalog/refresh';
import {
  FakeBedrockControlPlane, foundationModelSummary, inferenceProfileSummary, reply,
} from '../utils/fake-bedrock-control-plane';

const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };
const NOW = new Date('2026-11-25T12:00:00Z');

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const OLD = 'anthropic.claude-3-haiku-20240307-v1:0';
const GONE = 'meta.llama2-70b-chat-v1';
const NEW = 'anthropic.claude-opus-9-20270101-v1:0';

/** A small catalog in the vendored format, so every expected difference is visible here. */
const catalog: CatalogLike = {
  generatedAt: '2026-11-25',
  models: [
    {
      modelId: HAIKU,
      onDemandRegions: ['us-east-1', 'eu-west-1', 'ap-northeast-1'],
      inferenceProfiles: { profileIds: { us: `us.${HAIKU}`, eu: `eu.${HAIKU}` }, geoSourceRegions: ['us-east-1', 'eu-west-1'] },
      lifecycle: { status: 'ACTIVE', legacyDate: null, eolDate: null, appliesToRegions: null },
    },
    {
      modelId: OLD,
      onDemandRegions: ['us-east-1', 'eu-west-1'],
      lifecycle: { status: 'LEGACY', legacyDate: '2026-03-01', eolDate: '2027-03-01', appliesToRegions: ['us-east-1'] },
    },
    { modelId: GONE, onDemandRegions: ['us-east-1'], lifecycle: { status: 'EOL', legacyDate: null, eolDate: '2025-01-01', appliesToRegions: null } },
    // Offered only outside the queried Regions: its absence is not a removal.
    { modelId: 'amazon.only-in-sa-v1:0', onDemandRegions: ['sa-east-1'], lifecycle: null },
  ],
};

function seed(fake: FakeBedrockControlPlane): void {
  fake.setRegion('us-east-1', {
    modelSummaries: [
      foundationModelSummary({ modelId: HAIKU, region: 'us-east-1', inferenceTypesSupported: ['ON_DEMAND', 'INFERENCE_PROFILE'] }),
      foundationModelSummary({
        modelId: OLD, region: 'us-east-1',
        lifecycle: { status: 'LEGACY', startOfLifeTime: '2024-03-07T00:00:00Z', legacyTime: '2026-03-01T00:00:00Z', endOfLifeTime: '2027-06-01T00:00:00Z' },
      }),
      foundationModelSummary({ modelId: NEW, region: 'us-east-1', inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
    ],
    inferenceProfiles: [
      inferenceProfileSummary({ profileId: `us.${HAIKU}`, sourceRegion: 'us-east-1', destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'], foundationModelId: HAIKU }),
      inferenceProfileSummary({ profileId: `global.${HAIKU}`, sourceRegion: 'us-east-1', destinationRegions: [''], foundationModelId: HAIKU }),
      inferenceProfileSummary({ profileId: `us.${NEW}`, sourceRegion: 'us-east-1', destinationRegions: ['us-east-1', 'us-west-2'], foundationModelId: NEW }),
    ],
  });
  fake.setRegion('eu-west-1', {
    modelSummaries: [
      // Haiku is profile-only in eu-west-1 now: an on-demand Region removal.
      foundationModelSummary({ modelId: HAIKU, region: 'eu-west-1', inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
      foundationModelSummary({ modelId: OLD, region: 'eu-west-1', lifecycle: { status: 'LEGACY', legacyTime: '2026-05-01T00:00:00Z' } }),
    ],
    inferenceProfiles: [
      inferenceProfileSummary({ profileId: `eu.${HAIKU}`, sourceRegion: 'eu-west-1', destinationRegions: ['eu-west-1', 'eu-central-1'], foundationModelId: HAIKU }),
    ],
  });
}

describe('catalog refresh against a fake Bedrock control plane', () => {
  let fake: FakeBedrockControlPlane;
  const factory = (region: string) => new BedrockClient({ region, endpoint: fake.endpoint, credentials, maxAttempts: 3 });

  beforeEach(async () => {
    fake = await FakeBedrockControlPlane.start();
    seed(fake);
  });
  afterEach(async () => fake.close());

  test('lists models and pages through inference profiles per Region with the real client', async () => {
    const listings = await fetchRegions(['us-east-1', 'eu-west-1'], { clientFactory: factory });
    expect(listings.map((l) => l.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(listings[0].models.map((m) => m.modelId)).toEqual([HAIKU, OLD, NEW]);
    // SDK deserialised the date-time wire strings into Dates.
    expect(listings[0].models[1].modelLifecycle?.endOfLifeTime).toEqual(new Date('2027-06-01T00:00:00Z'));
    expect(listings[0].profiles.map((p) => p.inferenceProfileId)).toEqual([`us.${HAIKU}`, `global.${HAIKU}`, `us.${NEW}`]);
    // 3 profiles at a page size the client asked for; the fake records each page request with its token.
    const profileRequests = fake.requestsTo('GET /inference-profiles').filter((r) => r.region === 'us-east-1');
    expect(profileRequests.every((r) => r.query.type === 'SYSTEM_DEFINED' && r.signed)).toBe(true);
    expect(profileRequests[0].query.nextToken).toBeUndefined();
  });

  test('follows nextToken across pages', async () => {
    const client = factory('us-east-1');
    const { paginateListInferenceProfiles } = await import('@aws-sdk/client-bedrock');
    const ids: string[] = [];
    for await (const page of paginateListInferenceProfiles({ client, pageSize: 1 }, { typeEquals: 'SYSTEM_DEFINED' })) {
      ids.push(...(page.inferenceProfileSummaries ?? []).map((p) => p.inferenceProfileId!));
    }
    expect(ids).toHaveLength(3);
    const tokens = fake.requestsTo('GET /inference-profiles').map((r) => r.query.nextToken);
    expect(tokens[0]).toBeUndefined();
    expect(tokens.slice(1).every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
  });

  test('diff reports added, removed, lifecycle, Region and new-profile changes', async () => {
    const snapshot = buildSnapshot(await fetchRegions(['us-east-1', 'eu-west-1'], { clientFactory: factory }), NOW);
    expect(snapshot.models[HAIKU]).toMatchObject({
      listedRegions: ['eu-west-1', 'us-east-1'], onDemandRegions: ['us-east-1'],
      profileIds: [`eu.${HAIKU}`, `global.${HAIKU}`, `us.${HAIKU}`],
    });
    expect(snapshot.models[OLD].lifecycleByRegion['us-east-1']).toEqual({
      status: 'LEGACY', startOfLife: '2024-03-07', legacy: '2026-03-01', endOfLife: '2027-06-01',
    });
    expect(snapshot.profiles[`us.${HAIKU}`].destinationRegions).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);

    const diff = diffSnapshot(snapshot, catalog);
    expect(diff.added).toEqual([{ modelId: NEW, regions: ['us-east-1'], lifecycle: ['ACTIVE'] }]);
    expect(diff.removed).toEqual([{ modelId: GONE, catalogRegions: ['us-east-1'] }]);
    expect(diff.lifecycleChanges).toEqual(expect.arrayContaining([
      { modelId: OLD, region: 'us-east-1', field: 'eolDate', catalog: '2027-03-01', live: '2027-06-01' },
      // catalog applies LEGACY to us-east-1 only; eu-west-1 is now LEGACY too
      { modelId: OLD, region: 'eu-west-1', field: 'status', catalog: 'ACTIVE', live: 'LEGACY' },
      { modelId: OLD, region: 'eu-west-1', field: 'legacyDate', catalog: null, live: '2026-05-01' },
    ]));
    expect(diff.lifecycleChanges.filter((c) => c.modelId === HAIKU)).toEqual([]);
    // OLD is still on demand in both queried Regions, so Haiku is the only Region change.
    expect(diff.regionChanges).toEqual([{ modelId: HAIKU, added: [], removed: ['eu-west-1'], catalogSourced: true }]);
    expect(diff.newProfiles.map((p) => p.profileId).sort()).toEqual([`global.${HAIKU}`, `us.${NEW}`]);
    expect(isEmptyDiff(diff)).toBe(false);

    const text = formatDiff(diff);
    expect(text).toContain(`+ ${NEW}  [us-east-1]`);
    expect(text).toContain(`- ${GONE}  catalog Regions queried: us-east-1`);
    expect(text).toContain(`~ ${OLD} us-east-1 eolDate: 2027-03-01 -> 2027-06-01`);
    expect(text).toContain(`~ ${HAIKU}: -[eu-west-1]`);
    expect(text).toContain(`+ us.${NEW} -> ${NEW}`);
    expect(text).not.toContain('amazon.only-in-sa-v1:0');
  });

  test('a snapshot equal to the catalog gives an empty diff', async () => {
    const snapshot = buildSnapshot(await fetchRegions(['us-east-1'], { clientFactory: factory }), NOW);
    const self: CatalogLike = {
      models: Object.values(snapshot.models).map((m) => ({
        modelId: m.modelId,
        onDemandRegions: m.onDemandRegions,
        inferenceProfiles: { profileIds: Object.fromEntries(m.profileIds.map((p) => [p.split('.')[0], p])) },
        lifecycle: {
          status: m.lifecycleByRegion['us-east-1'].status,
          legacyDate: m.lifecycleByRegion['us-east-1'].legacy ?? null,
          eolDate: m.lifecycleByRegion['us-east-1'].endOfLife ?? null,
          appliesToRegions: null,
        },
      })),
    };
    const diff = diffSnapshot(snapshot, self);
    expect(diff).toMatchObject({ added: [], removed: [], lifecycleChanges: [], regionChanges: [], newProfiles: [] });
    expect(formatDiff(diff)).toContain('No differences in the queried Regions.');
  });

  test('retries a throttled ListFoundationModels and then succeeds', async () => {
    fake.enqueue('GET /foundation-models', reply.throttle());
    const listings = await fetchRegions(['us-east-1'], { clientFactory: factory });
    expect(listings[0].models).toHaveLength(3);
    expect(fake.requestsTo('GET /foundation-models')).toHaveLength(2);
  });

  test('fails with the Region, the operation and the error code when a Region cannot be listed', async () => {
    fake.enqueue((r) => r.path === '/inference-profiles' && r.region === 'eu-west-1',
      reply.error(403, 'AccessDeniedException', 'User is not authorized to perform: bedrock:ListInferenceProfiles'));
    await expect(fetchRegions(['us-east-1', 'eu-west-1'], { clientFactory: factory }))
      .rejects.toThrow(/ListInferenceProfiles failed in eu-west-1: AccessDeniedException: User is not authorized.*\(HTTP 403\)/);
  });

  describe('refresh-catalog CLI', () => {
    const env = { ...process.env };
    let out: string;
    let err: string;
    const io = () => ({ stdout: (s: string) => { out += s; }, stderr: (s: string) => { err += s; }, now: NOW });
    beforeEach(() => {
      out = '';
      err = '';
      process.env.AWS_ENDPOINT_URL_BEDROCK = fake.endpoint;
      process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      delete process.env.AWS_PROFILE;
    });
    afterEach(() => { process.env = { ...env }; });

    test('prints the JSON diff against the vendored catalog and exits 0 (endpoint from AWS_ENDPOINT_URL_BEDROCK)', async () => {
      const code = await main(['--regions', 'us-east-1,eu-west-1', '--json'], io());
      expect(err).toBe('');
      expect(code).toBe(0);
      const diff = JSON.parse(out);
      expect(diff.regions).toEqual(['us-east-1', 'eu-west-1']);
      // NEW is not in the vendored catalog; HAIKU is.
      expect(diff.added.map((a: { modelId: string }) => a.modelId)).toEqual([NEW]);
      expect(diff.removed.map((r: { modelId: string }) => r.modelId)).not.toContain(HAIKU);
      // The vendored catalog places many models in us-east-1 that this fake does not list.
      expect(diff.removed.length).toBeGreaterThan(10);
      expect(new Set(fake.requests.map((r) => r.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    });

    test('--endpoint-url points the client at the given endpoint', async () => {
      delete process.env.AWS_ENDPOINT_URL_BEDROCK;
      const code = await main(['--regions', 'eu-west-1', '--endpoint-url', fake.endpoint, '--catalog',
        path.join(__dirname, '..', '..', 'lib', 'catalog', 'data', 'bedrock-models.json')], io());
      expect(code).toBe(0);
      expect(out).toContain('Regions queried: eu-west-1');
      expect(fake.requests.map((r) => `${r.region} ${r.method} ${r.path}`)).toEqual(expect.arrayContaining([
        'eu-west-1 GET /foundation-models', 'eu-west-1 GET /inference-profiles',
      ]));
    });

    test('--write saves the live snapshot and leaves the vendored catalog untouched', async () => {
      const vendored = path.join(__dirname, '..', '..', 'lib', 'catalog', 'data', 'bedrock-models.json');
      const before = fs.readFileSync(vendored, 'utf8');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refresh-'));
      const file = path.join(dir, 'live.json');
      try {
        const code = await main(['--regions=us-east-1', '--write', file], io());
        expect(code).toBe(0);
        expect(out).toContain(`Live snapshot written to ${file}`);
        expect(out).toContain(`+ ${NEW}  [us-east-1]`);
        const written = JSON.parse(fs.readFileSync(file, 'utf8'));
        expect(written.schemaVersion).toBe(1);
        expect(Object.keys(written.models)).toEqual([HAIKU, OLD, NEW].sort());
        expect(fs.readFileSync(vendored, 'utf8')).toBe(before);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('exits 2 with a clear message on a bad Region code', async () => {
      const code = await main(['--regions', 'us-east-1,useast1'], io());
      expect(code).toBe(2);
      expect(err).toMatch(/--regions: 'useast1' is not a Region code \(expected e.g. us-east-1\)/);
      expect(fake.requests).toHaveLength(0);
    });

    test('exits 2 on an unknown flag and on a missing value', async () => {
      expect(await main(['--regoins', 'us-east-1'], io())).toBe(2);
      expect(err).toMatch(/unknown argument '--regoins'/);
      err = '';
      expect(await main(['--write'], io())).toBe(2);
      expect(err).toMatch(/--write needs a value/);
    });

    test('exits 2 naming the Region and the AWS error when the API fails', async () => {
      fake.enqueue('GET /foundation-models', reply.error(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'));
      const code = await main(['--regions', 'us-east-1'], io());
      expect(code).toBe(2);
      expect(err).toMatch(/ListFoundationModels failed in us-east-1: UnrecognizedClientException: The security token included in the request is invalid\. \(HTTP 403\)/);
      expect(err).toMatch(/nothing was written/);
    });
  });
});
