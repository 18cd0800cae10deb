import { evaluateModelId, ModelFinding } from '../../lib/models/policy';

const now = new Date('2026-11-25T00:00:00Z');
const errorsOf = (id: string, region: string | undefined = 'us-east-1', extra: object = {}) =>
  evaluateModelId(id, { region, now, ...extra }).filter((f: ModelFinding) => f.level === 'error');

/**
 * Table of bad inputs: each must fail with its specific code and a message naming the value and the fix.
 * Region us-east-1 and date 2026-11-25 unless the row says otherwise.
 */
const BAD: Array<[string, string, string | undefined, RegExp]> = [
  // [id, code, region, message]
  ['anthropic.claude-3-5-sonnet-latest', 'Alias', 'us-east-1', /'anthropic\.claude-3-5-sonnet-latest' is an alias \('-latest'\).*'anthropic\.claude-3-5-sonnet-20241022-v2:0'/],
  ['anthropic.claude-3-sonnet:latest', 'Alias', 'us-east-1', /is an alias \(':latest'\).*'anthropic\.claude-3-sonnet-20240229-v1:0'/],
  ['meta.llama3-latest', 'Alias', 'us-east-1', /is an alias.*'meta\.llama3-/],
  ['amazon.titan-embed-text-LATEST', 'Alias', 'us-east-1', /is an alias \('-LATEST'\).*'amazon\.titan-embed-text-v2:0'/],
  ['anthropic.claude-3-sonnet', 'Unversioned', 'us-east-1', /'anthropic\.claude-3-sonnet' is a model family or partial ID.*'anthropic\.claude-3-sonnet-20240229-v1:0'/],
  ['meta.llama3', 'Unversioned', 'us-east-1', /'meta\.llama3' is a model family or partial ID.*'meta\.llama3-/],
  ['amazon.titan-embed-text', 'Unversioned', 'us-east-1', /'amazon\.titan-embed-text' is a model family.*'amazon\.titan-embed-text-v2:0', 'amazon\.titan-embed-text-v1'/],
  ['anthropic.claude', 'Unversioned', 'us-east-1', /'anthropic\.claude' is a model family or partial ID/],
  ['amazon.nova', 'Unversioned', 'us-east-1', /'amazon\.nova' is a model family.*'amazon\.nova-/],
  ['cohere.embed', 'Unversioned', 'us-east-1', /'cohere\.embed' is a model family/],
  ['anthropic.claude-3-sonnet-20240229-v1', 'RevisionDropped', 'us-east-1', /drops the ':N' revision.*Write 'anthropic\.claude-3-sonnet-20240229-v1:0'/],
  ['anthropic.claude-haiku-4-5-20251001-v1', 'RevisionDropped', 'us-east-1', /Write 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['amazon.titan-embed-text-v2', 'RevisionDropped', 'us-east-1', /Write 'amazon\.titan-embed-text-v2:0'/],
  ['amazon.nova-pro-v1', 'RevisionDropped', 'us-east-1', /Write 'amazon\.nova-pro-v1:0'/],
  ['anthropic.claude-haiku-4-5-20251001-v1:9', 'UnknownModel', 'us-east-1', /'anthropic\.claude-haiku-4-5-20251001-v1:9' is not in the model catalog.*Did you mean 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['anthropic.claude-haiku-4-5-20251001-v2:0', 'UnknownModel', 'us-east-1', /Did you mean 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['anthropic.claude-sonet-4-6', 'UnknownModel', 'us-east-1', /'anthropic\.claude-sonet-4-6' is not in the model catalog.*'anthropic\.claude-sonnet-4-6'/],
  ['Anthropic.claude-sonnet-4-6', 'UnknownModel', 'us-east-1', /case-sensitive; write 'anthropic\.claude-sonnet-4-6'/],
  ['AMAZON.TITAN-EMBED-TEXT-V2:0', 'UnknownModel', 'us-east-1', /case-sensitive; write 'amazon\.titan-embed-text-v2:0'/],
  [' anthropic.claude-sonnet-4-6', 'UnknownModel', 'us-east-1', /leading or trailing white space.*write 'anthropic\.claude-sonnet-4-6'/],
  ['amazon.titan-embed-text-v2:0 ', 'UnknownModel', 'us-east-1', /white space.*write 'amazon\.titan-embed-text-v2:0'/],
  ['madeup.model-v1:0', 'UnknownModel', 'us-east-1', /'madeup\.model-v1:0' is not in the model catalog.*custom/],
  ['claude-3-sonnet', 'Syntax', 'us-east-1', /'claude-3-sonnet' is not an Amazon Bedrock model identifier.*<provider>\.<model>/],
  ['', 'Syntax', 'us-east-1', /is not an Amazon Bedrock model identifier: it is empty/],
  ['arn:aws:s3:::bucket/key', 'Syntax', 'us-east-1', /is not an ARN of the form/],
  ['arn:aws:bedrock:us-east-1::agent/ABC', 'Syntax', 'us-east-1', /resource type 'agent' is not one this library invokes/],
  // its on-demand model has no sourced Regions (retired), so it is named but not suggested
  ['anthropic.claude-v2:1:200k', 'ProvisionedOnly', 'us-east-1', /Provisioned-Throughput model ID \(context variant ':200k'\).*on-demand model 'anthropic\.claude-v2:1' is not sourced as usable from us-east-1/],
  ['jp.anthropic.claude-v2:1:200k', 'ProvisionedOnly', 'ap-northeast-1', /context variant ':200k'.*'anthropic\.claude-v2:1' is not sourced as usable from ap-northeast-1 \(and has no sourced 'jp\.' profile\)/],
  ['amazon.nova-pro-v1:0:300k', 'ProvisionedOnly', 'us-east-1', /write 'amazon\.nova-pro-v1:0'.*provisioned-model ARN/],
  ['cohere.embed-english-v3:0:512', 'ProvisionedOnly', 'us-east-1', /context variant ':512'/],
  ['anthropic.claude-sonnet-4-6', 'NotInRegion', 'us-east-1', /not offered on demand in us-east-1\. From us-east-1 use 'us\.anthropic\.claude-sonnet-4-6' or 'global\.anthropic\.claude-sonnet-4-6'.*offered on demand in: eu-west-2/],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'NotInRegion', 'us-west-1', /not offered on demand in us-west-1\. From us-west-1 use 'global\.anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['amazon.titan-embed-text-v1', 'NotInRegion', 'us-west-1', /not offered on demand in us-west-1.*us-east-1, us-west-2, eu-central-1, ap-northeast-1/],
  ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'ProfileGeography', 'us-east-1', /'eu\.' geography \(.*eu-central-1.*\) does not include the stack's Region us-east-1, which is in the 'us\.' geography\. From us-east-1 use .*'us\.anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'ProfileGeography', 'eu-west-1', /'us\.' geography .* does not include the stack's Region eu-west-1, which is in the 'eu\.' geography\. From eu-west-1 use .*'eu\.anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['ca.anthropic.claude-sonnet-4-6', 'UnknownModel', 'ca-central-1', /'ca\.anthropic\.claude-sonnet-4-6' is not in the model catalog/],
  ['apac.anthropic.claude-sonnet-4-6', 'ProfileUnknown', 'ap-northeast-1', /'apac\.anthropic\.claude-sonnet-4-6' is not a sourced inference-profile ID of 'anthropic\.claude-sonnet-4-6'/],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'EndOfLife', 'us-east-1', /reached end of life on 2026-07-30 in us-east-1: requests to it fail \(judged at 2026-11-25/],
  ['anthropic.claude-3-haiku-20240307-v1:0', 'EndOfLife', 'us-east-1', /reached end of life on 2026-09-10 in us-east-1/],
  ['cohere.command-r-plus-v1:0', 'EndOfLife', 'us-east-1', /reached end of life on 2026-08-19/],
  ['anthropic.claude-opus-5-5', 'RegionNotSourced', 'us-east-1', /^(?!.*use 'us\.).*no sourced Regions for this model \(it is absent from the AWS Regional availability snapshot.*custom: \{ regions: \['us-east-1'\] \}/],
  ['arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3', 'HiddenModel', 'us-east-1', /application-inference-profile ARN, which hides the model.*sourceModelId/],
];

describe('model-ID policy', () => {
  test('the table has at least 30 bad inputs', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(30);
  });

  test.each(BAD)('rejects %s (%s)', (id, code, region, message) => {
    const errors = errorsOf(id, region);
    expect(errors.map((e) => e.code)).toContain(code);
    const finding = errors.find((e) => e.code === code)!;
    expect(finding.message).toMatch(message);
    expect(finding.modelId).toBe(id);
  });

  test.each([
    ['anthropic.claude-haiku-4-5-20251001-v1:0', 'us-east-1'],
    ['anthropic.claude-sonnet-4-6', 'eu-west-2'],
    ['us.anthropic.claude-sonnet-4-6', 'us-east-1'],
    ['global.anthropic.claude-sonnet-4-6', 'ap-south-1'],
    ['cohere.embed-english-v3', 'us-east-1'],
    ['amazon.titan-embed-text-v1', 'us-east-1'],
    ['amazon.titan-embed-text-v2:0', 'eu-central-1'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', 'us-east-1'],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0', 'us-east-1'],
  ])('accepts the exact official ID %s in %s (unrevisioned IDs are pinned when the catalog says so)', (id, region) => {
    expect(evaluateModelId(id, { region, now })).toEqual([]);
  });

  test('a legacy model warns with its dates and is not an error', () => {
    const findings = evaluateModelId('ai21.jamba-1-5-large-v1:0', { region: 'us-east-1', now });
    expect(findings).toHaveLength(1);
    expect(findings[0].level).toBe('warning');
    expect(findings[0].code).toBe('Legacy');
    expect(findings[0].message).toMatch(/legacy since 2026-05-26 in us-east-1 and reaches end of life on 2026-11-26/);
  });

  test('lifecycle is judged at the given date: the same model is legacy before its EOL date and end-of-life after', () => {
    const before = evaluateModelId('ai21.jamba-1-5-large-v1:0', { region: 'us-east-1', now: new Date('2026-11-25T00:00:00Z') });
    const after = evaluateModelId('ai21.jamba-1-5-large-v1:0', { region: 'us-east-1', now: new Date('2026-11-26T00:00:00Z') });
    expect(before.map((f) => f.code)).toEqual(['Legacy']);
    expect(after.map((f) => f.code)).toEqual(['EndOfLife']);
  });

  test('a LEGACY row whose EOL date has passed is end-of-life', () => {
    // Llama 3.2 1B: status LEGACY with "EOL: 2026-07-07" on the Regional page; judged on 2026-11-25 it is end-of-life.
    const f = errorsOf('us.meta.llama3-2-1b-instruct-v1:0', 'us-east-1').filter((x) => x.code === 'EndOfLife');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/reached end of life on 2026-07-07 in us-east-1/);
  });

  test('lifecycle is per Region: EOL in us-east-1, active in a Region the dates do not apply to', () => {
    expect(errorsOf('anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1').map((f) => f.code)).toEqual(['EndOfLife']);
    expect(evaluateModelId('anthropic.claude-3-haiku-20240307-v1:0', { region: 'ca-central-1', now })).toEqual([]);
  });

  test('a us. profile used from us-west-1 (a sourced source Region missing from the geography list) warns about the data gap', () => {
    const findings = evaluateModelId('us.anthropic.claude-haiku-4-5-20251001-v1:0', { region: 'us-west-1', now });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ level: 'warning', code: 'ProfileDataGap' });
    expect(findings[0].message).toMatch(/us-west-1 is a sourced geographic source Region .* missing from the 'us\.' geography/);
  });

  test('an unknown ID declared custom is accepted, within its declared Regions', () => {
    const custom = { regions: ['us-east-1'] };
    expect(evaluateModelId('anthropic.claude-opus-9-0', { region: 'us-east-1', now, custom })).toEqual([]);
    const wrong = evaluateModelId('anthropic.claude-opus-9-0', { region: 'eu-west-1', now, custom });
    expect(wrong[0]).toMatchObject({ code: 'NotInRegion' });
    expect(wrong[0].message).toMatch(/declared custom with regions \[us-east-1\], which do not include the stack's Region eu-west-1/);
  });

  test('custom does not make an alias or a partial ID acceptable', () => {
    const custom = { regions: ['us-east-1'] };
    expect(errorsOf('anthropic.claude-3-sonnet', 'us-east-1', { custom }).map((f) => f.code)).toEqual(['Unversioned']);
    expect(errorsOf('anthropic.claude-3-5-sonnet-latest', 'us-east-1', { custom }).map((f) => f.code)).toEqual(['Alias']);
  });

  test('an application-inference-profile ARN is checked through its declared source model', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3';
    expect(evaluateModelId(arn, { region: 'us-east-1', now, custom: { sourceModelId: 'amazon.nova-pro-v1:0' } })).toEqual([]);
    const eol = errorsOf(arn, 'us-east-1', { custom: { sourceModelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0' } });
    expect(eol.map((f) => f.code)).toEqual(['EndOfLife']);
    expect(eol[0].message).toMatch(/the model behind 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile\/a1b2c3'/);
  });

  test('the Region of a model ARN wins over the stack Region', () => {
    const arn = 'arn:aws:bedrock:eu-west-2::foundation-model/anthropic.claude-sonnet-4-6';
    expect(evaluateModelId(arn, { region: 'us-east-1', now })).toEqual([]);
  });

  test('an unknown Region yields a RegionUnknown warning naming where the model is offered', () => {
    const f = evaluateModelId('amazon.titan-embed-text-v1', { region: undefined, now });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ level: 'warning', code: 'RegionUnknown' });
    expect(f[0].message).toMatch(/offered in us-east-1, us-west-2, eu-central-1, ap-northeast-1/);
  });
});
