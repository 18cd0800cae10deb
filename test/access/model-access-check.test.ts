import { App, CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ACCESS_CHECK_PROVIDER_ID, ModelAccessCheck, ModelAccessCheckProvider } from '../../lib/access';
import { ModelInvoker } from '../../lib/invokers';
import { BedrockModel } from '../../lib/models';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';

function stackIn(region?: string): { app: App; stack: Stack } {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  const stack = new Stack(app, 'Stack', region ? { env: { region, account: '123456789012' } } : {});
  return { app, stack };
}

describe('ModelAccessCheck', () => {
  test('two checks in one stack share one handler function, which backs them directly (no provider framework)', () => {
    const { stack } = stackIn('us-east-1');
    new ModelAccessCheck(stack, 'ChatCheck', { models: [BedrockModel.of(HAIKU)] });
    new ModelAccessCheck(stack, 'EmbedCheck', { models: [BedrockModel.of('amazon.titan-embed-text-v2:0')], failOnMissingAgreement: true });
    const t = Template.fromStack(stack);
    // The handler only: it answers CloudFormation itself.
    t.resourceCountIs('AWS::Lambda::Function', 1);
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.resourceCountIs('AWS::Logs::LogGroup', 1);
    const [fnId] = Object.keys(t.findResources('AWS::Lambda::Function'));
    const checks = t.findResources('Custom::BedrockModelAccessCheck');
    expect(Object.keys(checks)).toHaveLength(2);
    const tokens = Object.values(checks).map((r) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens)).toEqual(new Set([JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] })]));
    // CloudFormation invokes it asynchronously; the handler answers every request, so Lambda never runs one again.
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fnId }, MaximumRetryAttempts: 0, Qualifier: '$LATEST' });
    expect(stack.node.tryFindChild(ACCESS_CHECK_PROVIDER_ID)).toBeDefined();
  });

  test('ModelAccessCheckProvider.of is the stack\'s singleton; handler, handlerRole and serviceToken name the function in the template', () => {
    const { stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const provider = ModelAccessCheckProvider.of(check);
    expect(ModelAccessCheckProvider.of(stack)).toBe(provider);
    expect(provider.node.path).toBe(`Stack/${ACCESS_CHECK_PROVIDER_ID}`);
    expect(provider.handler).toBeInstanceOf(lambda.Function);
    expect(provider.handlerRole).toBeInstanceOf(iam.Role);
    expect(check.handlerRole).toBe(provider.handlerRole);
    const t = Template.fromStack(stack);
    const fnId = stack.getLogicalId(provider.handler.node.defaultChild as CfnElement);
    const roleId = stack.getLogicalId(provider.handlerRole.node.defaultChild as CfnElement);
    t.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, MemorySize: 256, Timeout: 120 });
    expect(stack.resolve(provider.serviceToken)).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    t.hasResourceProperties('Custom::BedrockModelAccessCheck', { ServiceToken: { 'Fn::GetAtt': [fnId, 'Arn'] } });
  });

  test('passes each model, its foundation model and the alternatives that cover the Region', () => {
    const { stack } = stackIn('us-east-1');
    new ModelAccessCheck(stack, 'Check', {
      models: [BedrockModel.of(`us.${HAIKU}`), BedrockModel.of(NOVA), BedrockModel.of(NOVA)],
    });
    Template.fromStack(stack).hasResourceProperties('Custom::BedrockModelAccessCheck', {
      FailOnMissingAgreement: 'false',
      CatalogGeneratedAt: Match.stringLikeRegexp('^\\d{4}-\\d{2}-\\d{2}'),
      Models: [
        {
          ModelId: `us.${HAIKU}`,
          FoundationModelId: HAIKU,
          Provider: 'anthropic',
          OnDemandRegions: Match.arrayWith(['eu-west-1', 'us-east-1']),
          // Profiles callable from us-east-1, other than the one being checked.
          Profiles: [{ Id: `global.${HAIKU}`, SourceRegions: ['us-east-1'] }],
        },
        // The duplicate is checked once.
        Match.objectLike({ ModelId: NOVA, FoundationModelId: NOVA, Provider: 'amazon' }),
      ],
    });
  });

  test('in a stack without a concrete Region, passes every profile with its source Regions', () => {
    const { stack } = stackIn();
    new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)], failOnMissingAgreement: true });
    const props = Object.values(Template.fromStack(stack).findResources('Custom::BedrockModelAccessCheck'))[0].Properties;
    expect(props.FailOnMissingAgreement).toBe('true');
    const profiles = props.Models[0].Profiles as Array<{ Id: string; SourceRegions: string[] }>;
    expect(profiles.map((p) => p.Id)).toEqual(expect.arrayContaining([`eu.${HAIKU}`, `global.${HAIKU}`, `us.${HAIKU}`]));
    expect(profiles.find((p) => p.Id === `eu.${HAIKU}`)!.SourceRegions).toEqual(expect.arrayContaining(['eu-west-1', 'eu-central-1']));
    expect(profiles.find((p) => p.Id === `eu.${HAIKU}`)!.SourceRegions).not.toContain('us-east-1');
  });

  test('handler: Node.js 24 on arm64, bounded timeout and retry settings, explicit log group', () => {
    const { stack } = stackIn('us-east-1');
    new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 120,
      LoggingConfig: { LogGroup: Match.anyValue() },
      Environment: {
        Variables: {
          ACCESS_CHECK_MAX_ATTEMPTS: '8',
          ACCESS_CHECK_REQUEST_TIMEOUT_MS: '5000',
          ACCESS_CHECK_CONNECT_TIMEOUT_MS: '3000',
          ACCESS_CHECK_DEADLINE_MS: '100000',
          ACCESS_CHECK_SAFETY_MARGIN_MS: '10000',
          ACCESS_CHECK_BACKOFF_BASE_MS: '500',
          ACCESS_CHECK_BACKOFF_MAX_MS: '10000',
          // The shortened failure message names the handler's log group.
          ACCESS_CHECK_LOG_GROUP: { Ref: Match.stringLikeRegexp('^CdkBedrockFoundationModelAccessCheckProviderHandlerLogs') },
        },
      },
    });
    t.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 1);
    // CloudFormation waits at most 5 minutes for the check (its default would be one hour).
    t.hasResourceProperties('Custom::BedrockModelAccessCheck', { ServiceTimeout: '300' });
    // No logRetention custom resource.
    t.resourceCountIs('Custom::LogRetention', 0);
  });

  test('IAM: GetFoundationModelAvailability on * (no resource type) and nothing else from Bedrock; no managed policies', () => {
    const { stack } = stackIn('us-east-1');
    new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const t = Template.fromStack(stack);
    const policies = t.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const bedrock = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('bedrock:')));
    expect(bedrock).toEqual([expect.objectContaining({ Action: 'bedrock:GetFoundationModelAvailability', Effect: 'Allow', Resource: '*' })]);
    const wildcards = statements.filter((s) => s.Resource === '*');
    expect(wildcards).toHaveLength(1);
    // The rollback check: DescribeStacks on exactly this stack.
    const cfn = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('cloudformation:')));
    expect(cfn).toEqual([{ Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } }]);
    for (const role of Object.values(t.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('is clean under cdk-nag AwsSolutions, with each wildcard acknowledged with its reason', () => {
    const { app, stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
    const acks = check.handlerRole.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
    expect(JSON.stringify(acks)).toMatch(/AwsSolutions-IAM5\[Resource::\*\].*has no resource type in the Service Authorization Reference/);
  });

  test('other constructs can depend on the check', () => {
    const { stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const consumer = new CfnResource(stack, 'Consumer', { type: 'AWS::SNS::Topic' });
    consumer.node.addDependency(check);
    const t = Template.fromStack(stack);
    const checkId = Object.keys(t.findResources('Custom::BedrockModelAccessCheck'))[0];
    expect(t.toJSON().Resources.Consumer.DependsOn).toContain(checkId);
  });

  test('grantMarketplaceSubscribe grants Subscribe, Unsubscribe and ViewSubscriptions on * (no resource types) in a policy of its own', () => {
    const { stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const role = new iam.Role(stack, 'Invoker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = check.grantMarketplaceSubscribe(role);
    check.grantMarketplaceSubscribe(role); // idempotent: still one policy with one statement
    expect(grant.success).toBe(true);
    const t = Template.fromStack(stack);
    const policies = t.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['aws-marketplace:Subscribe']) })]) } },
    });
    expect(Object.keys(policies)).toHaveLength(1);
    const [id, policy] = Object.entries(policies)[0];
    expect(id).toMatch(/^InvokerBedrockMarketplaceSubscribe/);
    expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^Invoker/) }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Action: ['aws-marketplace:Subscribe', 'aws-marketplace:Unsubscribe', 'aws-marketplace:ViewSubscriptions'],
      Effect: 'Allow',
      Resource: '*',
    }]);
  });

  test('grantMarketplaceSubscribe: cdk-nag acknowledges the "*" on that policy only, so other wildcards on the role are still reported', () => {
    const { app, stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const role = new iam.Role(stack, 'Invoker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    check.grantMarketplaceSubscribe(role);
    expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
    const policy = role.node.findChild('BedrockMarketplaceSubscribe');
    const acks = policy.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules');
    expect(JSON.stringify(acks)).toMatch(/AwsSolutions-IAM5\[Resource::\*\].*aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions have no resource type/);
    // Another wildcard on the same role is not covered by that acknowledgement.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const violations = new AwsSolutionsChecks(app).validateScope(app).violations;
    expect(violations.map((v) => v.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
    expect(JSON.stringify(violations)).toMatch(/Invoker\/DefaultPolicy/);
    expect(JSON.stringify(violations)).not.toMatch(/BedrockMarketplaceSubscribe/);
  });

  test('grantMarketplaceSubscribe on a user attaches the policy to the user (no empty Roles)', () => {
    const { stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const user = new iam.User(stack, 'Operator');
    check.grantMarketplaceSubscribe(user);
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as any[];
    const marketplace = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('aws-marketplace:Subscribe'));
    expect(marketplace).toHaveLength(1);
    expect(marketplace[0].Properties.Users).toEqual([{ Ref: expect.stringMatching(/^Operator/) }]);
    expect(marketplace[0].Properties.Roles).toBeUndefined();
  });

  test('grantMarketplaceSubscribe(invoker): a ModelInvoker gets a message naming invoker.function, not "Cannot read properties of undefined"', () => {
    const { stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const invoker = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(`us.${HAIKU}`) });
    const marketplacePolicies = () => (Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as any[])
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('aws-marketplace:Subscribe'));
    const fnRole = (invoker.function as lambda.Function).role!;
    const fnRoleId = stack.getLogicalId(fnRole.node.defaultChild as CfnElement);
    if ((invoker as Partial<iam.IGrantable>).grantPrincipal === undefined) {
      // The invoker is not a grantee: a clear error that names the fix.
      expect(() => check.grantMarketplaceSubscribe(invoker as unknown as iam.IGrantable)).toThrow(
        /grantMarketplaceSubscribe: got ModelInvoker Stack\/Chat, which is not an iam.IGrantable \(it has no grantPrincipal\); pass its function instead: grantMarketplaceSubscribe\(chat.function\)/);
      expect(fnRole.node.tryFindChild('BedrockMarketplaceSubscribe')).toBeUndefined();
    } else {
      // Invokers became grantees (lib/invokers): then the grant goes to the function's role.
      check.grantMarketplaceSubscribe(invoker as unknown as iam.IGrantable);
    }
    // The fix the message names works (and, if invokers became grantees, grants the same role once).
    check.grantMarketplaceSubscribe(invoker.function);
    expect(marketplacePolicies().map((p) => p.Properties.Roles)).toEqual([[{ Ref: fnRoleId }]]);
  });

  test('grantMarketplaceSubscribe throws NotGrantable for a construct that only holds a grantee, and for no grantee at all', () => {
    const { stack } = stackIn('us-east-1');
    const check = new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const holder = new (class Wrapper extends Construct { public readonly function = role; })(stack, 'Summarizer');
    let error: any;
    try {
      check.grantMarketplaceSubscribe(holder as unknown as iam.IGrantable);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe('NotGrantable');
    expect(error?.message).toMatch(/got Wrapper Stack\/Summarizer, .*pass its function instead: grantMarketplaceSubscribe\(summarizer.function\)/);
    expect(() => check.grantMarketplaceSubscribe(undefined as unknown as iam.IGrantable))
      .toThrow(/grantMarketplaceSubscribe: got undefined, which is not an iam.IGrantable .*pass an iam.IGrantable: an iam.Role, iam.User or iam.Group, or a lambda.Function/);
  });

  test('runs the models\' synth validation', () => {
    const { app, stack } = stackIn('us-west-2');
    new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] });
    expect(() => app.synth()).toThrow(/anthropic\.claude-haiku-4-5-20251001-v1:0.*is not offered on demand in us-west-2/);
  });

  test('throws on an empty model list', () => {
    const { stack } = stackIn('us-east-1');
    expect(() => new ModelAccessCheck(stack, 'Check', { models: [] })).toThrow(/ModelAccessCheck: models is empty; pass at least one BedrockModel/);
  });

  test('throws for an ARN that hides its foundation model, saying how to declare it', () => {
    const { stack } = stackIn('us-east-1');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz';
    expect(() => new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(arn)] }))
      .toThrow(new RegExp(`'${arn}' hides its foundation model.*custom: \\{ sourceModelId:`));
  });
});
