import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RagInvoker } from '../../lib/invokers/rag-invoker';
import { BedrockChecks } from '../../lib/nag';
import { KnowledgeBase } from '../../lib/knowledge-base/knowledge-base';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';

const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

function setup() {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
  return { app, stack };
}

/** The invoker role's statements: its inline policy, plus policies attached to it (the RetrieveAndGenerate one). */
function invokerStatements(t: Template): any[] {
  const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('RagServiceRole'));
  const inline = roles.flatMap(([, r]: [string, any]) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement));
  const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
  return [...inline, ...policies.filter((p) => JSON.stringify(p.Properties.Roles).includes('RagServiceRole')).flatMap((p) => p.Properties.PolicyDocument.Statement)];
}

test('environment carries the KB ID, the model invocation ARN and the result count', () => {
  const { stack } = setup();
  const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
  const model = BedrockModel.of(HAIKU);
  new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model, numberOfResults: 8 });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler',
    Environment: { Variables: Match.objectLike({
      KNOWLEDGE_BASE_ID: 'KB12345678', MODEL_ID: HAIKU, NUMBER_OF_RESULTS: '8', POWERTOOLS_SERVICE_NAME: 'rag-invoker',
    }) },
  });
  const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0] as any;
  expect(stack.resolve(fn.Properties.Environment.Variables.MODEL_ARN)).toEqual(stack.resolve(model.invocationArn(stack)));
  expect(JSON.stringify(fn.Properties.Environment.Variables.MODEL_ARN)).toContain(`:bedrock:us-east-1:123456789012:inference-profile/${HAIKU}`);
});

test('grants Retrieve on the KB, invoke on the model, and RetrieveAndGenerate on * (no resource type) only', () => {
  const { stack } = setup();
  const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
  new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU) });
  const statements = invokerStatements(Template.fromStack(stack));
  const star = statements.filter((s) => [].concat(s.Resource).includes('*' as never));
  expect(star).toHaveLength(1);
  expect(star[0].Action).toBe('bedrock:RetrieveAndGenerate');
  const retrieve = statements.find((s) => [].concat(s.Action).includes('bedrock:Retrieve' as never));
  expect(JSON.stringify(retrieve.Resource)).toContain('knowledge-base/KB12345678');
  expect(JSON.stringify(statements)).toContain(`inference-profile/${HAIKU}`);
  expect(JSON.stringify(statements)).not.toMatch(/bedrock:\*/);
});

test('an embeddings model fails synth', () => {
  const { app, stack } = setup();
  const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
  new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
  expect(() => app.synth()).toThrow(/RagInvoker Stack\/Rag: model 'amazon\.titan-embed-text-v2:0' outputs EMBEDDING, not TEXT; RetrieveAndGenerate needs a text-generation model/);
});

test.each([0, 101, 2.5])('numberOfResults %p is rejected', (n) => {
  const { stack } = setup();
  const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
  expect(() => new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU), numberOfResults: n })).toThrow(new RegExp(`numberOfResults is ${n}; give a whole number from 1 to 100`));
});

test('with a KnowledgeBase created in the stack, the template synthesizes without dependency cycles', () => {
  const { app, stack } = setup();
  const kb = new KnowledgeBase(stack, 'Kb');
  const rag = new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU) });
  rag.grantInvoke(new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() }));
  expect(() => app.synth()).not.toThrow();
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).find((f: any) => f.Properties.Environment?.Variables?.KNOWLEDGE_BASE_ID) as any;
  expect(fn.Properties.Environment.Variables.KNOWLEDGE_BASE_ID).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Kb/), 'KnowledgeBaseId'] });
});

test('cdk-nag AwsSolutions and BedrockChecks report nothing: the RetrieveAndGenerate "*" is acknowledged with its reason', () => {
  const { app, stack } = setup();
  const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
  new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU) });
  expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  expect(new BedrockChecks().validateScope(app).violations).toEqual([]);
});
