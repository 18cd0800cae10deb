import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { allowS3VectorsIndexing, grantKnowledgeBaseTransientData, restrictGrantsToAwsServices } from '../../lib/compliance';

const ENV = { account: '123456789012', region: 'us-east-1' };
const IMPORTED = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function stackWithKey() {
  const stack = new Stack(new App(), 'Keys', { env: ENV });
  return { stack, key: new kms.Key(stack, 'Key') };
}

describe('key policies', () => {
  test('S3 Vectors indexing may decrypt, for this account only', () => {
    const { stack, key } = stackWithKey();
    expect(allowS3VectorsIndexing(stack, key)).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([{
        Sid: 'AllowS3VectorsIndexing', Effect: 'Allow', Principal: { Service: 'indexing.s3vectors.amazonaws.com' },
        Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }]) },
    });
  });

  test('CT.KMS.PR.3: grants are denied unless for an AWS resource or by an AWS service', () => {
    const { stack, key } = stackWithKey();
    expect(restrictGrantsToAwsServices(stack, key)).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([{
        Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }]) },
    });
  });

  test('a Knowledge Base role gets GenerateDataKey and Decrypt on the transient-data key', () => {
    const { stack, key } = stackWithKey();
    const role = new iam.Role(stack, 'KbRole', { assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com') });
    grantKnowledgeBaseTransientData(key, role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } }] },
    });
  });

  test('an imported key is left alone, with a warning naming the statement', () => {
    const stack = new Stack(new App(), 'Keys', { env: ENV });
    const key = kms.Key.fromKeyArn(stack, 'Imported', IMPORTED);
    expect(allowS3VectorsIndexing(stack, key)).toBe(false);
    expect(restrictGrantsToAwsServices(stack, key)).toBe(false);
    const warnings = Annotations.fromStack(stack);
    warnings.hasWarning('/Keys', Match.stringLikeRegexp('is imported.*indexing\\.s3vectors\\.amazonaws\\.com kms:Decrypt'));
    warnings.hasWarning('/Keys', Match.stringLikeRegexp('CT\\.KMS\\.PR\\.3 fails until its key policy denies kms:CreateGrant'));
  });
});
