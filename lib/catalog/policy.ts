import { ModelCatalog, isoDate, LifecycleState } from './catalog';
import { BedrockValidationError } from './errors';
import { ModelIdSyntaxError, parseModelId, ParsedModelId, tryParseModelId } from './model-id';
import { regionNameProblem } from './regions';
import { compareRecency, display, Suggester } from './suggestions';
import { ModelRecord } from './types';

/**
 * The model-ID policy: pure functions that judge one model identifier against the catalog, a Region and a date.
 * `BedrockModel` (synth validation), the cdk-nag pack and the `cdk-bedrock-check` CLI all use this one implementation.
 * What a message suggests instead is built in `./suggestions`, and judged by this policy before it is suggested.
 */

/** Context key that sets the date lifecycle is judged at (an ISO date such as `2026-11-25`). */
export const NOW_CONTEXT_KEY = 'cdk-bedrock-foundation:now';

export type FindingLevel = 'error' | 'warning';

/** Stable codes of the policy's findings. */
export type ModelFindingCode = 'Syntax' | 'Alias' | 'Unversioned' | 'RevisionDropped' | 'UnknownModel' | 'ProvisionedOnly'
  | 'NotInRegion' | 'ProfileGeography' | 'ProfileUnknown' | 'RegionNotSourced' | 'ProfileDataGap' | 'EndOfLife' | 'Legacy'
  | 'RegionUnknown' | 'HiddenModel' | 'LifecycleNotSourced' | 'LifecycleConflict' | 'RegionlessArn' | 'UnknownRegion'
  | 'CrossRegionArn' | 'ThirdPartySource';

export interface ModelFinding {
  readonly level: FindingLevel;
  readonly code: ModelFindingCode;
  /** The identifier that was judged, as written. */
  readonly modelId: string;
  /** What is wrong, with the value, and what to write instead. */
  readonly message: string;
  /**
   * The IDs the message recommends writing instead, each of which passes synth (no error finding) in the same Region at
   * the same date. Absent when the message recommends none.
   */
  readonly suggestions?: readonly string[];
}

/** Facts a user declares for a model the catalog does not know (or knows incompletely). */
export interface CustomModelOptions {
  /**
   * Regions where the model is offered on demand (or, for an inference profile, its source Regions).
   * @default - the catalog's Regions
   */
  readonly regions?: string[];
  /**
   * The model behind an application-inference-profile or provisioned-model ARN: a foundation-model ID, or (for an
   * application inference profile copied from a system-defined profile) that system inference-profile ID.
   * @default - none: the model behind such an ARN cannot be checked
   */
  readonly sourceModelId?: string;
  /**
   * Regions an inference profile routes requests to, for `grantInvoke`, where the catalog does not source the
   * geography's destination Regions (e.g. the `in.` geography). Declare only Regions you verified.
   * @default - the geography's sourced destination Regions
   */
  readonly destinationRegions?: string[];
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

/**
 * Anything that can read construct context: a construct (`scope.node.tryGetContext`) fits. Typed structurally so the
 * catalog knows no constructs.
 */
export interface ContextReader {
  readonly node: { tryGetContext(key: string): unknown };
}

/** The synth date: the `cdk-bedrock-foundation:now` context value, else today. Throws on a malformed value. */
export function synthDate(scope: ContextReader): Date {
  const raw = scope.node.tryGetContext(NOW_CONTEXT_KEY);
  if (raw === undefined || raw === null || raw === '') return new Date();
  return parseIsoDate(String(raw), `context '${NOW_CONTEXT_KEY}'`);
}

/** Parses YYYY-MM-DD (or a full ISO timestamp) with a clear error. */
export function parseIsoDate(raw: string, what: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(raw) ? new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw) : new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new BedrockValidationError('InvalidDate', `${what} is '${raw}', which is not an ISO date; write a date such as '2026-11-25'.`);
  }
  return d;
}

/** Judges one model identifier. Returns every problem found (empty = usable). */
export function evaluateModelId(id: string, options: EvaluateOptions): ModelFinding[] {
  return evaluate(id, options, false);
}

