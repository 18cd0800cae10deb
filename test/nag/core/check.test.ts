import { checkResource, checkTemplate } from '../../../lib/nag/core/check';
import { ALL_RULES, ModelEndOfLife, ModelLegacy } from '../../../lib/nag/rules';
import { NOW } from '../util';

const EOL = 'anthropic.claude-3-haiku-20240307-v1:0';
const LEGACY = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const template = {
  Resources: {
    Old: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: EOL } },
    Legacy: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: LEGACY } },
  },
};

describe('checkTemplate runs the rules its caller passes', () => {
  test('only those rules report', () => {
    const legacyOnly = checkTemplate(template, { region: 'us-east-1', now: NOW, rules: [ModelLegacy] });
    expect(legacyOnly.map((f) => [f.ruleId, f.logicalId, f.findingId])).toEqual([['Bedrock-ModelLegacy', 'Legacy', LEGACY]]);
    const both = checkTemplate(template, { region: 'us-east-1', now: NOW, rules: [ModelEndOfLife, ModelLegacy] });
    expect(both.map((f) => f.ruleId).sort()).toEqual(['Bedrock-ModelEndOfLife', 'Bedrock-ModelLegacy']);
  });

  test('a caller that passes no rules (from JavaScript) is told how to pass them', () => {
    expect(() => checkTemplate(template, { now: NOW } as any)).toThrow(/options\.rules is missing.*rules: ALL_RULES/);
    expect(() => checkResource('Old', template.Resources.Old, { now: NOW } as any, undefined as any))
      .toThrow(/rules is missing.*checkResource\(logicalId, resource, ctx, ALL_RULES\)/);
  });
});

describe('issue 23: findings people can act on', () => {
  const fn = (id: string) => ({ Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { MODEL_ID: id } } } });

  test('one finding per rule, value and resource, with every place listed (no "(+N more places)")', () => {
    const variables = Object.fromEntries(['A', 'B', 'C', 'D', 'E'].map((k) => [`${k}_MODEL_ID`, EOL]));
    const [f] = checkTemplate({ Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } } } },
      { region: 'us-east-1', now: NOW, rules: ALL_RULES });
    expect(f.places.map((p) => p.property)).toEqual(['A', 'B', 'C', 'D', 'E'].map((k) => `Environment.Variables.${k}_MODEL_ID`));
    expect(f.places.map((p) => p.path)).toEqual(['A', 'B', 'C', 'D', 'E'].map((k) => ['Properties', 'Environment', 'Variables', `${k}_MODEL_ID`]));
    expect(f.message).not.toMatch(/more places/);
    for (const k of ['A', 'B', 'C', 'D', 'E']) expect(f.message).toContain(`Environment.Variables.${k}_MODEL_ID`);
  });

  test('each place carries its own code', () => {
    const template = { Resources: { Policy: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{
      Effect: 'Allow', Action: 'bedrock:InvokeModel',
      Resource: ['arn:aws:bedrock:eu-west-2::foundation-model/amazon.nova-pro-v1:0', 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0'],
    }] } } } } };
    const [f] = checkTemplate(template, { region: 'eu-west-1', now: NOW, rules: ALL_RULES })
      .filter((x) => x.ruleId === 'Bedrock-ModelRegion');
    expect(f.places.map((p) => [p.property, p.code])).toEqual([
      ['PolicyDocument.Statement[0].Resource[0]', 'CrossRegionArn'],
      ['PolicyDocument.Statement[0].Resource[1]', 'NotInRegion'],
    ]);
  });

  test('groupByValue: a value repeated across resources is one finding listing every place with its resource', () => {
    const template = { Resources: { A: fn(EOL), B: fn(EOL), C: fn(EOL) } };
    const plain = checkTemplate(template, { region: 'us-east-1', now: NOW, rules: ALL_RULES });
    expect(plain.map((f) => f.logicalId)).toEqual(['A', 'B', 'C']);
    const grouped = checkTemplate(template, { region: 'us-east-1', now: NOW, rules: ALL_RULES, groupByValue: true });
    expect(grouped).toHaveLength(1);
    expect(grouped[0].places.map((p) => p.logicalId)).toEqual(['A', 'B', 'C']);
    expect(grouped[0].message).toMatch(/^A Environment\.Variables\.MODEL_ID .*; B Environment\.Variables\.MODEL_ID .*; C Environment\.Variables\.MODEL_ID .*: Model ID/);
  });

  test('no intrinsic marker or placeholder Region in a message of a template without a Region', () => {
    const findings = checkTemplate({ Resources: { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [
      { Effect: 'Allow', Action: 'bedrock:*', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.nova-pro-v1:0' } },
    ] } } } } }, { now: NOW, rules: ALL_RULES });
    const wildcard = findings.find((f) => f.ruleId === 'Bedrock-InvokeWildcard')!;
    expect(wildcard.message).toContain("'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.nova-pro-v1:0'");
    for (const f of findings) expect(`${f.message} ${f.places.map((p) => `${p.message} ${p.value}`).join(' ')}`).not.toMatch(/[\uE000-\uE0FF]|:R::/);
  });
});
