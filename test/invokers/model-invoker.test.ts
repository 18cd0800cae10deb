import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { EmbeddingInvoker } from '../../lib/invokers/embedding-invoker';
import { BedrockChecks } from '../../lib/nag';
import { ModelInvoker } from '../../lib/invokers/model-invoker';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const HAIKU_FM = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const EMBED = 'amazon.titan-embed-text-v2:0';

function setup(region = 'us-east-1') {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'Stack', { env: { region, account: '123456789012' } });
  return { app, stack };
}

function fnEnv(t: Template): Record<string, unknown> {
  const fns = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
  expect(fns).toHaveLength(1);
  return fns[0].Properties.Environment.Variables;
}

/** Every identity-policy statement: the roles' inline policies (where an invoker's grants go) and AWS::IAM::Policy resources. */
function policyStatements(t: Template): any[] {
  const inline = Object.values(t.findResources('AWS::IAM::Role')).flatMap((r: any) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
  return [...inline, ...Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement)];
}

describe('ModelInvoker with a model', () => {
  test('a nodejs24.x arm64 function on the prebuilt text-invoker asset, explicit log group, MODEL_CONFIG in the environment', () => {
    const { stack } = setup();
    const model = BedrockModel.of(HAIKU);
    new ModelInvoker(stack, 'Chat', { model, inferenceParameters: { maxTokens: 400, temperature: 0.3 }, timeout: Duration.seconds(30) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: 30, MemorySize: 512,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ChatLogGroup') } },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const env = fnEnv(t);
    expect(JSON.parse(env.MODEL_CONFIG as string)).toEqual({ ...model.runtimeConfig(), inferenceParameters: { maxTokens: 400, temperature: 0.3 } });
    expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'text-invoker', POWERTOOLS_METRICS_NAMESPACE: 'CdkBedrockFoundation', BEDROCK_MAX_ATTEMPTS: '4' });
    expect(env).not.toHaveProperty('MODEL_CONFIG_PARAMETER');
  });

  test('a streaming invoker also gets bedrock:InvokeModelWithResponseStream (ConverseStream), on the same resources', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), streaming: true });
    const bedrock = policyStatements(Template.fromStack(stack)).filter((s) => !JSON.stringify(s.Action).includes('logs:'));
    expect(bedrock).toHaveLength(2);
    for (const s of bedrock) expect(s.Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
  });

  test('grants invoke on exactly the profile and its foundation models, nothing else, and no Resource "*"', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU) });
    const statements = policyStatements(Template.fromStack(stack));
    const bedrock = statements.filter((s) => !JSON.stringify(s.Action).includes('logs:'));
    expect(bedrock).toHaveLength(2);
    // Converse only: bedrock:InvokeModel, not InvokeModelWithResponseStream.
    for (const s of bedrock) expect(s.Action).toBe('bedrock:InvokeModel');
    expect(statements.flatMap((s) => [].concat(s.Resource))).not.toContain('*');
    const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, resource]] });
    const profileArn = arn(`:bedrock:us-east-1:123456789012:inference-profile/${HAIKU}`);
    const profile = bedrock.find((s) => !s.Condition);
    expect(profile.Resource).toEqual(profileArn);
    const fm = bedrock.find((s) => s.Condition);
    expect(fm.Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': profileArn } });
    const fmArns = [].concat(fm.Resource);
    expect(fmArns.length).toBeGreaterThan(0);
    for (const r of fmArns) expect(JSON.stringify(r)).toMatch(new RegExp(`:bedrock:[a-z0-9-]+::foundation-model/${HAIKU_FM.replace(/[.:]/g, '\\$&')}"`));
    expect(fmArns).toContainEqual(arn(`:bedrock:us-east-1::foundation-model/${HAIKU_FM}`));
  });

  test('inferenceParameters outside the model\'s sourced limits fail synth, naming each problem', () => {
    const { app, stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), inferenceParameters: { maxTokens: 999999, temperature: 5, topP: 0.5 } });
    let message = '';
    try { app.synth(); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/ModelInvoker Stack\/Chat: inferenceParameters\.maxTokens is 999999, above the maximum output of 'us\.anthropic\.claude-haiku-4-5-20251001-v1:0' \(64000 tokens/);
    expect(message).toMatch(/ModelInvoker Stack\/Chat: inferenceParameters\.temperature is 5; Converse accepts 0 to 1/);
  });

  test('inferenceParameters within the limits synthesize', () => {
    const { app, stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), inferenceParameters: { maxTokens: 64000, temperature: 0.5 } });
    expect(() => app.synth()).not.toThrow();
  });

  test('the grants are one inline policy of the function\'s own role (no separate AWS::IAM::Policy to create first)', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU) });
    const t = Template.fromStack(stack);
    expect(t.findResources('AWS::IAM::Policy')).toEqual({});
    const roles = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.Policies).toHaveLength(1);
    expect(roles[0].Properties.Policies[0].PolicyName).toBe('Invoker');
    expect(roles[0].Properties.Policies[0].PolicyDocument.Statement).toHaveLength(3); // logs, profile, its models
  });

  test('the role has no managed policy: it may write only to its own log group', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] }) });
    const logs = policyStatements(t).filter((s) => JSON.stringify(s.Action).includes('logs:'));
    expect(logs).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChatLogGroup/), 'Arn'] } })]);
  });

  test('N invokers share one handler asset', () => {
    const { stack } = setup();
    for (let i = 0; i < 3; i++) new ModelInvoker(stack, `Chat${i}`, { model: BedrockModel.of(HAIKU) });
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((f: any) => JSON.stringify(f.Properties.Code.S3Key));
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  test('an embeddings model fails synth: a text invoker needs TEXT output', () => {
    const { app, stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(EMBED) });
    expect(() => app.synth()).toThrow(/ModelInvoker Stack\/Chat: model 'amazon\.titan-embed-text-v2:0' outputs EMBEDDING, not TEXT; a text invoker needs a text-generation model/);
  });

  test('an unsourced modality warns instead of failing', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of('cohere.embed-v4:0') });
    Annotations.fromStack(stack).hasWarning('/Stack/Chat', Match.stringLikeRegexp("output modalities of 'cohere\\.embed-v4:0' are not sourced.*outputModalities: \\['TEXT'\\]"));
  });

  test('custom modalities are used for the check', () => {
    const { app, stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of('cohere.embed-v4:0', { custom: { outputModalities: ['EMBEDDING'] } }) });
    expect(() => app.synth()).toThrow(/outputs EMBEDDING, not TEXT/);
  });
});

