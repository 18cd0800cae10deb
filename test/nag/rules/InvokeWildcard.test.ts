import * as iam from 'aws-cdk-lib/aws-iam';
import * as sam from 'aws-cdk-lib/aws-sam';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-InvokeWildcard';

function roleWith(stack: any, ...statements: iam.PolicyStatement[]) {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  statements.forEach((s) => role.addToPolicy(s));
  return role;
}

describe('Bedrock-InvokeWildcard: no bedrock:* and no model invocation on Resource *', () => {
  test('Noncompliance 1: bedrock:Invoke* on *', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:Invoke*'], resources: ['*'] }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 2: bedrock:InvokeModelWithResponseStream on every foundation model', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:InvokeModelWithResponseStream'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/*'] }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 3: bedrock:* in an inline policy of a managed policy', () => {
    const { app, stack } = testStack();
    new iam.ManagedPolicy(stack, 'Mp', { statements: [new iam.PolicyStatement({ actions: ['bedrock:*'], resources: ['arn:aws:bedrock:us-east-1:111111111111:knowledge-base/abc'] })] });
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 4: NotAction that does not exclude invocation, on *', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['*'] }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 5: invocation with NotResource (every resource except the listed ones)', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      notResources: ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-1-20250805-v1:0'],
    }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 6: bedrock:* on * in the inline Policies of a SAM function', () => {
    const { app, stack } = testStack();
    stack.addTransform('AWS::Serverless-2016-10-31');
    new sam.CfnFunction(stack, 'Fn', {
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      inlineCode: 'exports.handler = async () => ({})',
      policies: ['AWSLambdaBasicExecutionRole', { s3ReadPolicy: { bucketName: 'b' } },
        { statement: [{ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }] }],
    });
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Compliance: a SAM function with managed-policy names, templates and an exact invocation grant', () => {
    const { app, stack } = testStack();
    new sam.CfnFunction(stack, 'Fn', {
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      inlineCode: 'exports.handler = async () => ({})',
      policies: ['AWSLambdaBasicExecutionRole', { s3ReadPolicy: { bucketName: 'b' } },
        { statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0' }] }],
    });
    roleWith(stack, new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['bedrock:InvokeModel'], notResources: ['arn:aws:bedrock:us-east-1::foundation-model/x'] }));
    expect(packViolations(app, RULE)).toEqual([]);
  });

  test('Compliance: actions without a resource type on *, invocation on exact ARNs', () => {
    const { app, stack } = testStack();
    roleWith(stack,
      new iam.PolicyStatement({ actions: ['bedrock:RetrieveAndGenerate', 'bedrock:GetFoundationModelAvailability', 'bedrock:ListFoundationModels'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'] }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['bedrock:*'], resources: ['*'] }),
      new iam.PolicyStatement({ notActions: ['bedrock:*', 'iam:*'], resources: ['*'] }));
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
