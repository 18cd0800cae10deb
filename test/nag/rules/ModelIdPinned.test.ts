import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CfnAgent } from 'aws-cdk-lib/aws-bedrock';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ModelIdPinned';

function fn(scope: any, id: string, env: Record<string, string>) {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    environment: env,
  });
}

describe('Bedrock-ModelIdPinned: model IDs are pinned, exact versions', () => {
  test('Noncompliance 1: alias in a Lambda environment variable', () => {
    const { app, stack } = testStack();
    fn(stack, 'Fn', { MODEL_ID: 'anthropic.claude-3-5-sonnet-latest' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-3-5-sonnet-latest]`]);
  });

  test('Noncompliance 2: revision dropped in an SSM JSON model configuration', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'Config', {
      stringValue: JSON.stringify({ schemaVersion: 1, modelId: 'anthropic.claude-haiku-4-5-20251001-v1' }),
    });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-haiku-4-5-20251001-v1]`]);
  });

  test('Noncompliance 3: unversioned family as an agent foundation model', () => {
    const { app, stack } = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new CfnAgent(stack, 'Agent', { agentName: 'a', foundationModel: 'anthropic.claude-haiku-4-5', agentResourceRoleArn: role.roleArn });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-haiku-4-5]`]);
  });

  test('Noncompliance 4: a value that is not a model ID at all as an agent foundation model (Syntax)', () => {
    const { app, stack } = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new CfnAgent(stack, 'Agent', { agentName: 'a', foundationModel: 'claude-3-haiku', agentResourceRoleArn: role.roleArn });
    new CfnAgent(stack, 'Agent2', { agentName: 'b', foundationModel: 'anthropic.claude', agentResourceRoleArn: role.roleArn });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude]`, `${RULE}[claude-3-haiku]`]);
  });

  test('Compliance', () => {
    const { app, stack } = testStack();
    fn(stack, 'Fn', { MODEL_ID: 'anthropic.claude-haiku-4-5-20251001-v1:0', SITE: 'amazon.com', PROFILE: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    new ssm.StringParameter(stack, 'Plain', { stringValue: 'not-a-model' });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
