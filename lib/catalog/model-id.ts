/**
 * Parser for Amazon Bedrock model identifiers: foundation-model IDs, system-defined (cross-Region) inference-profile
 * IDs and the ARNs that invoke calls accept. The parser only reads the shape of an ID; whether an ID is an official,
 * pinned model is decided by the catalog (see `lib/catalog/policy.ts`).
 *
 * Shapes (AWS "Supported foundation models" / "Inference profiles" pages; IAM Service Authorization Reference ARN formats):
 * - foundation model: `<provider>.<model>[:<revision>[:<context suffix>]]`, e.g. `anthropic.claude-haiku-4-5-20251001-v1:0`,
 *   `anthropic.claude-sonnet-4-6`, `anthropic.claude-v2:1:200k` (Provisioned-Throughput-only context variant);
 * - inference profile: `<geography>.<foundation model ID>`, e.g. `us.anthropic.claude-haiku-4-5-20251001-v1:0`;
 * - ARNs: `arn:<partition>:bedrock:<region>::foundation-model/<id>` (no account; Region empty in Region-less grants),
 *   `arn:<partition>:bedrock:<region>:<account>:inference-profile/<profile id>`,
 *   `...:application-inference-profile/<id>`, `...:provisioned-model/<id>`.
 */

import { BedrockValidationError } from './errors';

/**
 * Providers whose model IDs appear in the vendored catalog (the ID prefix before the first '.'); a test keeps this list
 * equal to the catalog's providers.
 */
export const KNOWN_PROVIDERS: readonly string[] = [
  'ai21', 'amazon', 'anthropic', 'cohere', 'deepseek', 'luma', 'meta', 'minimax', 'mistral', 'openai', 'qwen',
  'stability', 'twelvelabs', 'writer', 'zai',
];

/**
 * Geography prefixes of system-defined inference profiles. `us`, `eu`, `apac`, `us-gov`, `jp`, `au`, `global` from
 * CDK alpha `CrossRegionInferenceProfileRegion` (2.271.0); `in` from AWS_TK_PRICING / AWS_TK_PRICING_PY (see
 * lib/catalog/data/SOURCES.md, `inferenceProfileGeographies`); `ca` from the AWS "Supported Regions and models for
 * inference profiles" page (`ca.amazon.nova-lite-v1:0`, SOURCES.md "Inference-profile IDs and AWS evidence"; its
 * destination Regions are not sourced, so, as for `in.`, a grant needs `custom.destinationRegions`).
 */
export const PROFILE_PREFIXES: readonly string[] = ['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au', 'in', 'ca'];

export type ModelIdKind = 'foundation-model' | 'inference-profile' | 'application-inference-profile' | 'provisioned-model';

export interface ParsedArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

export interface ParsedModelId {
  /** The string that was parsed. */
  readonly input: string;
  readonly kind: ModelIdKind;
  /** Provider prefix of the foundation model, e.g. `anthropic`. */
  readonly provider?: string;
  /** The foundation-model ID without profile prefix or ARN. Undefined for application-profile / provisioned ARNs. */
  readonly foundationModelId?: string;
  /** Foundation-model ID without `:revision[:suffix]`. */
  readonly baseId?: string;
  /**
   * The model name: the model part of the ID without the provider, date, `-vN` version and `:N` revision, e.g.
   * `claude-haiku-4-5` (from `anthropic.claude-haiku-4-5-20251001-v1:0`), `claude-sonnet-4-6`, `titan-embed-text`.
   */
  readonly modelName?: string;
  /** The 8-digit release date in the ID (`YYYYMMDD`), e.g. `20251001`, where the ID has one. */
  readonly date?: string;
  /** The `-vN` model version in the ID, e.g. `v1` (from `...-v1:0`), `v2` (from `amazon.titan-embed-text-v2:0`). */
  readonly version?: string;
  /** The `:N` revision, where the ID has one. */
  readonly revision?: number;
  /** A Provisioned-Throughput context variant suffix such as `200k` (from `:0:200k`). */
  readonly contextVariantSuffix?: string;
  /** Geography prefix of a system-defined inference profile (`us`, `eu`, `global` ...). */
  readonly profilePrefix?: string;
  /** The inference-profile ID (`us.anthropic...`), for inference profiles. */
  readonly profileId?: string;
  /** The parsed ARN, when the input is an ARN. */
  readonly arn?: ParsedArn;
}

