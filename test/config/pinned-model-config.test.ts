import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PinnedModelConfigBase } from '../../lib/config';
import { MODEL_CONFIG_HASH_ENV, MODEL_CONFIG_PARAMETER_ENV, PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { ENV } from '../../lib/contract';
import { BedrockValidationError } from '../../lib/private/errors';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { InferenceParameters } from '../../lib/models/runtime-config';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';

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

/** The error `f` throws (fails the test when it throws none). */
function thrown(f: () => unknown): BedrockValidationError {
  try {
    f();
  } catch (e) {
    return e as BedrockValidationError;
  }
  throw new Error('expected an error, none was thrown');
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
    ['/a//b', /contains an empty level \('\/\/'\); remove the extra slash: '\/a\/b'/],
    ['/', /parameterPrefix '\/' has no level, so the names would be '\/\/<role>'; give at least one level, e.g. '\/bedrock\/models'/],
    ['//', /has no level/],
    ['/' + Array.from({ length: 14 }, (_, i) => `l${i}`).join('/'), /hierarchy levels; SSM allows at most 15/],
    ['/' + 'x'.repeat(1010), /characters counted with its ARN prefix .*SSM allows at most 1011 including the ARN/],
  ])('throws for parameterPrefix %j', (prefix, message) => {
    const { stack } = setup();
    expect(() => new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) }, parameterPrefix: prefix })).toThrow(message);
  });

  test('counts the ARN prefix in the 1011-character limit (AWS::SSM::Parameter Name)', () => {
    const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
    const stack = new Stack(app, 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
    const arnPrefix = 'arn:aws:ssm:us-east-1:111122223333:parameter';
    // '<prefix>/chat/config' is 1011 - 20 characters: fine as a bare name, over the limit with the ARN.
    const prefix = '/' + 'x'.repeat(1011 - 20 - '/chat/config'.length - 1);
    expect(prefix.length + '/chat/config'.length).toBeLessThan(1011);
    const model = BedrockModel.of(HAIKU);
    expect(() => new PinnedModelConfig(stack, 'A', { models: { chat: model }, parameterPrefix: prefix }))
      .toThrow(`counted with its ARN prefix '${arnPrefix}' (${arnPrefix.length}); SSM allows at most 1011 including the ARN, so the name may have at most ${1011 - arnPrefix.length}`);
    const fits = '/' + 'x'.repeat(1011 - arnPrefix.length - '/chat/config'.length - 1);
    expect(() => new PinnedModelConfig(stack, 'B', { models: { chat: model }, parameterPrefix: fits })).not.toThrow();
  });

  test('fails synthesis when two configurations in one stack write the same parameter names', () => {
    const { app, stack } = setup();
    new PinnedModelConfig(stack, 'A', { models: { chat: BedrockModel.of(HAIKU) } });
    new PinnedModelConfig(stack, 'B', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) } });
    expect(() => app.synth()).toThrow(/PinnedModelConfig Stack\/B writes the parameter\(s\) '\/bedrock\/models\/chat', '\/bedrock\/models\/chat\/config', which PinnedModelConfig Stack\/A in the same stack also writes.*another parameterPrefix/);
    const other = setup();
    new PinnedModelConfig(other.stack, 'A', { models: { chat: BedrockModel.of(HAIKU) } });
    new PinnedModelConfig(other.stack, 'B', { models: { chat: BedrockModel.of(HAIKU) }, parameterPrefix: '/team-b/models' });
    expect(() => other.app.synth()).not.toThrow();
  });

  test('a Token prefix (CfnParameter) works: parameter names and grant ARNs are joined, not sliced', () => {
    const { app, stack } = setup();
    const prefix = new CfnParameter(stack, 'Prefix', { type: 'String', default: '/bedrock/models' });
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) }, parameterPrefix: prefix.valueAsString });
    config.grantRead(fn(stack));
    const imported = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', prefix.valueAsString, ['chat']);
    imported.bindToFunction(fn(stack, 'Fn2'), 'chat');
    expect(() => app.synth()).not.toThrow();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: { 'Fn::Join': ['', [{ Ref: 'Prefix' }, '/chat/config']] } });
    const joined = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter', { Ref: 'Prefix' }, suffix]] });
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Resource: [joined('/chat'), joined('/chat/config')] })] } });
    t.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'ssm:GetParameter', Resource: joined('/chat/config') })]) } });
    expect(JSON.stringify(t.toJSON())).not.toMatch(/\{Token\[/);
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
    [{ stopSequences: [7] }, /stopSequences\[0\] is 7; each stop sequence must be a string/],
    [{ temperature: '0.5' }, /temperature is the string "0\.5"; it must be a number from 0 to 1: write 0\.5 without quotes/],
    [{ maxTokens: '1024' }, /maxTokens is the string "1024"; it must be a number \(a whole number of at least 1\): write 1024 without quotes/],
    [{ max_tokens: 100 }, /inferenceParameters\.chat has the unknown key 'max_tokens' \(did you mean 'maxTokens'\?\); the allowed keys are maxTokens, temperature, topP, stopSequences/],
    [{ seed: 1 }, /unknown key 'seed'; the allowed keys are/],
  ])('fails synthesis for inference parameters %j', (params, message) => {
    const { app, stack } = setup();
    // Plain-JS callers can pass any value; the checks must name it.
    new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) }, inferenceParameters: { chat: params as InferenceParameters } });
    expect(() => app.synth()).toThrow(message);
  });

  test('fails synthesis for inference parameters on a model whose sourced output is not text', () => {
    const { app, stack } = setup();
    new PinnedModelConfig(stack, 'Config', { models: { embed: BedrockModel.of(EMBED) }, inferenceParameters: { embed: { maxTokens: 100, temperature: 0.2 } } });
    expect(() => app.synth()).toThrow(/inferenceParameters\.embed sets maxTokens, temperature, but 'amazon\.titan-embed-text-v2:0' outputs EMBEDDING, not TEXT \(catalog\): inference parameters apply to text generation/);
  });

  test('warns where a limit is not sourced instead of failing', () => {
    const { app, stack } = setup('us-east-1');
    // amazon.nova-pro-v1:0 has no sourced temperature/topP constraint.
    new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of('amazon.nova-pro-v1:0') }, inferenceParameters: { chat: { temperature: 0.3, topP: 0.8 } } });
    expect(() => app.synth()).not.toThrow();
    Annotations.fromStack(stack).hasWarning('/Stack/Config', Match.stringLikeRegexp('whether .*amazon\\.nova-pro-v1:0.* accepts both together is not sourced.*\\[ack: cdk-bedrock-foundation:LimitNotSourced\\]$'));
  });

  test('every model passes the same synth validation', () => {
    const { app, stack } = setup();
    new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of('anthropic.claude-3-sonnet') } });
    expect(() => app.synth()).toThrow(/'anthropic\.claude-3-sonnet' is a model family or partial ID/);
  });

  test('bindToFunction sets the parameter name and config hash, and grants GetParameter on the /config parameter and invoke on the model', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) } });
    config.bindToFunction(fn(stack), 'chat');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MODEL_CONFIG_PARAMETER: '/bedrock/models/chat/config', MODEL_CONFIG_HASH: config.configHash('chat') } },
    });
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const ssm = statements.filter((s: any) => JSON.stringify(s.Action).includes('ssm:'));
    // Exactly what the run-time helper calls: GetParameter on <prefix>/<role>/config.
    expect(ssm).toEqual([{
      Action: 'ssm:GetParameter', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter/bedrock/models/chat/config']] },
    }]);
    expect(JSON.stringify(statements)).toContain('inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect(JSON.stringify(statements)).not.toMatch(/"Resource":"\*"/);
  });

  test('throws when a function is bound to a second role or configuration; binding the same role again is a no-op', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of(EMBED) } });
    const other = new PinnedModelConfig(stack, 'Other', { models: { chat: BedrockModel.of(HAIKU) }, parameterPrefix: '/other' });
    const f = fn(stack);
    config.bindToFunction(f, 'chat');
    config.bindToFunction(f, 'chat');
    expect(() => config.bindToFunction(f, 'embed')).toThrow(
      /bindToFunction: function Stack\/Fn is already bound to role 'chat' of PinnedModelConfig Stack\/Config; binding it to role 'embed' of Stack\/Config would overwrite MODEL_CONFIG_PARAMETER.*use one function per role/);
    expect(() => other.bindToFunction(f, 'chat')).toThrow(/already bound to role 'chat' of PinnedModelConfig Stack\/Config; binding it to role 'chat' of Stack\/Other/);
    const imported = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/shared', ['chat']);
    expect(() => imported.bindToFunction(f, 'chat')).toThrow(/already bound/);
    const ssm = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((s: any) => JSON.stringify(s.Action).includes('ssm:'));
    expect(ssm).toHaveLength(1);
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
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':parameter/bedrock/models/chat/config']] },
      })] },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Fn', Match.stringLikeRegexp('imported model configuration.*no Bedrock permission was granted: pass the role\'s model to fromParameterPrefix.*\\[ack: cdk-bedrock-foundation:ImportedConfigNoHash\\]$'));
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('bedrock:');
    expect(() => PinnedModelConfig.fromParameterPrefix(stack, 'Bad', 'models', ['chat'])).toThrow(/must start with '\/'/);
  });

  test('fromParameterPrefix with the roles\' models: bindToFunction grants invoke on the model', () => {
    const { stack } = setup();
    const imported = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/bedrock/models', ['chat', 'embed'], { models: { chat: BedrockModel.of(HAIKU) } });
    expect(imported.tryGetModel('chat')?.modelId).toBe(HAIKU);
    expect(imported.tryGetModel('embed')).toBeUndefined();
    imported.bindToFunction(fn(stack), 'chat');
    const t = Template.fromStack(stack);
    const statements = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(statements).toContain('bedrock:InvokeModel');
    expect(statements).toContain(`inference-profile/${HAIKU}`);
    Annotations.fromStack(stack).hasWarning('/Stack/Fn', Match.stringLikeRegexp(`invoke is granted on '${HAIKU.replace(/\./g, '\\.')}'.*\\[ack: cdk-bedrock-foundation:ImportedConfigNoHash\\]$`));
    expect(() => PinnedModelConfig.fromParameterPrefix(stack, 'Bad', '/bedrock/models', ['chat'], { models: { summarize: BedrockModel.of(HAIKU) } }))
      .toThrow(/options\.models has role 'summarize', which is not in roles \(chat\); add it to roles or remove its model/);
  });

  test('the environment names are the contract\'s (the exported constants are aliases)', () => {
    expect(MODEL_CONFIG_PARAMETER_ENV).toBe(ENV.MODEL_CONFIG_PARAMETER);
    expect(MODEL_CONFIG_HASH_ENV).toBe(ENV.MODEL_CONFIG_HASH);
  });

  test('the created and the imported configuration share one base (naming, role checks, grantRead)', () => {
    const { stack } = setup();
    const created = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) } });
    const imported = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/shared', ['chat']);
    expect(created).toBeInstanceOf(PinnedModelConfigBase);
    expect(imported).toBeInstanceOf(PinnedModelConfigBase);
    expect(imported.parameterName('chat')).toBe('/shared/chat');
    expect(imported.configParameterName('chat')).toBe('/shared/chat/config');
    expect(() => imported.grantRead(fn(stack), 'nope')).toThrow(/unknown role 'nope'; the imported roles are chat/);
  });

  test('a role name is checked against the roles only, not against what every object has', () => {
    const { stack } = setup();
    const c = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) } });
    expect(() => c.parameterName('toString')).toThrow(/unknown role 'toString'; the roles are chat/);
    expect(c.tryGetModel('toString')).toBeUndefined();
  });

  test.each<[string, (stack: Stack) => unknown, RegExp]>([
    ['InvalidModelConfigProps', (stack) => new PinnedModelConfig(stack, 'A', { models: {} }), /models is empty/],
    ['UnknownModelConfigRole', (stack) => new PinnedModelConfig(stack, 'B', { models: { chat: BedrockModel.of(HAIKU) } }).model('nope'),
      /unknown role 'nope'; the roles are chat\. \(at Stack\/B\)/],
    ['InvalidImportedModelConfig', (stack) => PinnedModelConfig.fromParameterPrefix(stack, 'C', 'models', ['chat']), /must start with '\/'/],
    ['NoRolesToImport', (stack) => PinnedModelConfig.fromParameterPrefix(stack, 'D', '/models', []), /roles is empty; name the roles to import/],
    ['FunctionAlreadyBound', (stack) => {
      const f = fn(stack);
      new PinnedModelConfig(stack, 'E', { models: { chat: BedrockModel.of(HAIKU) } }).bindToFunction(f, 'chat');
      PinnedModelConfig.fromParameterPrefix(stack, 'F', '/other', ['chat']).bindToFunction(f, 'chat');
    }, /already bound to role 'chat'/],
  ])('throws a BedrockValidationError with the stable code %s', (code, make, message) => {
    const e = thrown(() => make(setup().stack));
    expect(e).toBeInstanceOf(BedrockValidationError);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  test('bindToFunction names what to pass when given something that is not a lambda.Function', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) } });
    // An invoker-like construct (holds its function); plain-JS callers can pass it.
    const holder = new (class Invokerish extends Construct { public readonly function = fn(stack, 'Inner'); })(stack, 'Chat');
    const e = thrown(() => config.bindToFunction(holder as unknown as lambda.Function, 'chat'));
    expect(e.code).toBe('NotALambdaFunction');
    expect(e.message).toMatch(/bindToFunction: got Invokerish Stack\/Chat, which is not a lambda.Function; an invoker \(ModelInvoker, EmbeddingInvoker\) reads a PinnedModelConfig when you pass config and role in its props/);
    const imported = lambda.Function.fromFunctionArn(stack, 'Imported', 'arn:aws:lambda:us-east-1:123456789012:function:f');
    expect(() => config.bindToFunction(imported as lambda.Function, 'chat'))
      .toThrow(/not a lambda.Function; pass a lambda.Function defined in this app \(an imported function cannot be given environment variables: set MODEL_CONFIG_PARAMETER on it where it is defined and call grantRead\)/);
  });

  test('grantRead names the fix when given a construct that only holds a grantee', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Config', { models: { chat: BedrockModel.of(HAIKU) } });
    const holder = new (class Invokerish extends Construct { public readonly function = fn(stack, 'Inner'); })(stack, 'Chat');
    const e = thrown(() => config.grantRead(holder as unknown as iam.IGrantable));
    expect(e.code).toBe('NotGrantable');
    expect(e.message).toMatch(/grantRead: got Invokerish Stack\/Chat, which is not an iam.IGrantable \(it has no grantPrincipal\); pass its function instead: grantRead\(chat.function\)/);
    expect(() => config.grantRead(undefined as unknown as iam.IGrantable)).toThrow(/grantRead: got undefined, which is not an iam.IGrantable.*pass an iam.IGrantable: an iam.Role/);
  });
});
