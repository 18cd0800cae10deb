/**
 * Remedies that fit the input. The model-ID policy (`lib/catalog/policy.ts`) speaks to users of this library's
 * constructs ("declare it: BedrockModel.of(..., { custom: { regions } })"). A resource this library did not build
 * cannot use that advice: for it, the construct advice is replaced by what works in a CDK app (acknowledge the finding
 * with `Validations.of(...)`) or in a plain CloudFormation / SAM template (the resource's `Metadata.cdk_nag`).
 */
import type { CfnResourceJson, CheckContext } from './types';

/** Who can act on a finding: users of this library's constructs, of any CDK app, or of a plain template. */
export type Audience = 'library' | 'cdk' | 'template';

/**
 * Metadata key a resource built by this library's constructs carries (value: the construct's class name). The checks
 * read it; see docs/checks.md.
 */
export const LIBRARY_MARKER = 'cdk-bedrock-foundation:construct';

/** Keys of the run-time model configuration JSON (`lib/contract` `RuntimeModelConfig`) that mark it. */
const RUNTIME_CONFIG_KEYS = ['schemaVersion', 'modelId', 'invocationForm', 'foundationModelId'];

function isRuntimeConfig(value: unknown): boolean {
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return false;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    return !!parsed && typeof parsed === 'object' && RUNTIME_CONFIG_KEYS.every((k) => k in parsed);
  } catch {
    return false;
  }
}

/**
 * Whether this library built the resource: it carries the library's metadata marker, or it holds the library's
 * run-time model configuration (a function with the `MODEL_CONFIG` / `MODEL_CONFIG_PARAMETER` + `MODEL_CONFIG_HASH`
 * variables the invokers set, an SSM parameter whose value is that configuration).
 */
export function builtByLibrary(resource: CfnResourceJson): boolean {
  let built = builtCache.get(resource);
  if (built === undefined) {
    built = readLibraryMarkers(resource);
    builtCache.set(resource, built);
  }
  return built;
}

const builtCache = new WeakMap<CfnResourceJson, boolean>();

function readLibraryMarkers(resource: CfnResourceJson): boolean {
  if (typeof resource.Metadata?.[LIBRARY_MARKER] === 'string') return true;
  const props = resource.Properties ?? {};
  if (resource.Type === 'AWS::Lambda::Function') {
    const env = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    if (env && (isRuntimeConfig(env.MODEL_CONFIG) || ('MODEL_CONFIG_PARAMETER' in env && 'MODEL_CONFIG_HASH' in env))) return true;
  }
  if (resource.Type === 'AWS::SSM::Parameter' && isRuntimeConfig(props.Value)) return true;
  return false;
}

/** The audience of a resource's findings. */
export function audienceOf(resource: CfnResourceJson, ctx: CheckContext): Audience {
  if (builtByLibrary(resource)) return 'library';
  if (ctx.cdkApp || typeof resource.Metadata?.['aws:cdk:path'] === 'string') return 'cdk';
  return 'template';
}

/** Sentences of a message; a sentence ends at `.`, `!` or `?` followed by a blank and a capital letter or quote. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z(])/);
}

const CONSTRUCT_ADVICE = /BedrockModel\.|ModelCatalog\.|custom\.regions|custom\.sourceModelId|\{ custom: /;

/**
 * The message with advice that only this library's constructs can follow replaced by advice for the audience.
 * `ackId` is the finding's acknowledgement ID.
 */
export function adaptRemedy(message: string, audience: Audience, ackId: string): string {
  if (audience === 'library') return message;
  const key = `${audience}\u0000${ackId}\u0000${message}`;
  let out = adapted.get(key);
  if (out === undefined) {
    out = adapt(message, audience, ackId);
    if (adapted.size > 2000) adapted.clear();
    adapted.set(key, out);
  }
  return out;
}

const adapted = new Map<string, string>();

function adapt(message: string, audience: Audience, ackId: string): string {
  let dropped = false;
  let pickModel = false;
  const kept: string[] = [];
  for (const raw of sentences(message)) {
    // "(BedrockModel.grantInvoke does both)" and the like: a parenthetical aside about the constructs.
    const s = raw.replace(/\s*\((?:in this library, )?BedrockModel\.[A-Za-z]+ (?:does|writes)[^)]*\)/g, '');
    if (CONSTRUCT_ADVICE.test(s)) {
      dropped = true;
      if (/ModelCatalog\.default\(\)\.select/.test(s)) pickModel = true;
      // Keep what the sentence says before the construct advice ("... so it cannot be checked.").
      const lead = /^(.*?)[;:,]\s*(?:declare it|declare the Regions|name the model|if you verified|or declare it)/i.exec(s);
      if (lead && lead[1].length > 20 && !/^if you/i.test(lead[1]) && !CONSTRUCT_ADVICE.test(lead[1])) kept.push(`${lead[1].replace(/[,;:]\s*$/, '')}.`);
      continue;
    }
    kept.push(s);
  }
  let out = kept.join(' ').replace(/\s{2,}/g, ' ').trim();
  if (audience === 'template') {
    out = out.replace(/give the stack an explicit env: \{ region: '\.\.\.' \}/,
      'pass the Region the template is deployed to (cdk-bedrock-check --region <Region>)');
  }
  if (pickModel) out += ' Pick an active model of the same provider and modality (see the Amazon Bedrock model lifecycle page).';
  if (dropped) {
    out += audience === 'cdk'
      ? ` If you verified the model and the Region yourself, acknowledge the finding on the construct: Validations.of(<construct>).acknowledge({ id: '${ackId}', reason: '<what you verified>' }).`
      : ` If you verified the model and the Region yourself, acknowledge the finding in the resource's metadata: Metadata: { cdk_nag: { rules_to_suppress: [{ id: '${ackId}', reason: '<what you verified>' }] } } (cdk-bedrock-check honours it).`;
  }
  return out;
}
