import { ModelCatalog } from '../../lib/catalog/catalog';
import { evaluateModelId, EvaluateOptions, ModelFinding } from '../../lib/catalog/policy';
import { CatalogData } from '../../lib/catalog/types';

const now = new Date('2026-11-25T00:00:00Z');
const errorsOf = (id: string, region: string | undefined = 'us-east-1', extra: Partial<EvaluateOptions> = {}) =>
  evaluateModelId(id, { region, now, ...extra }).filter((f: ModelFinding) => f.level === 'error');

/** Every ID a finding suggests passes synth (no error) in the same Region at the same date, and its message names it. */
function expectSuggestionsPass(f: ModelFinding, region: string | undefined, extra: Partial<EvaluateOptions> = {}) {
  for (const id of f.suggestions ?? []) {
    const errors = evaluateModelId(id, { region, now, catalog: extra.catalog }).filter((x) => x.level === 'error');
    expect([f.modelId, id, errors.map((x) => x.message)]).toEqual([f.modelId, id, []]);
    expect(f.message).toContain(`'${id}'`);
  }
}

describe('suggestions', () => {
  test('newest first by the version in the name: opus 5 and 4.8 before 4.5 and 4', () => {
    const [f] = errorsOf('anthropic.claude-opus', 'us-east-1');
    const m = f.message;
    expect(m).toMatch(/\(newest active first\)/);
    expect(m.indexOf('claude-opus-5')).toBeGreaterThan(0);
    expect(m.indexOf('claude-opus-5')).toBeLessThan(m.indexOf('claude-opus-4-7'));
    expect(m).not.toMatch(/claude-opus-4-5|claude-opus-4-2025/);
  });

  test.each([['meta.llama3-2'], ['anthropic.claude-3-5-sonnet-latest']])('%s: no "(newest active first)" when none is active', (id) => {
    const [f] = errorsOf(id, 'us-east-1');
    expect(f.message).not.toMatch(/newest active first/);
    expect(f.message).toMatch(/none of them is active and callable from us-east-1/);
  });

  test('an end-of-life model suggests alternatives in a form callable from the Region', () => {
    const [f] = errorsOf('anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1');
    const ids = [...f.message.replace(/^.*include /, '').matchAll(/'([^']+)'/g)].map((x) => x[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect([id, errorsOf(id, 'us-east-1')]).toEqual([id, []]);
  });

  test('never invents a profile ID: no jp. profile of claude-v2:1 is sourced', () => {
    const [f] = errorsOf('jp.anthropic.claude-v2:1:200k', 'ap-northeast-1');
    expect(f.message).not.toMatch(/'jp\.anthropic\.claude-v2:1'/);
  });
});

