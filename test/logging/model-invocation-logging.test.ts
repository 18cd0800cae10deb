import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { INVOCATION_LOGGING_PROVIDER_ID, ModelInvocationLogging, ModelInvocationLoggingProps, ModelInvocationLoggingProvider } from '../../lib/logging';
import { BedrockChecks } from '../../lib/nag';

const ACCOUNT = '123456789012';
const CONTEXT = { 'cdk-bedrock-foundation:now': '2026-11-25' };

function stackIn(region = 'us-east-1', app = new App({ context: CONTEXT }), name = 'Genai', account = ACCOUNT) {
  const stack = new Stack(app, name, { env: { account, region } });
  return { app, stack };
}

function build(props: ModelInvocationLoggingProps, region = 'us-east-1') {
  const { app, stack } = stackIn(region);
  const logging = new ModelInvocationLogging(stack, 'InvocationLogging', props);
  return { app, stack, logging, t: Template.fromStack(stack) };
}

const sourceArn = (region: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${region}:${ACCOUNT}:*`]] });
const sourceConditions = (region = 'us-east-1') => ({
  StringEquals: { 'aws:SourceAccount': ACCOUNT },
  ArnLike: { 'aws:SourceArn': sourceArn(region) },
});

function customResource(t: Template): { Properties: Record<string, any>; DependsOn?: string[] } {
  const all = Object.values(t.findResources('Custom::BedrockModelInvocationLogging'));
  expect(all).toHaveLength(1);
  return all[0] as { Properties: Record<string, any>; DependsOn?: string[] };
}

function logicalId(t: Template, type: string, props?: unknown): string {
  const ids = Object.keys(t.findResources(type, props ? { Properties: props } : undefined));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('ModelInvocationLogging', () => {
  test('ModelInvocationLoggingProvider.of is the stack\'s singleton; handler, handlerRole and serviceToken name the function in the template', () => {
    const { stack, logging, t } = build({ cloudWatchLogs: {} });
    const provider = ModelInvocationLoggingProvider.of(logging);
    expect(ModelInvocationLoggingProvider.of(stack)).toBe(provider);
    expect(provider.node.path).toBe(`Genai/${INVOCATION_LOGGING_PROVIDER_ID}`);
    expect(provider.handler).toBeInstanceOf(lambda.Function);
    expect(provider.handlerRole).toBeInstanceOf(iam.Role);
    expect(logging.handlerRole).toBe(provider.handlerRole);
    const fnId = stack.getLogicalId(provider.handler.node.defaultChild as lambda.CfnFunction);
    const roleId = stack.getLogicalId(provider.handlerRole.node.defaultChild as iam.CfnRole);
    t.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, MemorySize: 256, Timeout: 180 });
    expect(stack.resolve(provider.serviceToken)).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(customResource(t).Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
  });

  describe('CloudWatch Logs destination', () => {
    test('the role Bedrock assumes trusts bedrock.amazonaws.com for this account and Region only (aws:SourceAccount, aws:SourceArn)', () => {
      const { t } = build({ cloudWatchLogs: {} }, 'eu-west-1');
      t.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Condition: sourceConditions('eu-west-1'),
          }],
        },
      });
    });

    test('the role may write only to Bedrock\'s log stream of the log group (no ":*" log-group ARN)', () => {
      const { t } = build({ cloudWatchLogs: {} });
      const logGroup = logicalId(t, 'AWS::Logs::LogGroup', { RetentionInDays: 90 });
      const role = logicalId(t, 'AWS::IAM::Role', { Description: Match.stringLikeRegexp('Assumed by Amazon Bedrock') });
      t.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: role }],
        PolicyDocument: {
          Statement: [{
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:us-east-1:${ACCOUNT}:log-group:`, { Ref: logGroup },
              ':log-stream:aws/bedrock/modelinvocations']] },
          }],
        },
      });
    });

    test('the created log group has a retention (3 months by default) and is retained', () => {
      const { t } = build({ cloudWatchLogs: {} });
      t.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      const custom = build({ cloudWatchLogs: { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY } }).t;
      custom.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Delete' });
    });

    test('a KMS key of the app encrypts the log group and its key policy lets CloudWatch Logs of the Region use it', () => {
      const { app, stack } = stackIn();
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: { encryptionKey: key } });
      const t = Template.fromStack(stack);
      const keyId = logicalId(t, 'AWS::KMS::Key');
      t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      t.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Effect: 'Allow',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Resource: '*',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:us-east-1:${ACCOUNT}:log-group:*`]] } } },
          }]),
        },
      });
      expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('InvocationLoggingKeyPolicy'))).toEqual([]);
      expect(app).toBeDefined();
    });

    test('an imported key cannot get the key-policy statement: a warning says what it must allow', () => {
      const { stack } = stackIn();
      const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
      new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: { encryptionKey: key } });
      Annotations.fromStack(stack).hasWarning('/Genai/InvocationLogging', Match.stringLikeRegexp(
        'the key arn:aws:kms:us-east-1:123456789012:key/1234abcd.* is imported.*must allow logs\\.us-east-1\\.amazonaws\\.com'));
    });

    test('a given log group and role are used as they are, and the role gets the log-stream permission', () => {
      const { stack } = stackIn();
      const logGroup = new logs.LogGroup(stack, 'Existing', { retention: logs.RetentionDays.TWO_WEEKS });
      const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com') });
      const logging = new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: { logGroup, role } });
      expect(logging.logGroup).toBe(logGroup);
      expect(logging.role).toBe(role);
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::Logs::LogGroup', 1 + 1); // the given one + the handler's (no provider framework)
      const cr = customResource(t);
      expect(cr.Properties.LoggingConfig.cloudWatchConfig).toEqual({
        logGroupName: { Ref: logicalId(t, 'AWS::Logs::LogGroup', { RetentionInDays: 14 }) },
        roleArn: { 'Fn::GetAtt': [logicalId(t, 'AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'bedrock.amazonaws.com' } })] } }), 'Arn'] },
      });
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
        Roles: [{ Ref: Match.stringLikeRegexp('^MyRole') }],
      });
    });

    test('an immutable imported role gets a warning naming the permissions it needs', () => {
      const { stack } = stackIn();
      const role = iam.Role.fromRoleArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:role/bedrock-logs`, { mutable: false });
      new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: { role } });
      Annotations.fromStack(stack).hasWarning('/Genai/InvocationLogging', Match.stringLikeRegexp(
        'the role arn:aws:iam::123456789012:role/bedrock-logs is imported as immutable.*logs:CreateLogStream and logs:PutLogEvents'));
    });
  });

  describe('S3 destination', () => {
    test('the created bucket is encrypted, TLS-only, with public access blocked and ACLs disabled, and retained', () => {
      const { t } = build({ s3: {} });
      t.hasResource('AWS::S3::Bucket', {
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          VersioningConfiguration: { Status: 'Enabled' },
        },
        DeletionPolicy: 'Retain',
      });
      const bucket = logicalId(t, 'AWS::S3::Bucket');
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: [{ 'Fn::GetAtt': [bucket, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] }],
          }]),
        },
      });
    });

    test('the bucket policy is Bedrock\'s documented statement: s3:PutObject under <prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/', () => {
      const { t } = build({ s3: { keyPrefix: 'bedrock/invocations' } }, 'eu-central-1');
      const bucket = logicalId(t, 'AWS::S3::Bucket');
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Sid: 'AmazonBedrockLogsWrite',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/bedrock/invocations/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/*`]] },
            Condition: sourceConditions('eu-central-1'),
          }]),
        },
      });
      expect(customResource(t).Properties.LoggingConfig.s3Config).toEqual({ bucketName: { Ref: bucket }, keyPrefix: 'bedrock/invocations' });
    });

    test('without a key prefix the objects go under AWSLogs/ and no keyPrefix is sent', () => {
      const { t } = build({ s3: {} });
      const bucket = logicalId(t, 'AWS::S3::Bucket');
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AmazonBedrockLogsWrite',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/*`]] },
        })]) },
      });
      expect(customResource(t).Properties.LoggingConfig.s3Config).toEqual({ bucketName: { Ref: bucket } });
    });

    test('an S3-only configuration creates no role for Bedrock (S3 delivery is authorized by the bucket policy)', () => {
      const { t } = build({ s3: {} });
      expect(Object.keys(t.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'bedrock.amazonaws.com' } })] } } }))).toEqual([]);
      expect(customResource(t).Properties.LoggingConfig.cloudWatchConfig).toBeUndefined();
    });

    test('a bucket imported by name cannot take the statement: a warning gives the statement to add', () => {
      const { stack } = stackIn();
      const bucket = s3.Bucket.fromBucketName(stack, 'Shared', 'org-bedrock-logs');
      new ModelInvocationLogging(stack, 'InvocationLogging', { s3: { bucket } });
      Annotations.fromStack(stack).hasWarning('/Genai/InvocationLogging', Match.stringLikeRegexp(
        'the bucket org-bedrock-logs is imported.*"Service":"bedrock.amazonaws.com".*org-bedrock-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/\\*.*"Sid":"AmazonBedrockLogsWrite"'));
    });
  });

  describe('large-data delivery', () => {
    test('goes to the S3 destination\'s bucket under large-data/ by default, writable by Bedrock and by the role, under that prefix only', () => {
      const { t } = build({ cloudWatchLogs: { largeDataDelivery: {} }, s3: {} });
      t.resourceCountIs('AWS::S3::Bucket', 1);
      const bucket = logicalId(t, 'AWS::S3::Bucket');
      const largeArn = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/large-data/*']] };
      expect(customResource(t).Properties.LoggingConfig.cloudWatchConfig.largeDataDeliveryS3Config).toEqual({ bucketName: { Ref: bucket }, keyPrefix: 'large-data' });
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([{
          Sid: 'AmazonBedrockLargeDataWrite', Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 's3:PutObject',
          Resource: largeArn, Condition: sourceConditions(),
        }]) },
      });
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([{ Action: 's3:PutObject', Effect: 'Allow', Resource: largeArn }]) },
      });
    });

    test('creates a bucket when there is no S3 destination, and uses a given one with its own prefix', () => {
      const created = build({ cloudWatchLogs: { largeDataDelivery: {} } });
      created.t.resourceCountIs('AWS::S3::Bucket', 1);
      expect(created.logging.bucket).toBeUndefined();
      expect(created.logging.largeDataBucket).toBeDefined();
      const { stack } = stackIn();
      const big = new s3.Bucket(stack, 'Big', { enforceSSL: true });
      new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: { largeDataDelivery: { bucket: big, keyPrefix: 'blobs' } } });
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::S3::Bucket', 1);
      expect(customResource(t).Properties.LoggingConfig.cloudWatchConfig.largeDataDeliveryS3Config).toEqual({
        bucketName: { Ref: logicalId(t, 'AWS::S3::Bucket') }, keyPrefix: 'blobs' });
    });
  });

  describe('the custom resource', () => {
    test('sends the configuration with every data-type switch explicit (all on by default; audio only when set)', () => {
      const { t } = build({ cloudWatchLogs: {} });
      expect(customResource(t).Properties.LoggingConfig).toMatchObject({
        textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: true,
      });
      expect(customResource(t).Properties.LoggingConfig.audioDataDeliveryEnabled).toBeUndefined();
      const off = build({ s3: {}, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false, videoDataDeliveryEnabled: false,
        audioDataDeliveryEnabled: false }).t;
      expect(customResource(off).Properties.LoggingConfig).toMatchObject({
        textDataDeliveryEnabled: true, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false, videoDataDeliveryEnabled: false,
        audioDataDeliveryEnabled: false,
      });
    });

    test('has a service timeout and waits for the role policy and the bucket policy (Bedrock validates them on Put)', () => {
      const { t } = build({ cloudWatchLogs: {}, s3: {} });
      const cr = customResource(t);
      expect(cr.Properties.ServiceTimeout).toBe('360');
      expect(cr.DependsOn).toEqual(expect.arrayContaining([
        logicalId(t, 'AWS::S3::BucketPolicy'),
        logicalId(t, 'AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^InvocationLoggingRole') }] }),
      ]));
    });

    test('the handler may manage the logging setting (no resource type: "*"), pass roles only to Bedrock, and use only its ledger parameter', () => {
      const { t, logging, stack } = build({ cloudWatchLogs: {} });
      const handlerRole = stack.getLogicalId(logging.handlerRole.node.defaultChild as iam.CfnRole);
      const policies = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: handlerRole }] } }));
      const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(statements).toEqual(expect.arrayContaining([
        { Action: ['bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:PutModelInvocationLoggingConfiguration',
          'bedrock:DeleteModelInvocationLoggingConfiguration'], Effect: 'Allow', Resource: '*' },
        { Action: 'iam:PassRole', Effect: 'Allow', Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/*`]] } },
        { Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'], Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:${ACCOUNT}:parameter/cdk-bedrock-foundation/model-invocation-logging/state`]] } },
      ]));
      expect(statements.filter((s) => s.Resource === '*')).toHaveLength(1);
      for (const role of Object.values(t.findResources('AWS::IAM::Role'))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      t.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x', Handler: 'index.handler', Timeout: 180,
        Environment: { Variables: Match.objectLike({ LOGGING_STATE_PARAMETER: '/cdk-bedrock-foundation/model-invocation-logging/state' }) },
      });
      // The handler backs the resource directly (no provider framework) and Lambda never runs a request again.
      const [fnId] = Object.keys(t.findResources('AWS::Lambda::Function', { Properties: { Timeout: 180 } }));
      t.hasResourceProperties('Custom::BedrockModelInvocationLogging', { ServiceToken: { 'Fn::GetAtt': [fnId, 'Arn'] } });
      t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fnId }, MaximumRetryAttempts: 0 });
    });

    test('is clean under cdk-nag AwsSolutions (each finding acknowledged with its reason) and this library\'s own pack', () => {
      for (const props of [{ cloudWatchLogs: {} }, { s3: {} }, { cloudWatchLogs: { largeDataDelivery: {} }, s3: { keyPrefix: 'logs' } }]) {
        const { app } = build(props);
        expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
        expect(new BedrockChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
      }
    });

    test('the cdk-nag check above can fail: an unacknowledged wildcard is reported', () => {
      const { app, logging } = build({ cloudWatchLogs: {} });
      (logging.role as iam.Role).addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: ['*'] }));
      expect(new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => v.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
    });
  });

  describe('one setting per account and Region', () => {
    test('fails synth for a second one in the same stack, naming both construct paths', () => {
      const { stack } = stackIn();
      new ModelInvocationLogging(stack, 'First', { cloudWatchLogs: {} });
      expect(() => new ModelInvocationLogging(stack, 'Second', { s3: {} })).toThrow(
        /ModelInvocationLogging: 'Genai\/Second' configures model invocation logging for account 123456789012 in us-east-1, which 'Genai\/First' already does\. Bedrock keeps one model invocation logging configuration per account and Region/);
    });

    test('fails synth for a second one in another stack of the same app with the same account and Region', () => {
      const { app, stack } = stackIn('eu-west-1');
      new ModelInvocationLogging(stack, 'Logging', { cloudWatchLogs: {} });
      const other = new Stack(app, 'Other', { env: { account: ACCOUNT, region: 'eu-west-1' } });
      let error: Error | undefined;
      try { new ModelInvocationLogging(other, 'Logging', { s3: {} }); } catch (e) { error = e as Error; }
      expect(error?.name).toBe('BedrockValidationError');
      expect((error as { code?: string }).code).toBe('InvocationLoggingDuplicate');
      expect(error?.message).toMatch(/'Other\/Logging' .* which 'Genai\/Logging' already does.*\(at Other\/Logging\)$/);
    });

    test('allows one per Region and per account, and one per app', () => {
      const { app, stack } = stackIn('us-east-1');
      new ModelInvocationLogging(stack, 'Logging', { cloudWatchLogs: {} });
      expect(() => new ModelInvocationLogging(new Stack(app, 'West', { env: { account: ACCOUNT, region: 'us-west-2' } }), 'Logging', { s3: {} })).not.toThrow();
      expect(() => new ModelInvocationLogging(new Stack(app, 'OtherAccount', { env: { account: '210987654321', region: 'us-east-1' } }), 'Logging', { s3: {} })).not.toThrow();
      const second = stackIn('us-east-1').stack; // another app
      expect(() => new ModelInvocationLogging(second, 'Logging', { s3: {} })).not.toThrow();
    });

    test('treats two environment-agnostic stacks as the same environment', () => {
      const app = new App({ context: CONTEXT });
      new ModelInvocationLogging(new Stack(app, 'A'), 'Logging', { cloudWatchLogs: {} });
      expect(() => new ModelInvocationLogging(new Stack(app, 'B'), 'Logging', { cloudWatchLogs: {} })).toThrow(
        /both stacks are environment-agnostic.*give the stacks explicit, different environments/);
    });
  });

  describe('bad input', () => {
    const fails = (props: ModelInvocationLoggingProps, code: string, message: RegExp) => {
      const { stack } = stackIn();
      let error: { code?: string; message?: string } | undefined;
      try { new ModelInvocationLogging(stack, 'InvocationLogging', props); } catch (e) { error = e as { code?: string }; }
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(message);
    };

    test('fails without a destination, saying what to write', () => {
      fails({}, 'InvocationLoggingNoDestination', /no destination; .*Write e\.g\. `cloudWatchLogs: \{\}` \(a new log group\) or `s3: \{\}`/);
      fails({ textDataDeliveryEnabled: true }, 'InvocationLoggingNoDestination', /needs CloudWatch Logs, S3 or both/);
    });

    test('fails for a retention CloudWatch Logs does not offer, listing the valid ones', () => {
      fails({ cloudWatchLogs: { retention: 42 as logs.RetentionDays } }, 'InvocationLoggingRetention',
        /cloudWatchLogs\.retention 42 is not a retention CloudWatch Logs offers; use a logs\.RetentionDays value \(days: 1, 3, 5, 7, 14, 30, 60, 90.*\), e\.g\. logs\.RetentionDays\.THREE_MONTHS/);
    });

    test('fails for log-group options next to a given log group', () => {
      const { stack } = stackIn();
      const logGroup = logs.LogGroup.fromLogGroupName(stack, 'LG', 'existing');
      expect(() => new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: { logGroup, retention: logs.RetentionDays.ONE_DAY } }))
        .toThrow(/cloudWatchLogs\.retention applies only to the log group this construct creates, but cloudWatchLogs\.logGroup is given/);
    });

    test('fails for bucket options next to a given bucket', () => {
      const { stack } = stackIn();
      const bucket = s3.Bucket.fromBucketName(stack, 'B', 'existing');
      expect(() => new ModelInvocationLogging(stack, 'InvocationLogging', { s3: { bucket, removalPolicy: RemovalPolicy.DESTROY } }))
        .toThrow(/s3\.removalPolicy and s3\.serverAccessLogsBucket apply only to the bucket this construct creates/);
    });

    test('fails for key prefixes with leading or trailing slashes or wildcards, suggesting the clean one', () => {
      fails({ s3: { keyPrefix: '/bedrock/' } }, 'InvocationLoggingKeyPrefix', /s3\.keyPrefix '\/bedrock\/' is not a usable key prefix; .*e\.g\. 'bedrock'/);
      fails({ cloudWatchLogs: { largeDataDelivery: { keyPrefix: 'big/*' } } }, 'InvocationLoggingKeyPrefix',
        /cloudWatchLogs\.largeDataDelivery\.keyPrefix 'big\/\*' .*e\.g\. 'big'/);
      fails({ s3: { keyPrefix: '' } }, 'InvocationLoggingKeyPrefix', /s3\.keyPrefix '' is not a usable key prefix/);
    });

    test('fails for a destination in another Region or account (Bedrock supports the same account and Region only)', () => {
      const { stack } = stackIn();
      const bucket = s3.Bucket.fromBucketAttributes(stack, 'B', { bucketName: 'eu-logs', region: 'eu-west-1' });
      expect(() => new ModelInvocationLogging(stack, 'InvocationLogging', { s3: { bucket } })).toThrow(
        /s3\.bucket is in account 123456789012, Region eu-west-1, but the stack deploys to account 123456789012, Region us-east-1; Bedrock supports only destinations in the same account and Region/);
      const { stack: s2 } = stackIn();
      const role = iam.Role.fromRoleArn(s2, 'R', 'arn:aws:iam::999999999999:role/x');
      expect(() => new ModelInvocationLogging(s2, 'InvocationLogging', { cloudWatchLogs: { role } })).toThrow(
        /cloudWatchLogs\.role is in account 999999999999, but the stack deploys to account 123456789012/);
    });
  });
});
