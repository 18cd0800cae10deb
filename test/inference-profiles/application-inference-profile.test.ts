import { App, CfnParameter, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ModelCatalog } from '../../lib/catalog/catalog';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { APPLICATION_PROFILE_LIMITS, ApplicationInferenceProfile } from '../../lib/inference-profiles';
import { ModelAccessCheck } from '../../lib/access';
import { EmbeddingInvoker } from '../../lib/invokers/embedding-invoker';
import { ModelInvoker } from '../../lib/invokers/model-invoker';
import { RagInvoker } from '../../lib/invokers/rag-invoker';
import { KnowledgeBase } from '../../lib/knowledge-base/knowledge-base';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { BedrockMonitoring } from '../../lib/monitoring';
import { BedrockChecks } from '../../lib/nag';

const HAIKU_FM = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const HAIKU_US = `us.${HAIKU_FM}`;
const HAIKU_GLOBAL = `global.${HAIKU_FM}`;
const TYPE = 'AWS::Bedrock::ApplicationInferenceProfile';
const ACCOUNT = '111111111111';

function setup(region: string | null = 'us-east-1', now = '2026-11-25') {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: now } });
  const stack = new Stack(app, 'Stack', region ? { env: { region, account: ACCOUNT } } : {});
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, stack, role };
}

