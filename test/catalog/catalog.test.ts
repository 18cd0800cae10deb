import { ModelCatalog, judgeLifecycle } from '../../lib/catalog/catalog';
import { parseModelId } from '../../lib/catalog/model-id';

const catalog = ModelCatalog.default();
const now = new Date('2026-11-25T00:00:00Z');
const REGION = /^(us|eu|ap|ca|sa|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;

describe('catalog integrity (vendored data)', () => {
  test('has the 169 sourced model IDs and keeps its sources', () => {
    expect(catalog.all()).toHaveLength(169);
    expect(Object.keys(catalog.data.sourceCatalog).length).toBeGreaterThan(10);
    for (const m of catalog.all()) expect(m.sources.length).toBeGreaterThan(0);
  });

  test('every ID parses, as a foundation model whose parse matches the record', () => {
    for (const m of catalog.all()) {
      const p = parseModelId(m.modelId);
      expect(p.kind).toBe('foundation-model');
      expect(p.baseId).toBe(m.idForm.baseId);
      expect(p.revision ?? null).toBe(m.idForm.revision);
      expect(p.contextVariantSuffix ?? null).toBe(m.idForm.contextVariantSuffix);
    }
  });

  test('every inference-profile ID parses to its own model and a known prefix', () => {
    for (const m of catalog.all()) {
      for (const [prefix, id] of Object.entries(m.inferenceProfiles?.profileIds ?? {})) {
        if (id === null) continue;
        expect(parseModelId(id)).toMatchObject({ kind: 'inference-profile', profilePrefix: prefix, foundationModelId: m.modelId });
      }
    }
  });

  test('every replaceWith and lifecycle successor names a catalog ID', () => {
    for (const m of catalog.all()) {
      if (m.replaceWith) expect(catalog.get(m.replaceWith)).toBeDefined();
      if (m.lifecycle?.successor) expect(catalog.get(m.lifecycle.successor)).toBeDefined();
    }
  });

  test('every Region is a real Region code', () => {
    for (const r of catalog.knownRegions()) expect(r).toMatch(REGION);
    for (const m of catalog.all()) for (const r of m.lifecycle?.appliesToRegions ?? []) expect(r).toMatch(REGION);
  });

  test('every lifecycle date is an ISO date', () => {
    for (const m of catalog.all()) {
      for (const d of [m.lifecycle?.legacyDate, m.lifecycle?.eolDate]) if (d) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('every embeddings model has sourced dimensions or is marked not sourced (null), and a Knowledge Base entry with dimensions lists only sourced ones', () => {
    const embeddings = catalog.all().filter((m) => (m.outputModalities ?? []).includes('EMBEDDING') && !m.idForm.contextVariantSuffix);
    expect(embeddings.length).toBeGreaterThan(3);
    for (const m of embeddings) {
      if (m.embedding === null) continue; // not sourced: refused where dimensions matter unless declared custom
      expect(Array.isArray(m.embedding.dimensions)).toBe(true);
      if (m.embedding.default !== null) expect(m.embedding.dimensions).toContain(m.embedding.default);
    }
    for (const m of catalog.all()) {
      const kb = m.knowledgeBase;
      if (kb?.supported && kb.dimensions) for (const d of kb.dimensions) expect(m.embedding?.dimensions ?? []).toContain(d);
    }
  });

  test('prices are positive numbers with a source', () => {
    for (const m of catalog.all()) {
      const p = m.pricePer1M;
      if (!p) continue;
      expect(p.input).toBeGreaterThan(0);
      expect(p.source.length).toBeGreaterThan(0);
    }
  });
});

describe('ModelCatalog', () => {
  test('filters by provider, modality, Region, lifecycle, context window and embedding dimensions', () => {
    const embed1024 = catalog.filter({ outputModalities: ['EMBEDDING'], embeddingDimensions: 1024, region: 'us-east-1' }).map((m) => m.modelId);
    expect(embed1024).toContain('amazon.titan-embed-text-v2:0');
    expect(embed1024).not.toContain('amazon.titan-embed-text-v1');
    const big = catalog.filter({ provider: 'anthropic', minContextWindow: 1_000_000 });
    for (const m of big) expect(m.contextWindow).toBeGreaterThanOrEqual(1_000_000);
    const eol = catalog.filter({ lifecycle: 'EOL', now, region: 'us-east-1' }).map((m) => m.modelId);
    expect(eol).toEqual(expect.arrayContaining(['anthropic.claude-3-7-sonnet-20250219-v1:0', 'cohere.command-r-v1:0']));
    expect(catalog.filter({ inferenceType: 'ON_DEMAND', region: 'eu-west-2', provider: 'anthropic' }).map((m) => m.modelId)).toContain('anthropic.claude-sonnet-4-6');
  });

  test('select returns the cheapest active pinned model meeting the requirements, with reasons for every exclusion', () => {
    const result = catalog.select({ inputTokens: 2000, outputTokens: 500, region: 'us-east-1', minContextWindow: 150_000, providers: ['anthropic'], now });
    expect(result.selected).toBeDefined();
    const costs = result.candidates.map((c) => c.estimate.totalUsd);
    expect([...costs].sort((a, b) => a - b)).toEqual(costs);
    expect(result.selected!.estimate.totalUsd).toBe(Math.min(...costs));
    expect(result.candidates.length + result.excluded.length).toBe(169);
    const eol = result.excluded.find((e) => e.modelId === 'anthropic.claude-3-7-sonnet-20250219-v1:0')!;
    expect(eol.reasons.join('; ')).toMatch(/lifecycle EOL at 2026-11-25 in us-east-1/);
    const variant = result.excluded.find((e) => e.modelId === 'anthropic.claude-v2:1:200k')!;
    expect(variant.reasons.join('; ')).toMatch(/Provisioned-Throughput-only/);
    const noContext = result.excluded.find((e) => e.modelId === 'anthropic.claude-opus-5-5')!;
    expect(noContext.reasons).toContain('context window not sourced');
    for (const e of result.excluded) expect(e.reasons.length).toBeGreaterThan(0);
  });

  test('select picks the cheapest invocation form: the global profile rate for a model with the global/geo split', () => {
    const result = catalog.select({ inputTokens: 1_000_000, outputTokens: 1_000_000, region: 'us-east-1', providers: ['anthropic'], minContextWindow: 200_000, now });
    const haiku = result.candidates.find((c) => c.foundationModelId === 'anthropic.claude-haiku-4-5-20251001-v1:0')!;
    expect(haiku).toMatchObject({ modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', invocationForm: 'global-profile' });
    expect(haiku.estimate.totalUsd).toBeCloseTo(6, 6);
    const geoOnly = catalog.select({ inputTokens: 1_000_000, outputTokens: 1_000_000, region: 'us-east-1', providers: ['anthropic'], crossRegion: 'geo', now });
    const haikuGeo = geoOnly.candidates.find((c) => c.foundationModelId === 'anthropic.claude-haiku-4-5-20251001-v1:0')!;
    expect(haikuGeo.estimate.totalUsd).toBeCloseTo(6.6, 6);
  });

  test('a requirement whose value is not sourced excludes the model with that reason', () => {
    const result = catalog.select({ inputTokens: 10, outputTokens: 10, streaming: true, now });
    const gpt = result.excluded.find((e) => e.modelId === 'openai.gpt-5.5');
    expect(gpt?.reasons.join('; ')).toMatch(/not sourced/);
    for (const c of result.candidates) expect(catalog.get(c.foundationModelId)!.responseStreamingSupported).toBe(true);
  });

  test('select with no model meeting the requirements returns no selection', () => {
    const result = catalog.select({ inputTokens: 10, outputTokens: 10, minContextWindow: 100_000_000, now });
    expect(result.selected).toBeUndefined();
    expect(result.candidates).toEqual([]);
  });

  test('estimateCost uses the rate of the invocation form and reports the source and date', () => {
    const global = catalog.estimateCost('global.anthropic.claude-sonnet-4-6', 1_000_000, 100_000);
    expect(global.totalUsd).toBeCloseTo(3 + 1.5, 9);
    expect(global.price).toMatchObject({ invocationForm: 'global-profile', asOf: '2026-10-05', source: expect.arrayContaining(['sourceCatalog:AWS_TK_PRICING']) });
    const geo = catalog.estimateCost('us.anthropic.claude-sonnet-4-6', 1_000_000, 100_000);
    expect(geo.totalUsd).toBeCloseTo(3.3 + 1.65, 9);
    expect(catalog.estimateCost('anthropic.claude-sonnet-4-6', 1_000_000, 0).price.invocationForm).toBe('in-region');
    const embed = catalog.estimateCost('amazon.titan-embed-text-v2:0', 1_000_000, 0);
    expect(embed.totalUsd).toBeCloseTo(0.02, 9);
  });

  test('estimateCost fails clearly where no price is known', () => {
    expect(() => catalog.estimateCost('anthropic.claude-mythos-5', 1, 1)).toThrow(/no sourced on-demand token price for 'anthropic\.claude-mythos-5'/);
    expect(() => catalog.estimateCost('acme.model-v1:0', 1, 1)).toThrow(/'acme\.model-v1:0' is not in the model catalog/);
    expect(() => catalog.estimateCost('amazon.titan-embed-text-v2:0', 1, 5)).toThrow(/priced per input token only.*pass outputTokens = 0 \(got 5\)/);
    expect(() => catalog.estimateCost('amazon.nova-pro-v1:0', -1, 5)).toThrow(/inputTokens must be a non-negative number of tokens, got -1/);
  });

  test('judgeLifecycle follows the dates: EOL once eolDate passed, legacy once legacyDate passed', () => {
    const lc = { status: 'ACTIVE' as const, legacyDate: '2027-01-01', eolDate: '2027-07-01', appliesToRegions: null };
    expect(judgeLifecycle(lc, new Date('2026-12-31T00:00:00Z')).state).toBe('ACTIVE');
    expect(judgeLifecycle(lc, new Date('2027-01-01T00:00:00Z')).state).toBe('LEGACY');
    expect(judgeLifecycle(lc, new Date('2027-07-01T00:00:00Z')).state).toBe('EOL');
    expect(judgeLifecycle({ ...lc, status: 'EOL', eolDate: null }, new Date('2026-01-01T00:00:00Z')).state).toBe('EOL');
    expect(judgeLifecycle(null, now).state).toBe('UNKNOWN');
  });
});
