import * as ssm from 'aws-cdk-lib/aws-ssm';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ModelRegionUnverified';

describe('Bedrock-ModelRegionUnverified: Regional availability can be checked', () => {
  test('Noncompliance 1: environment-agnostic stack (Region unknown) is a warning', () => {
    const { app, stack } = testStack(null);
    new ssm.StringParameter(stack, 'P', { stringValue: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[us.anthropic.claude-haiku-4-5-20251001-v1:0]`]);
    const [violation] = new (require('../../../lib/nag').BedrockChecks)().validateScope(app).violations
      .filter((v: any) => v.ruleName.startsWith(RULE));
    expect(violation.severity).toBe('warning');
    expect(violation.description).toMatch(/Region unknown/);
  });

  test('Compliance: the stack has a Region', () => {
    const { app, stack } = testStack('us-east-1');
    new ssm.StringParameter(stack, 'P', { stringValue: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
