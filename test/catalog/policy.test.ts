import { ModelCatalog } from '../../lib/catalog/catalog';
import { evaluateModelId, ModelFinding } from '../../lib/catalog/policy';

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
  // ca-central-1: the pinned ID is on demand there and not end-of-life (in us-east-1 it is; see suggestions.test.ts)
  ['anthropic.claude-3-sonnet-20240229-v1', 'RevisionDropped', 'ca-central-1', /drops the ':N' revision.*Write 'anthropic\.claude-3-sonnet-20240229-v1:0'/],
  ['anthropic.claude-haiku-4-5-20251001-v1', 'RevisionDropped', 'us-east-1', /Write 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['amazon.titan-embed-text-v2', 'RevisionDropped', 'us-east-1', /Write 'amazon\.titan-embed-text-v2:0'/],
  ['amazon.nova-pro-v1', 'RevisionDropped', 'us-east-1', /Write 'amazon\.nova-pro-v1:0'/],
  ['anthropic.claude-haiku-4-5-20251001-v1:9', 'UnknownModel', 'us-east-1', /'anthropic\.claude-haiku-4-5-20251001-v1:9' is not in the model catalog.*Did you mean 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['anthropic.claude-haiku-4-5-20251001-v2:0', 'UnknownModel', 'us-east-1', /Did you mean 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
  ['anthropic.claude-sonet-4-6', 'UnknownModel', 'us-east-1', /'anthropic\.claude-sonet-4-6' is not in the model catalog.*'anthropic\.claude-sonnet-4-6'/],
  // eu-west-2: where the corrected ID is offered on demand (from us-east-1 only its profiles work; see suggestions.test.ts)
  ['Anthropic.claude-sonnet-4-6', 'UnknownModel', 'eu-west-2', /case-sensitive; write 'anthropic\.claude-sonnet-4-6'/],
  ['AMAZON.TITAN-EMBED-TEXT-V2:0', 'UnknownModel', 'us-east-1', /case-sensitive; write 'amazon\.titan-embed-text-v2:0'/],
  [' anthropic.claude-sonnet-4-6', 'UnknownModel', 'eu-west-2', /leading or trailing white space.*write 'anthropic\.claude-sonnet-4-6'/],
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
  // `ca.` is a documented geography (AWS lists `ca.amazon.nova-lite-v1:0`), but no source names a `ca.` profile of this model
  ['ca.anthropic.claude-sonnet-4-6', 'ProfileUnknown', 'ca-central-1', /'ca\.anthropic\.claude-sonnet-4-6' is not a sourced inference-profile ID of 'anthropic\.claude-sonnet-4-6'\. From ca-central-1 use 'global\.anthropic\.claude-sonnet-4-6'/],
  ['apac.anthropic.claude-sonnet-4-6', 'ProfileUnknown', 'ap-northeast-1', /'apac\.anthropic\.claude-sonnet-4-6' is not a sourced inference-profile ID of 'anthropic\.claude-sonnet-4-6'/],
  ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'EndOfLife', 'us-east-1', /reached end of life on 2026-07-30 in us-east-1: requests to it fail \(judged at 2026-11-25/],
  ['anthropic.claude-3-haiku-20240307-v1:0', 'EndOfLife', 'us-east-1', /reached end of life on 2026-09-10 in us-east-1/],
  ['cohere.command-r-plus-v1:0', 'EndOfLife', 'us-east-1', /reached end of life on 2026-08-19/],
  ['anthropic.claude-opus-5-5', 'RegionNotSourced', 'us-east-1', /^(?!.*use 'us\.).*no sourced Regions for this model \(it is absent from the AWS Regional availability snapshot.*custom: \{ regions: \['us-east-1'\] \}/],
  ['arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3', 'HiddenModel', 'us-east-1', /application-inference-profile ARN, which hides the model.*sourceModelId/],
  // geographic profiles whose source Regions are not sourced (the us. Claude 3 Opus ID is on the AWS profile-support page
  // since the 2026-12-07 reference; the eu. one is not, so it is a profile AWS does not document)
  ['us.anthropic.claude-3-opus-20240229-v1:0', 'RegionNotSourced', 'us-east-1', /no sourced geographic-profile source Regions for 'anthropic\.claude-3-opus-20240229-v1:0' \(the profile ID is sourced from sourceCatalog:LITELLM_2025_09, sourceCatalog:AWS_PROFILE_SUPPORT_PAGE\).*retired.*custom: \{ regions: \['us-east-1'\] \}/],
  ['eu.anthropic.claude-3-opus-20240229-v1:0', 'ProfileUnknown', 'eu-west-1', /'eu\.anthropic\.claude-3-opus-20240229-v1:0' is not documented by AWS: only a third party lists it \(sourceCatalog:LITELLM_2025_09\).*inference-profiles-support\.html.*only as: us\.anthropic\.claude-3-opus-20240229-v1:0/],
  ['us.anthropic.claude-opus-5-5', 'RegionNotSourced', 'us-east-1', /no sourced geographic-profile source Regions for 'anthropic\.claude-opus-5-5'.*LITELLM_E1D16F5/],
  ['eu.anthropic.claude-opus-5-5', 'RegionNotSourced', 'eu-central-1', /no sourced geographic-profile source Regions/],
  ['jp.anthropic.claude-opus-5-5', 'RegionNotSourced', 'ap-northeast-1', /no sourced geographic-profile source Regions/],
  ['au.anthropic.claude-opus-5-5', 'RegionNotSourced', 'ap-southeast-2', /no sourced geographic-profile source Regions/],
  ['us.anthropic.claude-fable-5-1', 'RegionNotSourced', 'us-east-1', /no sourced geographic-profile source Regions for 'anthropic\.claude-fable-5-1'/],
  // the AWS model card lists us. and global. only (reference 2026-12-07): the eu. ID is a LiteLLM entry AWS does not document
  ['eu.anthropic.claude-fable-5-1', 'ProfileUnknown', 'eu-west-1', /'eu\.anthropic\.claude-fable-5-1' is not documented by AWS: only a third party lists it \(sourceCatalog:LITELLM_E1D16F5\).*model-card-anthropic-claude-fable-5-1\.html/],
  ['global.anthropic.claude-opus-5-5', 'RegionNotSourced', 'us-east-1', /no sourced global-profile source Regions/],
  // the profile prefix is kept in suggestions, and only where that profile ID is sourced
  ['us.anthropic.claude-haiku-4-5-20251001-v1', 'RevisionDropped', 'us-east-1', /Write 'us\.anthropic\.claude-haiku-4-5-20251001-v1:0'\.$/],
  ['arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0', 'RegionlessArn', 'us-east-1', /foundation-model ARN without a Region.*write the model ID 'amazon\.nova-pro-v1:0'.*'arn:aws:bedrock:us-east-1::foundation-model\/amazon\.nova-pro-v1:0'/],
  ['anthropic.claude-3-5-sonnet-latest-v2:0', 'Alias', 'us-east-1', /is an alias \('-latest' inside the ID\)/],
  // a Region no source lists is called unknown, with the nearest listed Region
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'UnknownRegion', 'us-east-7', /^The Region it is used from is 'us-east-7', which is an unknown Region: .*did you mean 'us-east-1'\? So where and until when 'anthropic\.claude-haiku-4-5-20251001-v1:0' can be called was not checked\. If us-east-7 is a Region newer than the catalog .*custom: \{ regions: \['us-east-7'\] \} \}\)\.$/],
  ['anthropic.claude-haiku-4-5-20251001-v1:0', 'UnknownRegion', 'US-EAST-1', /'US-EAST-1', which is not an AWS Region name \(Region codes are lower case\); did you mean 'us-east-1'\?/],
  ['arn:aws:bedrock:eu-west-9::foundation-model/amazon.nova-pro-v1:0', 'UnknownRegion', 'us-east-1', /^The Region in 'arn:aws:bedrock:eu-west-9::foundation-model\/amazon\.nova-pro-v1:0' is 'eu-west-9', which is an unknown Region.*did you mean 'eu-west-1'\?/],
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
    const noRegions = errorsOf('anthropic.claude-opus-9-0', 'us-east-1', { custom: { contextWindow: 200_000 } });
    expect(noRegions.map((f) => f.code)).toEqual(['RegionNotSourced']);
    expect(noRegions[0].message).toMatch(/declared custom without Regions.*custom: \{ regions: \['us-east-1', \.\.\.\] \}/);
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

  test('a foundation-model ARN of another Region than the stack\'s is a CrossRegionArn error (as in the checks), judged no further in the stack Region', () => {
    // Before issue 23 this passed silently while cdk-bedrock-check failed the same reference; now both say CrossRegionArn.
    const arn = 'arn:aws:bedrock:eu-west-2::foundation-model/anthropic.claude-sonnet-4-6';
    const f = evaluateModelId(arn, { region: 'us-east-1', now });
    expect(f.map((x) => x.code)).toEqual(['CrossRegionArn']);
    expect(f[0].message).toMatch(/is a foundation-model ARN in eu-west-2, but it is used from us-east-1.*From us-east-1 use 'us\.anthropic\.claude-sonnet-4-6' or 'global\.anthropic\.claude-sonnet-4-6'/);
    expect(f[0].suggestions).toEqual(['us.anthropic.claude-sonnet-4-6', 'global.anthropic.claude-sonnet-4-6']);
    const nova = evaluateModelId('arn:aws:bedrock:eu-west-2::foundation-model/amazon.nova-pro-v1:0', { region: 'us-east-1', now });
    expect(nova.map((x) => x.code)).toEqual(['CrossRegionArn']);
    expect(nova[0].message).toMatch(/From us-east-1 use 'amazon\.nova-pro-v1:0'/);
    // the ARN's own Region is still what it is judged in otherwise (with no stack Region, or the same one)
    expect(evaluateModelId(arn, { region: 'eu-west-2', now })).toEqual([]);
    expect(evaluateModelId(arn, { region: undefined, now })).toEqual([]);
  });

  test.each([['us-east-7'], ['US-EAST-1']])('a model used from Region %s gets one short UnknownRegion error, not lists of Regions', (region) => {
    for (const id of ['anthropic.claude-haiku-4-5-20251001-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'anthropic.claude-3-sonnet']) {
      const f = evaluateModelId(id, { region, now });
      expect(f.map((x) => x.code)).toEqual(['UnknownRegion']);
      expect(f[0].message).toMatch(/did you mean 'us-east-1'\?/);
      expect(f[0].message.length).toBeLessThan(600);
      expect(f[0].message).not.toMatch(/eu-west-1|ap-northeast-1/);
    }
  });

  test('a Region no source lists is accepted where the model is declared custom in it (a Region newer than the catalog)', () => {
    expect(evaluateModelId('anthropic.claude-opus-9-0', { region: 'us-east-7', now, custom: { regions: ['us-east-7'] } })).toEqual([]);
  });

  test('an unknown Region yields a RegionUnknown warning naming where the model is offered', () => {
    const f = evaluateModelId('amazon.titan-embed-text-v1', { region: undefined, now });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ level: 'warning', code: 'RegionUnknown' });
    expect(f[0].message).toMatch(/offered in us-east-1, us-west-2, eu-central-1, ap-northeast-1/);
  });

  describe('unsourced availability and lifecycle', () => {
    const catalog = ModelCatalog.default();
    const suggested = (message: string) => [...message.matchAll(/'((?:[a-z-]+\.)?[a-z0-9-]+\.[a-z0-9.:-]+)'/g)].map((m) => m[1])
      .filter((x) => catalog.get(x) || catalog.get(x.slice(x.indexOf('.') + 1)));

    test('a bare ID without sourced Regions suggests no profile whose own Regions are not sourced', () => {
      const [f] = errorsOf('anthropic.claude-opus-5-5', 'us-east-1');
      expect(f.code).toBe('RegionNotSourced');
      expect(f.message).not.toMatch(/'(us|eu|jp|au|global)\.anthropic\.claude-opus-5-5'/);
    });

    test.each([
      ['anthropic.claude-opus-5-5', 'us-east-1', 0],
      ['anthropic.claude-sonnet-4-6', 'us-east-1', 2],
      ['anthropic.claude-haiku-4-5-20251001-v1:0', 'us-west-1', 1],
      ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'us-east-1', 3],
      ['anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1', 1],
      ['anthropic.claude-opus', 'us-east-1', 4],
      ['amazon.nova-pro-v1:0:300k', 'us-east-1', 1],
    ])('every ID suggested for %s in %s is itself accepted there (at least %d suggested)', (id, region, min) => {
      const errors = errorsOf(id, region);
      expect(errors).toHaveLength(1);
      // the suggestions follow 'use', 'write', 'e.g.' or 'include'; the model's own ID named in the message is not one
      const tail = errors[0].message.replace(/^[^]*?(From \S+ use |write |e\.g\. |include )/, '');
      const ids = suggested(tail).filter((x) => x !== id);
      expect(ids.length).toBeGreaterThanOrEqual(min);
      for (const s of ids) expect([s, errorsOf(s, region).map((x) => x.message)]).toEqual([s, []]);
    });

    test('an active model that a secondary lifecycle source calls end-of-life warns with both sources (primary value kept)', () => {
    const f = evaluateModelId('us.amazon.nova-premier-v1:0', { region: 'us-east-1', now });
    expect(f.map((x) => [x.level, x.code])).toEqual([['warning', 'LifecycleConflict']]);
    expect(f[0].message).toMatch(/is active in us-east-1 per its primary source .*secondary source disagrees: EOL 2026-09-14/);
  });

  test('a model with no sourced lifecycle declared custom (verified Regions) warns that its lifecycle was not checked', () => {
      const f = evaluateModelId('us.anthropic.claude-fable-5-1', { region: 'us-east-1', now, custom: { regions: ['us-east-1'] } });
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ level: 'warning', code: 'LifecycleNotSourced' });
      expect(f[0].message).toMatch(/no sourced lifecycle for 'anthropic\.claude-fable-5-1'.*retired/);
    });

    test('an env-agnostic stack with a model offered on demand nowhere fails and names the profiles that work', () => {
      const f = evaluateModelId('anthropic.claude-opus-4-5-20251101-v1:0', { region: undefined, now });
      expect(f.map((x) => x.code)).toEqual(['NotInRegion']);
      expect(f[0].message).toMatch(/not offered on demand in any Region.*'us\.anthropic\.claude-opus-4-5-20251101-v1:0' \(from us-east-1, us-east-2, us-west-2\).*'global\.anthropic\.claude-opus-4-5-20251101-v1:0'/);
    });

    test('an env-agnostic stack with a profile whose Regions are not sourced fails', () => {
      const f = evaluateModelId('us.anthropic.claude-3-opus-20240229-v1:0', { region: undefined, now });
      expect(f.map((x) => x.code)).toEqual(['RegionNotSourced']);
      expect(f[0].message).toMatch(/neither synth nor a deploy-time Rule can check.*custom: \{ regions:/);
    });
  });

  describe('geography from sourced data', () => {
    test('a us. profile from ca-central-1 (a geo source Region in no geography list, several geo profiles) fails, saying how to declare it', () => {
      // Which of Haiku 4.5's us./eu./apac./jp./au. profiles serves ca-central-1 is not sourced: no guess either way.
      const f = evaluateModelId('us.anthropic.claude-haiku-4-5-20251001-v1:0', { region: 'ca-central-1', now });
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({ level: 'error', code: 'ProfileGeography' });
      expect(f[0].message).toMatch(/ca-central-1 is a sourced geographic source Region.*several geographic profiles.*cannot tell whether the 'us\.' profile serves ca-central-1.*custom: \{ regions: \['ca-central-1'\] \}/);
      expect(evaluateModelId('us.anthropic.claude-haiku-4-5-20251001-v1:0', { region: 'ca-central-1', now, custom: { regions: ['ca-central-1'] } })
        .filter((x) => x.level === 'error')).toEqual([]);
    });

    test('a data-gap Region is accepted only for the profile its geography can be: eu./apac. from us-west-1 fail, us. warns', () => {
      const code = (id: string) => evaluateModelId(id, { region: 'us-west-1', now }).map((x) => `${x.level}:${x.code}`);
      expect(code('eu.amazon.nova-lite-v1:0')).toEqual(['error:ProfileGeography']);
      expect(code('apac.amazon.nova-lite-v1:0')).toEqual(['error:ProfileGeography']);
      expect(code('us.amazon.nova-lite-v1:0')).toEqual(['warning:ProfileDataGap']);
    });

    test('a profile from a Region the model lists no geographic source for fails', () => {
      // ca-west-1: a global source Region of Haiku 4.5, not a geographic one
      const f = errorsOf('us.anthropic.claude-haiku-4-5-20251001-v1:0', 'ca-west-1');
      expect(f.map((x) => x.code)).toEqual(['ProfileGeography']);
      expect(f[0].message).toMatch(/lists no geographic cross-Region inference .* from ca-west-1.*From ca-west-1 use 'global\.anthropic\.claude-haiku-4-5-20251001-v1:0'/);
    });
  });

  describe('custom does not accept malformed forms of catalog IDs', () => {
    const custom = { regions: ['us-east-1'] };
    test.each([
      ['Anthropic.claude-sonnet-4-6', 'UnknownModel', /case-sensitive; write 'anthropic\.claude-sonnet-4-6'/],
      ['anthropic.claude-3-5-sonnet-latest-v2:0', 'Alias', /alias \('-latest' inside the ID\)/],
      ['anthropic.claude-haiku-4-5-20251001-v1:0:999k', 'ProvisionedOnly', /Provisioned-Throughput model ID \(context variant ':999k'\).*write 'anthropic\.claude-haiku-4-5-20251001-v1:0'/],
    ])('%s with custom fails (%s)', (id, code, message) => {
      const f = errorsOf(id, 'us-east-1', { custom });
      expect(f.map((x) => x.code)).toEqual([code]);
      expect(f[0].message).toMatch(message);
    });
  });

  test('an application profile over a system profile is checked through that profile; an ARN as source model fails', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3';
    expect(evaluateModelId(arn, { region: 'us-east-1', now, custom: { sourceModelId: 'us.anthropic.claude-sonnet-4-6' } })).toEqual([]);
    const wrongGeo = errorsOf(arn, 'us-east-1', { custom: { sourceModelId: 'eu.anthropic.claude-sonnet-4-6' } });
    expect(wrongGeo.map((f) => f.code)).toEqual(['ProfileGeography']);
    // sourceModelId alone does not make its model "custom": a typo or an unsourced profile of the source model fails
    expect(errorsOf(arn, 'us-east-1', { custom: { sourceModelId: 'anthropic.claude-sonet-4-6' } }).map((f) => f.code)).toEqual(['UnknownModel']);
    expect(errorsOf(arn, 'ap-northeast-1', { custom: { sourceModelId: 'apac.anthropic.claude-sonnet-4-6' } }).map((f) => f.code)).toEqual(['ProfileUnknown']);
    const bad = errorsOf(arn, 'us-east-1', { custom: { sourceModelId: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' } });
    expect(bad[0].message).toMatch(/custom\.sourceModelId 'arn:aws:bedrock:us-east-1::foundation-model\/amazon\.nova-pro-v1:0' .* must be a foundation-model ID .* not an ARN/);
  });

  describe('facts weighed by who says them (issue 23)', () => {
    test('a profile ID only third parties list is accepted with a ThirdPartySource warning naming the sources and the AWS-documented forms', () => {
      const f = evaluateModelId('au.anthropic.claude-sonnet-5', { region: 'ap-southeast-4', now });
      expect(f.map((x) => [x.level, x.code])).toEqual([['warning', 'ThirdPartySource']]);
      expect(f[0].message).toMatch(/accepted on a third-party source only: sourceCatalog:LITELLM_E1D16F5, sourceCatalog:LITELLM_HEAD list it.*AWS documents 'global\.anthropic\.claude-sonnet-5' or 'anthropic\.claude-sonnet-5' \(usable from ap-southeast-4\)/);
      expect(f[0].suggestions).toEqual(['global.anthropic.claude-sonnet-5', 'anthropic.claude-sonnet-5']);
    });

    test('a profile ID with an AWS source gets no ThirdPartySource warning', () => {
      expect(evaluateModelId('apac.amazon.nova-lite-v1:0', { region: 'ap-northeast-1', now })).toEqual([]);
      expect(evaluateModelId('jp.anthropic.claude-haiku-4-5-20251001-v1:0', { region: 'ap-northeast-1', now })).toEqual([]);
    });

    test('a profile ID AWS does not document says so and names the AWS-documented profile for the Region', () => {
      const f = evaluateModelId('apac.anthropic.claude-haiku-4-5-20251001-v1:0', { region: 'ap-northeast-1', now });
      expect(f.map((x) => x.code)).toEqual(['ProfileUnknown']);
      expect(f[0].message).toMatch(/'apac\.anthropic\.claude-haiku-4-5-20251001-v1:0' is not documented by AWS: only a third party lists it \(sourceCatalog:LITELLM_HEAD\).*model-card-anthropic-claude-haiku-4-5\.html/);
      expect(f[0].suggestions).toContain('jp.anthropic.claude-haiku-4-5-20251001-v1:0');
    });

    test('ca. is a geography whose destination Regions are not sourced: its profile is accepted with a data-gap warning', () => {
      const f = evaluateModelId('ca.amazon.nova-lite-v1:0', { region: 'ca-central-1', now });
      expect(f.map((x) => [x.level, x.code])).toEqual([['warning', 'ProfileDataGap']]);
      expect(f[0].message).toMatch(/destination Regions of the 'ca\.' geography are not sourced/);
    });
  });

  describe('retired models known as retired (issue 23)', () => {
    test.each([
      ['anthropic.claude-v2', 'us-east-1'], ['anthropic.claude-v2:1', 'us-east-1'], ['anthropic.claude-instant-v1', 'eu-west-1'],
      ['amazon.titan-text-express-v1', 'us-east-1'], ['meta.llama2-70b-chat-v1', undefined], ['ai21.j2-ultra-v1', 'us-east-1'],
    ])('%s from %s is EndOfLife, not RegionNotSourced / RegionUnknown', (id, region) => {
      const f = evaluateModelId(id, { region, now });
      expect(f.map((x) => [x.level, x.code])).toEqual([['error', 'EndOfLife']]);
      expect(f[0].message).toMatch(new RegExp(`'${id.replace(/[.:]/g, '\\$&')}' is retired \\(end of life, date not sourced\\).*retired-models\\.json.*models-region-compatibility\\.html`));
      expect(f[0].message).not.toMatch(/custom: \{ regions/);
    });

    test('a retired model names active alternatives that pass where it is used', () => {
      const f = evaluateModelId('anthropic.claude-v2', { region: 'us-east-1', now });
      expect(f[0].suggestions!.length).toBeGreaterThan(0);
      for (const id of f[0].suggestions!) expect(errorsOf(id, 'us-east-1')).toEqual([]);
    });

    test('a model with too little evidence is not called retired (Claude 3 Opus stays RegionNotSourced)', () => {
      expect(errorsOf('anthropic.claude-3-opus-20240229-v1:0', 'us-east-1').map((x) => x.code)).toEqual(['RegionNotSourced']);
    });
  });

  describe('one verdict with the checks (issue 23)', () => {
    test('a Region-less FM ARN also gets its model\'s own findings (end of life), not only RegionlessArn', () => {
      const f = evaluateModelId('arn:aws:bedrock:::foundation-model/anthropic.claude-3-haiku-20240307-v1:0', { region: 'us-east-1', now });
      expect(f.filter((x) => x.level === 'error').map((x) => x.code)).toEqual(['RegionlessArn', 'EndOfLife']);
    });

    test('a profile of an end-of-life model used outside its geography reports the end of life too', () => {
      // Llama 3.2 1B's end of life applies in its destination Regions, not in ca-central-1, where it is not offered
      const f = evaluateModelId('eu.meta.llama3-2-1b-instruct-v1:0', { region: 'ca-central-1', now });
      expect(f.map((x) => x.code)).toEqual(['ProfileGeography', 'EndOfLife']);
      expect(f[1].message).toMatch(/reached end of life on \d{4}-\d{2}-\d{2} in eu-central-1/);
    });
  });
});
