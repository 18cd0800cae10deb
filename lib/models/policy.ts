import { IConstruct } from 'constructs';
import { ModelCatalog, isoDate, LifecycleState } from '../catalog/catalog';
import { ModelIdSyntaxError, parseModelId, ParsedModelId } from '../catalog/model-id';
import { ModelRecord } from '../catalog/types';

/**
 * The model-ID policy: pure functions that judge one model identifier against the catalog, a Region and a date.
 * `BedrockModel` (synth validation), the cdk-nag pack and the `cdk-bedrock-check` CLI all use this one implementation.
 */

/** Context key that sets the date lifecycle is judged at (an ISO date such as `2026-11-25`). */
export const NOW_CONTEXT_KEY = 'cdk-bedrock-foundation:now';

export type FindingLevel = 'error' | 'warning';

/** Stable codes of the policy's findings. */
export type ModelFindingCode = 'Syntax' | 'Alias' | 'Unversioned' | 'RevisionDropped' | 'UnknownModel' | 'ProvisionedOnly'
  | 'NotInRegion' | 'ProfileGeography' | 'ProfileUnknown' | 'RegionNotSourced' | 'ProfileDataGap' | 'EndOfLife' | 'Legacy'
  | 'RegionUnknown' | 'HiddenModel';

export interface ModelFinding {
  readonly level: FindingLevel;
  readonly code: ModelFindingCode;
  /** The identifier that was judged, as written. */
  readonly modelId: string;
  /** What is wrong, with the value, and what to write instead. */
  readonly message: string;
}

/** Facts a user declares for a model the catalog does not know (or knows incompletely). */
export interface CustomModelOptions {
  /**
   * Regions where the model is offered on demand (or, for an inference profile, its source Regions).
   * @default - the catalog's Regions
   */
  readonly regions?: string[];
  /**
   * The foundation model behind an application-inference-profile or provisioned-model ARN.
   * @default - none: the model behind such an ARN cannot be checked
   */
  readonly sourceModelId?: string;
  /** @default - the catalog's input modalities */
  readonly inputModalities?: string[];
  /** @default - the catalog's output modalities */
  readonly outputModalities?: string[];
  /** @default - the catalog's context window */
  readonly contextWindow?: number;
  /** @default - the catalog's maximum output tokens */
  readonly maxOutputTokens?: number;
  /** Supported embedding output dimensions. @default - the catalog's dimensions */
  readonly embeddingDimensions?: number[];
  /** Default embedding output dimension. @default - the catalog's default, else the only supported dimension */
  readonly defaultEmbeddingDimension?: number;
  /** Usable as the embeddings model of a Knowledge Base. @default - the catalog's `knowledgeBase.supported` */
  readonly knowledgeBaseSupported?: boolean;
}

export interface EvaluateOptions {
  /** The Region the model is invoked from; undefined = unknown (env-agnostic stack). */
  readonly region?: string;
  /** The date lifecycle is judged at. */
  readonly now: Date;
  /** Declared facts; when set, an ID the catalog does not know is accepted. */
  readonly custom?: CustomModelOptions;
  /** @default ModelCatalog.default() */
  readonly catalog?: ModelCatalog;
}

/** The synth date: the `cdk-bedrock-foundation:now` context value, else today. Throws on a malformed value. */
export function synthDate(scope: IConstruct): Date {
  const raw = scope.node.tryGetContext(NOW_CONTEXT_KEY);
  if (raw === undefined || raw === null || raw === '') return new Date();
  return parseIsoDate(String(raw), `context '${NOW_CONTEXT_KEY}'`);
}

/** Parses YYYY-MM-DD (or a full ISO timestamp) with a clear error. */
export function parseIsoDate(raw: string, what: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(raw) ? new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new Error(`${what} is '${raw}', which is not an ISO date; write a date such as '2026-11-25'.`);
  }
  return d;
}

