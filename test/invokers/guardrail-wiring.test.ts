/**
 * The guardrail wired into the invokers and the pinned configuration: what lands in the environment / the SSM JSON,
 * the exact ApplyGuardrail grant, DRAFT only when asked for, and a guardrail change changing MODEL_CONFIG_HASH.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import {
  ContentFilterCategory, FilterStrength, Guardrail, GuardrailProfile, GuardrailProps, GuardrailTier, GuardrailTrace,
} from '../../lib/guardrails';
import { ModelInvoker } from '../../lib/invokers/model-invoker';
import { RagInvoker } from '../../lib/invokers/rag-invoker';
import { KnowledgeBase } from '../../lib/knowledge-base/knowledge-base';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { SampleStack } from '../../bin/sample-stack';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const ACCOUNT = '123456789012';
const BASIC: GuardrailProps = { contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }] };

function setup(region = 'us-east-1') {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'Stack', { env: { region, account: ACCOUNT } });
  return { app, stack };
}

function fnEnv(t: Template): Record<string, any> {
  const fns = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
  expect(fns).toHaveLength(1);
  return fns[0].Properties.Environment.Variables;
}

/** Statements with bedrock:ApplyGuardrail in every role's inline policies and in AWS::IAM::Policy resources. */
function applyStatements(t: Template): any[] {
  const inline = Object.values(t.findResources('AWS::IAM::Role')).flatMap((r: any) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
  const all = [...inline, ...Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement)];
  return all.filter((s) => JSON.stringify(s.Action).includes('bedrock:ApplyGuardrail'));
}

/** The Fn::Join of a token-bearing string, rendered with the referenced logical IDs, e.g. `..."<GetAtt X.Y>"...`. */
function render(v: any): string {
  if (typeof v === 'string') return v;
  if (v?.['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  if (v?.['Fn::GetAtt']) return `<GetAtt ${v['Fn::GetAtt'].join('.')}>`;
  if (v?.Ref) return `<Ref ${v.Ref}>`;
  return JSON.stringify(v);
}

describe('ModelInvoker with a guardrail', () => {
  test('MODEL_CONFIG carries the guardrail ID, its published version and the trace; grants ApplyGuardrail on exactly the guardrail', () => {
    const { stack } = setup();
    const guardrail = new Guardrail(stack, 'Guardrail', BASIC);
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail, guardrailTrace: GuardrailTrace.ENABLED });
    const t = Template.fromStack(stack);
    const config = render(fnEnv(t).MODEL_CONFIG);
    const versionId = Object.keys(t.findResources('AWS::Bedrock::GuardrailVersion'))[0];
    expect(config).toContain(`"guardrail":{"guardrailIdentifier":"<GetAtt ${stack.resolve(guardrail.resource.logicalId)}.GuardrailId>",`
      + `"guardrailVersion":"<GetAtt ${versionId}.Version>","trace":"enabled"}`);
    const [s] = applyStatements(t);
    expect(applyStatements(t)).toHaveLength(1);
    expect(s).toMatchObject({ Action: 'bedrock:ApplyGuardrail', Effect: 'Allow', Resource: { 'Fn::GetAtt': [stack.resolve(guardrail.resource.logicalId), 'GuardrailArn'] } });
  });

  test('the default trace is disabled', () => {
    const { stack } = setup();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail: new Guardrail(stack, 'Guardrail', BASIC) });
    expect(render(fnEnv(Template.fromStack(stack)).MODEL_CONFIG)).toContain('"trace":"disabled"}');
  });

  test('a cross-Region profile adds the profile ARN in the source and destination Regions (never *)', () => {
    const { stack } = setup('us-east-1');
    const guardrail = new Guardrail(stack, 'Guardrail', { ...BASIC, crossRegionProfile: GuardrailProfile.US, contentFiltersTier: GuardrailTier.STANDARD });
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail });
    const [s] = applyStatements(Template.fromStack(stack));
    const resources = (s.Resource as any[]).map(render);
    expect(resources[0]).toBe(`<GetAtt ${stack.resolve(guardrail.resource.logicalId)}.GuardrailArn>`);
    const profileRegions = resources.slice(1).map((r) => /^arn:<Ref AWS::Partition>:bedrock:([a-z0-9-]+):123456789012:guardrail-profile\/us\.guardrail\.v1:0$/.exec(r)?.[1]);
    expect(profileRegions).toEqual(['us-east-1', ...GuardrailProfile.US.destinationRegionsFrom('us-east-1')!.filter((r) => r !== 'us-east-1')]);
    expect(JSON.stringify(s.Resource)).not.toContain('"*"');
  });

  test('an imported guardrail at a version: the literal ID and version; at DRAFT: DRAFT is sent and synthesis warns', () => {
    const { stack } = setup();
    const pinned = Guardrail.fromGuardrailAttributes(stack, 'Pinned', { guardrailId: 'abc123def456', guardrailVersion: '4' });
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail: pinned });
    const draft = Guardrail.fromGuardrailAttributes(stack, 'Draft', { guardrailId: 'abc123def456', guardrailVersion: 'DRAFT' });
    new ModelInvoker(stack, 'Draft2', { model: BedrockModel.of(HAIKU), guardrail: draft });
    const t = Template.fromStack(stack);
    const fns = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
    const configs = fns.map((f) => JSON.parse(f.Properties.Environment.Variables.MODEL_CONFIG).guardrail);
    expect(configs).toEqual([
      { guardrailIdentifier: 'abc123def456', guardrailVersion: '4', trace: 'disabled' },
      { guardrailIdentifier: 'abc123def456', guardrailVersion: 'DRAFT', trace: 'disabled' },
    ]);
    Annotations.fromStack(stack).hasWarning('/Stack/Draft', Match.stringLikeRegexp('imported at DRAFT'));
    expect(applyStatements(t).map((s) => s.Resource)).toEqual([stack.resolve(pinned.guardrailArn), stack.resolve(draft.guardrailArn)]);
    expect(render(stack.resolve(pinned.guardrailArn))).toBe('arn:<Ref AWS::Partition>:bedrock:us-east-1:123456789012:guardrail/abc123def456');
  });

  test('a Guardrail never hands out DRAFT unless useDraft is set', () => {
    const { stack } = setup();
    const g = new Guardrail(stack, 'Guardrail', BASIC);
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail: g });
    expect(render(fnEnv(Template.fromStack(stack)).MODEL_CONFIG)).not.toContain('DRAFT');
  });

  test('guardrail with config, and guardrailTrace without a guardrail, are refused with the fix', () => {
    const { stack } = setup();
    const config = new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU) } });
    const guardrail = new Guardrail(stack, 'Guardrail', BASIC);
    expect(() => new ModelInvoker(stack, 'A', { config, role: 'chat', guardrail }))
      .toThrow(/guardrail applies only with `model`.*PinnedModelConfigProps\.guardrails\.chat/);
    expect(() => new ModelInvoker(stack, 'B', { model: BedrockModel.of(HAIKU), guardrailTrace: GuardrailTrace.ENABLED }))
      .toThrow(/guardrailTrace is set but there is no guardrail/);
  });
});