/** Thrown when a string is not a Bedrock model identifier at all (code `Syntax`, as the policy's finding). */
export class ModelIdSyntaxError extends BedrockValidationError {
  constructor(public readonly value: string, reason: string) {
    super('Syntax', `'${value}' is not an Amazon Bedrock model identifier: ${reason}. Write a foundation-model ID such as `
      + "'anthropic.claude-haiku-4-5-20251001-v1:0', an inference-profile ID such as "
      + "'us.anthropic.claude-haiku-4-5-20251001-v1:0', or a Bedrock model ARN.");
    this.name = 'ModelIdSyntaxError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

// <provider>.<model>[:<revision>[:<suffix>]] — characters as in Bedrock's modelId pattern ([a-z0-9-] segments, '.' and ':').
const FM_ID = /^([a-zA-Z0-9-]{1,63})\.([a-zA-Z0-9][a-zA-Z0-9._-]{0,127})((?::[a-zA-Z0-9-]{1,63}){0,2})$/;
const ARN = /^arn:(aws[a-zA-Z-]*):bedrock:([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(.+)$/;

/** Parses a foundation-model ID, an inference-profile ID or a Bedrock model ARN. Throws `ModelIdSyntaxError`. */
export function parseModelId(input: string): ParsedModelId {
  if (typeof input !== 'string' || input.length === 0) {
    throw new ModelIdSyntaxError(String(input), 'it is empty');
  }
  if (/\s/.test(input)) {
    const trimmed = input.trim();
    if (trimmed.length > 0 && !/\s/.test(trimmed)) {
      throw new ModelIdSyntaxError(input, `it has leading or trailing white space; remove it and write '${trimmed}'`);
    }
    throw new ModelIdSyntaxError(input, 'it contains white space');
  }
  if (input.startsWith('arn:')) {
    return parseArn(input);
  }
  const dot = input.indexOf('.');
  const head = dot > 0 ? input.slice(0, dot) : '';
  if (PROFILE_PREFIXES.includes(head) && !KNOWN_PROVIDERS.includes(head)) {
    const fm = parseFoundationModelId(input.slice(dot + 1), input);
    return { ...fm, input, kind: 'inference-profile', profilePrefix: head, profileId: input };
  }
  return parseFoundationModelId(input, input);
}

function parseFoundationModelId(id: string, input: string): ParsedModelId {
  const m = FM_ID.exec(id);
  if (!m) {
    throw new ModelIdSyntaxError(input, "it does not have the form '<provider>.<model>[:<revision>]'");
  }
  const [, provider, , tail] = m;
  const parts = tail ? tail.slice(1).split(':') : [];
  const baseId = tail ? id.slice(0, id.length - tail.length) : id;
  let revision: number | undefined;
  let contextVariantSuffix: string | undefined;
  if (parts.length > 0 && /^\d+$/.test(parts[0])) {
    revision = Number(parts[0]);
    if (parts.length > 1) contextVariantSuffix = parts[1];
  } else if (parts.length > 0) {
    // e.g. ':latest' — keep the shape; the policy reports it.
    contextVariantSuffix = parts.join(':');
  }
  const name = NAME_PARTS.exec(baseId.slice(provider.length + 1))!;
  return {
    input,
    kind: 'foundation-model',
    provider,
    foundationModelId: id,
    baseId,
    modelName: name[1],
    date: name[2],
    version: name[3],
    revision,
    contextVariantSuffix,
  };
}

// <model name>[-<YYYYMMDD>][-v<N>] of the model part without revision (e.g. 'claude-haiku-4-5-20251001-v1').
const NAME_PARTS = /^(.+?)(?:-(\d{8}))?(?:-(v\d+))?$/;

function parseArn(input: string): ParsedModelId {
  const m = ARN.exec(input);
  if (!m) {
    throw new ModelIdSyntaxError(input, "it is not an ARN of the form 'arn:<partition>:bedrock:<region>:<account>:<type>/<id>'");
  }
  const [, partition, region, account = '', resourceType, resourceId] = m;
  const arn: ParsedArn = { partition, region, account, resourceType, resourceId };
  switch (resourceType) {
    case 'foundation-model': {
      if (account) throw new ModelIdSyntaxError(input, 'a foundation-model ARN has no account ID');
      return { ...parseFoundationModelId(resourceId, input), arn };
    }
    case 'inference-profile': {
      const parsed = parseModelId(resourceId);
      if (parsed.kind !== 'inference-profile') {
        throw new ModelIdSyntaxError(input, `its resource '${resourceId}' is not a system-defined inference-profile ID ('<geography>.<model ID>')`);
      }
      return { ...parsed, input, arn };
    }
    case 'application-inference-profile':
      return { input, kind: 'application-inference-profile', arn };
    case 'provisioned-model':
      return { input, kind: 'provisioned-model', arn };
    default:
      throw new ModelIdSyntaxError(input, `resource type '${resourceType}' is not one this library invokes `
        + '(foundation-model, inference-profile, application-inference-profile, provisioned-model)');
  }
}

/** Like `parseModelId` but returns undefined instead of throwing. */
export function tryParseModelId(input: string): ParsedModelId | undefined {
  try {
    return parseModelId(input);
  } catch {
    return undefined;
  }
}

/**
 * Whether a string found somewhere (an environment variable, a parameter value, an ARN in a policy) should be treated as
 * a Bedrock model identifier. It must parse (the Bedrock ID pattern), name a known provider (optionally behind a
 * profile prefix, or inside a Bedrock model ARN), and its model part must look like a model:
 * - it is a known model ID, a family or partial form of one (`meta.llama3`, `anthropic.claude`, `amazon.titan-embed-text`),
 *   or within two edits of one (a typo such as `anthropic.claude-sonet-4-6`), or
 * - it carries a Bedrock version marker (`-v1`, `:0`, `-latest`/`:latest`, an 8-digit date) and starts with the family
 *   name of one of that provider's known models (`claude`, `llama`, `titan`, ...).
 * So `amazon.com-logs`, `meta.data-2024.json` or `openai.my-proxy.example.com` are not model IDs.
 *
 * @param knownModelIds the catalog's foundation-model IDs (`ModelCatalog.modelIds()`, as the checks pass them); without
 * them the test is shape-only: a known provider and a '-' in the model part.
 */
export function looksLikeModelId(value: string, knownModelIds?: readonly string[]): boolean {
  if (typeof value !== 'string' || value.length > 2048) return false;
  const v = value.trim();
  const parsed = tryParseModelId(v);
  if (!parsed) return false;
  if (parsed.kind === 'application-inference-profile' || parsed.kind === 'provisioned-model') return true;
  const provider = parsed.provider?.toLowerCase();
  if (!provider || !KNOWN_PROVIDERS.includes(provider)) return false;
  const model = parsed.foundationModelId!.slice(provider.length + 1).toLowerCase();
  if (!knownModelIds) return model.includes('-');
  const marked = VERSION_MARKER.test(model);
  const index = providerIndex(knownModelIds).get(provider);
  if (!index) return false;
  if (marked && index.families.has(familyOf(model))) return true;
  for (const known of index.models) {
    if (known === model || (known.startsWith(model) && /[-.:]/.test(known.charAt(model.length)))) return true;
  }
  if (model.length >= 6) {
    for (const known of index.models) if (withinEdits(model, known, 2)) return true;
  }
  return false;
}

// `-v1`, `-v2:0`, `:0`, `-latest` / `:latest`, `-20251001`.
const VERSION_MARKER = /(?:-v\d+(?:[.:-]|$)|:\d+(?::|$)|[-:]latest$|-\d{8}(?:[-:]|$))/;

interface ProviderIndex {
  readonly models: string[];
  readonly families: Set<string>;
}

const INDEX_CACHE = new WeakMap<readonly string[], Map<string, ProviderIndex>>();

function providerIndex(ids: readonly string[]): Map<string, ProviderIndex> {
  let idx = INDEX_CACHE.get(ids);
  if (!idx) {
    idx = new Map();
    for (const id of ids) {
      const dot = id.indexOf('.');
      if (dot <= 0) continue;
      const provider = id.slice(0, dot).toLowerCase();
      const model = id.slice(dot + 1).toLowerCase();
      let entry = idx.get(provider);
      if (!entry) idx.set(provider, entry = { models: [], families: new Set() });
      entry.models.push(model);
      entry.families.add(familyOf(model));
    }
    INDEX_CACHE.set(ids, idx);
  }
  return idx;
}

/** The leading letters of a model part: `claude` for `claude-3-haiku-...`, `llama` for `llama3-1-...`. */
function familyOf(model: string): string {
  return /^[a-z]*/.exec(model)![0];
}

/** Levenshtein distance of a and b is at most max (bounded, so long strings cost little). */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return false;
    prev = cur;
  }
  return prev[b.length] <= max;
}

/** Formats a foundation-model ARN (Region '' gives the Region-less form used under an inference-profile condition). */
export function foundationModelArn(partition: string, region: string, modelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}