const fmArn = (region: string, id = HAIKU_FM) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${region}::foundation-model/${id}`]] });
const profileArnOf = (stack: Stack) => {
  const ids = Object.keys(Template.fromStack(stack).findResources(TYPE));
  expect(ids).toHaveLength(1);
  return { 'Fn::GetAtt': [ids[0], 'InferenceProfileArn'] };
};
function profileProps(stack: Stack): any {
  return (Object.values(Template.fromStack(stack).findResources(TYPE))[0] as any).Properties;
}
function policyStatements(stack: Stack): any[] {
  const t = Template.fromStack(stack);
  const inline = Object.values(t.findResources('AWS::IAM::Role')).flatMap((r: any) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
  return [...inline, ...Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement)];
}
function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synthesis to fail');
}
/** The first error message `BedrockModel` itself attaches for a model in a Region (what the profile must repeat). */
function bedrockModelError(id: string, region: string, now = '2026-11-25'): string {
  const { app, role } = setup(region, now);
  BedrockModel.of(id).grantInvoke(role);
  const message = synthError(app);
  const m = /\[Stack\/Role\] (.*)$/m.exec(message);
  expect(m).not.toBeNull();
  return m![1];
}

describe('ApplicationInferenceProfile', () => {
  describe('over a foundation model', () => {
    test('copies the foundation-model ARN in the stack Region, with tags and description', () => {
      const { stack } = setup();
      new ApplicationInferenceProfile(stack, 'Chat', {
        model: BedrockModel.of(HAIKU_FM),
        description: 'Support chat v2',
        tags: { app: 'support-chat', team: 'cx' },
      });
      const t = Template.fromStack(stack);
      t.resourceCountIs(TYPE, 1);
      t.hasResourceProperties(TYPE, {
        InferenceProfileName: Match.stringLikeRegexp('^[0-9a-zA-Z][0-9a-zA-Z-]*-[0-9a-f]{8}$'),
        Description: 'Support chat v2',
        ModelSource: { CopyFrom: fmArn('us-east-1') },
        Tags: [{ Key: 'app', Value: 'support-chat' }, { Key: 'team', Value: 'cx' }],
      });
    });

    test('grants the profile ARN, and the model in the stack Region only under the profile condition', () => {
      const { app, stack, role } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM) });
      const grant = profile.grantInvoke(role);
      expect(grant.success).toBe(true);
      expect(() => app.synth()).not.toThrow();
      const arn = profileArnOf(stack);
      expect(policyStatements(stack)).toEqual([
        { Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Effect: 'Allow', Resource: arn },
        {
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Effect: 'Allow',
          Resource: fmArn('us-east-1'),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': arn } },
        },
      ]);
    });

    test('runtime configuration: the profile ARN as model ID, application-profile form, the in-Region price', () => {
      const { stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM) });
      const config = stack.resolve(profile.model.runtimeConfig());
      const inRegion = ModelCatalog.default().priceFor(HAIKU_FM, 'in-region')!;
      expect(config).toMatchObject({
        modelId: profileArnOf(stack),
        foundationModelId: HAIKU_FM,
        invocationForm: 'application-profile',
        contextWindow: BedrockModel.of(HAIKU_FM).contextWindow,
        price: { inputPer1M: inRegion.inputPer1M, outputPer1M: inRegion.outputPer1M, rateBasis: inRegion.rateBasis },
      });
      expect(config.price.inputPer1M).toBe(1.1);
    });
  });

  describe('over a system-defined inference profile', () => {
    test('copies the system profile ARN in the stack Region and account', () => {
      const { stack } = setup();
      new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_US), tags: { app: 'chat' } });
      expect(profileProps(stack).ModelSource).toEqual({
        CopyFrom: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1:${ACCOUNT}:inference-profile/${HAIKU_US}`]] },
      });
    });

    test('grants both profiles, and the model in each destination Region of the geography under the condition', () => {
      const { app, stack, role } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_US) });
      profile.grantInvoke(role, { responseStream: false });
      expect(() => app.synth()).not.toThrow();
      const arn = profileArnOf(stack);
      const systemArn = `arn:${stack.partition}:bedrock:us-east-1:${ACCOUNT}:inference-profile/${HAIKU_US}`;
      const resolvedSystemArn = stack.resolve(systemArn);
      expect(policyStatements(stack)).toEqual([
        { Action: 'bedrock:InvokeModel', Effect: 'Allow', Resource: [arn, resolvedSystemArn] },
        {
          Action: 'bedrock:InvokeModel',
          Effect: 'Allow',
          Resource: ['us-east-1', 'us-east-2', 'us-west-2'].map((r) => fmArn(r)),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': [arn, resolvedSystemArn] } },
        },
      ]);
    });

    test('a global source also grants the Region-less model ARN, and is priced at the global rate', () => {
      const { stack, role } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_GLOBAL) });
      profile.grantInvoke(role);
      const models = policyStatements(stack)[1].Resource;
      expect(models).toContainEqual(fmArn(''));
      expect(models).toContainEqual(fmArn('eu-west-1'));
      expect(profile.model.runtimeConfig().price).toMatchObject({ inputPer1M: 1, rateBasis: 'global cross-Region profile rate' });
    });

    test('a geographic source is priced at the geo rate', () => {
      const { stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_US) });
      expect(profile.model.runtimeConfig()).toMatchObject({ invocationForm: 'application-profile', price: { inputPer1M: 1.1 } });
    });
  });

  test('knows its source model: no HiddenModel (or any) warning, sourced capabilities', () => {
    const { app, stack, role } = setup();
    const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_US), tags: { app: 'chat' } });
    profile.grantInvoke(role);
    app.synth();
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(profile.model.foundationModelId).toBe(HAIKU_FM);
    expect(profile.model.profileSource).toBe(profile.sourceModel);
    expect(profile.model.outputModalities).toEqual(BedrockModel.of(HAIKU_FM).outputModalities);
    expect(profile.model.isInferenceProfile).toBe(true);
    expect(stack.resolve(profile.model.invocationArn(stack))).toEqual(profileArnOf(stack));
  });

  test.each([HAIKU_FM, HAIKU_US, HAIKU_GLOBAL])('a tagged profile over %s and its grant pass the Bedrock pack (with the opt-in rules) and AwsSolutions', (id) => {
    const { app, stack, role } = setup();
    new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(id), tags: { app: 'chat' } }).grantInvoke(role);
    const bedrock = new BedrockChecks(undefined, { optInRules: ['ApplicationProfileUntagged'] }).validateScope(app);
    expect(bedrock.violations.map((v) => `${v.ruleName}: ${v.description}`)).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });

  describe('a replacement-safe name', () => {
    function nameOf(props: { model?: string; description?: string; tags?: Record<string, string> }, id = 'Chat'): string {
      const { stack } = setup();
      new ApplicationInferenceProfile(stack, id, { model: BedrockModel.of(props.model ?? HAIKU_FM), description: props.description, tags: props.tags });
      return profileProps(stack).InferenceProfileName;
    }

    test('the generated name changes with every create-only property (model, description), not with tags', () => {
      const base = nameOf({});
      expect(base).toMatch(APPLICATION_PROFILE_LIMITS.name.pattern);
      expect(base.length).toBeLessThanOrEqual(64);
      expect(nameOf({})).toBe(base);
      expect(nameOf({ model: HAIKU_US })).not.toBe(base);
      expect(nameOf({ description: 'Chat' })).not.toBe(base);
      expect(nameOf({ description: 'Chat' })).not.toBe(nameOf({ description: 'Chat v2' }));
      expect(nameOf({ tags: { app: 'x' } })).toBe(base);
      expect(nameOf({}, 'Other')).not.toBe(base);
    });

    test('a long construct path still gives a valid name of at most 64 characters', () => {
      const name = nameOf({}, 'A'.repeat(120));
      expect(name.length).toBeLessThanOrEqual(64);
      expect(name).toMatch(APPLICATION_PROFILE_LIMITS.name.pattern);
    });

    test('a given name is kept, with a NameNotReplacementSafe warning; a generated one has none', () => {
      const { stack } = setup();
      const given = new ApplicationInferenceProfile(stack, 'Given', { model: BedrockModel.of(HAIKU_FM), inferenceProfileName: 'support-chat' });
      new ApplicationInferenceProfile(stack, 'Generated', { model: BedrockModel.of(HAIKU_FM) });
      expect(given.inferenceProfileName).toBe('support-chat');
      Template.fromStack(stack).hasResourceProperties(TYPE, { InferenceProfileName: 'support-chat' });
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('NameNotReplacementSafe'));
      expect(warnings.map((w) => w.id)).toEqual(['/Stack/Given']);
      expect(String(warnings[0].entry.data)).toMatch(/inferenceProfileName 'support-chat' is fixed.*replaces the profile.*Give a new inferenceProfileName/);
    });

    test('a token description gets the warning too (the generated name cannot follow its value)', () => {
      const { stack } = setup();
      const description = new CfnParameter(stack, 'Description').valueAsString;
      new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM), description });
      const warnings = Annotations.fromStack(stack).findWarning('/Stack/Chat', Match.stringLikeRegexp('description is a token'));
      expect(warnings).toHaveLength(1);
    });
  });

  test('Tags.of adds to the tags', () => {
    const { stack } = setup();
    const profile = new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM), tags: { app: 'chat' } });
    Tags.of(profile).add('cost-center', '1234');
    expect(profileProps(stack).Tags).toEqual([{ Key: 'app', Value: 'chat' }, { Key: 'cost-center', Value: '1234' }]);
  });

  test('an environment-agnostic stack copies from the deploying Region and gets the source model\'s Region Rule', () => {
    const { stack } = setup(null);
    new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM) });
    expect(profileProps(stack).ModelSource.CopyFrom).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, `::foundation-model/${HAIKU_FM}`]],
    });
    const rules = Object.entries(Template.fromStack(stack).toJSON().Rules ?? {}).filter(([id]) => id.startsWith('BedrockModelRegion'));
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0][1])).toContain(`Model '${HAIKU_FM}' is offered only in`);
  });

  describe('bad input', () => {
    test.each([
      ['a model not offered on demand in the Region', 'anthropic.claude-sonnet-4-6', 'us-east-1', '2026-11-25', /is not offered on demand in us-east-1/],
      ['a profile whose geography does not cover the Region', `eu.${HAIKU_FM}`, 'us-east-1', '2026-11-25', /eu\./],
      ['a family ID', 'anthropic.claude-3-sonnet', 'us-east-1', '2026-11-25', /model family or partial ID/],
      ['an end-of-life model', 'anthropic.claude-3-7-sonnet-20250219-v1:0', 'us-east-1', '2027-06-01', /end of life/],
    ])('fails synthesis for %s with the same message as BedrockModel', (_what, id, region, now, pattern) => {
      const expected = bedrockModelError(id, region, now);
      expect(expected).toMatch(pattern);
      const { app, stack } = setup(region, now);
      new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(id) });
      const message = synthError(app);
      expect(message).toContain(`[Stack/Chat] ${expected}`);
    });

    test('throws InvalidProfileSource for an application-profile or provisioned-model source', () => {
      const { stack } = setup();
      const app = BedrockModel.of(`arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abc123`, { custom: { sourceModelId: HAIKU_FM } });
      expect(() => new ApplicationInferenceProfile(stack, 'A', { model: app })).toThrow(expect.objectContaining({ code: 'InvalidProfileSource' }));
      expect(() => new ApplicationInferenceProfile(stack, 'B', { model: app })).toThrow(
        new RegExp(`is an application inference profile; an application inference profile copies a foundation model.*BedrockModel\\.of\\('${HAIKU_FM.replace(/\./g, '\\.')}'\\)`));
      const prov = BedrockModel.of(`arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/abc123`, { custom: { sourceModelId: 'amazon.nova-pro-v1:0' } });
      expect(() => new ApplicationInferenceProfile(stack, 'C', { model: prov })).toThrow(/is a provisioned-model ARN/);
    });

    test('throws ProfileSourceRegion for a model ARN of another Region, naming the ID to write', () => {
      const { stack } = setup();
      const tokyo = BedrockModel.of(`arn:aws:bedrock:ap-northeast-1::foundation-model/${HAIKU_FM}`);
      expect(() => new ApplicationInferenceProfile(stack, 'Chat', { model: tokyo })).toThrow(expect.objectContaining({ code: 'ProfileSourceRegion' }));
      expect(() => new ApplicationInferenceProfile(stack, 'Chat2', { model: tokyo }))
        .toThrow(/is in ap-northeast-1, but the profile is created in the stack's Region us-east-1.*Write BedrockModel\.of\('anthropic\.claude-haiku-4-5-20251001-v1:0'\)/);
    });

    test('a model ARN in the stack Region is copied as given', () => {
      const { stack } = setup();
      const arn = `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU_FM}`;
      new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(arn) });
      expect(profileProps(stack).ModelSource.CopyFrom).toBe(arn);
    });

    test('throws for a description the API rejects, with a corrected one', () => {
      const { stack } = setup();
      expect(() => new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM), description: 'Support chat, v2 (prod)' }))
        .toThrow(/description 'Support chat, v2 \(prod\)' does not match .*\(it has ',', '\(', '\)'\)\. Write e\.g\. 'Support chat v2 prod '/);
      expect(() => new ApplicationInferenceProfile(stack, 'Long', { model: BedrockModel.of(HAIKU_FM), description: 'a'.repeat(201) }))
        .toThrow(/description is 201 characters .*it must be 1-200/);
    });

    test('throws for a name the API rejects', () => {
      const { stack } = setup();
      expect(() => new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM), inferenceProfileName: 'chat--prod!' }))
        .toThrow(/inferenceProfileName 'chat--prod!' does not match .*\(it has '!'\)\. Write e\.g\. 'chat-prod-'/);
      expect(() => new ApplicationInferenceProfile(stack, 'Long', { model: BedrockModel.of(HAIKU_FM), inferenceProfileName: 'a'.repeat(65) }))
        .toThrow(expect.objectContaining({ code: 'InvalidApplicationInferenceProfileProps' }));
    });

    test('throws for tags the API rejects', () => {
      const { stack } = setup();
      expect(() => new ApplicationInferenceProfile(stack, 'Chat', { model: BedrockModel.of(HAIKU_FM), tags: { 'app#1': 'x', ok: 'a,b' } }))
        .toThrow(/tag key 'app#1' must be 1-128 characters.*\n.*tag 'ok' has the value 'a,b'/);
    });
  });

  describe('usable wherever a BedrockModel is', () => {
    test('PinnedModelConfig stores the profile ARN and the configuration; the hash does not depend on token numbering', () => {
      const build = (extraTokens: number) => {
        const { stack } = setup();
        for (let i = 0; i < extraTokens; i++) new CfnParameter(stack, `P${i}`).valueAsString;
        const profile = new ApplicationInferenceProfile(stack, 'ChatProfile', { model: BedrockModel.of(HAIKU_US), tags: { app: 'chat' } });
        const config = new PinnedModelConfig(stack, 'Models', { models: { chat: profile.model } });
        return { stack, config };
      };
      const { stack, config } = build(0);
      const t = Template.fromStack(stack);
      const arn = profileArnOf(stack);
      t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/bedrock/models/chat', Value: arn });
      const configParam = Object.values(t.findResources('AWS::SSM::Parameter')).map((p: any) => p.Properties)
        .find((p: any) => p.Name === '/bedrock/models/chat/config');
      const rendered = JSON.stringify(configParam.Value);
      expect(rendered).toContain('\\"invocationForm\\":\\"application-profile\\"');
      expect(rendered).toContain('\\"inputPer1M\\":1.1');
      expect(configParam.Value['Fn::Join'][1]).toContainEqual(arn);
      // As the function's MODEL_CONFIG_HASH renders: the profile ARN is appended as it deploys.
      const other = build(3);
      expect(other.stack.resolve(other.config.configHash('chat'))).toEqual(stack.resolve(config.configHash('chat')));
    });

    test('PinnedModelConfig checks inference parameters against the source model, naming the profile (not a token)', () => {
      const { app, stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'ChatProfile', { model: BedrockModel.of(HAIKU_US) });
      new PinnedModelConfig(stack, 'Models', { models: { chat: profile.model }, inferenceParameters: { chat: { maxTokens: 999999 } } });
      const message = synthError(app);
      expect(message).toMatch(new RegExp(`maxTokens is 999999, above the maximum output of 'application inference profile Stack/ChatProfile over ${HAIKU_US.replace(/\./g, '\\.')}' \\(${profile.model.maxOutputTokens} tokens`));
      expect(message).not.toMatch(/\$\{Token/);
    });

    test('ModelInvoker: MODEL_CONFIG names the profile ARN; the role gets the profile grant', () => {
      const { stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'ChatProfile', { model: BedrockModel.of(HAIKU_FM) });
      new ModelInvoker(stack, 'Chat', { model: profile.model });
      const t = Template.fromStack(stack);
      const arn = profileArnOf(stack);
      const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0] as any;
      const env = JSON.stringify(fn.Properties.Environment.Variables.MODEL_CONFIG);
      expect(env).toContain(JSON.stringify(arn));
      expect(env).toContain('\\"invocationForm\\":\\"application-profile\\"');
      const bedrock = policyStatements(stack).filter((s) => JSON.stringify(s.Action).includes('bedrock:'));
      expect(bedrock).toEqual([
        { Action: 'bedrock:InvokeModel', Effect: 'Allow', Resource: arn },
        { Action: 'bedrock:InvokeModel', Effect: 'Allow', Resource: fmArn('us-east-1'), Condition: { StringEquals: { 'bedrock:InferenceProfileArn': arn } } },
      ]);
    });

    test('EmbeddingInvoker and ModelAccessCheck: the profile ARN is invoked, the source foundation model is checked', () => {
      const { app, stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'EmbedProfile', { model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
      new EmbeddingInvoker(stack, 'Embed', { model: profile.model, dimensions: 256 });
      new ModelAccessCheck(stack, 'Access', { models: [profile.model] });
      expect(() => app.synth()).not.toThrow();
      const t = Template.fromStack(stack);
      const fn = Object.values(t.findResources('AWS::Lambda::Function')).find((f: any) => f.Properties.Environment?.Variables?.MODEL_CONFIG) as any;
      expect(JSON.stringify(fn.Properties.Environment.Variables.MODEL_CONFIG)).toContain(JSON.stringify(profileArnOf(stack)));
      t.hasResourceProperties('Custom::BedrockModelAccessCheck', {
        Models: Match.arrayWith([Match.objectLike({ ModelId: profileArnOf(stack), FoundationModelId: 'amazon.titan-embed-text-v2:0' })]),
      });
    });

    test('RagInvoker: RetrieveAndGenerate takes the profile ARN as its model', () => {
      const { app, stack } = setup();
      const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
      const profile = new ApplicationInferenceProfile(stack, 'ChatProfile', { model: BedrockModel.of(HAIKU_US) });
      new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: profile.model });
      expect(() => app.synth()).not.toThrow();
      const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
      expect(fn.Properties.Environment.Variables).toMatchObject({ MODEL_ARN: profileArnOf(stack), MODEL_ID: profileArnOf(stack) });
    });

    test('BedrockMonitoring: alarms by the profile ID (AWS/Bedrock) and the profile ARN (the invoker\'s own ModelId)', () => {
      const { stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'ChatProfile', { model: BedrockModel.of(HAIKU_US) });
      const invoker = new ModelInvoker(stack, 'Chat', { model: profile.model });
      new BedrockMonitoring(stack, 'Monitoring', { invokers: [invoker] });
      const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
      const id = { 'Fn::GetAtt': [Object.keys(Template.fromStack(stack).findResources(TYPE))[0], 'InferenceProfileId'] };
      const throttles = alarms.find((a) => a.MetricName === 'InvocationThrottles');
      expect(throttles).toMatchObject({ Namespace: 'AWS/Bedrock', Dimensions: [{ Name: 'ModelId', Value: id }] });
      expect(JSON.stringify(alarms)).toContain(JSON.stringify({ Name: 'ModelId', Value: profileArnOf(stack) }));
    });

    test('a Knowledge Base refuses it as its embeddings model, naming the model to give instead', () => {
      const { stack } = setup();
      const profile = new ApplicationInferenceProfile(stack, 'EmbedProfile', { model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
      expect(() => new KnowledgeBase(stack, 'Kb', { embeddingModel: profile.model }))
        .toThrow(/embeddingModel: the application inference profile over 'amazon\.titan-embed-text-v2:0' is an application inference profile, which a Knowledge Base does not take.*BedrockModel\.of\('amazon\.titan-embed-text-v2:0'\)/);
    });
  });
});