describe('PinnedModelConfig with a guardrail', () => {
  function build(props: GuardrailProps, trace?: GuardrailTrace) {
    const { stack } = setup();
    const guardrail = new Guardrail(stack, 'Guardrail', props);
    const config = new PinnedModelConfig(stack, 'Models', {
      models: { chat: BedrockModel.of(HAIKU) }, guardrails: { chat: guardrail }, ...(trace ? { guardrailTrace: { chat: trace } } : {}),
    });
    const invoker = new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
    const t = Template.fromStack(stack);
    return { stack, t, guardrail, invoker, hash: render(fnEnv(t).MODEL_CONFIG_HASH), env: fnEnv(t) };
  }

  test('the role JSON carries the guardrail; bound functions get ApplyGuardrail; the invoker exposes the guardrail', () => {
    const { stack, t, guardrail, invoker } = build(BASIC, GuardrailTrace.ENABLED_FULL);
    const params = Object.values(t.findResources('AWS::SSM::Parameter')).map((p: any) => render(p.Properties.Value));
    expect(params.find((v) => v.includes('"guardrail":'))).toMatch(/"guardrail":\{"guardrailIdentifier":"<GetAtt Guardrail[0-9A-F]+\.GuardrailId>","guardrailVersion":"<GetAtt GuardrailVersion[0-9A-Za-z]+\.Version>","trace":"enabled_full"\}/);
    expect(applyStatements(t)).toHaveLength(1);
    expect(applyStatements(t)[0].Resource).toEqual({ 'Fn::GetAtt': [stack.resolve(guardrail.resource.logicalId), 'GuardrailArn'] });
    expect(invoker.guardrail).toBe(guardrail);
  });

  test('MODEL_CONFIG_HASH is the sha256 of the JSON with the guardrail blanked, then :<id>:<version>', () => {
    const { hash } = build(BASIC);
    expect(hash).toMatch(/^[0-9a-f]{64}:<GetAtt Guardrail[0-9A-F]+\.GuardrailId>:<GetAtt GuardrailVersion[0-9A-Za-z]+\.Version>$/);
  });

  test('a guardrail configuration change changes MODEL_CONFIG_HASH (a new version); the same configuration does not', () => {
    const a = build(BASIC).hash;
    const same = build(BASIC).hash;
    const changed = build({ contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.MEDIUM }] }).hash;
    const traced = build(BASIC, GuardrailTrace.ENABLED).hash;
    expect(same).toBe(a);
    expect(changed).not.toBe(a);
    expect(changed.split(':')[0]).toBe(a.split(':')[0]); // the JSON is the same: the version moved
    expect(traced.split(':')[0]).not.toBe(a.split(':')[0]); // the trace is part of the JSON
  });

  test('guardrails and guardrailTrace name known roles; guardrailTrace needs a guardrail', () => {
    const { stack } = setup();
    const guardrail = new Guardrail(stack, 'Guardrail', BASIC);
    const models = { chat: BedrockModel.of(HAIKU) };
    expect(() => new PinnedModelConfig(stack, 'A', { models, guardrails: { chatt: guardrail } }))
      .toThrow(/guardrails has role 'chatt', which is not in models \(chat\)/);
    expect(() => new PinnedModelConfig(stack, 'B', { models, guardrailTrace: { chat: GuardrailTrace.ENABLED } }))
      .toThrow(/guardrailTrace has role 'chat', which has no guardrail; add guardrails\.chat/);
  });

  test('an imported configuration grants ApplyGuardrail on the guardrail given in options.guardrails', () => {
    const { stack } = setup();
    const guardrail = Guardrail.fromGuardrailAttributes(stack, 'G', { guardrailId: 'abc123def456', guardrailVersion: '2' });
    const config = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/bedrock/models', ['chat'],
      { models: { chat: BedrockModel.of(HAIKU) }, guardrails: { chat: guardrail } });
    new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
    expect(applyStatements(Template.fromStack(stack)).map((s) => s.Resource)).toEqual([stack.resolve(guardrail.guardrailArn)]);
    expect(() => PinnedModelConfig.fromParameterPrefix(stack, 'Bad', '/bedrock/models', ['chat'], { guardrails: { other: guardrail } }))
      .toThrow(/options\.guardrails has role 'other'/);
  });
});