describe('ModelInvoker with a PinnedModelConfig role', () => {
  test('reads the SSM companion: parameter name and hash in the environment, GetParameter on exactly that parameter', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) } });
    new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
    const t = Template.fromStack(stack);
    const env = fnEnv(t);
    expect(env.MODEL_CONFIG_PARAMETER).toBe('/bedrock/models/chat/config');
    expect(env.MODEL_CONFIG_HASH).toBe(config.configHash('chat'));
    expect(env).not.toHaveProperty('MODEL_CONFIG');
    const statements = policyStatements(t);
    const ssm = statements.filter((s) => JSON.stringify(s.Action).includes('ssm:'));
    // Exactly ssm:GetParameter on the role's JSON companion (the only parameter the handler reads).
    expect(ssm).toEqual([{
      Action: 'ssm:GetParameter', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:123456789012:parameter/bedrock/models/chat/config']] },
    }]);
    expect(JSON.stringify(statements)).toContain(`inference-profile/${HAIKU}`);
    expect(JSON.stringify(statements)).not.toContain(EMBED);
  });

  test('a config role holding an embeddings model fails synth', () => {
    const { app, stack } = setup();
    const config = new PinnedModelConfig(stack, 'Models', { models: { embed: BedrockModel.of(EMBED) } });
    new ModelInvoker(stack, 'Chat', { config, role: 'embed' });
    expect(() => app.synth()).toThrow(/outputs EMBEDDING, not TEXT/);
  });

  test('an imported configuration warns that the modality was not checked', () => {
    const { stack } = setup();
    const config = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/shared/models', ['chat']);
    new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
    Annotations.fromStack(stack).hasWarning('/Stack/Chat', Match.stringLikeRegexp("imported configuration role 'chat'.*TEXT output was not checked"));
    expect(fnEnv(Template.fromStack(stack)).MODEL_CONFIG_PARAMETER).toBe('/shared/models/chat/config');
  });

  test('an imported configuration declared with its models has the modality checked', () => {
    const { app, stack } = setup();
    const config = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/shared/models', ['chat'], {
      models: { chat: BedrockModel.of(EMBED) },
    });
    new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
    expect(() => app.synth()).toThrow(/outputs EMBEDDING, not TEXT/);
  });
});

