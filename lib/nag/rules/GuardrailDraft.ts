import { ENV } from '../../contract';
import { evaluateStrings } from '../core/intrinsics';
import { defineResourceRule } from '../core/model-rule';
import { configsOf, DRAFT, environmentOf, guardrailVersionProperties } from './guardrail-references';

/**
 * Bedrock-GuardrailDraft: a guardrail is referenced at its working draft (`DRAFT`) by an invoker's configuration (a
 * function's MODEL_CONFIG or GUARDRAIL_VERSION, or PinnedModelConfig's SSM JSON), an agent (GuardrailConfiguration),
 * or a Knowledge Base query path (a RAG invoker, a flow's knowledge-base node).
 */
export default defineResourceRule({
  name: 'GuardrailDraft',
  level: 'warning',
  info: 'A guardrail is used at its working draft (DRAFT) instead of a published version.',
  explanation: 'The draft changes whenever someone edits the guardrail, so what runs is not what was reviewed and '
    + 'tested, and nothing records which configuration was in force. Publish a version and reference its number: a '
    + 'Guardrail construct does so by default (remove useDraft), Guardrail.fromGuardrailAttributes takes the number '
    + "you tested (guardrailVersion: '3'), and an agent's GuardrailConfiguration takes the same number.",
  check(resource, ctx) {
    const problems: Array<{ message: string; code: string }> = [];
    for (const { where, config } of configsOf(resource, ctx)) {
      if (config.guardrail?.guardrailVersion === DRAFT) {
        problems.push({ code: 'DraftInConfiguration', message: `${where} sends guardrail '${config.guardrail.guardrailIdentifier}' at `
          + `DRAFT with every call of model '${config.modelId}'. Pin a published version number.` });
      }
    }
    const env = environmentOf(resource);
    if (env && evaluateStrings(env[ENV.GUARDRAIL_VERSION], ctx).includes(DRAFT)) {
      problems.push({ code: 'DraftInEnvironment', message: `environment variable ${ENV.GUARDRAIL_VERSION} is DRAFT: RetrieveAndGenerate `
        + 'answers through the working draft of the guardrail. Pin a published version number.' });
    }
    for (const { where, versions } of guardrailVersionProperties(resource, ctx)) {
      if (versions.includes(DRAFT)) {
        problems.push({ code: 'DraftInResource', message: `${where} of this ${resource.Type} is DRAFT: it applies the guardrail's working `
          + 'draft. Pin a published version number.' });
      }
    }
    return problems;
  },
});
