import * as fs from 'fs';
import * as path from 'path';
import { Tags } from 'aws-cdk-lib';
import { CfnApplicationInferenceProfile } from 'aws-cdk-lib/aws-bedrock';
import { parseTemplate } from '../../../lib/cli/load';
import { ApplicationInferenceProfile } from '../../../lib/inference-profiles';
import { BedrockModel } from '../../../lib/models/bedrock-model';
import { checkTemplate } from '../../../lib/nag/core/check';
import { ALL_RULES, ApplicationProfileUntagged } from '../../../lib/nag/rules';
import { FIXTURES, NOW, packViolations, testStack } from '../util';

const RULE = 'Bedrock-ApplicationProfileUntagged';
const OPT_IN = ['ApplicationProfileUntagged'];
const MODEL = 'anthropic.claude-haiku-4-5-20251001-v1:0';

describe('Bedrock-ApplicationProfileUntagged: application inference profiles carry tags (opt-in)', () => {
  test('is opt-in: the default pack does not run it', () => {
    const { app, stack } = testStack();
    new ApplicationInferenceProfile(stack, 'Profile', { model: BedrockModel.of(MODEL) });
    expect(ALL_RULES.map((r) => r.id)).not.toContain(RULE);
    expect(packViolations(app, RULE)).toEqual([]);
  });

  test('Noncompliance 1: an ApplicationInferenceProfile without tags', () => {
    const { app, stack } = testStack();
    new ApplicationInferenceProfile(stack, 'Profile', { model: BedrockModel.of(MODEL) });
    expect(packViolations(app, RULE, OPT_IN)).toEqual([RULE]);
  });

  test('Noncompliance 2: a CfnApplicationInferenceProfile with an empty tag list', () => {
    const { app, stack } = testStack();
    new CfnApplicationInferenceProfile(stack, 'Profile', {
      inferenceProfileName: 'chat', modelSource: { copyFrom: `arn:aws:bedrock:us-east-1::foundation-model/${MODEL}` }, tags: [],
    });
    expect(packViolations(app, RULE, OPT_IN)).toEqual([RULE]);
  });

  test('Noncompliance 3: empty Tags, and Tags that a condition leaves out, are each reported', () => {
    const file = path.join(FIXTURES, 'ApplicationProfileUntagged', 'noncompliant-empty-or-conditional.yaml');
    const { template } = parseTemplate(fs.readFileSync(file, 'utf8'), file);
    const findings = checkTemplate(template, { region: 'us-east-1', now: NOW, rules: [ApplicationProfileUntagged] });
    expect(findings.map((f) => [f.logicalId, f.message])).toEqual([
      ['EmptyTags', "The application inference profile 'empty' has an empty Tags list, so its usage cannot be allocated by tag."],
      ['ProdOnlyTags', "The application inference profile 'prod-only' has Tags that are empty in one condition branch, so its usage cannot be allocated by tag."],
    ]);
  });

  test('Compliance: tags given as props, or added with Tags.of', () => {
    const { app, stack } = testStack();
    new ApplicationInferenceProfile(stack, 'Tagged', { model: BedrockModel.of(MODEL), tags: { app: 'chat' } });
    const later = new ApplicationInferenceProfile(stack, 'TaggedLater', { model: BedrockModel.of(`us.${MODEL}`) });
    Tags.of(later).add('team', 'cx');
    // Tags.of is an aspect: it applies during synthesis, before validation plugins such as the pack run.
    app.synth();
    expect(packViolations(app, RULE, OPT_IN)).toEqual([]);
  });
});