describe('RagInvoker with a guardrail', () => {
  test('GUARDRAIL_ID and GUARDRAIL_VERSION in the environment and ApplyGuardrail on exactly the guardrail', () => {
    const { stack } = setup();
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    const guardrail = new Guardrail(stack, 'Guardrail', BASIC);
    new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU), guardrail });
    const t = Template.fromStack(stack);
    const env = fnEnv(t);
    expect(env.GUARDRAIL_ID).toEqual({ 'Fn::GetAtt': [stack.resolve(guardrail.resource.logicalId), 'GuardrailId'] });
    const versionIds = Object.keys(t.findResources('AWS::Bedrock::GuardrailVersion'));
    expect(versionIds).toHaveLength(1);
    expect(env.GUARDRAIL_VERSION).toEqual({ 'Fn::GetAtt': [versionIds[0], 'Version'] });
    expect(applyStatements(t).map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [stack.resolve(guardrail.resource.logicalId), 'GuardrailArn'] }]);
  });

  test('without a guardrail: no GUARDRAIL_* variables and no ApplyGuardrail', () => {
    const { stack } = setup();
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU) });
    const t = Template.fromStack(stack);
    expect(fnEnv(t)).not.toHaveProperty('GUARDRAIL_ID');
    expect(applyStatements(t)).toHaveLength(0);
  });
});

describe('the sample app', () => {
  test('its chat role carries the guardrail (in the SSM JSON and MODEL_CONFIG_HASH) and the RAG invoker sends it too', () => {
    const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
    const stack = new SampleStack(app, 'Sample', { env: { region: 'us-east-1' } });
    const t = Template.fromStack(stack);
    const guardrailId = `<GetAtt ${stack.resolve(stack.guardrail.resource.logicalId)}.GuardrailId>`;
    const chatConfig = Object.values(t.findResources('AWS::SSM::Parameter')).map((p: any) => render(p.Properties.Value))
      .find((v) => v.includes('"role":"chat"'))!;
    expect(chatConfig).toContain(`"guardrail":{"guardrailIdentifier":"${guardrailId}"`);
    const fns = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
    const chat = fns.find((f) => f.Properties.Environment?.Variables?.MODEL_CONFIG_PARAMETER === '/bedrock/models/chat/config');
    // The chat model is the sample's application inference profile, whose ARN is a deploy-time value too.
    const profileArn = `<GetAtt ${stack.resolve((stack.chatProfile.node.defaultChild as CfnResource).logicalId)}.InferenceProfileArn>`;
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(render(chat.Properties.Environment.Variables.MODEL_CONFIG_HASH))
      .toMatch(new RegExp(`^[0-9a-f]{64}:${esc(profileArn)}:${esc(guardrailId)}:<GetAtt GuardrailVersion`));
    const rag = fns.find((f) => f.Properties.Environment?.Variables?.KNOWLEDGE_BASE_ID !== undefined);
    expect(render(rag.Properties.Environment.Variables.GUARDRAIL_ID)).toBe(guardrailId);
  });
});
