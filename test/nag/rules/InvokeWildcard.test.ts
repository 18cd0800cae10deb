import * as iam from 'aws-cdk-lib/aws-iam';
import * as sam from 'aws-cdk-lib/aws-sam';
import { BedrockChecks } from '../../../lib/nag';
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

  test('Noncompliance 7 (issue 23): bedrock:InvokeModel on arn:aws:bedrock:* (a trailing * matches across colons)', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [`arn:${stack.partition}:bedrock:*`] }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 8 (issue 23): invocation on every resource of one Region (arn:aws:bedrock:us-east-1:*)', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [`arn:${stack.partition}:bedrock:${stack.region}:*`] }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 9 (issue 23): a provider wildcard in the resource part (foundation-model/anthropic.*)', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.*'] }));
    const report = new BedrockChecks().validateScope(app);
    const v = report.violations.find((x) => x.ruleName === RULE)!;
    expect([v.severity, v.description]).toEqual(['error', expect.stringContaining('every anthropic model')]);
  });

  test('Noncompliance 10 (issue 23): a family wildcard is a warning naming the models it matches', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-*'] }));
    const v = new BedrockChecks().validateScope(app).violations.find((x) => x.ruleName === RULE)!;
    expect(v.severity).toBe('warning');
    expect(v.description).toContain("'amazon.nova-lite-v1:0'");
  });

  test('Noncompliance 11 (issue 23): Action * on a Bedrock ARN pattern', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['*'], resources: ['arn:aws:bedrock:*'] }));
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('issue 23: the text says what was found: bedrock:* on one model ARN is not "every model (Resource: *)"', () => {
    const { app, stack } = testStack();
    roleWith(stack, new iam.PolicyStatement({ actions: ['bedrock:*'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0'] }));
    const v = new BedrockChecks().validateScope(app).violations.find((x) => x.ruleName === RULE)!;
    expect(v.description).toContain("allows 'bedrock:*' (every Bedrock action) on 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0'");
    expect(v.description).not.toMatch(/Resource: \*|every model/);
    expect(v.violatingResources[0].locations).toEqual(['Properties.PolicyDocument.Statement.0.Action']);
  });

  test('Compliance (issue 23): a NotResource that excludes every Bedrock resource, and S3 wildcards', () => {
    const { app, stack } = testStack();
    roleWith(stack,
      new iam.PolicyStatement({ actions: ['bedrock:InvokeModel', 's3:GetObject'], notResources: ['arn:aws:bedrock:*'] }),
      new iam.PolicyStatement({ actions: ['*'], resources: ['arn:aws:s3:::bucket/*'] }),
      new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:*'] }));
    expect(packViolations(app, RULE)).toEqual([]);
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
