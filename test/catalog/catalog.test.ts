import { ModelCatalog, judgeLifecycle, regionsMentioned } from '../../lib/catalog/catalog';
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

  test('replaceWith is null on every record (no source names a pinned replacement) and no lifecycle carries a successor', () => {
    // The reference README: `replaceWith` is "null everywhere except where a source names one (none found)". Should a
    // refresh add one, it must name a catalog ID (and this list must be updated deliberately).
    expect(catalog.all().every((m) => 'replaceWith' in m)).toBe(true);
    const named = catalog.all().filter((m) => m.replaceWith !== null || m.lifecycle?.successor);
    for (const m of named) {
      if (m.replaceWith) expect(catalog.get(m.replaceWith)).toBeDefined();
      if (m.lifecycle?.successor) expect(catalog.get(m.lifecycle.successor)).toBeDefined();
    }
    expect(named.map((m) => m.modelId)).toEqual([]);
  });

  test('lifecycle conflicts name the claim and its source (README: conflicts noted on 12 records)', () => {
    const withConflicts = catalog.all().filter((m) => (m.lifecycle?.conflicts ?? []).length > 0);
    expect(withConflicts).toHaveLength(12);
    for (const m of withConflicts) {
      for (const c of m.lifecycle!.conflicts!) {
        expect(c.claim.length).toBeGreaterThan(0);
        expect(c.source.length).toBeGreaterThan(0);
      }
    }
  });

  test('every Region the data mentions is one of the Region codes the reference lists', () => {
    const listed = catalog.listedRegions();
    expect(listed.size).toBeGreaterThanOrEqual(35);
    for (const r of listed) expect(r).toMatch(REGION);
    // on-demand (incl. Legacy cells), profile source Regions, lifecycle Regions, KB Regions and price rows
    expect(catalog.all().some((m) => (m.onDemandLegacyRegions ?? []).length > 0)).toBe(true);
    expect(catalog.all().some((m) => (m.knowledgeBase?.regions ?? []).length > 0)).toBe(true);
    expect(catalog.all().some((m) => m.pricePer1M?.region)).toBe(true);
    const mentioned = new Set<string>();
    for (const m of catalog.all()) for (const r of regionsMentioned(m)) mentioned.add(r);
    const facts = catalog.data.knowledgeBaseFacts as Record<string, { value?: string[] }>;
    for (const key of ['serviceRegions', 'structuredDataRegions']) {
      expect(facts[key].value!.length).toBeGreaterThan(0);
      for (const r of facts[key].value!) mentioned.add(r);
    }
    expect(mentioned.size).toBeGreaterThan(30);
    expect([...mentioned].filter((r) => !listed.has(r))).toEqual([]);
    expect([...catalog.knownRegions()].filter((r) => !listed.has(r))).toEqual([]);
  });

  test('every lifecycle date is an ISO date', () => {
    for (const m of catalog.all()) {
      for (const d of [m.lifecycle?.legacyDate, m.lifecycle?.eolDate]) if (d) expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('every embeddings model has sourced dimensions (default among them), or none and is refused where dimensions matter', () => {
    // By output modality, by embedding record or by name: Cohere Embed v4 and TwelveLabs Marengo have no modalities.
    const embeddings = catalog.all().filter((m) => !m.idForm.contextVariantSuffix
      && ((m.outputModalities ?? []).includes('EMBEDDING') || m.embedding !== null || /embed/.test(m.modelId)));
    expect(embeddings.map((m) => m.modelId)).toEqual(expect.arrayContaining(['cohere.embed-v4:0', 'twelvelabs.marengo-embed-2-7-v1:0',
      'twelvelabs.marengo-embed-3-0-v1:0', 'amazon.titan-embed-g1-text-02', 'amazon.titan-embed-text-v2:0']));
    const unsourced = embeddings.filter((m) => !m.embedding?.dimensions);
    expect(unsourced.map((m) => m.modelId).sort()).toEqual(['amazon.titan-embed-g1-text-02', 'amazon.titan-embed-image-v1:0',
      'twelvelabs.marengo-embed-2-7-v1:0', 'twelvelabs.marengo-embed-3-0-v1:0']);
    const sourced = embeddings.filter((m) => m.embedding?.dimensions);
    expect(sourced.length).toBeGreaterThanOrEqual(7);
    for (const m of sourced) {
      expect(m.embedding!.dimensions!.length).toBeGreaterThan(0);
      for (const d of m.embedding!.dimensions!) expect(Number.isInteger(d) && d > 0).toBe(true);
      if (m.embedding!.default !== null) expect(m.embedding!.dimensions).toContain(m.embedding!.default);
    }
    expect(catalog.get('cohere.embed-v4:0')!.embedding).toMatchObject({ dimensions: [256, 512, 1024, 1536], default: 1536 });
    // refused where dimensions matter: never matched by a dimension filter, excluded by select with the reason
    const selection = catalog.select({ inputTokens: 1000, outputTokens: 0, inputModalities: [], outputModalities: [], embeddingDimensions: 1024, now });
    for (const m of unsourced) {
      for (const d of [256, 384, 512, 1024, 1536, 3072]) expect(catalog.filter({ embeddingDimensions: d }).map((x) => x.modelId)).not.toContain(m.modelId);
      expect(selection.excluded.find((e) => e.modelId === m.modelId)!.reasons).toContain('embedding dimensions not sourced');
    }
    const kbWithDims = catalog.all().filter((m) => m.knowledgeBase?.supported && m.knowledgeBase.dimensions);
    expect(kbWithDims.length).toBeGreaterThan(0);
    for (const m of kbWithDims) for (const d of m.knowledgeBase!.dimensions!) expect(m.embedding?.dimensions ?? []).toContain(d);
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
    expect(big.length).toBeGreaterThan(0);
    for (const m of big) expect(m.contextWindow).toBeGreaterThanOrEqual(1_000_000);
    expect(catalog.filter({ provider: 'anthropic', minContextWindow: 200_000 }).length).toBeGreaterThan(big.length);
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
    expect(gpt?.reasons.join('; ')).toMatch(/response streaming support not sourced/);
    expect(result.candidates.length).toBeGreaterThan(0);
    for (const c of result.candidates) expect(catalog.get(c.foundationModelId)!.responseStreamingSupported).toBe(true);
  });

  test('select without a Region considers only sourced invocation forms, each at its own rate', () => {
    const result = catalog.select({ inputTokens: 1_000_000, outputTokens: 1_000_000, providers: ['anthropic'], now });
    expect(result.candidates.length).toBeGreaterThan(0);
    const haiku = result.candidates.find((c) => c.foundationModelId === 'anthropic.claude-haiku-4-5-20251001-v1:0')!;
    expect(haiku).toMatchObject({ modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', invocationForm: 'global-profile' });
    expect(haiku.estimate.totalUsd).toBeCloseTo(6, 6);
    for (const c of result.candidates) {
      const m = catalog.get(c.foundationModelId)!;
      if (c.invocationForm === 'in-region') expect(m.onDemandRegions!.length).toBeGreaterThan(0);
      else expect(catalog.sourcedInvocationOptions(m).map((o) => o.modelId)).toContain(c.modelId);
    }
    // Opus 4.5 is offered through profiles only (onDemandRegions []): never an in-Region candidate
    const opus = result.candidates.find((c) => c.foundationModelId === 'anthropic.claude-opus-4-5-20251101-v1:0')!;
    expect(opus.invocationForm).toBe('global-profile');
    const none = catalog.select({ inputTokens: 1, outputTokens: 1, providers: ['anthropic'], crossRegion: 'none', now });
    expect(none.excluded.find((e) => e.modelId === 'anthropic.claude-opus-4-5-20251101-v1:0')!.reasons.join('; '))
      .toMatch(/only invocable through .*profile.*crossRegion 'none' does not allow/);
    expect(none.excluded.find((e) => e.modelId === 'anthropic.claude-opus-5-5')!.reasons.join('; ')).toMatch(/Regional availability not sourced/);
  });

  test('estimateCost follows the reference price precedence: a dated source over the undated seed figure', () => {
    const j2 = catalog.estimateCost('ai21.j2-mid-v1', 1_000_000, 1_000_000);
    expect(j2.totalUsd).toBeCloseTo(25, 9);
    expect(j2.price).toMatchObject({ approximate: false, asOf: '2026-10-05', source: ['sourceCatalog:AWS_TK_PRICING'] });
    expect(j2.price.note).toMatch(/SEED001 figure \(\$0\.5\/\$1\.5, approximate, undated\)/);
    expect(catalog.priceFor('meta.llama2-70b-chat-v1')).toMatchObject({ inputPer1M: 1.95, outputPer1M: 2.56, approximate: false });
    // no estimate uses a seed figure where another source has one
    const withAlternatives = catalog.all().filter((m) => (m.pricePer1M?.alternatives ?? []).length > 0);
    expect(withAlternatives.length).toBeGreaterThan(7);
    for (const m of withAlternatives) expect(catalog.priceFor(m.modelId)!.source.join()).not.toMatch(/SEED/);
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

describe('retired-models supplement (lib/catalog/data/retired-models.json)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const retired = require('../../lib/catalog/data/retired-models.json') as { models: Array<{ id: string; eolDate: string | null; evidence: string; sources: Array<{ url: string }>; checked: string }> };

  test('each entry is a catalog model with no sourced Region or lifecycle of its own, with evidence and AWS URLs', () => {
    const raw = ModelCatalog.fromData(JSON.parse(require('fs').readFileSync(require('path').join(__dirname, '../../lib/catalog/data/bedrock-models.json'), 'utf8')));
    expect(retired.models.length).toBeGreaterThan(0);
    for (const r of retired.models) {
      const m = raw.get(r.id)!;
      expect(m).toBeDefined();
      expect([r.id, m.onDemandRegions, m.lifecycle, m.onRegionalAvailabilityPage]).toEqual([r.id, null, null, false]);
      expect(r.eolDate === null || /^\d{4}-\d{2}-\d{2}$/.test(r.eolDate)).toBe(true);
      expect(r.evidence).toMatch(/Regional availability page/);
      expect(r.sources.every((x) => x.url.startsWith('https://docs.aws.amazon.com/bedrock/'))).toBe(true);
      expect(r.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test('the default catalog judges them end-of-life; a catalog from the reference alone does not', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    const m = ModelCatalog.default().get('anthropic.claude-v2:1')!;
    expect(ModelCatalog.default().lifecycleAt(m, now, 'us-east-1').state).toBe('EOL');
    const raw = ModelCatalog.fromData(JSON.parse(require('fs').readFileSync(require('path').join(__dirname, '../../lib/catalog/data/bedrock-models.json'), 'utf8')));
    expect(raw.lifecycleAt(raw.get('anthropic.claude-v2:1')!, now, 'us-east-1').state).toBe('UNKNOWN');
  });
});