describe('a suggestion names only what passes synth in that Region on that date', () => {
  test('anthropic.claude-3-sonnet in us-east-1: no end-of-life ID is suggested; every version is said to be end-of-life', () => {
    const [f] = errorsOf('anthropic.claude-3-sonnet');
    expect(f.code).toBe('Unversioned');
    expect(f.message).not.toMatch(/e\.g\. 'anthropic\.claude-3-sonnet-20240229-v1:0'/);
    expect(f.message).toMatch(/Every version of it is end-of-life in us-east-1: 'anthropic\.claude-3-sonnet-20240229-v1:0'; none of them is active and callable from us-east-1/);
    expect(f.message).toMatch(/No successor is sourced; active anthropic models with the same modalities callable from us-east-1 include 'anthropic\./);
    expect(f.suggestions!.length).toBeGreaterThan(0);
    for (const id of f.suggestions!) expect(id.split('.').includes('anthropic')).toBe(true);
    expectSuggestionsPass(f, 'us-east-1');
  });

  test('anthropic.claude-3-5-sonnet-latest in us-east-1: says every version is end-of-life and suggests active anthropic models', () => {
    const [f] = errorsOf('anthropic.claude-3-5-sonnet-latest');
    expect(f.code).toBe('Alias');
    expect(f.message).toMatch(/Every version of it is end-of-life in us-east-1: 'anthropic\.claude-3-5-sonnet-20241022-v2:0', 'anthropic\.claude-3-5-sonnet-20240620-v1:0'/);
    expect(f.message).not.toMatch(/e\.g\. 'anthropic\.claude-3-5-sonnet-2024/);
    expect(f.suggestions!.length).toBeGreaterThan(0);
    expectSuggestionsPass(f, 'us-east-1');
  });

  test('a dropped revision whose pinned ID is end-of-life says so and suggests what works instead', () => {
    const [f] = errorsOf('anthropic.claude-3-sonnet-20240229-v1');
    expect(f.code).toBe('RevisionDropped');
    expect(f.message).toMatch(/Its pinned form is 'anthropic\.claude-3-sonnet-20240229-v1:0' \(end-of-life in us-east-1\), which would fail too/);
    expect(f.message).not.toMatch(/Write 'anthropic\.claude-3-sonnet-20240229-v1:0'/);
    expect(f.suggestions!.length).toBeGreaterThan(0);
    expectSuggestionsPass(f, 'us-east-1');
  });

  test('a dropped revision whose pinned ID is not on demand in the Region points to the profile that works there', () => {
    const [f] = errorsOf('anthropic.claude-haiku-4-5-20251001-v1', 'us-west-1');
    expect(f.message).toMatch(/'anthropic\.claude-haiku-4-5-20251001-v1:0' \(not callable from us-west-1\).*From us-west-1 use 'global\.anthropic\.claude-haiku-4-5-20251001-v1:0'/);
    expect(f.suggestions).toEqual(['global.anthropic.claude-haiku-4-5-20251001-v1:0']);
  });

  test.each([
    ['Anthropic.claude-sonnet-4-6', /case-sensitive; the catalog spells it 'anthropic\.claude-sonnet-4-6', but that fails here too: .*not offered on demand in us-east-1/],
    [' anthropic.claude-sonnet-4-6', /white space.*without it the ID is 'anthropic\.claude-sonnet-4-6', but that fails here too: .*not offered on demand in us-east-1/],
  ])('%s in us-east-1: the corrected spelling is named, and what works from us-east-1 is suggested', (id, message) => {
    const [f] = errorsOf(id);
    expect(f.message).toMatch(message);
    expect(f.message).not.toMatch(/; write 'anthropic\.claude-sonnet-4-6'/);
    expect(f.suggestions).toEqual(['us.anthropic.claude-sonnet-4-6', 'global.anthropic.claude-sonnet-4-6']);
    expectSuggestionsPass(f, 'us-east-1');
  });

  test('a typo suggests the model in the form that works from the Region', () => {
    const [f] = errorsOf('anthropic.claude-sonet-4-6');
    expect(f.message).toMatch(/Did you mean 'us\.anthropic\.claude-sonnet-4-6' \(model 'anthropic\.claude-sonnet-4-6'\)/);
    expect(f.suggestions).toContain('us.anthropic.claude-sonnet-4-6');
    expectSuggestionsPass(f, 'us-east-1');
  });

  test('a typo of an end-of-life model says the closest ID cannot be used and suggests alternatives', () => {
    const [f] = errorsOf('anthropic.claude-3-haiku-20240307-v1:1');
    expect(f.message).toMatch(/The closest catalog ID, 'anthropic\.claude-3-haiku-20240307-v1:0', cannot be used here \(end-of-life in us-east-1\)/);
    expect(f.message).not.toMatch(/Did you mean 'anthropic\.claude-3-haiku-20240307-v1:0'/);
    expectSuggestionsPass(f, 'us-east-1');
  });

  const BAD_IDS = [
    'anthropic.claude-3-5-sonnet-latest', 'anthropic.claude-3-sonnet:latest', 'meta.llama3-latest', 'amazon.titan-embed-text-LATEST',
    'anthropic.claude-3-sonnet', 'meta.llama3', 'meta.llama3-2', 'amazon.titan-embed-text', 'anthropic.claude', 'amazon.nova', 'cohere.embed',
    'anthropic.claude-opus', 'anthropic.claude-3-sonnet-20240229-v1', 'anthropic.claude-haiku-4-5-20251001-v1', 'amazon.titan-embed-text-v2',
    'amazon.nova-pro-v1', 'anthropic.claude-haiku-4-5-20251001-v1:9', 'anthropic.claude-sonet-4-6', 'Anthropic.claude-sonnet-4-6',
    ' anthropic.claude-sonnet-4-6', 'anthropic.claude-v2:1:200k', 'amazon.nova-pro-v1:0:300k', 'anthropic.claude-sonnet-4-6',
    'anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.titan-embed-text-v1', 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
    'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'apac.anthropic.claude-sonnet-4-6', 'anthropic.claude-3-7-sonnet-20250219-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0', 'cohere.command-r-plus-v1:0', 'anthropic.claude-3-5-haiku-20241022-v1:0',
    'us.meta.llama3-2-1b-instruct-v1:0', 'ai21.jamba-1-5-large-v1:0', 'us.amazon.nova-premier-v1:0', 'anthropic.claude-opus-4-5-20251101-v1:0',
    'us.anthropic.claude-haiku-4-5-20251001-v1', 'anthropic.claude-3-5-sonnet-latest-v2:0',
  ];
  const REGIONS = ['us-east-1', 'us-west-1', 'eu-west-1', 'ap-northeast-1', 'ca-central-1', undefined];
  test.each(REGIONS.map((r) => [r ?? 'an unknown Region']))('in %s every suggested ID of every finding passes there', (label) => {
    const region = label === 'an unknown Region' ? undefined : label;
    let suggested = 0;
    for (const id of BAD_IDS) {
      for (const f of evaluateModelId(id, { region, now })) {
        expectSuggestionsPass(f, region);
        suggested += f.suggestions?.length ?? 0;
      }
    }
    expect(suggested).toBeGreaterThan(20);
  });
});

describe('successors', () => {
  /** The default data with one lifecycle successor set (the vendored data sources none; see catalog.test.ts). */
  function withSuccessor(modelId: string, successor: string): ModelCatalog {
    const data = JSON.parse(JSON.stringify(ModelCatalog.default().data)) as CatalogData;
    const m = data.models.find((x) => x.modelId === modelId)!;
    (m.lifecycle as { successor?: string }).successor = successor;
    return ModelCatalog.fromData(data);
  }

  test('an end-of-life model names its sourced successor when the successor passes', () => {
    const catalog = withSuccessor('anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-haiku-4-5-20251001-v1:0');
    const [f] = errorsOf('anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1', { catalog });
    expect(f.code).toBe('EndOfLife');
    expect(f.message).toMatch(/Migrate to its successor 'anthropic\.claude-haiku-4-5-20251001-v1:0'\./);
    expect(f.suggestions).toEqual(['anthropic.claude-haiku-4-5-20251001-v1:0']);
    expectSuggestionsPass(f, 'us-east-1', { catalog });
  });

  test('a successor that is itself end-of-life is named as unusable, never suggested', () => {
    const catalog = withSuccessor('anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-7-sonnet-20250219-v1:0');
    const [f] = errorsOf('anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1', { catalog });
    expect(f.message).not.toMatch(/Migrate to/);
    expect(f.message).toMatch(/Its sourced successor 'anthropic\.claude-3-7-sonnet-20250219-v1:0' cannot be used from us-east-1 either/);
    expect(f.suggestions).not.toContain('anthropic.claude-3-7-sonnet-20250219-v1:0');
    expect(f.suggestions!.length).toBeGreaterThan(0);
    expectSuggestionsPass(f, 'us-east-1', { catalog });
  });

  test('an end-of-life model whose other versions are end-of-life too says every version is', () => {
    const [f] = errorsOf('anthropic.claude-3-5-sonnet-20240620-v1:0', 'us-east-1');
    expect(f.message).toMatch(/Every version of 'anthropic\.claude-3-5-sonnet' is end-of-life in us-east-1 \(also 'anthropic\.claude-3-5-sonnet-20241022-v2:0'\)/);
    expect(f.message).toMatch(/active anthropic models with the same modalities callable from us-east-1 include/);
    expectSuggestionsPass(f, 'us-east-1');
  });
});
