/**
 * The constructs apply the compliance envelope (issue 20, phase 2): template assertions on a small stack, fast next to
 * the full Control Tower / cdk-nag measurement of strict-sample.test.ts.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BedrockModel, ComplianceEnvelope, KnowledgeBase, ModelAccessCheck, ModelInvoker } from '../../lib';

const ENV = { account: '123456789012', region: 'us-east-1' };
const CHAT = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

function strictStack(extra: { invokerConcurrency?: number } = {}) {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  const stack = new Stack(app, 'S', { env: ENV });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'I', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
  ComplianceEnvelope.of(stack).set({
    encryptionKey: key, logRetention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN, vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [sg], reservedConcurrentExecutions: 7,
    serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs'),
  });
  const model = BedrockModel.of(CHAT);
  new ModelAccessCheck(stack, 'Access', { models: [model] });
  new KnowledgeBase(stack, 'Docs', { dataBucketObjectLock: true });
  new ModelInvoker(stack, 'Chat', { model, reservedConcurrentExecutions: extra.invokerConcurrency });
  return { stack, t: Template.fromStack(stack), key, sg };
}

describe('constructs inside a compliance envelope', () => {
  let s: ReturnType<typeof strictStack>;
  beforeAll(() => { s = strictStack(); });

  test('every log group has the retention, the key and the removal policy of the envelope', () => {
    const groups = s.t.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBe(2); // access-check handler (no provider framework), invoker
    for (const g of Object.values(groups)) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [s.stack.getLogicalId(s.key.node.defaultChild as kms.CfnKey), 'Arn'] });
      expect(g.DeletionPolicy).toBe('Retain');
    }
  });

  test('every function is in the VPC with the envelope\'s security group and an encrypted environment', () => {
    const fns = s.t.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).length).toBeGreaterThanOrEqual(2);
    const sgId = { 'Fn::GetAtt': [s.stack.getLogicalId(s.sg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] };
    for (const f of Object.values(fns)) {
      expect(f.Properties.VpcConfig.SecurityGroupIds).toEqual([sgId]);
      expect(f.Properties.KmsKeyArn).toBeDefined();
    }
  });

  test('the invoker gets the envelope\'s reserved concurrency; deploy-time handlers do not', () => {
    s.t.resourcePropertiesCountIs('AWS::Lambda::Function', { ReservedConcurrentExecutions: 7 }, 1);
    s.t.hasResourceProperties('AWS::Lambda::Function', { Handler: Match.anyValue(), ReservedConcurrentExecutions: 7,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: Match.anyValue() }) } });
  });

  test('the invoker\'s own reservedConcurrentExecutions wins over the envelope', () => {
    strictStack({ invokerConcurrency: 3 }).t.resourcePropertiesCountIs('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 }, 1);
  });

  test('an invalid reservedConcurrentExecutions names the value and what to write', () => {
    expect(() => strictStack({ invokerConcurrency: 0 })).toThrow(/reservedConcurrentExecutions is 0; give a whole number of at least 1/);
  });

  test('the documents bucket: SSE-KMS with a bucket key, access logs, noncurrent-version expiry, EventBridge, Object Lock', () => {
    s.t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({
        BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      LoggingConfiguration: { DestinationBucketName: 'access-logs' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 }, Status: 'Enabled' })] },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      ObjectLockEnabled: true,
    });
    // EventBridge as a bucket property: no aws-cdk-lib notifications custom resource (a function outside the VPC).
    s.t.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('transient ingestion data and the S3 Vectors bucket use the key', () => {
    s.t.hasResourceProperties('AWS::Bedrock::DataSource', { ServerSideEncryptionConfiguration: { KmsKeyArn: Match.anyValue() } });
    s.t.hasResourceProperties('AWS::S3Vectors::VectorBucket', { EncryptionConfiguration: { SseType: 'aws:kms', KmsKeyArn: Match.anyValue() } });
    s.t.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'AllowS3VectorsIndexing', Principal: { Service: 'indexing.s3vectors.amazonaws.com' } }),
    ]) } });
  });

  test('every function\'s role may manage the VPC network interfaces (the EC2 actions of AWSLambdaVPCAccessExecutionRole)', () => {
    const roles = s.t.findResources('AWS::IAM::Role');
    const policies = Object.values(s.t.findResources('AWS::IAM::Policy'));
    const actionsOf = (doc: { Statement: Array<{ Action: string | string[] }> }) => doc.Statement.flatMap((st) => [st.Action].flat());
    for (const f of Object.values(s.t.findResources('AWS::Lambda::Function'))) {
      const roleId = f.Properties.Role['Fn::GetAtt'][0] as string;
      const role = roles[roleId].Properties;
      const managed = JSON.stringify(role.ManagedPolicyArns ?? []).includes('AWSLambdaVPCAccessExecutionRole');
      const actions = [
        ...(role.Policies ?? []).flatMap((p: { PolicyDocument: never }) => actionsOf(p.PolicyDocument)),
        ...policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId)).flatMap((p) => actionsOf(p.Properties.PolicyDocument)),
      ];
      expect({ roleId, ok: managed || ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces']
        .every((a) => actions.includes(a)) }).toEqual({ roleId, ok: true });
    }
  });

  test('every custom resource is backed directly by one of the library\'s functions in the VPC (no provider framework)', () => {
    const resources = s.t.toJSON().Resources as Record<string, any>;
    const custom = Object.values(resources).filter((r) => String(r.Type).startsWith('Custom::') && r.Type !== 'Custom::S3AutoDeleteObjects');
    expect(custom.length).toBeGreaterThanOrEqual(1);
    for (const r of custom) {
      const fn = resources[r.Properties.ServiceToken['Fn::GetAtt'][0]];
      expect(fn.Type).toBe('AWS::Lambda::Function');
      expect(fn.Properties.VpcConfig).toBeDefined();
    }
    expect(Object.keys(resources).filter((id) => /framework/i.test(id))).toEqual([]);
  });
});

describe('without an envelope the defaults stay', () => {
  test('log groups: one month, no key; functions outside a VPC; documents bucket SSE-S3 without lifecycle', () => {
    const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
    const stack = new Stack(app, 'D', { env: ENV });
    new KnowledgeBase(stack, 'Docs', {});
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(CHAT) });
    const t = Template.fromStack(stack);
    for (const g of Object.values(t.findResources('AWS::Logs::LogGroup'))) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.Properties.KmsKeyId).toBeUndefined();
    }
    for (const f of Object.values(t.findResources('AWS::Lambda::Function'))) {
      expect(f.Properties.VpcConfig).toBeUndefined();
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: Match.absent(), NotificationConfiguration: Match.absent(), ObjectLockEnabled: Match.absent(),
    });
  });
});
