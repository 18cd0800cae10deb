/**
 * Resource ARNs with wildcards, matched as IAM matches them. IAM documentation, "IAM JSON policy elements: Resource",
 * section "Using wildcards in resource ARNs"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html): `*` and `?` may be
 * used within the segments of an ARN (the parts separated by colons); "If the * wildcard is the last character of a
 * resource ARN segment, it can expand to match beyond the colon boundaries", and `*` "can expand to replace everything
 * within a segment, including characters like a forward slash (/)". So `arn:aws:bedrock:*` and
 * `arn:aws:bedrock:us-east-1:*` match every Bedrock resource (of every type, every model) there.
 */
import { ModelCatalog } from '../../catalog/catalog';
import { hasUnknown } from './intrinsics';

const cache = new Map<string, RegExp>();

/** The regular expression IAM matches a resource pattern with (case-sensitive, like ARNs). */
export function resourcePatternRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  // The first five colons separate arn:partition:service:region:account:; the resource part is one segment.
  let out = '';
  let segment = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const inResource = segment >= 5;
    if (c === ':' && !inResource) {
      segment++;
      out += ':';
    } else if (c === '*') {
      const lastOfSegment = i === pattern.length - 1 || (!inResource && pattern[i + 1] === ':');
      out += inResource || lastOfSegment ? '.*' : '[^:]*';
    } else if (c === '?') {
      out += inResource ? '.' : '[^:]';
    } else {
      out += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    }
  }
  re = new RegExp(`^${out}$`);
  if (cache.size > 2000) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** Whether a resource pattern (with `*` / `?`) matches an ARN, as IAM matches it. */
export function resourceMatches(pattern: string, arn: string): boolean {
  return resourcePatternRegExp(pattern).test(arn);
}

/** What a Resource entry grants of Bedrock models. */
export interface ModelScope {
  /**
   * `all`: every model (any provider, also models newer than the catalog); `provider`: every model of one provider;
   * `several`: several catalog models (a family or version wildcard); `none`: no model, or at most one.
   */
  readonly scope: 'all' | 'provider' | 'several' | 'none';
  readonly provider?: string;
  /** Catalog model IDs the pattern matches (foundation-model or inference-profile form). */
  readonly matched: string[];
  /** The Region the probes were made in (the pattern's own Region when it names one). */
  readonly region: string;
}

/** An ID no catalog holds: a pattern that matches it matches models nobody has listed yet. */
const PROBE = 'zzprobe-v9:0';

/** The literal parts (partition, Region, account) of a pattern, up to its first wildcard. */
function literalParts(pattern: string): { partition: string; region: string; account: string } {
  const parts = pattern.split(':');
  const firstWild = parts.findIndex((p) => /[*?]/.test(p));
  const literal = (i: number, fallback: string) => (parts.length > i && (firstWild < 0 || i < firstWild) ? parts[i] : fallback);
  return { partition: literal(1, 'aws'), region: literal(3, 'us-east-1'), account: literal(4, '123456789012') };
}

/**
 * What a resource pattern grants of Bedrock models, judged against ARNs of every catalog model (foundation-model ARNs
 * and inference-profile ARNs of every sourced profile) and of an unlisted model. Patterns without a wildcard, and
 * patterns with unknown parts, are `none`.
 */
export function modelScope(pattern: string, catalog: ModelCatalog = ModelCatalog.default()): ModelScope {
  const cached = catalog === ModelCatalog.default() ? scopeCache.get(pattern) : undefined;
  if (cached) return cached;
  const scope = computeModelScope(pattern, catalog);
  if (catalog === ModelCatalog.default()) {
    if (scopeCache.size > 1000) scopeCache.clear();
    scopeCache.set(pattern, scope);
  }
  return scope;
}

const scopeCache = new Map<string, ModelScope>();

function computeModelScope(pattern: string, catalog: ModelCatalog): ModelScope {
  const { partition, region, account } = literalParts(pattern);
  const none: ModelScope = { scope: 'none', matched: [], region };
  if (!/[*?]/.test(pattern) || hasUnknown(pattern)) return none;
  const re = resourcePatternRegExp(pattern);
  const fm = (id: string) => `arn:${partition}:bedrock:${region}::foundation-model/${id}`;
  const fmNoRegion = (id: string) => `arn:${partition}:bedrock:::foundation-model/${id}`;
  const profile = (id: string) => `arn:${partition}:bedrock:${region}:${account}:inference-profile/${id}`;
  const geo = [...catalog.geographyPrefixes(), 'global'];
  const matchesModel = (fmId: string) => re.test(fm(fmId)) || re.test(fmNoRegion(fmId)) || geo.some((g) => re.test(profile(`${g}.${fmId}`)));
  if (matchesModel(`zzprobe.${PROBE}`) || re.test(`arn:${partition}:bedrock:${region}:${account}:application-inference-profile/zzprobe`)) {
    return { scope: 'all', matched: [], region };
  }
  const matched: string[] = [];
  const providers = new Set<string>();
  for (const m of catalog.all()) {
    // Provisioned-Throughput-only context variants (`...:0:200k`) cannot be invoked on demand: not counted.
    if (m.idForm.contextVariantSuffix) continue;
    const ids = [m.modelId, ...Object.values(m.inferenceProfiles?.profileIds ?? {}).filter((x): x is string => typeof x === 'string')];
    const hit = ids.find((id) => id === m.modelId ? re.test(fm(id)) || re.test(fmNoRegion(id)) : re.test(profile(id)));
    if (hit) {
      matched.push(hit);
      providers.add(m.modelId.split('.')[0]);
    }
  }
  for (const p of providers) {
    if (matchesModel(`${p}.${PROBE}`)) return { scope: 'provider', provider: p, matched, region };
  }
  return { scope: matched.length > 1 ? 'several' : 'none', matched, region };
}

/**
 * Whether a pattern may match a Bedrock resource: a Bedrock ARN (any resource type), or a pattern whose wildcards
 * reach Bedrock ARNs (`*`, `arn:aws:*`, ...).
 */
export function matchesAnyBedrockResource(pattern: string): boolean {
  if (pattern.split(':')[2] === 'bedrock') return true;
  if (hasUnknown(pattern) && !/[*?]/.test(pattern)) return false;
  const { partition, region, account } = literalParts(pattern);
  const re = resourcePatternRegExp(pattern);
  return [
    `arn:${partition}:bedrock:${region}::foundation-model/zzprobe.${PROBE}`,
    `arn:${partition}:bedrock:${region}:${account}:inference-profile/us.zzprobe.${PROBE}`,
    `arn:${partition}:bedrock:${region}:${account}:knowledge-base/ZZPROBE`,
    `arn:${partition}:bedrock:${region}:${account}:agent/ZZPROBE`,
    `arn:${partition}:bedrock:${region}:${account}:zzprobe/ZZPROBE`,
  ].some((arn) => re.test(arn));
}