/** Judges one model identifier. Returns every problem found (empty = usable). */
export function evaluateModelId(id: string, options: EvaluateOptions): ModelFinding[] {
  const catalog = options.catalog ?? ModelCatalog.default();
  const findings: ModelFinding[] = [];
  const push = (level: FindingLevel, code: ModelFindingCode, message: string) => findings.push({ level, code, modelId: id, message });

  if (typeof id === 'string' && id.trim() !== id && id.trim().length > 0) {
    push('error', 'UnknownModel', `Model ID '${id}' has leading or trailing white space, so Bedrock will not find it; write '${id.trim()}'.`);
    return findings;
  }
  let parsed: ParsedModelId;
  try {
    parsed = parseModelId(id);
  } catch (e) {
    push('error', 'Syntax', e instanceof ModelIdSyntaxError ? e.message : String(e));
    return findings;
  }
  const custom = options.custom;
  // The Region a model ARN names wins over the stack's Region.
  const region = parsed.arn?.region ? parsed.arn.region : options.region;

  let fmId = parsed.foundationModelId;
  if (parsed.kind === 'application-inference-profile' || parsed.kind === 'provisioned-model') {
    if (!custom?.sourceModelId) {
      const level: FindingLevel = parsed.kind === 'application-inference-profile' ? 'error' : 'warning';
      push(level, 'HiddenModel', `'${id}' is a ${parsed.kind} ARN, which hides the model it runs, so it cannot be checked for `
        + 'pinning, Region or lifecycle. Name the model: BedrockModel.of(arn, { custom: { sourceModelId: '
        + "'<foundation-model ID>' } }).");
      return findings;
    }
    const src = evaluateModelId(custom.sourceModelId, { ...options, region, custom: { ...custom, sourceModelId: undefined } });
    return [...findings, ...src.map((f) => ({ ...f, modelId: id, message: `${f.message} (the model behind '${id}')` }))];
  }
  fmId = fmId!;
  const record = catalog.get(fmId);
  const label = parsed.kind === 'inference-profile' ? `inference profile '${id}'` : `model ID '${id}'`;

  if (!record) {
    const problem = unknownIdProblem(fmId, catalog, options.now, region);
    if (problem.code !== 'UnknownModel' || !custom) {
      push('error', problem.code, `${cap(label)}${parsed.kind === 'inference-profile' ? ` (model '${fmId}')` : ''} ${problem.message}`);
      return findings;
    }
    // Declared custom: only the declared Regions can be checked.
    if (region && custom.regions && !custom.regions.includes(region)) {
      push('error', 'NotInRegion', `${cap(label)} is declared custom with regions [${custom.regions.join(', ')}], which do not include `
        + `the stack's Region ${region}; deploy to one of those Regions or add ${region} to custom.regions if the model is offered there.`);
    }
    if (!region) pushRegionUnknown(push, label, custom.regions);
    return findings;
  }

  if (parsed.contextVariantSuffix !== undefined || record.idForm.contextVariantSuffix) {
    const base = record.idForm.baseId + (record.idForm.revision !== null ? `:${record.idForm.revision}` : '');
    const baseKnown = catalog.get(base) ?? catalog.get(record.idForm.baseId);
    push('error', 'ProvisionedOnly', `${cap(label)} is a Provisioned-Throughput model ID (context variant ':${record.idForm.contextVariantSuffix}'), `
      + 'which cannot be invoked on demand. '
      + (baseKnown ? `For on-demand use write '${parsed.profilePrefix ? `${parsed.profilePrefix}.` : ''}${baseKnown.modelId}'; ` : '')
      + 'for Provisioned Throughput pass the provisioned-model ARN instead.');
    return findings;
  }

  // Inference profile: the exact profile ID must be sourced for the model.
  if (parsed.kind === 'inference-profile') {
    const prefix = parsed.profilePrefix!;
    const profiles = record.inferenceProfiles?.profileIds ?? {};
    if (profiles[prefix] === null) {
      push('error', 'ProfileUnknown', `${cap(label)}: a source says model '${fmId}' has no '${prefix}.' inference profile. `
        + suggestProfiles(record, catalog, region));
      return findings;
    }
    if (profiles[prefix] !== parsed.profileId && !custom) {
      push('error', 'ProfileUnknown', `${cap(label)} is not a sourced inference-profile ID of '${fmId}'. ${suggestProfiles(record, catalog, region)} `
        + 'If you verified that the profile exists, declare it: BedrockModel.of(id, { custom: { regions: [...] } }).');
      return findings;
    }
  }

  if (!region) {
    pushRegionUnknown(push, label, regionsOf(record, parsed, custom, catalog));
  } else {
    checkRegion(record, parsed, region, custom, catalog, push, label);
  }

  {
    const life = catalog.lifecycleAt(record, options.now, region);
    if (life.state === 'EOL') {
      push('error', 'EndOfLife', `${cap(label)} reached end of life${life.eolDate ? ` on ${life.eolDate}` : ''}${lifeWhere(life, region)}: `
        + `requests to it fail (judged at ${isoDate(options.now)}; source: ${life.source ?? 'catalog'}). `
        + `${successorText(record, life, catalog, options.now, region)}${conflictText(life)}`);
    } else if (life.state === 'LEGACY') {
      push('warning', 'Legacy', `${cap(label)} is legacy${life.legacyDate ? ` since ${life.legacyDate}` : ''}${lifeWhere(life, region)}`
        + `${life.eolDate ? ` and reaches end of life on ${life.eolDate}` : ''}, after which requests fail (judged at ${isoDate(options.now)}). `
        + `${successorText(record, life, catalog, options.now, region)}${conflictText(life)}`);
    }
  }
  return findings;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pushRegionUnknown(push: (l: FindingLevel, c: ModelFindingCode, m: string) => void, label: string, regions?: string[]) {
  push('warning', 'RegionUnknown', `Region unknown: the stack has no concrete Region, so the Regional availability of ${label} `
    + `cannot be checked before deployment${regions && regions.length ? ` (it is offered in ${regions.join(', ')})` : ''}; `
    + "give the stack an explicit env: { region: '...' }.");
}

/** Regions where the model (or profile) can be invoked from, as sourced. */
export function regionsOf(record: ModelRecord | undefined, parsed: ParsedModelId, custom: CustomModelOptions | undefined,
  catalog: ModelCatalog): string[] | undefined {
  if (custom?.regions) return custom.regions;
  if (!record) return undefined;
  if (parsed.kind === 'inference-profile') {
    const prefix = parsed.profilePrefix!;
    if (prefix === 'global') return record.inferenceProfiles?.globalSourceRegions ?? undefined;
    const geo = catalog.geographyRegions(prefix);
    const sources = record.inferenceProfiles?.geoSourceRegions;
    if (!geo) return sources ?? undefined;
    return sources ? geo.filter((r) => sources.includes(r)).concat(sources.filter((r) => !geo.includes(r) && sameGeography(prefix, r))) : geo;
  }
  return record.onDemandRegions ?? undefined;
}

/** Whether a Region plausibly belongs to a geography whose destination list the data gives incompletely. */
function sameGeography(prefix: string, region: string): boolean {
  if (prefix === 'us') return region.startsWith('us-') && !region.startsWith('us-gov-');
  if (prefix === 'us-gov') return region.startsWith('us-gov-');
  if (prefix === 'eu') return region.startsWith('eu-');
  return false;
}

function checkRegion(record: ModelRecord, parsed: ParsedModelId, region: string, custom: CustomModelOptions | undefined,
  catalog: ModelCatalog, push: (l: FindingLevel, c: ModelFindingCode, m: string) => void, label: string) {
  if (custom?.regions) {
    if (!custom.regions.includes(region)) {
      push('error', 'NotInRegion', `${cap(label)} is declared with custom regions [${custom.regions.join(', ')}], which do not include `
        + `the stack's Region ${region}; deploy to one of them or correct custom.regions.`);
    }
    return;
  }
  const fmId = record.modelId;
  if (parsed.kind === 'foundation-model') {
    if (!record.onDemandRegions) {
      push('error', 'RegionNotSourced', `${cap(label)}: the catalog (generated ${catalog.generatedAt}) has no sourced Regions for this `
        + 'model (it is retired, a variant, or newer than the catalog snapshot), so its availability in '
        + `${region} cannot be checked. ${suggestProfiles(record, catalog, region)}If you verified that it is offered in ${region}, declare it: `
        + `BedrockModel.of('${parsed.input}', { custom: { regions: ['${region}'] } }).`);
      return;
    }
    if (!record.onDemandRegions.includes(region)) {
      push('error', 'NotInRegion', `${cap(label)} is not offered on demand in ${region}. ${suggestProfiles(record, catalog, region)}`
        + `It is offered on demand in: ${record.onDemandRegions.join(', ') || '(no Region)'}.`);
    }
    return;
  }
  // inference profile
  const prefix = parsed.profilePrefix!;
  if (prefix === 'global') {
    const sources = record.inferenceProfiles?.globalSourceRegions;
    if (!sources) {
      push('error', 'RegionNotSourced', `${cap(label)}: the catalog has no sourced global-profile source Regions for '${fmId}', so its `
        + `use from ${region} cannot be checked; declare them with custom.regions if you verified them.`);
    } else if (!sources.includes(region)) {
      push('error', 'ProfileGeography', `${cap(label)} cannot be called from ${region}: global cross-Region inference for '${fmId}' is `
        + `offered from ${sources.join(', ')}. ${suggestProfiles(record, catalog, region)}`);
    }
    return;
  }
  const geo = catalog.geographyRegions(prefix);
  const sources = record.inferenceProfiles?.geoSourceRegions ?? undefined;
  if (geo && geo.includes(region)) {
    if (sources && !sources.includes(region)) {
      push('error', 'ProfileGeography', `${cap(label)} cannot be called from ${region}: the Regional availability page lists no `
        + `geographic cross-Region inference for '${fmId}' from ${region}. ${suggestProfiles(record, catalog, region)}`);
    }
    return;
  }
  if (!geo) {
    if (sources?.includes(region) || !sources) {
      push('warning', 'ProfileDataGap', `${cap(label)}: the destination Regions of the '${prefix}.' geography are not sourced, so `
        + `whether it covers ${region} could not be checked (data gap in the catalog, generated ${catalog.generatedAt}).`);
    } else {
      push('error', 'ProfileGeography', `${cap(label)} cannot be called from ${region}: geographic cross-Region inference for '${fmId}' `
        + `is offered from ${sources.join(', ')}. ${suggestProfiles(record, catalog, region)}`);
    }
    return;
  }
  if (sources?.includes(region) && sameGeography(prefix, region)) {
    push('warning', 'ProfileDataGap', `${cap(label)}: ${region} is a sourced geographic source Region of '${fmId}' but is missing from `
      + `the '${prefix}.' geography's sourced destination list (${geo.join(', ')}); accepted, but the catalog data is incomplete here.`);
    return;
  }
  push('error', 'ProfileGeography', `${cap(label)}: the '${prefix}.' geography (${geo.join(', ')}) does not include the stack's Region `
    + `${region}. ${suggestProfiles(record, catalog, region)}`);
}

/** "Use X instead" text: the profiles (or on-demand ID) usable from the Region, else where the model is offered. */
function suggestProfiles(record: ModelRecord, catalog: ModelCatalog, region: string | undefined): string {
  if (!region) return '';
  const options = catalog.invocationOptions(record, region);
  if (options.length > 0) {
    return `From ${region} use ${options.map((o) => `'${o.modelId}'`).join(' or ')}. `;
  }
  const geo = Object.entries(record.inferenceProfiles?.profileIds ?? {}).filter(([, v]) => v).map(([, v]) => v);
  if (geo.length > 0) return `No sourced inference profile of '${record.modelId}' covers ${region} (known profiles: ${geo.join(', ')}). `;
  return '';
}

function lifeWhere(life: LifecycleState, region?: string): string {
  if (region) return ` in ${region}`;
  return life.regions ? ` in ${life.regions.join(', ')}` : '';
}

function conflictText(life: LifecycleState): string {
  return life.conflicts.length ? ` Note: a secondary source disagrees: ${life.conflicts.join('; ')}.` : '';
}

function successorText(record: ModelRecord, life: LifecycleState, catalog: ModelCatalog, now: Date, region?: string): string {
  if (life.successor) return `Migrate to its successor '${life.successor}'.`;
  if (record.replaceWith) return `Migrate to '${record.replaceWith}'.`;
  const alternatives = newestActive(catalog, now, region, (m) => m.modelId !== record.modelId
    && m.modelId.split('.')[0] === record.modelId.split('.')[0]
    && sameModality(m, record)
    && catalog.lifecycleAt(m, now, region).state === 'ACTIVE'
    && (!region || catalog.invocationOptions(m, region).length > 0)).slice(0, 3);
  return alternatives.length
    ? `No successor is sourced; active ${record.modelId.split('.')[0]} models with the same modalities${region ? ` in ${region}` : ''} include ${alternatives.map((m) => `'${m}'`).join(', ')}.`
    : 'No successor is sourced; pick an active model with ModelCatalog.default().select(...).';
}

function sameModality(a: ModelRecord, b: ModelRecord): boolean {
  return JSON.stringify(a.outputModalities ?? []) === JSON.stringify(b.outputModalities ?? []) && (b.outputModalities?.length ?? 0) > 0;
}

/** Sort key for "newest first": launch date, else a date in the ID, else the version numbers in the ID. */
function recencyKey(m: ModelRecord): string {
  const date = m.launchDate ?? (/(20\d{6})/.exec(m.modelId)?.[1]?.replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3'));
  const nums = (m.modelId.match(/\d+/g) ?? []).filter((n) => n.length < 8).map((n) => n.padStart(4, '0')).join('.');
  return `${date ?? '0000-00-00'}|${nums}`;
}

/** IDs matching a predicate, active ones first, newest first; Provisioned-Throughput variants left out. */
export function newestActive(catalog: ModelCatalog, now: Date, region: string | undefined, pred: (m: ModelRecord) => boolean): string[] {
  const list = catalog.all().filter((m) => !m.idForm.contextVariantSuffix && pred(m));
  const rank = (m: ModelRecord) => {
    const s = catalog.lifecycleAt(m, now, region).state;
    return s === 'ACTIVE' ? 0 : s === 'LEGACY' ? 1 : s === 'UNKNOWN' ? 2 : 3;
  };
  return list
    .map((m) => ({ m, rank: rank(m), key: recencyKey(m) }))
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? 1 : a.key > b.key ? -1 : b.m.modelId.localeCompare(a.m.modelId)))
    .map((x) => x.m.modelId);
}