describe('ModelInvoker props validation', () => {
  test.each([
    [{}, /needs a model: give `model` \(BedrockModel\.of\('\.\.\.'\)\) or `config` and `role`/],
    [{ role: 'chat' }, /needs a model.*got only role 'chat'/],
    [{ model: 'M', role: 'chat' }, /got both `model` \(us\.anthropic.*\) and `config`\/`role` \('chat'\)/],
    [{ model: 'M', config: 'C', role: 'chat' }, /got both `model`/],
    [{ config: 'C' }, /got `config` without `role`; name one of its roles: chat/],
    [{ config: 'C', role: 'summarize' }, /role 'summarize' is not in the configuration \(roles: chat\)/],
    [{ config: 'C', role: 'chat', inferenceParameters: { maxTokens: 5 } }, /inferenceParameters apply only with `model`/],
    [{ model: 'M', urlAuthType: lambda.FunctionUrlAuthType.NONE }, /urlAuthType is set but streaming is off/],
    [{ model: 'M', maxAttempts: 0 }, /maxAttempts is 0; give a whole number from 1/],
    [{ model: 'M', timeout: Duration.seconds(1) }, /timeout is 1 second; an invoker needs at least 2 seconds/],
  ])('%j is rejected with a clear message', (spec: any, message) => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU) } });
    const props = { ...spec, ...(spec.model ? { model: BedrockModel.of(HAIKU) } : {}), ...(spec.config ? { config } : {}) };
    expect(() => new ModelInvoker(stack, 'Chat', props)).toThrow(message);
  });
});

describe('streaming Function URL', () => {
  function callerActions(t: Template): string[] {
    const callerPolicy = Object.values(t.findResources('AWS::IAM::Policy')).find((p: any) => JSON.stringify(p.Properties.Roles).includes('Caller')) as any;
    return callerPolicy.Properties.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action)).sort();
  }

  test('RESPONSE_STREAM, AWS_IAM by default, streamHandler entry', () => {
    const { stack } = setup();
    const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), streaming: true });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    t.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.streamHandler' });
    expect(chat.functionUrl).toBeDefined();
  });

  test('grantInvokeUrl alone grants what calling the Function URL needs, on this function', () => {
    const { stack } = setup();
    const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), streaming: true });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = chat.grantInvokeUrl(caller);
    expect(grant.success).toBe(true);
    const t = Template.fromStack(stack);
    expect(callerActions(t)).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    const fnId = Object.keys(t.findResources('AWS::Lambda::Function'))[0];
    const callerPolicy = Object.values(t.findResources('AWS::IAM::Policy')).find((p: any) => JSON.stringify(p.Properties.Roles).includes('Caller')) as any;
    for (const s of callerPolicy.Properties.PolicyDocument.Statement) expect(JSON.stringify(s.Resource)).toContain(fnId);
  });

  test('grantInvoke alone grants lambda:InvokeFunction only (no Function URL)', () => {
    const { stack } = setup();
    const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), streaming: true });
    chat.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(callerActions(Template.fromStack(stack))).toEqual(['lambda:InvokeFunction']);
  });

  test('auth type NONE when asked', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), streaming: true, urlAuthType: lambda.FunctionUrlAuthType.NONE });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  test('grantInvokeUrl without streaming throws', () => {
    const { stack } = setup();
    const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU) });
    expect(() => chat.grantInvokeUrl(new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }))).toThrow(/has no Function URL; create it with streaming: true/);
    expect(Template.fromStack(stack).findResources('AWS::Lambda::Url')).toEqual({});
  });
});

test('cdk-nag AwsSolutions and BedrockChecks report nothing for text and embedding invokers (config-fed and streaming included)', () => {
  const { app, stack } = setup();
  const config = new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU) } });
  new ModelInvoker(stack, 'Chat', { config, role: 'chat', streaming: true });
  new ModelInvoker(stack, 'Direct', { model: BedrockModel.of(HAIKU) });
  new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of(EMBED) });
  expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  expect(new BedrockChecks().validateScope(app).violations).toEqual([]);
});
