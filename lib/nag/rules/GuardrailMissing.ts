import { ENV } from '../../contract';
import { defineResourceRule } from '../core/model-rule';
import { configsOf, environmentOf } from './guardrail-references';

/**
 * Bedrock-GuardrailMissing (opt-in: not in `ALL_RULES`; enable it with `OPT_IN_RULES` or `BedrockChecks`'
 * `optInRules: ['GuardrailMissing']`): a configuration that lets functions invoke a text model names no guardrail.
 * Judged per resource, from what the template shows: a function's MODEL_CONFIG of a text model (no `embedding`)
 * without `guardrail`, a RAG invoker's environment (KNOWLEDGE_BASE_ID + MODEL_ARN) without GUARDRAIL_ID, and a
 * PinnedModelConfig SSM configuration of a text model without `guardrail` (what functions bound to it read). A
 * function that calls Bedrock with its own code and an IAM grant is not seen.
 */
export default defineResourceRule({
  name: 'GuardrailMissing',
  level: 'warning',
  info: 'A function may invoke a text model with no guardrail in its configuration.',
  explanation: 'Without a guardrail, prompts and answers reach users unfiltered (harmful content, denied topics, PII). '
    + 'Give the invoker a guardrail (ModelInvoker / RagInvoker `guardrail`, or PinnedModelConfig `guardrails.<role>`), '
    + 'or acknowledge the finding with the reason this function needs none (e.g. a batch job on trusted input).',
  check(resource, ctx) {
    const problems: Array<{ message: string; code: string }> = [];
    for (const { where, config } of configsOf(resource, ctx)) {
      const text = config.embedding === null || config.embedding === undefined;
      if (text && !config.guardrail) {
        problems.push({ code: 'NoGuardrail', message: `${where} lets calls of text model '${config.modelId}' through without a guardrail.` });
      }
    }
    const env = environmentOf(resource);
    if (env && env[ENV.KNOWLEDGE_BASE_ID] !== undefined && env[ENV.MODEL_ARN] !== undefined && env[ENV.GUARDRAIL_ID] === undefined) {
      problems.push({ code: 'NoGuardrail', message: `this RAG function (${ENV.KNOWLEDGE_BASE_ID}, ${ENV.MODEL_ARN}) generates answers `
        + `with RetrieveAndGenerate without a guardrail (no ${ENV.GUARDRAIL_ID}).` });
    }
    return problems;
  },
});