/** Classifies an ID the catalog does not know: alias, unversioned family, dropped revision, wrong case or unknown. */
function unknownIdProblem(fmId: string, catalog: ModelCatalog, now: Date, region?: string): { code: ModelFindingCode; message: string } {
  const list = (ids: string[]) => ids.slice(0, 4).map((x) => `'${x}'`).join(', ');
  const aliasMatch = /^(.*?)([-:]latest)$/i.exec(fmId);
  if (aliasMatch) {
    const family = aliasMatch[1];
    const ids = newestActive(catalog, now, region, (m) => m.modelId.startsWith(family));
    return {
      code: 'Alias',
      message: `is an alias ('${aliasMatch[2]}') that can silently change behaviour; Bedrock model IDs are exact versions. `
        + (ids.length ? `Write the pinned ID you mean, e.g. ${list(ids)} (newest active first).` : 'Write an exact model ID from the catalog (ModelCatalog.default().all()).'),
    };
  }
  const revisioned = newestActive(catalog, now, region, (m) => m.modelId.startsWith(`${fmId}:`));
  if (revisioned.length > 0) {
    return {
      code: 'RevisionDropped',
      message: `drops the ':N' revision of an official revisioned ID, so it is not a pinned version. Write ${list(revisioned)}.`,
    };
  }
  const family = newestActive(catalog, now, region, (m) => m.modelId.startsWith(fmId) && m.modelId !== fmId);
  if (family.length > 0) {
    return {
      code: 'Unversioned',
      message: `is a model family or partial ID, not an exact model version. Write the pinned ID you mean, e.g. ${list(family)} (newest active first).`,
    };
  }
  const sameCase = catalog.getIgnoringCase(fmId);
  if (sameCase) {
    return { code: 'UnknownModel', message: `is not in the model catalog: model IDs are case-sensitive; write '${sameCase.modelId}'.` };
  }
  const nearest = nearestIds(fmId, catalog, 3);
  return {
    code: 'UnknownModel',
    message: `is not in the model catalog (generated ${catalog.generatedAt}). Did you mean ${list(nearest)}? `
      + "If it is a model newer than the catalog, declare it: BedrockModel.of(id, { custom: { regions: ['<region>', ...] } }).",
  };
}

/** The catalog IDs closest to `id` by edit distance. */
export function nearestIds(id: string, catalog: ModelCatalog, n: number): string[] {
  const lower = id.toLowerCase();
  return catalog.all()
    .filter((m) => !m.idForm.contextVariantSuffix)
    .map((m) => ({ id: m.modelId, d: levenshtein(lower, m.modelId.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, n)
    .map((x) => x.id);
}

function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