/** Error codes of a catalog ID judged in a Region at a date without custom facts, memoized (the verdict on a suggestion). */
function errorCodes(id: string, catalog: ModelCatalog, now: Date, region: string | undefined): ModelFindingCode[] {
  let memo = VERDICTS.get(catalog);
  if (!memo) VERDICTS.set(catalog, memo = new Map());
  const key = `${region ?? ''}|${isoDate(now)}|${id}`;
  let codes = memo.get(key);
  if (!codes) {
    codes = evaluate(id, { region, now, catalog }, true).filter((f) => f.level === 'error').map((f) => f.code);
    memo.set(key, codes);
  }
  return codes;
}
const VERDICTS = new WeakMap<ModelCatalog, Map<string, ModelFindingCode[]>>();

/**
 * The correction of the user's own spelling (white space, case): "write 'X'" when X passes with the same options,
 * else X's own first error, which says what to write instead.
 */
function corrected(fixed: string, options: EvaluateOptions, what: string, fixedIs: string): { message: string; suggestions: string[] } {
  const errors = evaluate(fixed, options, false).filter((f) => f.level === 'error');
  if (errors.length === 0) return { message: `${what}; write '${fixed}'.`, suggestions: [fixed] };
  return { message: `${what}; ${fixedIs} '${fixed}', but that fails here too: ${errors[0].message}`, suggestions: [...errors[0].suggestions ?? []] };
}

