import { looksLikeModelId, parseModelId, KNOWN_PROVIDERS } from '../../lib/catalog/model-id';
import { ModelCatalog } from '../../lib/catalog/catalog';

describe('parseModelId', () => {
  test('parses a revisioned foundation-model ID', () => {
    expect(parseModelId('anthropic.claude-haiku-4-5-20251001-v1:0')).toMatchObject({
      kind: 'foundation-model', provider: 'anthropic', foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      baseId: 'anthropic.claude-haiku-4-5-20251001-v1', revision: 0, contextVariantSuffix: undefined,
    });
  });

  test.each([
    ['anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5', '20251001', 'v1', 0],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet', '20241022', 'v2', 0],
    ['anthropic.claude-sonnet-4-6', 'claude-sonnet-4-6', undefined, undefined, undefined],
    ['amazon.titan-embed-text-v2:0', 'titan-embed-text', undefined, 'v2', 0],
    ['cohere.embed-english-v3', 'embed-english', undefined, 'v3', undefined],
    ['anthropic.claude-v2:1:200k', 'claude', undefined, 'v2', 1],
    ['meta.llama3-2-90b-instruct-v1:0', 'llama3-2-90b-instruct', undefined, 'v1', 0],
    ['openai.gpt-5.6-terra', 'gpt-5.6-terra', undefined, undefined, undefined],
    ['arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0', 'mistral-large-2402', undefined, 'v1', 0],
  ])('%s: model name %s, date %s, version %s, revision %s', (id, modelName, date, version, revision) => {
    const p = parseModelId(id);
    expect(p.modelName).toBe(modelName);
    expect(p.date).toBe(date);
    expect(p.version).toBe(version);
    expect(p.revision).toBe(revision);
  });

  test('parses an unrevisioned official ID', () => {
    expect(parseModelId('anthropic.claude-sonnet-4-6')).toMatchObject({ kind: 'foundation-model', baseId: 'anthropic.claude-sonnet-4-6', revision: undefined });
    expect(parseModelId('openai.gpt-5.5')).toMatchObject({ provider: 'openai', baseId: 'openai.gpt-5.5' });
  });

  test('parses a Provisioned-Throughput context variant', () => {
    expect(parseModelId('anthropic.claude-v2:1:200k')).toMatchObject({ baseId: 'anthropic.claude-v2', revision: 1, contextVariantSuffix: '200k' });
  });

  test.each(['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au', 'in'])('parses the %s. inference-profile prefix', (prefix) => {
    expect(parseModelId(`${prefix}.anthropic.claude-sonnet-4-6`)).toMatchObject({
      kind: 'inference-profile', profilePrefix: prefix, profileId: `${prefix}.anthropic.claude-sonnet-4-6`, foundationModelId: 'anthropic.claude-sonnet-4-6',
    });
  });

  test('parses the four ARN forms', () => {
    expect(parseModelId('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0'))
      .toMatchObject({ kind: 'foundation-model', foundationModelId: 'amazon.nova-pro-v1:0', arn: { region: 'us-east-1', account: '' } });
    expect(parseModelId('arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0')).toMatchObject({ arn: { region: '' } });
    expect(parseModelId('arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-3-haiku-20240307-v1:0'))
      .toMatchObject({ kind: 'inference-profile', profilePrefix: 'us-gov', arn: { partition: 'aws-us-gov', account: '123456789012' } });
    expect(parseModelId('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3'))
      .toMatchObject({ kind: 'application-inference-profile', arn: { resourceId: 'a1b2c3' } });
    expect(parseModelId('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef123456')).toMatchObject({ kind: 'provisioned-model' });
  });

  test.each([
    ['', /it is empty/],
    ['claude', /does not have the form '<provider>\.<model>\[:<revision>\]'/],
    ['anthropic.claude sonnet', /contains white space/],
    [' anthropic.claude-sonnet-4-6', /leading or trailing white space; remove it and write 'anthropic\.claude-sonnet-4-6'/],
    ['amazon.titan-embed-text-v2:0\n', /remove it and write 'amazon\.titan-embed-text-v2:0'/],
    ['arn:aws:bedrock:us-east-1::foundation-model/x', /does not have the form/],
    ['arn:aws:bedrock:us-east-1:123456789012:foundation-model/amazon.nova-pro-v1:0', /a foundation-model ARN has no account ID/],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/amazon.nova-pro-v1:0', /is not a system-defined inference-profile ID/],
  ])('rejects %j with a message naming the value', (input, message) => {
    expect(() => parseModelId(input)).toThrow(message);
    expect(() => parseModelId(input)).toThrow(/is not an Amazon Bedrock model identifier/);
  });
});

describe('looksLikeModelId', () => {
  test.each([
    ['anthropic.claude-3-sonnet', true],
    ['us.anthropic.claude-sonnet-4-6', true],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
    ['anthropic.claude-3-5-sonnet-latest', true],
    ['amazon.com', false],
    ['my-bucket.s3', false],
    ['example.model-v1', false],
    ['hello world', false],
  ])('%s -> %s', (value, expected) => {
    expect(looksLikeModelId(value)).toBe(expected);
  });

  test.each([
    // family / partial forms and typos of catalog IDs count, though they carry no version marker
    ['meta.llama3', true],
    ['anthropic.claude', true],
    ['amazon.titan-embed-text', true],
    ['anthropic.claude-sonet-4-6', true],
    ['openai.gpt-5.4', true],
    ['Anthropic.claude-sonnet-4-6', true],
    ['anthropic.claude-haiku-4-5-20251001-v1:9', true],
    ['arn:aws:bedrock:us-east-1::foundation-model/meta.llama3', true],
    // values that only share a provider prefix do not
    ['amazon.com-logs', false],
    ['meta.data-2024.json', false],
    ['meta.data-v1', false],
    ['openai.my-proxy.example.com', false],
    ['meta.data', false],
  ])('with the catalog: %s -> %s', (value, expected) => {
    expect(looksLikeModelId(value, ModelCatalog.default().modelIds())).toBe(expected);
  });

  test('the known providers are exactly the providers of the catalog', () => {
    const providers = [...new Set(ModelCatalog.default().all().map((m) => m.modelId.split('.')[0]))].sort();
    expect([...KNOWN_PROVIDERS].sort()).toEqual(providers);
  });
});
