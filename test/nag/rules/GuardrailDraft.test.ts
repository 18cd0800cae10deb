import * as fs from 'fs';
import * as path from 'path';
import { Guardrail, ContentFilterCategory, FilterStrength } from '../../../lib/guardrails';
import { ModelInvoker } from '../../../lib/invokers/model-invoker';
import { RagInvoker } from '../../../lib/invokers/rag-invoker';
import { KnowledgeBase } from '../../../lib/knowledge-base/knowledge-base';
import { BedrockModel } from '../../../lib/models/bedrock-model';
import { PinnedModelConfig } from '../../../lib/config/pinned-model-config';
import { BedrockChecks } from '../../../lib/nag';
import { checkTemplate } from '../../../lib/nag/core/check';
import { ALL_RULES } from '../../../lib/nag/rules';
import { FIXTURES, NOW, packViolations, testStack } from '../util';

const RULE = 'Bedrock-GuardrailDraft';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const BASIC = { contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }] };

describe('Bedrock-GuardrailDraft: guardrails referenced at DRAFT', () => {
  test('Noncompliance 1: every kind of reference in the fixture is reported on its own resource, with what to do', () => {
    const template = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'GuardrailDraft', 'noncompliant.json'), 'utf8'));
    const findings = checkTemplate(template, { region: 'us-east-1', now: NOW, rules: ALL_RULES }).filter((f) => f.ruleId === RULE);
    expect(Object.fromEntries(findings.map((f) => [f.logicalId, f.code]))).toEqual({
      ChatFunction: 'DraftInConfiguration', ChatConfig: 'DraftInConfiguration', RagFunction: 'DraftInEnvironment', Agent: 'DraftInResource', Flow: 'DraftInResource',
    });
    expect(findings.every((f) => f.level === 'warning' && /Pin a published version number/.test(f.message))).toBe(true);
    expect(findings.find((f) => f.logicalId === 'ChatConfig')!.message).toMatch(/SSM parameter \/bedrock\/models\/chat\/config sends guardrail 'abc123def456' at DRAFT/);
    expect(findings.find((f) => f.logicalId === 'Flow')!.message).toMatch(/Properties\.Definition\.Nodes\[0\]\.Configuration\.KnowledgeBase\.GuardrailConfiguration\.GuardrailVersion/);
  });

  test('Noncompliance 2: invokers and a configuration built with a useDraft guardrail', () => {
    const { app, stack } = testStack();
    const draft = new Guardrail(stack, 'Guardrail', { ...BASIC, useDraft: true });
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail: draft });
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU), guardrail: draft });
    new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU) }, guardrails: { chat: draft } });
    const report = new BedrockChecks().validateScope(app);
    const ids = report.violations.filter((v) => v.ruleName === RULE).flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
    expect(ids.sort()).toEqual(['TestStack/Chat/Function/Resource', 'TestStack/Models/chatConfig/Resource', 'TestStack/Rag/Function/Resource']);
    expect(packViolations(app, RULE)).toEqual([RULE]);
  });

  test('Compliance: published versions (a Guardrail, an imported number) are not reported', () => {
    const { app, stack } = testStack();
    const pinned = new Guardrail(stack, 'Guardrail', BASIC);
    new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU), guardrail: pinned });
    const imported = Guardrail.fromGuardrailAttributes(stack, 'Imported', { guardrailId: 'abc123def456', guardrailVersion: '3' });
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    new RagInvoker(stack, 'Rag', { knowledgeBase: kb, model: BedrockModel.of(HAIKU), guardrail: imported });
    new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of(HAIKU) }, guardrails: { chat: pinned } });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
