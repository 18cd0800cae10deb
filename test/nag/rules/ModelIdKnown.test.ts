import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Stack } from 'aws-cdk-lib';
import { BedrockChecks } from '../../../lib/nag';
import { checkTemplate } from '../../../lib/nag/core/check';
import { ALL_RULES } from '../../../lib/nag/rules';
import { NOW, packViolations, testStack } from '../util';

const RULE = 'Bedrock-ModelIdKnown';

describe('Bedrock-ModelIdKnown: model IDs are known on-demand models or sourced profiles', () => {
  test('Noncompliance 1: unknown revision in an IAM policy ARN', () => {
    const { app, stack } = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [Stack.of(stack).formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: 'anthropic.claude-haiku-4-5-20251001-v9:0' })],
    }));
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-haiku-4-5-20251001-v9:0]`]);
  });

  test('Noncompliance 2: Provisioned-Throughput context variant in an SSM parameter', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'anthropic.claude-3-sonnet-20240229-v1:0:200k' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-3-sonnet-20240229-v1:0:200k]`]);
  });

  test('Noncompliance 3 (warning): application-inference-profile and provisioned-model ARNs hide their model', () => {
    const { app, stack } = testStack();
    const appProfile = 'arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc123def456';
    new ssm.StringParameter(stack, 'P', { stringValue: appProfile });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:us-east-1:111111111111:provisioned-model/pm0001', 'arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/*'],
    }));
    const report = new BedrockChecks().validateScope(app);
    const hidden = report.violations.filter((v) => v.ruleName.startsWith(RULE));
    expect(hidden.map((v) => v.ruleName).sort()).toEqual([`${RULE}[abc123def456]`, `${RULE}[pm0001]`]);
    expect(hidden.every((v) => v.severity === 'warning')).toBe(true);
    expect(JSON.stringify(hidden)).toMatch(/hides the model it runs/);
    const core = checkTemplate({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Value: appProfile } } } }, { region: 'us-east-1', now: NOW, rules: ALL_RULES });
    expect(core.map((f) => [f.ruleId, f.level, f.code])).toEqual([[RULE, 'warning', 'HiddenModel']]);
  });

  test('Compliance', () => {
    const { app, stack } = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [Stack.of(stack).formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: 'anthropic.claude-haiku-4-5-20251001-v1:0' })],
    }));
    new ssm.StringParameter(stack, 'P', { stringValue: 'amazon.titan-embed-text-v2:0' });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