/** `quiet`: only the verdict matters (a suggestion being judged), so no suggestion text is built. */
function evaluate(id: string, options: EvaluateOptions, quiet: boolean): ModelFinding[] {
  const catalog = options.catalog ?? ModelCatalog.default();
  const findings: ModelFinding[] = [];
  let s = new Suggester({ catalog, now: options.now, region: options.region, quiet, errorCodes: (x, r) => errorCodes(x, catalog, options.now, r) });
  const push = (level: FindingLevel, code: ModelFindingCode, message: string, named = s.take()) => findings.push({
    level, code, modelId: id, message, ...(named.length > 0 ? { suggestions: named } : {}),
  });

  if (typeof id === 'string' && id.trim() !== id && id.trim().length > 0) {
    const what = `Model ID '${id}' has leading or trailing white space, so Bedrock will not find it`;
    const fix = quiet ? { message: what, suggestions: [] } : corrected(id.trim(), options, what, 'without it the ID is');
    push('error', 'UnknownModel', fix.message, fix.suggestions);
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
  // A foundation-model ARN of another Region than the one it is called from: a call from the stack's Region cannot use
  // it (the checks say the same of such a grant). Judged further in the ARN's Region, as the checks do.
  if (parsed.arn && parsed.kind === 'foundation-model' && parsed.arn.region && options.region && parsed.arn.region !== options.region) {
    const fm = parsed.foundationModelId!;
    const fmRecord = catalog.get(fm);
    const here = fmRecord && !regionNameProblem(options.region, catalog) ? s.forms(fmRecord, id) : '';
    push('error', 'CrossRegionArn', `'${id}' is a foundation-model ARN in ${parsed.arn.region}, but it is used from `
      + `${options.region}: a call from ${options.region} is made (and authorized) in ${options.region}, not against this ARN. `
      + (here || `Write the model ID '${fm}' or its ARN in ${options.region} only where ${options.region} offers it; `
        + 'to reach the model in another Region, use an inference-profile ID. ')
      + 'Keep foundation-model ARNs of other Regions only as destinations of an inference profile in an IAM policy.');
  }
  if (region !== options.region) {
    s = new Suggester({ catalog, now: options.now, region, quiet, errorCodes: (x, r) => errorCodes(x, catalog, options.now, r) });
  }

  if (parsed.arn && parsed.kind === 'foundation-model' && parsed.arn.region === '') {
    const fm = parsed.foundationModelId!;
    push('error', 'RegionlessArn', `'${id}' is a foundation-model ARN without a Region. An on-demand call is authorized against `
      + `the Regional ARN (arn:${parsed.arn.partition}:bedrock:<Region>::foundation-model/${fm}), so a grant on this ARN would not `
      + `match it; write the model ID '${fm}' (the stack's Region is used) or the Regional ARN, e.g. `
      + `'arn:${parsed.arn.partition}:bedrock:${options.region ?? 'us-east-1'}::foundation-model/${fm}'.`);
    // What else is wrong with the model itself (pinning, Provisioned-only, lifecycle) stands on its own, as in the checks;
    // its Region questions are the RegionlessArn error's.
    const rest = evaluate(fm, { ...options, region: undefined }, quiet).filter((f) => !REGION_CODES.has(f.code));
    return [...findings, ...rest.map((f) => ({ ...f, modelId: id }))];
  }

  // A Region no source lists: called unknown, with the nearest listed Region (never a list of every Region).
  const regionProblem = region && !custom?.regions?.includes(region) ? regionNameProblem(region, catalog) : undefined;
  if (regionProblem) {
    const where = parsed.arn?.region ? `The Region in '${id}'` : 'The Region it is used from';
    push('error', 'UnknownRegion', `${where} is '${region}', ${regionProblem.text} So where and until when '${id}' can be `
      + 'called was not checked.' + (regionProblem.kind === 'Unlisted' ? ` If ${region} is a Region newer than the catalog and you `
      + `verified the model there, declare it: BedrockModel.of('${id}', { custom: { regions: ['${region}'] } }).` : ''));
    return findings;
  }

  if (parsed.kind === 'application-inference-profile' || parsed.kind === 'provisioned-model') {
    if (!custom?.sourceModelId) {
      const level: FindingLevel = parsed.kind === 'application-inference-profile' ? 'error' : 'warning';
      push(level, 'HiddenModel', `'${id}' is a ${parsed.kind} ARN, which hides the model it runs, so it cannot be checked for `
        + 'pinning, Region or lifecycle. Name the model: BedrockModel.of(arn, { custom: { sourceModelId: '
        + "'<foundation-model ID>' } }).");
      return findings;
    }
    const source = tryParseModelId(custom.sourceModelId.trim());
    const allowedKinds = parsed.kind === 'application-inference-profile' ? ['foundation-model', 'inference-profile'] : ['foundation-model'];
    if (source && (!allowedKinds.includes(source.kind) || source.arn)) {
      push('error', 'HiddenModel', `custom.sourceModelId '${custom.sourceModelId}' of '${id}' must be a foundation-model ID`
        + (parsed.kind === 'application-inference-profile' ? " (such as 'anthropic.claude-haiku-4-5-20251001-v1:0') or, for an "
          + "application inference profile copied from a system-defined profile, that profile's ID (such as "
          + "'us.anthropic.claude-haiku-4-5-20251001-v1:0')" : " such as 'amazon.nova-pro-v1:0'")
        + `, not ${source.arn ? 'an ARN' : `a ${source.kind} ID`}.`);
      return findings;
    }
    // Only declared facts other than sourceModelId make the source model "custom" (else a typo would be accepted).
    const { sourceModelId: _source, ...facts } = custom;
    const declared = Object.values(facts).some((v) => v !== undefined) ? facts : undefined;
    const src = evaluate(custom.sourceModelId, { ...options, region, custom: declared }, quiet);
    return [...findings, ...src.map((f) => ({ ...f, modelId: id, message: `${f.message} (the model behind '${id}')` }))];
  }
  const fmId = parsed.foundationModelId!;
  const record = catalog.get(fmId);
  const label = parsed.kind === 'inference-profile' ? `inference profile '${id}'` : `model ID '${id}'`;
  const prefix = parsed.profilePrefix;

  if (!record) {
    const lead = `${cap(label)}${parsed.kind === 'inference-profile' ? ` (model '${fmId}')` : ''}`;
    // Never accepted, custom or not: the wrong case of a catalog ID, an alias token, a Provisioned-Throughput suffix.
    const sameCase = catalog.getIgnoringCase(fmId);
    if (sameCase) {
      const right = display(sameCase, prefix) ?? sameCase.modelId;
      const what = `${lead} is not in the model catalog: model IDs are case-sensitive`;
      const fix = quiet ? { message: what, suggestions: [] } : corrected(right, options, what, 'the catalog spells it');
      push('error', 'UnknownModel', fix.message, fix.suggestions);
      return findings;
    }
    if (parsed.revision !== undefined && parsed.contextVariantSuffix !== undefined) {
      const base = catalog.get(`${parsed.baseId}:${parsed.revision}`);
      push('error', 'ProvisionedOnly', `${lead} has the shape of a Provisioned-Throughput model ID (context variant `
        + `':${parsed.contextVariantSuffix}'), which cannot be invoked on demand. `
        + (base ? s.onDemandBase(base, prefix) : `For on-demand use write the ID without ':${parsed.contextVariantSuffix}'; `)
        + 'for Provisioned Throughput pass the provisioned-model ARN instead.');
      return findings;
    }
    const problem = unknownIdProblem(fmId, catalog, s, prefix);
    if (problem.code !== 'UnknownModel' || !custom) {
      push('error', problem.code, `${lead} ${problem.message}`);
      return findings;
    }
    s.take(); // the "did you mean" IDs are not part of the findings below
    // Declared custom: only the declared Regions can be checked, so they must be declared.
    if (!custom.regions) {
      push('error', 'RegionNotSourced', `${lead} is not in the model catalog (generated ${catalog.generatedAt}) and is declared custom `
        + `without Regions, so where it can be called${region ? ` (e.g. from ${region})` : ''} cannot be checked. Declare the Regions you `
        + `verified: BedrockModel.of('${parsed.input}', { custom: { regions: ['${region ?? '<region>'}', ...] } }).`);
      return findings;
    }
    if (region && !custom.regions.includes(region)) {
      push('error', 'NotInRegion', `${cap(label)} is declared custom with regions [${custom.regions.join(', ')}], which do not include `
        + `the stack's Region ${region}; deploy to one of those Regions or add ${region} to custom.regions if the model is offered there.`);
    }
    if (!region) pushRegionUnknown(push, label, custom.regions);
    return findings;
  }

  if (parsed.contextVariantSuffix !== undefined || record.idForm.contextVariantSuffix) {
    const base = catalog.get(record.idForm.baseId + (record.idForm.revision !== null ? `:${record.idForm.revision}` : ''))
      ?? catalog.get(record.idForm.baseId);
    push('error', 'ProvisionedOnly', `${cap(label)} is a Provisioned-Throughput model ID (context variant ':${record.idForm.contextVariantSuffix}'), `
      + 'which cannot be invoked on demand. '
      + (base ? s.onDemandBase(base, prefix) : '')
      + 'for Provisioned Throughput pass the provisioned-model ARN instead.');
    return findings;
  }

  // Inference profile: the exact profile ID must be sourced for the model.
  if (parsed.kind === 'inference-profile') {
    const profiles = record.inferenceProfiles?.profileIds ?? {};
    if (profiles[prefix!] === null) {
      push('error', 'ProfileUnknown', `${cap(label)}: a source says model '${fmId}' has no '${prefix}.' inference profile. `
        + s.forms(record));
      return findings;
    }
    const undocumented = (record.inferenceProfiles?.profileIdsNotDocumentedByAws ?? []).find((p) => p.profileId === parsed.profileId);
    if (undocumented && !custom) {
      push('error', 'ProfileUnknown', `${cap(label)} is not documented by AWS: only a third party lists it `
        + `(${undocumented.formerSources.join(', ')}), and the AWS page ${undocumented.evidence.replace(/^absent from /, 'that should list it, ')} `
        + `(checked ${undocumented.checked}). ${s.forms(record)}`
        + 'If you verified that the profile exists, declare it: BedrockModel.of(id, { custom: { regions: [...] } }).');
      return findings;
    }
    if (profiles[prefix!] !== parsed.profileId && !custom) {
      push('error', 'ProfileUnknown', `${cap(label)} is not a sourced inference-profile ID of '${fmId}'. ${s.forms(record)}`
        + 'If you verified that the profile exists, declare it: BedrockModel.of(id, { custom: { regions: [...] } }).');
      return findings;
    }
  }

  let life = catalog.lifecycleAt(record, options.now, region);
  let lifeRegion = region;
  // A retired model (end-of-life, with no Region sourced because no Region offers it any more) is reported as end of
  // life only: "its Regions are not sourced" would send the user to declare Regions for a model that is gone.
  const retired = life.state === 'EOL' && !custom?.regions && !regionsOf(record, parsed, undefined, catalog)
    && !record.onDemandRegions && !record.inferenceProfiles?.geoSourceRegions && !record.inferenceProfiles?.globalSourceRegions;
  if (retired) {
    // nothing: the EndOfLife finding below says it
  } else if (!region) {
    checkUnknownRegion(record, parsed, custom, catalog, s, push, label);
  } else {
    checkRegion(record, parsed, region, custom, catalog, s, push, label);
  }
  if (parsed.kind === 'inference-profile' && !custom && !findings.some((f) => f.level === 'error')) {
    checkProfileAuthority(record, parsed, region, catalog, s, push, label);
  }

  // A profile used from outside its geography still runs in its destination Regions: its end of life there is reported
  // too (every finding for a value stands on its own; the checks judge the destination ARNs a grant names the same way).
  if (life.state !== 'EOL' && parsed.kind === 'inference-profile' && findings.some((f) => f.code === 'ProfileGeography')) {
    const destinations = parsed.profilePrefix === 'global' ? [undefined] : catalog.geographyRegions(parsed.profilePrefix!) ?? [];
    for (const d of destinations) {
      const there = catalog.lifecycleAt(record, options.now, d);
      if (there.state === 'EOL') {
        life = there;
        lifeRegion = d;
        break;
      }
    }
  }
  if (life.state === 'EOL') {
    push('error', 'EndOfLife', `${cap(label)} ${retired && !life.eolDate ? 'is retired (end of life, date not sourced)' : `reached end of life${life.eolDate ? ` on ${life.eolDate}` : ''}${lifeWhere(life, lifeRegion)}`}: `
      + `requests to it fail (judged at ${isoDate(options.now)}; source: ${life.source ?? 'catalog'}). `
      + `${s.successor(record, life)}${conflictText(life)}`);
  } else if (life.state === 'LEGACY') {
    push('warning', 'Legacy', `${cap(label)} is legacy${life.legacyDate ? ` since ${life.legacyDate}` : ''}${lifeWhere(life, region)}`
      + `${life.eolDate ? ` and reaches end of life on ${life.eolDate}` : ''}, after which requests fail (judged at ${isoDate(options.now)}). `
      + `${s.successor(record, life)}${conflictText(life)}`);
  } else if (life.state === 'ACTIVE' && life.conflicts.length > 0 && !(life.regions && region && !life.regions.includes(region))) {
    // Reference README: report the primary value and mention the conflict rather than guessing.
    push('warning', 'LifecycleConflict', `${cap(label)} is active${region ? ` in ${region}` : ''} per its primary source `
      + `(${life.source ?? 'catalog'}), but a secondary source disagrees: ${life.conflicts.join('; ')}. Accepted on the primary `
      + `source (judged at ${isoDate(options.now)}); check the AWS model lifecycle page before relying on it. `
      + s.successor(record, life));
  } else if (life.state === 'UNKNOWN' && !findings.some((f) => f.level === 'error')) {
    // Reached only when availability was declared (custom.regions): the lifecycle still cannot be judged.
    push('warning', 'LifecycleNotSourced', `${cap(label)}: the catalog (generated ${catalog.generatedAt}) has no sourced lifecycle for `
      + `'${fmId}' (${UNSOURCED_WHY}), so whether it is legacy or end-of-life${region ? ` in ${region}` : ''} was not checked; `
      + 'accepted because its Regions are declared in custom.regions. Verify its lifecycle on the AWS model lifecycle page.');
  }
  return findings;
}

/** Codes about where a model can be called (dropped where another finding already answers the Region question). */
const REGION_CODES: ReadonlySet<ModelFindingCode> = new Set<ModelFindingCode>(['NotInRegion', 'ProfileGeography', 'RegionNotSourced',
  'RegionUnknown', 'ProfileDataGap', 'UnknownRegion', 'RegionlessArn', 'CrossRegionArn']);

/** What the reference README says about IDs absent from the Regional availability snapshot. */
const UNSOURCED_WHY = 'it is absent from the AWS Regional availability snapshot, which the reference data says means retired '
  + '(e.g. Claude 3 Opus, Claude 2.x, Llama 2, Jurassic-2), a Provisioned-Throughput variant, or newer than the snapshot';

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pushRegionUnknown(push: (l: FindingLevel, c: ModelFindingCode, m: string) => void, label: string, regions?: string[]) {
  push('warning', 'RegionUnknown', `Region unknown: the stack has no concrete Region, so the Regional availability of ${label} `
    + `cannot be checked before deployment${regions && regions.length ? ` (it is offered in ${regions.join(', ')})` : ''}; `
    + "give the stack an explicit env: { region: '...' }.");
}

/** An env-agnostic stack: a warning naming the sourced Regions (a deploy-time Rule checks them), else an error. */
function checkUnknownRegion(record: ModelRecord, parsed: ParsedModelId, custom: CustomModelOptions | undefined, catalog: ModelCatalog,
  s: Suggester, push: (l: FindingLevel, c: ModelFindingCode, m: string) => void, label: string) {
  const regions = regionsOf(record, parsed, custom, catalog);
  if (regions && regions.length > 0) {
    pushRegionUnknown(push, label, regions);
    return;
  }
  const declare = `If you verified where it is offered, declare it: BedrockModel.of('${parsed.input}', { custom: { regions: ['<region>', ...] } }).`;
  if (!regions) {
    push('error', 'RegionNotSourced', `${cap(label)}: the catalog (generated ${catalog.generatedAt}) has no sourced Regions for `
      + `${parsed.kind === 'inference-profile' ? `the '${parsed.profilePrefix}.' profile of '${record.modelId}'` : 'this model'} `
      + `(${UNSOURCED_WHY}), so neither synth nor a deploy-time Rule can check where it can be called (the stack has no `
      + `concrete Region). ${s.anywhere(record, parsed.input)}${declare}`);
    return;
  }
  if (parsed.kind === 'foundation-model') {
    push('error', 'NotInRegion', `${cap(label)} is not offered on demand in any Region the catalog (generated ${catalog.generatedAt}) `
      + `lists. ${s.anywhere(record, parsed.input) || 'No sourced inference profile covers it either. '}${declare}`);
  } else {
    push('error', 'ProfileGeography', `${cap(label)}: no sourced source Region of '${record.modelId}' lies in the `
      + `'${parsed.profilePrefix}.' geography. ${s.anywhere(record, parsed.input)}${declare}`);
  }
}

/** Whether the data puts a Region in no geography's sourced destination list (so its geography is a data gap). */
function inNoGeography(catalog: ModelCatalog, region: string): boolean {
  return catalog.geographiesOf(region).length === 0;
}

/**
 * Whether a data-gap Region (a sourced geographic source Region of the model that is in no geography's destination
 * list) can be taken to belong to the `prefix.` profile: the model has that one geographic profile only (so its geo
 * source Regions are that profile's), or the Region's name is in that geography (`us-*` for `us.`, `us-gov-*` for
 * `us-gov.`, `eu-*` for `eu.`). The name test only narrows what a data gap accepts; it never accepts a Region the
 * data places in another geography.
 */
function gapRegionFits(record: ModelRecord, prefix: string, region: string): boolean {
  const geoPrefixes = Object.keys(record.inferenceProfiles?.profileIds ?? {}).filter((p) => p !== 'global');
  if (geoPrefixes.length === 1 && geoPrefixes[0] === prefix) return true;
  const named = region.startsWith('us-gov-') ? 'us-gov' : region.startsWith('us-') ? 'us' : region.startsWith('eu-') ? 'eu' : undefined;
  return named === prefix;
}

/**
 * Regions where the model (or profile) can be invoked from, as sourced; undefined when the catalog sources none.
 * For a geographic profile: its sourced source Regions that are in the geography's sourced destination list, or in
 * no geography's list (a data gap, accepted with a warning).
 */
export function regionsOf(record: ModelRecord | undefined, parsed: ParsedModelId, custom: CustomModelOptions | undefined,
  catalog: ModelCatalog): string[] | undefined {
  if (custom?.regions) return custom.regions;
  if (!record) return undefined;
  if (parsed.kind === 'inference-profile') {
    const prefix = parsed.profilePrefix!;
    if (prefix === 'global') return record.inferenceProfiles?.globalSourceRegions ?? undefined;
    const sources = record.inferenceProfiles?.geoSourceRegions;
    if (!sources) return undefined;
    const geo = catalog.geographyRegions(prefix);
    if (!geo) return sources;
    return sources.filter((r) => geo.includes(r) || (inNoGeography(catalog, r) && gapRegionFits(record, prefix, r)));
  }
  return record.onDemandRegions ?? undefined;
}

function checkRegion(record: ModelRecord, parsed: ParsedModelId, region: string, custom: CustomModelOptions | undefined,
  catalog: ModelCatalog, s: Suggester, push: (l: FindingLevel, c: ModelFindingCode, m: string) => void, label: string) {
  if (custom?.regions) {
    if (!custom.regions.includes(region)) {
      push('error', 'NotInRegion', `${cap(label)} is declared with custom regions [${custom.regions.join(', ')}], which do not include `
        + `the stack's Region ${region}; deploy to one of them or correct custom.regions.`);
    }
    return;
  }
  const fmId = record.modelId;
  const declare = `If you verified that it can be called from ${region}, declare it: `
    + `BedrockModel.of('${parsed.input}', { custom: { regions: ['${region}'] } }).`;
  if (parsed.kind === 'foundation-model') {
    if (!record.onDemandRegions) {
      push('error', 'RegionNotSourced', `${cap(label)}: the catalog (generated ${catalog.generatedAt}) has no sourced Regions for this `
        + `model (${UNSOURCED_WHY}), so its availability in ${region} cannot be checked. `
        + `${s.forms(record, parsed.input)}${declare}`);
      return;
    }
    if (!record.onDemandRegions.includes(region)) {
      push('error', 'NotInRegion', `${cap(label)} is not offered on demand in ${region}. ${s.forms(record, parsed.input)}`
        + `It is offered on demand in: ${record.onDemandRegions.join(', ') || '(no Region)'}.`);
    }
    return;
  }
  // inference profile
  const prefix = parsed.profilePrefix!;
  const idSources = (record.inferenceProfiles?.profileIdSources ?? {})[prefix];
  const idSourceText = idSources && idSources.length
    ? ` (the profile ID is sourced from ${idSources.join(', ')}${idSources.some(isAwsSource) ? '' : ' only'})` : '';
  if (prefix === 'global') {
    const sources = record.inferenceProfiles?.globalSourceRegions;
    if (!sources) {
      push('error', 'RegionNotSourced', `${cap(label)}: the catalog (generated ${catalog.generatedAt}) has no sourced global-profile `
        + `source Regions for '${fmId}'${idSourceText}, so its use from ${region} cannot be checked. `
        + `${s.forms(record, parsed.input)}${declare}`);
    } else if (!sources.includes(region)) {
      push('error', 'ProfileGeography', `${cap(label)} cannot be called from ${region}: global cross-Region inference for '${fmId}' is `
        + `offered from ${sources.join(', ')}. ${s.forms(record, parsed.input)}`);
    }
    return;
  }
  const geo = catalog.geographyRegions(prefix);
  const sources = record.inferenceProfiles?.geoSourceRegions;
  if (!sources) {
    push('error', 'RegionNotSourced', `${cap(label)}: the catalog (generated ${catalog.generatedAt}) has no sourced geographic-profile `
      + `source Regions for '${fmId}'${idSourceText}; ${UNSOURCED_WHY.replace(/^it is/, 'the model is')}. So whether it can be `
      + `called from ${region} cannot be checked. ${s.forms(record, parsed.input)}${declare}`);
    return;
  }
  if (!sources.includes(region)) {
    push('error', 'ProfileGeography', `${cap(label)} cannot be called from ${region}: the Regional availability page lists no `
      + `geographic cross-Region inference for '${fmId}' from ${region} (it lists ${sources.join(', ')}). `
      + s.forms(record, parsed.input));
    return;
  }
  if (geo && geo.includes(region)) return;
  if (!geo) {
    push('warning', 'ProfileDataGap', `${cap(label)}: ${region} is a sourced geographic source Region of '${fmId}', but the destination `
      + `Regions of the '${prefix}.' geography are not sourced, so whether this profile serves ${region} could not be checked `
      + `(data gap in the catalog, generated ${catalog.generatedAt}); accepted.`);
    return;
  }
  if (inNoGeography(catalog, region) && !gapRegionFits(record, prefix, region)) {
    const geoPrefixes = Object.keys(record.inferenceProfiles?.profileIds ?? {}).filter((p) => p !== 'global');
    push('error', 'ProfileGeography', `${cap(label)}: ${region} is a sourced geographic source Region of '${fmId}', but it is in no `
      + `geography's sourced destination list and the model has several geographic profiles (${geoPrefixes.map((p) => `'${p}.'`).join(', ')}), `
      + `so the catalog cannot tell whether the '${prefix}.' profile serves ${region}. ${s.forms(record, parsed.input)}`
      + `If you verified that it can be called from ${region}, declare it: BedrockModel.of('${parsed.input}', { custom: { regions: ['${region}'] } }).`);
    return;
  }
  if (inNoGeography(catalog, region)) {
    push('warning', 'ProfileDataGap', `${cap(label)}: ${region} is a sourced geographic source Region of '${fmId}' but is missing from `
      + `the '${prefix}.' geography's sourced destination list (${geo.join(', ')}) and from every other geography's list, so which `
      + 'geographic profile serves it could not be checked; accepted, but the catalog data is incomplete here.');
    return;
  }
  push('error', 'ProfileGeography', `${cap(label)}: the '${prefix}.' geography (${geo.join(', ')}) does not include the stack's Region `
    + `${region}, which is in the ${catalog.geographiesOf(region).map((g) => `'${g}.'`).join(', ')} geography. `
    + s.forms(record, parsed.input));
}

/** Whether a source key of the catalog is AWS-authored (`sourceCatalog:AWS_*`: AWS documentation or AWS-owned data). */
export function isAwsSource(source: string): boolean {
  return /^sourceCatalog:AWS_/.test(source);
}

/**
 * A profile ID that only third parties list (no `sourceCatalog:AWS_*` source): accepted, with a warning that names its
 * sources and the AWS-documented forms of the model usable from the Region.
 */
function checkProfileAuthority(record: ModelRecord, parsed: ParsedModelId, region: string | undefined, catalog: ModelCatalog,
  s: Suggester, push: (l: FindingLevel, c: ModelFindingCode, m: string) => void, label: string) {
  const idSources = (record.inferenceProfiles?.profileIdSources ?? {})[parsed.profilePrefix!] ?? [];
  if (idSources.some(isAwsSource)) return;
  const documented = Object.entries(record.inferenceProfiles?.profileIds ?? {})
    .filter(([p, pid]) => pid && pid !== parsed.profileId && ((record.inferenceProfiles?.profileIdSources ?? {})[p] ?? []).some(isAwsSource))
    .map(([, pid]) => pid as string);
  if (record.onDemandRegions && record.onDemandRegions.length > 0) documented.push(record.modelId);
  const usable = s.awsForms(documented, region);
  push('warning', 'ThirdPartySource', `${cap(label)} is accepted on a third-party source only: `
    + `${idSources.length ? idSources.join(', ') : 'no source'} ${idSources.length > 1 ? 'list' : 'lists'} it, no AWS page read for the catalog (generated `
    + `${catalog.generatedAt}) documents it. ${usable
      ? `AWS documents ${usable}.`
      : `No AWS-documented form of '${record.modelId}' is usable${region ? ` from ${region}` : ''}.`} `
    + 'Check the model card on the AWS Bedrock documentation before relying on it.');
}

function lifeWhere(life: LifecycleState, region?: string): string {
  if (region) return ` in ${region}`;
  return life.regions ? ` in ${life.regions.join(', ')}` : '';
}

function conflictText(life: LifecycleState): string {
  return life.conflicts.length ? ` Note: a secondary source disagrees: ${life.conflicts.join('; ')}.` : '';
}

/** Classifies an ID the catalog does not know: alias, unversioned family, dropped revision or unknown. */
function unknownIdProblem(fmId: string, catalog: ModelCatalog, s: Suggester, prefix: string | undefined): { code: ModelFindingCode; message: string } {
  const aliasMatch = /^(.*?)([-:.]latest)(?=[-:.]|$)/i.exec(fmId);
  if (aliasMatch) {
    const family = aliasMatch[1];
    const where = aliasMatch[0].length < fmId.length ? ' inside the ID' : '';
    const list = s.family(prefix, (m) => m.modelId.startsWith(family), 'Write the pinned ID you mean, e.g.');
    return {
      code: 'Alias',
      message: `is an alias ('${aliasMatch[2]}'${where}) that can silently change behaviour; Bedrock model IDs are exact versions`
        + `${where ? ' (no AWS source lists a Bedrock model ID containing \'latest\')' : ''}. `
        + (list || 'Write an exact model ID from the catalog (ModelCatalog.default().all()).'),
    };
  }
  const revisioned = catalog.all().filter((m) => !m.idForm.contextVariantSuffix && m.modelId.startsWith(`${fmId}:`))
    .sort(compareRecency);
  if (revisioned.length > 0) {
    return {
      code: 'RevisionDropped',
      message: `drops the ':N' revision of an official revisioned ID, so it is not a pinned version. ${s.revisions(revisioned, prefix)}`.trim(),
    };
  }
  const members = (m: ModelRecord) => m.modelId.startsWith(fmId) && m.modelId !== fmId;
  if (catalog.all().some(members)) {
    const list = s.family(prefix, members, 'Write the pinned ID you mean, e.g.');
    return {
      code: 'Unversioned',
      message: 'is a model family or partial ID, not an exact model version. '
        + (list || `No model of this family has a sourced '${prefix}.' inference profile; write an exact model or profile ID from the catalog.`),
    };
  }
  return {
    code: 'UnknownModel',
    message: `is not in the model catalog (generated ${catalog.generatedAt}). ${s.nearest(fmId, prefix)}`
      + "If it is a model newer than the catalog, declare it: BedrockModel.of(id, { custom: { regions: ['<region>', ...] } }).",
  };
}
