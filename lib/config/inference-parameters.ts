import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { BedrockModel } from '../models/bedrock-model';
import { InferenceParameters } from '../models/runtime-config';

/**
 * Generic Converse bounds (Bedrock API Reference, `InferenceConfiguration`): maxTokens ≥ 1; temperature and topP 0–1;
 * stopSequences at most 2500 items, each at least 1 character.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html
 */
const CONVERSE_BOUNDS = { maxStopSequences: 2500 };

/**
 * Checks inference parameters of a model against the Converse `InferenceConfiguration` ranges and the model's sourced
 * limits; returns one error message per problem (prefixed with `where`) and warns on `scope` where a limit is not sourced.
 * Shared by `PinnedModelConfig` and the invokers.
 */
export function checkInferenceParameters(scope: IConstruct, where: string, model: BedrockModel, p: InferenceParameters): string[] {
  const out: string[] = [];
  const warn = (what: string) => Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:config:limitNotSourced',
    `${where}.${what} of '${model.modelId}' was not checked against a model-specific limit: none is sourced in the catalog.`);
  if (p.maxTokens !== undefined) {
    if (!Number.isInteger(p.maxTokens) || p.maxTokens < 1) {
      out.push(`${where}.maxTokens is ${p.maxTokens}; Converse requires a whole number of at least 1.`);
    } else if (model.maxOutputTokens !== undefined && p.maxTokens > model.maxOutputTokens) {
      out.push(`${where}.maxTokens is ${p.maxTokens}, above the maximum output of '${model.modelId}' (${model.maxOutputTokens} tokens, `
        + `catalog); set it to at most ${model.maxOutputTokens}.`);
    } else if (model.maxOutputTokens === undefined) {
      warn('maxTokens');
    }
  }
  for (const key of ['temperature', 'topP'] as const) {
    const v = p[key];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v) || v < 0 || v > 1)) {
      out.push(`${where}.${key} is ${v}; Converse accepts 0 to 1 (InferenceConfiguration).`);
    }
  }
  if (p.temperature !== undefined && p.topP !== undefined) {
    const c = model.record?.inferenceParameterConstraints;
    if (c?.temperatureAndTopPExclusive) {
      out.push(`${where} sets both temperature and topP, but '${model.modelId}' rejects the two together with a ValidationException `
        + `(${(c.sources ?? []).join('; ')}); keep only one of them.`);
    } else if (c === undefined || c === null) {
      Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:config:limitNotSourced',
        `${where} sets both temperature and topP; whether '${model.modelId}' accepts both together is not sourced, so it was not checked `
        + '(newer Anthropic models reject the pair).');
    }
  }
  if (p.stopSequences !== undefined) {
    if (!Array.isArray(p.stopSequences) || p.stopSequences.length > CONVERSE_BOUNDS.maxStopSequences) {
      out.push(`${where}.stopSequences has ${Array.isArray(p.stopSequences) ? p.stopSequences.length : 'no'} items; Converse accepts an `
        + `array of at most ${CONVERSE_BOUNDS.maxStopSequences}.`);
    } else {
      p.stopSequences.forEach((s, i) => {
        if (typeof s !== 'string' || s.length === 0) out.push(`${where}.stopSequences[${i}] is empty; each stop sequence needs at least 1 character.`);
      });
    }
  }
  return out;
}
