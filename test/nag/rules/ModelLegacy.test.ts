import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BedrockChecks } from '../../../lib/nag';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ModelLegacy';

describe('Bedrock-ModelLegacy: models are not legacy', () => {
  test('Noncompliance 1: inference profile of a legacy model is a warning keyed by the foundation-model ID', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-sonnet-4-5-20250929-v1:0]`]);
    const v = new BedrockChecks().validateScope(app).violations.find((x) => x.ruleName.startsWith(RULE))!;
    expect(v.severity).toBe('warning');
    expect(v.description).toMatch(/legacy/);
  });

  test('Noncompliance 2: a lifecycle conflict between sources is a warning of this rule, keyed by the foundation-model ID', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'us.amazon.nova-premier-v1:0' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[amazon.nova-premier-v1:0]`]);
    const v = new BedrockChecks().validateScope(app).violations.find((x) => x.ruleName.startsWith(RULE))!;
    expect(v.severity).toBe('warning');
    expect(v.description).toMatch(/secondary source disagrees/);
  });

  test('Compliance', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
