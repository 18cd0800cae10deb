import * as iam from 'aws-cdk-lib/aws-iam';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ServiceRoleSourceAccount';

describe('Bedrock-ServiceRoleSourceAccount: Bedrock service roles carry aws:SourceAccount', () => {
  test('Noncompliance 1: Knowledge Base role trusting bedrock.amazonaws.com without conditions', () => {
    const { app, stack } = testStack();
    new iam.Role(stack, 'KbRole', { assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com') });
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Noncompliance 2: only aws:SourceArn', () => {
    const { app, stack } = testStack();
    new iam.Role(stack, 'KbRole', {
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com').withConditions({ ArnLike: { 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:111111111111:knowledge-base/*' } }),
    });
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Compliance', () => {
    const { app, stack } = testStack();
    new iam.Role(stack, 'KbRole', {
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:knowledge-base/*` },
      }),
    });
    new iam.Role(stack, 'FnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
