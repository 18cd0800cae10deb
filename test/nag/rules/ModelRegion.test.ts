import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ModelRegion';

function kb(stack: any, embeddingModelArn: string) {
  const role = new iam.Role(stack, 'KbRole', {
    assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
  });
  new CfnKnowledgeBase(stack, 'Kb', {
    name: 'kb',
    roleArn: role.roleArn,
    knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn } },
    storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { indexArn: 'arn:aws:s3vectors:eu-west-1:111111111111:bucket/b/index/i' } },
  });
}

describe('Bedrock-ModelRegion: models are offered in the Region they are used from', () => {
  test('Noncompliance 1: on-demand model not offered in the stack Region', () => {
    const { app, stack } = testStack('eu-west-1');
    new ssm.StringParameter(stack, 'P', { stringValue: 'amazon.nova-pro-v1:0' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[amazon.nova-pro-v1:0]`]);
  });

  test('Noncompliance 2: inference profile whose geography does not cover the stack Region', () => {
    const { app, stack } = testStack('us-east-1');
    new ssm.StringParameter(stack, 'P', { stringValue: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[eu.anthropic.claude-haiku-4-5-20251001-v1:0]`]);
  });

  test('Noncompliance 3: KB embedding model ARN in another Region', () => {
    const { app, stack } = testStack('eu-west-1');
    kb(stack, 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0');
    expect(packViolations(app, RULE)).toEqual([`${RULE}[amazon.titan-embed-text-v2:0]`]);
  });

  test('Noncompliance 4: Region-less foundation-model ARN without an inference-profile condition', () => {
    const { app, stack } = testStack('us-east-1');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'],
    }));
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-haiku-4-5-20251001-v1:0]`]);
  });

  test.each([
    ['StringLike "*"', { StringLike: { 'bedrock:InferenceProfileArn': '*' } }],
    ['Null false', { Null: { 'bedrock:InferenceProfileArn': 'false' } }],
    ['StringNotEquals', { StringNotEquals: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.x' } }],
    ['StringEqualsIfExists', { StringEqualsIfExists: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0' } }],
    ['ArnLike on every profile', { ArnLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/*' } }],
    ['StringEquals on a non-profile ARN', { StringEquals: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0' } }],
  ])('Noncompliance 5: a bedrock:InferenceProfileArn condition that names no profile (%s) does not exempt a Region-less ARN', (_name, conditions) => {
    const { app, stack } = testStack('us-east-1');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'],
      conditions,
    }));
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-haiku-4-5-20251001-v1:0]`]);
  });

  test('Compliance: ForAnyValue:ArnLike with a profile ARN pattern, and a profile ARN from an unresolved attribute', () => {
    const { app, stack } = testStack('us-east-1');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'],
      conditions: { 'ForAnyValue:ArnLike': { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:*:inference-profile/us.anthropic.claude-haiku-4-5-*' } },
    }));
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    other.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'],
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': role.roleArn } },
    }));
    expect(packViolations(app, RULE)).toEqual([]);
  });

  test('Compliance: same-Region KB embedding model and Region-less ARN under bedrock:InferenceProfileArn', () => {
    const { app, stack } = testStack('eu-west-1');
    kb(stack, `arn:${stack.partition}:bedrock:${stack.region}::foundation-model/amazon.titan-embed-text-v2:0`);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'],
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:eu-west-1:111111111111:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0' } },
    }));
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
