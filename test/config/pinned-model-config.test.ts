import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/models/policy';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const EMBED = 'amazon.titan-embed-text-v2:0';

function setup(region = 'us-east-1') {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'Stack', { env: { region } });
  return { app, stack };
}

function fn(stack: Stack, id = 'Fn') {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1'),
  });
}

describe('PinnedModelConfig', () => {
  test('writes one String parameter per role with the model ID and a JSON companion with schemaVersion, limits and price', () => {
    const { stack } = setup();
    new PinnedModelConfig(stack, 'Config', {
      models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) },
      inferenceParameters: { chat: { maxTokens: 1024, temperature: 0.2 } },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/bedrock/models/chat', Type: 'String', Value: HAIKU });
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/bedrock/models/embed', Type: 'String', Value: EMBED });
    const params = t.findResources('AWS::SSM::Parameter', { Properties: { Name: '/bedrock/models/chat/config' } });
    const json = JSON.parse((Object.values(params)[0] as any).Properties.Value);
    expect(json).toEqual({
      schemaVersion: 1, role: 'chat', modelId: HAIKU, foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      invocationForm: 'geo-profile', contextWindow: 200000, maxOutputTokens: 64000, embedding: null,
      inferenceParameters: { maxTokens: 1024, temperature: 0.2 },
      price: expect.objectContaining({ inputPer1M: 1.1, outputPer1M: 5.5, currency: 'USD', asOf: '2026-10-05', source: expect.any(Array) }),
      catalogGeneratedAt: '2026-11-25',
    });
  });

  test('parameterName / configParameterName follow the prefix', () => {
    const { stack } = setup();
    const c = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) }, parameterPrefix: '/team-a/genai' });
    expect(c.parameterName('chat')).toBe('/team-a/genai/chat');
    expect(c.configParameterName('chat')).toBe('/team-a/genai/chat/config');
    expect(() => c.parameterName('nope')).toThrow(/unknown role 'nope'; the roles are chat/);
  });

  test.each([
    ['bedrock/models', /must start with '\/'/],
    ['/bedrock/models/', /must not end with '\/'/],
    ['/aws/models', /reserved 'aws'/],
    ['/SSM-things', /reserved 'SSM'/],
    ['/bedrock models', /contains " "; SSM parameter names allow only/],
    ['/a//b', /empty level/],
    ['/' + Array.from({ length: 14 }, (_, i) => `l${i}`).join('/'), /hierarchy levels; SSM allows at most 15/],
    ['/' + 'x'.repeat(1010), /characters; SSM allows at most 1011/],
  ])('throws for parameterPrefix %j', (prefix, message) => {
    const { stack } = setup();
    expect(() => new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) }, parameterPrefix: prefix })).toThrow(message);
  });

  test('throws for a role name with a slash, an empty models map, and inference parameters of an unknown role', () => {
    const { stack } = setup();
    expect(() => new PinnedModelConfig(stack, 'A', { models: { 'chat/v2': BedrockModel.of(HAIKU) } })).toThrow(/role 'chat\/v2' is not a valid SSM name segment/);
    expect(() => new PinnedModelConfig(stack, 'B', { models: {} })).toThrow(/models is empty/);
    expect(() => new PinnedModelConfig(stack, 'C', { models: { chat: BedrockModel.of(HAIKU) }, inferenceParameters: { summarize: { maxTokens: 5 } } }))
      .toThrow(/inferenceParameters has role 'summarize', which is not in models \(chat\)/);
  });

  test.each([
    [{ maxTokens: 64001 }, /maxTokens is 64001, above the maximum output of 'us\.anthropic\.claude-haiku-4-5-20251001-v1:0' \(64000 tokens/],
    [{ maxTokens: 0 }, /maxTokens is 0; Converse requires a whole number of at least 1/],
    [{ maxTokens: 1.5 }, /maxTokens is 1\.5/],
    [{ temperature: 1.5 }, /temperature is 1\.5; Converse accepts 0 to 1/],
    [{ topP: -0.1 }, /topP is -0\.1; Converse accepts 0 to 1/],
    [{ temperature: 0.5, topP: 0.9 }, /sets both temperature and topP, but .* rejects the two together with a ValidationException.*keep only one/],
    [{ stopSequences: [''] }, /stopSequences\[0\] is empty/],
  ])('fails synthesis for inference parameters %j', (params, message) => {
    const { app, stack } = setup();
    new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) }, inferenceParameters: { chat: params } });
    expect(() => app.synth()).toThrow(message);
  });

  test('warns where a limit is not sourced instead of failing', () => {
    const { app, stack } = setup('us-east-1');
    // amazon.nova-pro-v1:0 has no sourced temperature/topP constraint.
    new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of('amazon.nova-pro-v1:0') }, inferenceParameters: { chat: { temperature: 0.3, topP: 0.8 } } });
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Stack/Config', Match.stringLikeRegexp('whether .*amazon\\.nova-pro-v1:0.* accepts both together is not sourced'));
  });

  test('every model passes the same synth validation', () => {
    const { app, stack } = setup();
    new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of('anthropic.claude-3-sonnet') } });
    expect(() => app.synth()).toThrow(/'anthropic\.claude-3-sonnet' is a model family or partial ID/);
  });

  test('bindToFunction sets the parameter name and config hash, and grants read on the role parameters and invoke on the model', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) } });
    config.bindToFunction(fn(stack), 'chat');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MODEL_CONFIG_PARAMETER: '/bedrock/models/chat/config', MODEL_CONFIG_HASH: config.configHash('chat') } },
    });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const ssm = statements.filter((s: any) => JSON.stringify(s.Action).includes('ssm:'));
    expect(JSON.stringify(ssm)).toContain('parameter/bedrock/models/chat');
    expect(JSON.stringify(ssm)).not.toContain('parameter/bedrock/models/embed');
    expect(JSON.stringify(statements)).toContain('inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(JSON.stringify(statements)).not.toMatch(/"Resource":"\*"/);
  });

  test('a model change changes the config hash (so warm containers are recycled)', () => {
    const a = setup().stack;
    const b = setup().stack;
    const c1 = new PinnedModelConfig(a, 'Config', { models: { chat: BedrockModel.of(HAIKU) } });
    const c2 = new PinnedModelConfig(b, 'Config', { models: { chat: BedrockModel.of('us.anthropic.claude-sonnet-4-6') } });
    const c3 = new PinnedModelConfig(setup().stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) } });
    expect(c1.configHash('chat')).not.toBe(c2.configHash('chat'));
    expect(c1.configHash('chat')).toBe(c3.configHash('chat'));
  });

  test('grantRead returns a Grant covering every role by default', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) } });
    const grant = config.grantRead(fn(stack));
    expect(grant.success).toBe(true);
    const statements = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(statements).toContain('parameter/bedrock/models/chat/config');
    expect(statements).toContain('parameter/bedrock/models/embed/config');
  });

  test('fromParameterPrefix imports the configuration into another stack', () => {
    const { stack } = setup();
    const imported = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/bedrock/models', ['chat']);
    const f = fn(stack);
    imported.bindToFunction(f, 'chat');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { MODEL_CONFIG_PARAMETER: '/bedrock/models/chat/config' } } });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({
        Action: Match.arrayWith(['ssm:GetParameter']),
        Resource: Match.arrayWith([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter/bedrock/models/chat/config']] }]),
      })] },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Fn', Match.stringLikeRegexp('imported model configuration'));
    expect(() => PinnedModelConfig.fromParameterPrefix(stack, 'Bad', 'models', ['chat'])).toThrow(/must start with '\/'/);
  });
});
