import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { EmbeddingInvoker } from '../../lib/invokers/embedding-invoker';
import { ModelInvoker } from '../../lib/invokers/model-invoker';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';

const TITAN = 'amazon.titan-embed-text-v2:0';
const COHERE = 'cohere.embed-english-v3';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

function setup() {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
  return { app, stack };
}

function fnOf(t: Template, handlerAssetHint?: string): any[] {
  return (Object.values(t.findResources('AWS::Lambda::Function')) as any[]).filter((f) => !handlerAssetHint || JSON.stringify(f).includes(handlerAssetHint));
}

test('Titan V2: embedding-invoker asset, options in the environment, invoke on exactly the model ARN', () => {
  const { stack } = setup();
  const model = BedrockModel.of(TITAN);
  new EmbeddingInvoker(stack, 'Embed', { model, dimensions: 512, normalize: false, concurrency: 8 });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler',
    Environment: { Variables: Match.objectLike({ EMBEDDING_DIMENSIONS: '512', EMBEDDING_NORMALIZE: 'false', EMBEDDING_CONCURRENCY: '8', POWERTOOLS_SERVICE_NAME: 'embedding-invoker' }) },
  });
  const [fn] = fnOf(t);
  expect(JSON.parse(fn.Properties.Environment.Variables.MODEL_CONFIG)).toEqual(model.runtimeConfig());
  const statements = Object.values(t.findResources('AWS::IAM::Role')).flatMap((r: any) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement))
    .filter((s: any) => !JSON.stringify(s.Action).includes('logs:'));
  expect(t.findResources('AWS::IAM::Policy')).toEqual({}); // all in the role's inline policy
  expect(statements).toHaveLength(1);
  expect(statements[0].Action).toBe('bedrock:InvokeModel'); // embeddings are never streamed
  expect(JSON.stringify(statements[0].Resource)).toContain(`foundation-model/${TITAN}`);
});

test('the text and embedding invokers use different assets; two embedding invokers share one', () => {
  const { stack } = setup();
  new EmbeddingInvoker(stack, 'E1', { model: BedrockModel.of(TITAN) });
  new EmbeddingInvoker(stack, 'E2', { model: BedrockModel.of(COHERE) });
  new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU) });
  const keys = (Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function')) as [string, any][])
    .map(([id, f]) => [id, JSON.stringify(f.Properties.Code.S3Key)]);
  const byId = Object.fromEntries(keys.map(([id, k]) => [id.replace(/Function.*/, ''), k]));
  expect(byId.E1).toBe(byId.E2);
  expect(byId.Chat).not.toBe(byId.E1);
});

test.each([
  [COHERE, { dimensions: 1024 }, /dimensions is 1024, but Cohere Embed v3 \('cohere\.embed-english-v3'\) has a fixed output size/],
  [COHERE, { normalize: true }, /normalize is set, but Cohere Embed v3.*only Titan Text Embeddings V2/],
  [TITAN, { dimensions: 768 }, /dimensions is 768; 'amazon\.titan-embed-text-v2:0' accepts 256, 512, 1024/],
  [TITAN, { concurrency: 0 }, /concurrency is 0; give a whole number from 1 to 64/],
  ['amazon.titan-embed-image-v1', {}, /model 'amazon\.titan-embed-image-v1' has no request body this invoker knows; supported: Titan Text Embeddings V2/],
])('%s with %j is rejected', (id, extra, message) => {
  const { stack } = setup();
  expect(() => new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of(id), ...extra })).toThrow(message);
});

test('a text-generation model fails synth: an embedding invoker needs EMBEDDING output', () => {
  const { app, stack } = setup();
  new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of(HAIKU) });
  expect(() => app.synth()).toThrow(/EmbeddingInvoker Stack\/Embed: model 'us\.anthropic\.claude-haiku-4-5-20251001-v1:0' outputs TEXT, not EMBEDDING/);
});

test('Cohere v4 (modalities not sourced) warns; its output_dimension values come from the catalog', () => {
  const { stack } = setup();
  new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of('cohere.embed-v4:0'), dimensions: 256 });
  Annotations.fromStack(stack).hasWarning('/Stack/Embed', Match.stringLikeRegexp("output modalities of 'cohere\\.embed-v4:0' are not sourced"));
});

test('from a PinnedModelConfig role', () => {
  const { stack } = setup();
  const config = new PinnedModelConfig(stack, 'Models', { models: { embed: BedrockModel.of(TITAN) } });
  new EmbeddingInvoker(stack, 'Embed', { config, role: 'embed', dimensions: 256 });
  const [fn] = fnOf(Template.fromStack(stack));
  expect(fn.Properties.Environment.Variables).toMatchObject({ MODEL_CONFIG_PARAMETER: '/bedrock/models/embed/config', MODEL_CONFIG_HASH: config.configHash('embed'), EMBEDDING_DIMENSIONS: '256' });
});
