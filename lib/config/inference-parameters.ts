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

/** The keys of `InferenceParameters` (what the invokers send as Converse `inferenceConfig`). */
const ALLOWED_KEYS = ['maxTokens', 'temperature', 'topP', 'stopSequences'] as const;

/** `'0.5'` → `the string '0.5'`; other values as JSON. */
function describe(v: unknown): string {
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : JSON.stringify(v) ?? String(v);
}

/** The allowed key a misspelt one most likely means (`max_tokens`, `MaxTokens`, `top_p` …), if any. */
function suggestKey(key: string): string | undefined {
  const norm = (k: string) => k.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return ALLOWED_KEYS.find((k) => norm(k) === norm(key) || (norm(key) === 'stop' && k === 'stopSequences'));
}

/**
 * Checks inference parameters of a model against the Converse `InferenceConfiguration` ranges and the model's sourced
 * limits; returns one error message per problem (prefixed with `where`) and warns on `scope` where a limit is not sourced.
 * Shared by `PinnedModelConfig` and the invokers.
 */
export function checkInferenceParameters(scope: IConstruct, where: string, model: BedrockModel, p: InferenceParameters): string[] {
  const out: string[] = [];
  const raw = p as unknown as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return [`${where} is ${describe(raw)}; it must be an object with some of ${ALLOWED_KEYS.join(', ')}, e.g. { maxTokens: 1024 }.`];
  }
  for (const key of Object.keys(raw)) {
    if ((ALLOWED_KEYS as readonly string[]).includes(key)) continue;
    const hint = suggestKey(key);
    out.push(`${where} has the unknown key '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; the allowed keys are ${ALLOWED_KEYS.join(', ')}.`);
  }
  const set = ALLOWED_KEYS.filter((k) => raw[k] !== undefined);
  if (set.length > 0 && model.outputModalities !== undefined && !model.outputModalities.includes('TEXT')) {
    out.push(`${where} sets ${set.join(', ')}, but '${model.displayId}' outputs ${model.outputModalities.join(', ') || 'nothing sourced'}, not TEXT `
      + '(catalog): inference parameters apply to text generation (Converse inferenceConfig); remove them for this model.');
    return out;
  }
  const warn = (what: string) => Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:LimitNotSourced',
    `${where}.${what} of '${model.displayId}' was not checked against a model-specific limit: none is sourced in the catalog.`);
  if (p.maxTokens !== undefined) {
    if (typeof p.maxTokens !== 'number') {
      out.push(`${where}.maxTokens is ${describe(p.maxTokens)}; it must be a number (a whole number of at least 1)`
        + `${typeof p.maxTokens === 'string' && /^\d+$/.test(p.maxTokens) ? `: write ${p.maxTokens} without quotes` : ''}.`);
    } else if (!Number.isInteger(p.maxTokens) || p.maxTokens < 1) {
      out.push(`${where}.maxTokens is ${p.maxTokens}; Converse requires a whole number of at least 1.`);
    } else if (model.maxOutputTokens !== undefined && p.maxTokens > model.maxOutputTokens) {
      out.push(`${where}.maxTokens is ${p.maxTokens}, above the maximum output of '${model.displayId}' (${model.maxOutputTokens} tokens, `
        + `catalog); set it to at most ${model.maxOutputTokens}.`);
    } else if (model.maxOutputTokens === undefined) {
      warn('maxTokens');
    }
  }
  for (const key of ['temperature', 'topP'] as const) {
    const v: unknown = p[key];
    if (v !== undefined && typeof v !== 'number') {
      const numeric = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v));
      out.push(`${where}.${key} is ${describe(v)}; it must be a number from 0 to 1${numeric ? `: write ${Number(v)} without quotes` : ''}.`);
    } else if (typeof v === 'number' && (Number.isNaN(v) || v < 0 || v > 1)) {
      out.push(`${where}.${key} is ${v}; Converse accepts 0 to 1 (InferenceConfiguration).`);
    }
  }
  if (p.temperature !== undefined && p.topP !== undefined) {
    const c = model.record?.inferenceParameterConstraints;
    if (c?.temperatureAndTopPExclusive) {
      out.push(`${where} sets both temperature and topP, but '${model.displayId}' rejects the two together with a ValidationException `
        + `(${(c.sources ?? []).join('; ')}); keep only one of them.`);
    } else if (c === undefined || c === null) {
      Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:LimitNotSourced',
        `${where} sets both temperature and topP; whether '${model.displayId}' accepts both together is not sourced, so it was not checked `
        + '(newer Anthropic models reject the pair).');
    }
  }
  if (p.stopSequences !== undefined) {
    if (!Array.isArray(p.stopSequences) || p.stopSequences.length > CONVERSE_BOUNDS.maxStopSequences) {
      out.push(`${where}.stopSequences has ${Array.isArray(p.stopSequences) ? p.stopSequences.length : 'no'} items; Converse accepts an `
        + `array of at most ${CONVERSE_BOUNDS.maxStopSequences}.`);
    } else {
      p.stopSequences.forEach((s, i) => {
        if (typeof s !== 'string') out.push(`${where}.stopSequences[${i}] is ${describe(s)}; each stop sequence must be a string.`);
        else if (s.length === 0) out.push(`${where}.stopSequences[${i}] is empty; each stop sequence needs at least 1 character.`);
      });
    }
  }
  return out;
}
