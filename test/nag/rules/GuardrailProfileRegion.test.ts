import { CfnGuardrail } from 'aws-cdk-lib/aws-bedrock';
import { ContentFilterCategory, FilterStrength, Guardrail, GuardrailProfile, GuardrailTier } from '../../../lib/guardrails';
import { checkTemplate } from '../../../lib/nag/core/check';
import { ALL_RULES } from '../../../lib/nag/rules';
import { NOW, packViolations, testStack } from '../util';

const RULE = 'Bedrock-GuardrailProfileRegion';

function rawGuardrail(stack: any, profileArn: string) {
  return new CfnGuardrail(stack, 'Raw', {
    name: 'raw', blockedInputMessaging: 'no', blockedOutputsMessaging: 'no',
    contentPolicyConfig: { filtersConfig: [{ type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' }], contentFiltersTierConfig: { tierName: 'STANDARD' } },
    crossRegionConfig: { guardrailProfileArn: profileArn },
  });
}

describe('Bedrock-GuardrailProfileRegion: the guardrail profile is callable from the Region', () => {
  test('Noncompliance 1: an L1 guardrail in eu-west-2 with the US profile; the message is the construct\'s, with the usable profile', () => {
    const { app, stack } = testStack('eu-west-2');
    rawGuardrail(stack, `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:guardrail-profile/us.guardrail.v1:0`);
    expect(packViolations(app, RULE)).toEqual([RULE]);
    const template = app.synth().getStackByName('TestStack').template;
    const [f] = checkTemplate(template, { region: 'eu-west-2', now: NOW, rules: ALL_RULES }).filter((x) => x.ruleId === RULE);
    expect(f).toMatchObject({ level: 'error', code: 'ProfileGeography', logicalId: 'Raw' });
    expect(f.message).toMatch(/^Guardrail profile 'us\.guardrail\.v1:0' cannot be called from eu-west-2: the cross-Region guardrail inference page .* lists it from us-east-1, us-east-2, us-west-1, us-west-2\. Use GuardrailProfileArn 'arn:aws:bedrock:eu-west-2:111111111111:guardrail-profile\/uk\.guardrail\.v1:0' \(from eu-west-2\)\.$/);
  });

  test('Noncompliance 2: the construct refuses the same at synth with the same sentence', () => {
    const { stack } = testStack('eu-west-2');
    expect(() => new Guardrail(stack, 'G', {
      contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }],
      contentFiltersTier: GuardrailTier.STANDARD, crossRegionProfile: GuardrailProfile.US,
    })).toThrow(/Guardrail profile 'us\.guardrail\.v1:0' cannot be called from eu-west-2: .* Use GuardrailProfile\.fromProfileId\('uk\.guardrail\.v1:0'\) \(from eu-west-2\)\./);
  });

  test('Compliance: a Guardrail with the profile of its Region; an environment-agnostic stack and an undocumented profile are not judged', () => {
    const { app, stack } = testStack('eu-west-2');
    new Guardrail(stack, 'G', {
      contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }],
      contentFiltersTier: GuardrailTier.STANDARD, crossRegionProfile: GuardrailProfile.UK,
    });
    rawGuardrail(stack, 'arn:aws:bedrock:eu-west-2:111111111111:guardrail-profile/xx.guardrail.v9:0');
    expect(packViolations(app, RULE)).toEqual([]);
    const agnostic = testStack(null);
    rawGuardrail(agnostic.stack, `arn:${agnostic.stack.partition}:bedrock:${agnostic.stack.region}:${agnostic.stack.account}:guardrail-profile/us.guardrail.v1:0`);
    expect(packViolations(agnostic.app, RULE)).toEqual([]);
  });
});
