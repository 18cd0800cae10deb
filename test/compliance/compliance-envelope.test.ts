import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ComplianceEnvelope, ENVELOPE_ID } from '../../lib/compliance';
import { envelopeFor, envelopeMismatch } from '../../lib/private/envelope';

const ENV = { account: '123456789012', region: 'us-east-1' };

function stackIn(app = new App()): { app: App; stack: Stack } {
  return { app, stack: new Stack(app, 'Genai', { env: ENV }) };
}

/** A stack-level singleton, as the custom-resource providers are (a child of the stack, found by ID). */
function singleton(stack: Stack): Construct {
  return (stack.node.tryFindChild('Singleton') as Construct | undefined) ?? new Construct(stack, 'Singleton');
}

describe('envelopeFor', () => {
  test('without an envelope nothing is set', () => {
    const { stack } = stackIn();
    const e = envelopeFor(new Construct(stack, 'Thing'));
    expect(e.encryptionKey).toBeUndefined();
    expect(e.logRetention).toBeUndefined();
    expect(e.vpc).toBeUndefined();
    expect(e.logGroupKey).toBeUndefined();
    expect(e.setAt).toEqual({});
  });

  test('a stack envelope reaches nested constructs and the stack-level singletons', () => {
    const { stack } = stackIn();
    const key = new kms.Key(stack, 'Key');
    ComplianceEnvelope.of(stack).set({ encryptionKey: key, logRetention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const deep = new Construct(new Construct(stack, 'Outer'), 'Inner');
    for (const c of [deep, singleton(stack)]) {
      const e = envelopeFor(c);
      expect(e.encryptionKey).toBe(key);
      expect(e.logGroupKey).toBe(key);
      expect(e.logRetention).toBe(logs.RetentionDays.ONE_YEAR);
      expect(e.removalPolicy).toBe(RemovalPolicy.RETAIN);
      expect(e.setAt).toEqual({ encryptionKey: 'Genai', logRetention: 'Genai', removalPolicy: 'Genai' });
    }
  });

  test('an app envelope reaches every stack', () => {
    const app = new App();
    ComplianceEnvelope.of(app).set({ reservedConcurrentExecutions: 5 });
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    expect(envelopeFor(new Construct(a, 'X')).reservedConcurrentExecutions).toBe(5);
    expect(envelopeFor(singleton(b)).setAt).toEqual({ reservedConcurrentExecutions: '' });
  });

  test('an inner envelope overrides field by field; the log-group key prefers the nearest logsEncryptionKey', () => {
    const { stack } = stackIn();
    const outerLogs = new kms.Key(stack, 'OuterLogs');
    const innerData = new kms.Key(stack, 'InnerData');
    ComplianceEnvelope.of(stack).set({ logsEncryptionKey: outerLogs, logRetention: logs.RetentionDays.ONE_YEAR });
    const team = new Construct(stack, 'Team');
    ComplianceEnvelope.of(team).set({ encryptionKey: innerData, logRetention: logs.RetentionDays.TWO_YEARS });
    const e = envelopeFor(new Construct(team, 'Fn'));
    expect(e.logRetention).toBe(logs.RetentionDays.TWO_YEARS);
    expect(e.encryptionKey).toBe(innerData);
    expect(e.logsEncryptionKey).toBe(outerLogs);
    expect(e.logGroupKey).toBe(outerLogs);
    expect(e.setAt).toEqual({ logRetention: 'Genai/Team', encryptionKey: 'Genai/Team', logsEncryptionKey: 'Genai' });
  });

  test('network placement is inherited as one unit from the nearest envelope with a VPC', () => {
    const { stack } = stackIn();
    const outerVpc = new ec2.Vpc(stack, 'OuterVpc');
    const outerSg = new ec2.SecurityGroup(stack, 'OuterSg', { vpc: outerVpc });
    ComplianceEnvelope.of(stack).set({ vpc: outerVpc, securityGroups: [outerSg], vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    const team = new Construct(stack, 'Team');
    const innerVpc = new ec2.Vpc(stack, 'InnerVpc');
    ComplianceEnvelope.of(team).set({ vpc: innerVpc });
    const inner = envelopeFor(new Construct(team, 'Fn'));
    expect(inner.vpc).toBe(innerVpc);
    expect(inner.securityGroups).toBeUndefined(); // not the outer VPC's security group
    expect(inner.vpcSubnets).toBeUndefined();
    const outer = envelopeFor(new Construct(stack, 'Other'));
    expect(outer.vpc).toBe(outerVpc);
    expect(outer.securityGroups).toEqual([outerSg]);
  });

  test('envelopeMismatch names the fields a shared singleton does not follow', () => {
    const { stack } = stackIn();
    ComplianceEnvelope.of(stack).set({ logRetention: logs.RetentionDays.ONE_YEAR });
    const team = new Construct(stack, 'Team');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    ComplianceEnvelope.of(team).set({ logRetention: logs.RetentionDays.TWO_YEARS, vpc });
    expect(envelopeMismatch(new Construct(team, 'Kb'), singleton(stack)).sort()).toEqual(['logRetention', 'vpc']);
    expect(envelopeMismatch(new Construct(stack, 'Kb2'), singleton(stack))).toEqual([]);
  });
});

describe('ComplianceEnvelope', () => {
  test('of() returns the one envelope of a scope, a child with a fixed ID that adds no resource', () => {
    const { stack } = stackIn();
    const a = ComplianceEnvelope.of(stack);
    expect(ComplianceEnvelope.of(stack)).toBe(a);
    expect(a.node.id).toBe(ENVELOPE_ID);
    expect(ComplianceEnvelope.isSetOn(stack)).toBe(false);
    a.set({ logRetention: logs.RetentionDays.ONE_YEAR });
    expect(ComplianceEnvelope.isSetOn(stack)).toBe(true);
    expect(a.settings).toEqual({ logRetention: logs.RetentionDays.ONE_YEAR });
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources ?? {})).toEqual([]);
  });

  test('set() twice on one scope fails and says how to override', () => {
    const { stack } = stackIn();
    ComplianceEnvelope.of(stack).set({ logRetention: logs.RetentionDays.ONE_YEAR });
    expect(() => ComplianceEnvelope.of(stack).set({ logRetention: logs.RetentionDays.TWO_YEARS }))
      .toThrow(/ComplianceEnvelope.of\('Genai'\).set\(\) was called twice.*inner scope/);
  });

  test('set() after a construct in the scope read its envelope fails, naming the construct', () => {
    const { stack } = stackIn();
    const early = new Construct(stack, 'EarlyInvoker');
    envelopeFor(early);
    expect(() => ComplianceEnvelope.of(stack).set({ logRetention: logs.RetentionDays.ONE_YEAR }))
      .toThrow(/called after 'Genai\/EarlyInvoker' had been created, so they would not obey it/);
    // A sibling scope the early construct is not in can still get one.
    const other = new Construct(stack, 'Other');
    expect(() => ComplianceEnvelope.of(other).set({ logRetention: logs.RetentionDays.ONE_YEAR })).not.toThrow();
  });

  test.each([
    ['vpcSubnets without vpc', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, /vpcSubnets was given without vpc/],
    ['reservedConcurrentExecutions 0', { reservedConcurrentExecutions: 0 }, /reservedConcurrentExecutions is 0; give a whole number of at least 1/],
    ['reservedConcurrentExecutions 2.5', { reservedConcurrentExecutions: 2.5 }, /reservedConcurrentExecutions is 2.5/],
    ['empty openSearchVpcEndpointIds', { openSearchVpcEndpointIds: [] }, /openSearchVpcEndpointIds is empty/],
    ['blank endpoint ID', { openSearchVpcEndpointIds: [' '] }, /openSearchVpcEndpointIds has an empty ID/],
  ])('rejects %s', (_name, props, message) => {
    const { stack } = stackIn();
    expect(() => ComplianceEnvelope.of(stack).set(props)).toThrow(message);
    expect(ComplianceEnvelope.isSetOn(stack)).toBe(false);
  });

  test('rejects security groups without a VPC, and an empty list', () => {
    const { stack } = stackIn();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    expect(() => ComplianceEnvelope.of(stack).set({ securityGroups: [sg] })).toThrow(/securityGroups was given without vpc/);
    expect(() => ComplianceEnvelope.of(stack).set({ vpc, securityGroups: [] })).toThrow(/securityGroups is empty/);
  });

  test('a log-group key defined in the app gets the CloudWatch Logs statement with the encryption-context condition', () => {
    const { stack } = stackIn();
    const key = new kms.Key(stack, 'Key');
    ComplianceEnvelope.of(stack).set({ encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AllowCloudWatchLogsEncryptionContext',
          Effect: 'Allow',
          Principal: { Service: 'logs.us-east-1.amazonaws.com' },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] },
            },
          },
        }]),
      },
    });
  });

  test('only the log-group key gets the statement when logsEncryptionKey is set', () => {
    const { stack } = stackIn();
    const data = new kms.Key(stack, 'Data');
    const logsKey = new kms.Key(stack, 'Logs');
    ComplianceEnvelope.of(stack).set({ encryptionKey: data, logsEncryptionKey: logsKey });
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    const sids = (id: string) => keys[stack.getLogicalId(id === 'Data' ? data.node.defaultChild as kms.CfnKey : logsKey.node.defaultChild as kms.CfnKey)]
      .Properties.KeyPolicy.Statement.map((s: { Sid?: string }) => s.Sid);
    expect(sids('Logs')).toContain('AllowCloudWatchLogsEncryptionContext');
    expect(sids('Data')).not.toContain('AllowCloudWatchLogsEncryptionContext');
  });

  test('an imported key gets a warning with the statement to add', () => {
    const { stack } = stackIn();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    ComplianceEnvelope.of(stack).set({ encryptionKey: key });
    Annotations.fromStack(stack).hasWarning(`/Genai/${ENVELOPE_ID}`, Match.stringLikeRegexp(
      'key arn:aws:kms:us-east-1:123456789012:key/1234abcd.* is imported.*allows logs\\.us-east-1\\.amazonaws\\.com.*'
      + 'kms:EncryptionContext:aws:logs:arn = arn:aws:logs:us-east-1:123456789012:log-group:\\*'));
  });
});
