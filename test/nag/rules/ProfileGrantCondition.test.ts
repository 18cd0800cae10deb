import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockChecks } from '../../../lib/nag';
import { BedrockModel } from '../../../lib/models/bedrock-model';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ProfileGrantCondition';
const PROFILE = 'us.deepseek.r1-v1:0';
const FM = 'deepseek.r1-v1:0';

function grant(stack: any, conditions?: Record<string, unknown>) {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['bedrock:InvokeModel'],
    resources: [`arn:aws:bedrock:us-east-1:111111111111:inference-profile/${PROFILE}`],
  }));
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['bedrock:InvokeModel'],
    resources: ['us-east-1', 'us-east-2', 'us-west-2'].map((r) => `arn:aws:bedrock:${r}::foundation-model/${FM}`),
    conditions,
  }));
}

describe('Bedrock-ProfileGrantCondition: a profile grant limits its model ARNs to requests through the profile', () => {
  test('Noncompliance 1 (issue 23): the destination-Region model ARNs without bedrock:InferenceProfileArn are a warning, not a Region error', () => {
    const { app, stack } = testStack('us-east-1');
    grant(stack);
    const report = new BedrockChecks().validateScope(app);
    expect(report.violations.map((v) => [v.ruleName, v.severity])).toEqual([[`${RULE}[${FM}]`, 'warning']]);
    expect(report.violations[0].description).not.toMatch(/\(no Region\)|not offered on demand/);
    expect(report.violations[0].violatingResources[0].locations).toEqual([
      'Properties.PolicyDocument.Statement.1.Resource.0', 'Properties.PolicyDocument.Statement.1.Resource.1', 'Properties.PolicyDocument.Statement.1.Resource.2',
    ]);
    expect(report.success).toBe(true);
  });

  test('Compliance: the same grant under a bedrock:InferenceProfileArn condition, and BedrockModel.grantInvoke', () => {
    const { app, stack } = testStack('us-east-1');
    grant(stack, { StringEquals: { 'bedrock:InferenceProfileArn': `arn:aws:bedrock:us-east-1:111111111111:inference-profile/${PROFILE}` } });
    BedrockModel.of(PROFILE).grantInvoke(new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    expect(packViolations(app)).toEqual([]);
  });

  test('Compliance: a model ARN of another Region without a profile grant stays a Region error (Bedrock-ModelRegion), not this warning', () => {
    const { app, stack } = testStack('us-east-1');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [`arn:aws:bedrock:us-west-2::foundation-model/${FM}`] }));
    expect(packViolations(app)).toEqual([`Bedrock-ModelRegion[${FM}]`]);
  });
});
