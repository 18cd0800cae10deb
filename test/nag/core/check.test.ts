import { checkResource, checkTemplate } from '../../../lib/nag/core/check';
import { ModelEndOfLife, ModelLegacy } from '../../../lib/nag/rules';
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
