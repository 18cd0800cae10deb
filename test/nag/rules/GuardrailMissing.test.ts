import { App } from 'aws-cdk-lib';
import { ContentFilterCategory, FilterStrength, Guardrail } from '../../../lib/guardrails';
import { EmbeddingInvoker } from '../../../lib/invokers/embedding-invoker';
import { ModelInvoker } from '../../../lib/invokers/model-invoker';
import { RagInvoker } from '../../../lib/invokers/rag-invoker';
import { KnowledgeBase } from '../../../lib/knowledge-base/knowledge-base';
import { BedrockModel } from '../../../lib/models/bedrock-model';
import { PinnedModelConfig } from '../../../lib/config/pinned-model-config';
import { ALL_RULES, BedrockChecks, OPT_IN_RULES } from '../../../lib/nag';
import { testStack } from '../util';

const RULE = 'Bedrock-GuardrailMissing';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const BASIC = { contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }] };

/** Construct paths the opt-in rule reports. */
function reported(app: App, optIn = true): string[] {
  const report = new BedrockChecks(undefined, optIn ? { optInRules: ['GuardrailMissing'] } : {}).validateScope(app);
  return report.violations.filter((v) => v.ruleName === RULE).flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? '')).sort();
}

describe('Bedrock-GuardrailMissing (opt-in): text-model configurations without a guardrail', () => {
  test('it is opt-in: not in ALL_RULES, in OPT_IN_RULES, and an unknown opt-in name is refused with the list', () => {
    expect(ALL_RULES.map((r) => r.id)).not.toContain(RULE);
    expect(OPT_IN_RULES.map((r) => r.id)).toContain(RULE);
    expect(() => new BedrockChecks(undefined, { optInRules: ['GuardrailMising'] }))
      .toThrow(/'GuardrailMising' is not an opt-in rule of the Bedrock pack; the opt-in rules are .*GuardrailMissing/);
  });

  test('Noncompliance: a text invoker, a RAG invoker and a text-model configuration without guardrails; not reported unless opted in', () => {
    const { app, stack } = testStack();
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU) });
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU) });
    new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU) } });
    expect(reported(app)).toEqual(['TestStack/Chat/Function/Resource', 'TestStack/Models/chatConfig/Resource', 'TestStack/Rag/Function/Resource']);
    expect(reported(app, false)).toEqual([]);
  });

  test('Compliance: guarded invokers and configuration; an embedding invoker needs none', () => {
    const { app, stack } = testStack();
    const guardrail = new Guardrail(stack, 'Guardrail', BASIC);
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail });
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU), guardrail });
    new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU), embed: BedrockModel.of('amazon.titan-embed-text-v2:0') }, guardrails: { chat: guardrail } });
    new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
    expect(reported(app)).toEqual([]);
  });
});
