import * as fs from 'fs';
import * as path from 'path';
import { parseModelId, tryParseModelId } from './model-id';
import { BedrockValidationError } from './errors';
import { CatalogData, ModelLifecycle, ModelRecord } from './types';

import type { InvocationForm } from '../contract';

/** How a model is invoked; decides which sourced rate applies (defined once, in the construct↔handler contract). */
export type { InvocationForm };

/** A lifecycle judged at a date in a Region. */
export interface LifecycleState {
  /** `UNKNOWN` when the catalog has no sourced lifecycle for the model. */
  readonly state: 'ACTIVE' | 'LEGACY' | 'EOL' | 'UNKNOWN';
  readonly legacyDate?: string;
  readonly eolDate?: string;
  /** Regions the legacy/EOL dates apply to (undefined = all). */
  readonly regions?: string[];
  readonly successor?: string;
  readonly source?: string;
  /** Secondary sources that disagree with the primary value (reported, never used to decide). */
  readonly conflicts: string[];
}

/** A sourced per-1M-token price at the rate of one invocation form. */
export interface ModelPrice {
  readonly foundationModelId: string;
  readonly invocationForm: InvocationForm;
  readonly inputPer1M: number;
  /** Null for embeddings models (priced per input token only). */
  readonly outputPer1M: number | null;
  readonly currency: string;
  /** Which rate this is, e.g. 'global cross-Region profile rate' or 'geo / in-Region rate'. */
  readonly rateBasis: string;
  readonly asOf: string | null;
  readonly approximate: boolean;
  readonly source: string[];
  readonly note?: string;
}

export interface CostEstimate {
  readonly modelId: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly inputUsd: number;
  readonly outputUsd: number;
  readonly totalUsd: number;
  readonly price: ModelPrice;
}

/** Filter for `ModelCatalog.filter`; every field narrows the result. */
export interface ModelFilter {
  /** @default - any provider */
  readonly provider?: string;
  /** Models accepting all of these input modalities (TEXT, IMAGE, VIDEO, AUDIO). @default - any */
  readonly inputModalities?: string[];
  /** Models producing all of these output modalities (TEXT, IMAGE, EMBEDDING ...). @default - any */
  readonly outputModalities?: string[];
  /** Offered on demand in this Region, or through an inference profile covering it. @default - any Region */
  readonly region?: string;
  /** `ON_DEMAND` or `INFERENCE_PROFILE` (as the catalog's `inferenceTypes`). @default - any */
  readonly inferenceType?: string;
  /** Lifecycle state at `now` (in `region` when given). @default - any */
  readonly lifecycle?: 'ACTIVE' | 'LEGACY' | 'EOL';
  /** Minimum sourced context window in tokens. @default - no minimum */
  readonly minContextWindow?: number;
  /** Embeddings models that support this output dimension. @default - any */
  readonly embeddingDimensions?: number;
  /** Date used to judge lifecycle. @default - today */
  readonly now?: Date;
}

/** What `ModelCatalog.select` must satisfy. A requirement whose value is not sourced for a model excludes that model. */
export interface SelectionRequirements {
  /** The token mix the cost is compared at (per request, or any period). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Task modality: required input modalities. @default ['TEXT'] */
  readonly inputModalities?: string[];
  /** Task modality: required output modalities. @default ['TEXT'] */
  readonly outputModalities?: string[];
  /** Minimum context window in tokens. @default - no minimum */
  readonly minContextWindow?: number;
  /** Minimum maximum-output tokens. @default - no minimum */
  readonly minOutputTokens?: number;
  /** The Region the caller runs in; the model must be usable from it. @default - Region not checked */
  readonly region?: string;
  /** Cross-Region inference allowed: 'none' (in-Region only), 'geo' (geographic profiles) or 'global'. @default 'global' */
  readonly crossRegion?: 'none' | 'geo' | 'global';
  /** Response streaming support required. @default false */
  readonly streaming?: boolean;
  /** Output dimension an embeddings model must support. @default - not checked */
  readonly embeddingDimensions?: number;
  /** Maximum estimated cost in USD at the stated token mix. @default - no maximum */
  readonly maxCostUsd?: number;
  /** Only these providers. @default - any */
  readonly providers?: string[];
  /** Date used to judge lifecycle. @default - today */
  readonly now?: Date;
}

export interface SelectionCandidate {
  /** The ID to invoke: the foundation-model ID or the inference-profile ID. */
  readonly modelId: string;
  readonly foundationModelId: string;
  readonly invocationForm: InvocationForm;
  readonly estimate: CostEstimate;
}

export interface SelectionResult {
  /** The cheapest model meeting every requirement, or undefined when none does. */
  readonly selected?: SelectionCandidate;
  /** Every model meeting the requirements, cheapest first. */
  readonly candidates: SelectionCandidate[];
  /** Every other model with the reasons it was excluded. */
  readonly excluded: Array<{ readonly modelId: string; readonly reasons: string[] }>;
}

const DATA_FILE = path.join(__dirname, 'data', 'bedrock-models.json');
const RETIRED_FILE = path.join(__dirname, 'data', 'retired-models.json');

/** One entry of `data/retired-models.json`: a model known to be retired that the reference carries no lifecycle for. */
export interface RetiredModel {
  readonly id: string;
  readonly family?: string;
  /** The sourced end-of-life date; null = retired, date not sourced. */
  readonly eolDate: string | null;
  /** Why it is taken as retired. */
  readonly evidence: string;
  readonly sources: ReadonlyArray<{ readonly title: string; readonly url: string }>;
  readonly checked: string;
}

/** The shape of `data/retired-models.json`. */
export interface RetiredModelsData {
  readonly models: readonly RetiredModel[];
}

/**
 * The data with the retired-models supplement applied: each listed model that has no lifecycle in the reference gets an
 * `EOL` lifecycle (its date where sourced) naming the evidence. A lifecycle the reference sources is never replaced.
 */
export function withRetired(data: CatalogData, retired: RetiredModelsData): CatalogData {
  const byId = new Map(retired.models.map((r) => [r.id, r]));
  return {
    ...data,
    models: data.models.map((m) => {
      const r = byId.get(m.modelId);
      if (!r || m.lifecycle) return m;
      const lifecycle: ModelLifecycle = {
        status: 'EOL',
        legacyDate: null,
        eolDate: r.eolDate,
        appliesToRegions: null,
        note: r.evidence,
        source: `lib/catalog/data/retired-models.json (checked ${r.checked}: ${r.eolDate ? '' : 'retired, date not sourced; '}`
          + `${r.sources.map((x) => x.url).join(', ')})`,
      };
      return { ...m, lifecycle };
    }),
  };
}

/** Today as an ISO date (YYYY-MM-DD). */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The sourced Amazon Bedrock model catalog: IDs, Regions, inference profiles, lifecycle dates, context windows,
 * embedding dimensions and prices, vendored from `shared/reference/bedrock-models.json` (sources in
 * `lib/catalog/data/SOURCES.md`). Facts that are not sourced are `null` and never guessed.
 */
export class ModelCatalog {
  /** The catalog vendored into this package. */
  public static default(): ModelCatalog {
    if (!ModelCatalog.defaultCatalog) {
      const data = JSON.parse(fs.readFileSync(DATA_FILE, 'utf8')) as CatalogData;
      const retired = JSON.parse(fs.readFileSync(RETIRED_FILE, 'utf8')) as RetiredModelsData;
      ModelCatalog.defaultCatalog = new ModelCatalog(withRetired(data, retired));
    }
    return ModelCatalog.defaultCatalog;
  }

  /** A catalog over other data of the same shape (e.g. a refreshed snapshot). */
  public static fromData(data: CatalogData): ModelCatalog {
    return new ModelCatalog(data);
  }

  private static defaultCatalog?: ModelCatalog;

  /** Date the data was generated. */
  public readonly generatedAt: string;
  /** The raw data. */
  public readonly data: CatalogData;
  private readonly byId = new Map<string, ModelRecord>();
  private readonly byLowerId = new Map<string, ModelRecord>();

  private constructor(data: CatalogData) {
    this.data = data;
    this.generatedAt = data.generatedAt;
    for (const m of data.models) {
      this.byId.set(m.modelId, m);
      this.byLowerId.set(m.modelId.toLowerCase(), m);
    }
  }

  /** The record of an exact foundation-model ID, or undefined. */
  public get(foundationModelId: string): ModelRecord | undefined {
    return this.byId.get(foundationModelId);
  }

  /** The record whose ID equals this one ignoring case (for "wrong case" suggestions). */
  public getIgnoringCase(id: string): ModelRecord | undefined {
    return this.byLowerId.get(id.toLowerCase());
  }

  public all(): readonly ModelRecord[] {
    return this.data.models;
  }

  /** Every foundation-model ID of the catalog (one array per catalog, for `looksLikeModelId`). */
  public modelIds(): readonly string[] {
    return this.ids ??= this.data.models.map((m) => m.modelId);
  }
  private ids?: readonly string[];

  /** Destination Regions a geography prefix might include (undefined: not sourced, or `global`). */
  public geographyRegions(prefix: string): string[] | undefined {
    const g = this.data.inferenceProfileGeographies.prefixes[prefix];
    return g?.destinationRegionsMightInclude ?? undefined;
  }

  /** Every known geography prefix. */
  public geographyPrefixes(): string[] {
    return Object.keys(this.data.inferenceProfileGeographies.prefixes);
  }

  /** Geography prefixes whose sourced destination list contains the Region. */
  public geographiesOf(region: string): string[] {
    return this.geographyPrefixes().filter((p) => (this.geographyRegions(p) ?? []).includes(region));
  }

  /** Commercial Regions the catalog knows (the Global source Regions on the Regional availability page). */
  public commercialRegions(): string[] {
    return this.data.regionsGlobalCommercialOnPage;
  }

  /**
   * The Region codes the reference data lists as Regions: the Global source Regions of the Regional availability page
   * and the sourced destination Regions of every geography (this includes the GovCloud Regions).
   */
  public listedRegions(): Set<string> {
    const out = new Set<string>(this.data.regionsGlobalCommercialOnPage);
    for (const p of this.geographyPrefixes()) for (const r of this.geographyRegions(p) ?? []) out.add(r);
    return out;
  }

  /** Every Region code that appears anywhere in the model records (availability, lifecycle, Knowledge Base, prices). */
  public knownRegions(): Set<string> {
    const out = this.listedRegions();
    for (const m of this.data.models) {
      for (const r of regionsMentioned(m)) out.add(r);
    }
    return out;
  }

  /** Lifecycle of a model judged at `now` in `region` (see SOURCES.md "Reading lifecycle at synth time"). */
  public lifecycleAt(record: ModelRecord, now: Date, region?: string): LifecycleState {
    return judgeLifecycle(record.lifecycle, now, region);
  }

  /**
   * How a model can be invoked from a Region, as the data sources it: in-Region on demand (the Region is one of
   * `onDemandRegions`), a geographic profile (a sourced profile ID, the Region is one of the model's sourced
   * `geoSourceRegions` and in the geography's sourced destination list) or the global profile (a sourced profile ID and
   * the Region is one of `globalSourceRegions`). A form whose Regions are not sourced is never returned.
   */
  public invocationOptions(record: ModelRecord, region: string): Array<{ modelId: string; form: InvocationForm }> {
    const out: Array<{ modelId: string; form: InvocationForm }> = [];
    if (record.idForm.contextVariantSuffix) return out;
    if ((record.onDemandRegions ?? []).includes(region)) out.push({ modelId: record.modelId, form: 'in-region' });
    const profiles = record.inferenceProfiles?.profileIds ?? {};
    const geoSources = record.inferenceProfiles?.geoSourceRegions ?? [];
    for (const [prefix, profileId] of Object.entries(profiles)) {
      if (!profileId || prefix === 'global') continue;
      const geo = this.geographyRegions(prefix);
      if (geo && geo.includes(region) && geoSources.includes(region)) {
        out.push({ modelId: profileId, form: 'geo-profile' });
      }
    }
    const globalId = profiles.global;
    if (globalId && (record.inferenceProfiles?.globalSourceRegions ?? []).includes(region)) {
      out.push({ modelId: globalId, form: 'global-profile' });
    }
    return out;
  }

  /**
   * Every invocation form of a model that is usable from at least one sourced Region (the union of
   * `invocationOptions` over the Regions the record lists), with those Regions. Empty when no availability is sourced.
   */
  public sourcedInvocationOptions(record: ModelRecord): Array<{ modelId: string; form: InvocationForm; regions: string[] }> {
    const regions = new Set<string>([
      ...(record.onDemandRegions ?? []),
      ...(record.inferenceProfiles?.geoSourceRegions ?? []),
      ...(record.inferenceProfiles?.globalSourceRegions ?? []),
    ]);
    const byId = new Map<string, { modelId: string; form: InvocationForm; regions: string[] }>();
    for (const r of regions) {
      for (const o of this.invocationOptions(record, r)) {
        const entry = byId.get(o.modelId) ?? { ...o, regions: [] };
        entry.regions.push(r);
        byId.set(o.modelId, entry);
      }
    }
    return [...byId.values()];
  }

  /** Models matching every field of the filter. */
  public filter(f: ModelFilter): ModelRecord[] {
    const now = f.now ?? new Date();
    return this.data.models.filter((m) => {
      if (f.provider && m.modelId.split('.')[0] !== f.provider.toLowerCase() && m.provider?.toLowerCase() !== f.provider.toLowerCase()) return false;
      if (f.inputModalities && !f.inputModalities.every((x) => (m.inputModalities ?? []).includes(x.toUpperCase()))) return false;
      if (f.outputModalities && !f.outputModalities.every((x) => (m.outputModalities ?? []).includes(x.toUpperCase()))) return false;
      if (f.region && this.invocationOptions(m, f.region).length === 0) return false;
      if (f.inferenceType && !(m.inferenceTypes ?? []).includes(f.inferenceType)) return false;
      if (f.lifecycle && this.lifecycleAt(m, now, f.region).state !== f.lifecycle) return false;
      if (f.minContextWindow !== undefined && (m.contextWindow ?? -1) < f.minContextWindow) return false;
      if (f.embeddingDimensions !== undefined && !(m.embedding?.dimensions ?? []).includes(f.embeddingDimensions)) return false;
      return true;
    });
  }

  /**
   * The sourced price of a model at the rate of its invocation form. `modelId` may be a foundation-model ID (in-Region
   * rate), a geographic profile ID (geo rate) or a `global.` profile ID (global rate). For models whose source gives a
   * single rate, that rate applies to every form. Of the record's figures (`pricePer1M` and its `alternatives`), the one
   * from the strongest source is used, as the reference README orders them ("Source strength": AWS toolkit pricing >
   * genai-prices > LiteLLM > the undated tutorial seed, whose figures are never used where a dated source exists).
   */
  public priceFor(modelId: string, form?: InvocationForm): ModelPrice | undefined {
    const parsed = tryParseModelId(modelId);
    const fmId = parsed?.foundationModelId ?? modelId;
    const record = this.get(fmId);
    const primary = record?.pricePer1M;
    if (!record || !primary) return undefined;
    const p = preferredPrice(primary);
    if (!p || p.input === null || p.input === undefined) return undefined;
    const invocationForm: InvocationForm = form
      ?? (parsed?.kind === 'inference-profile' ? (parsed.profilePrefix === 'global' ? 'global-profile' : 'geo-profile') : 'in-region');
    const split = p.geoOrInRegionInput !== undefined && p.geoOrInRegionInput !== null;
    const useGeo = split && invocationForm !== 'global-profile';
    return {
      foundationModelId: record.modelId,
      invocationForm,
      inputPer1M: useGeo ? p.geoOrInRegionInput! : p.input,
      outputPer1M: useGeo ? (p.geoOrInRegionOutput ?? null) : (p.output ?? null),
      currency: p.currency ?? primary.currency,
      rateBasis: split
        ? (useGeo ? 'geo (us./eu./au./jp.) or in-Region rate' : 'global cross-Region profile rate')
        : (p.basis ?? primary.basis ?? 'on-demand rate'),
      asOf: p.asOf ?? null,
      approximate: p.approximate,
      source: [...p.source],
      note: p.note,
    };
  }

  /**
   * Estimated on-demand cost in USD of `inputTokens` + `outputTokens` with a model, at the rate of its invocation form,
   * with the price's source and date. Throws when no price is sourced.
   */
  public estimateCost(modelId: string, inputTokens: number, outputTokens: number, form?: InvocationForm): CostEstimate {
    for (const [name, v] of [['inputTokens', inputTokens], ['outputTokens', outputTokens]] as const) {
      if (!Number.isFinite(v) || v < 0) {
        throw new BedrockValidationError('InvalidTokenCount', `estimateCost: ${name} must be a non-negative number of tokens, got ${v}.`);
      }
    }
    parseModelId(modelId);
    const price = this.priceFor(modelId, form);
    if (!price) {
      const fm = tryParseModelId(modelId)?.foundationModelId ?? modelId;
      const known = this.get(fm);
      throw new BedrockValidationError(known ? 'PriceNotSourced' : 'UnknownModel', known
        ? `estimateCost: the catalog (generated ${this.generatedAt}) has no sourced on-demand token price for '${fm}' `
          + '(image/video models, rerankers, Provisioned-Throughput variants and some newer models are not priced; see '
          + 'lib/catalog/data/SOURCES.md "Known gaps"). Use a priced model or compute the cost from the AWS pricing page.'
        : `estimateCost: '${fm}' is not in the model catalog (generated ${this.generatedAt}); check the ID `
          + '(ModelCatalog.default().get) or compute the cost from the AWS pricing page.');
    }
    if (price.outputPer1M === null && outputTokens > 0) {
      throw new BedrockValidationError('OutputNotPriced', `estimateCost: '${price.foundationModelId}' is priced per input token only (an embeddings model); `
        + `pass outputTokens = 0 (got ${outputTokens}).`);
    }
    const inputUsd = (inputTokens / 1_000_000) * price.inputPer1M;
    const outputUsd = (outputTokens / 1_000_000) * (price.outputPer1M ?? 0);
    return { modelId, inputTokens, outputTokens, inputUsd, outputUsd, totalUsd: inputUsd + outputUsd, price };
  }

  /**
   * The cheapest active, pinned model that meets the requirements at the stated token mix, with the reason each other
   * model was excluded. A requirement whose value is not sourced for a model excludes it (never a guess).
   */
  public select(req: SelectionRequirements): SelectionResult {
    const now = req.now ?? new Date();
    const inputs = (req.inputModalities ?? ['TEXT']).map((x) => x.toUpperCase());
    const outputs = (req.outputModalities ?? ['TEXT']).map((x) => x.toUpperCase());
    const crossRegion = req.crossRegion ?? 'global';
    const candidates: SelectionCandidate[] = [];
    const excluded: Array<{ modelId: string; reasons: string[] }> = [];
    const allowed = (form: InvocationForm) => form === 'in-region'
      || (form === 'geo-profile' && crossRegion !== 'none') || (form === 'global-profile' && crossRegion === 'global');
    for (const m of this.data.models) {
      const reasons: string[] = [];
      if (m.idForm.contextVariantSuffix) reasons.push(`Provisioned-Throughput-only context variant ':${m.idForm.contextVariantSuffix}'`);
      if (req.providers && !req.providers.map((p) => p.toLowerCase()).includes(m.modelId.split('.')[0])) reasons.push(`provider is not one of ${req.providers.join(', ')}`);
      if (!m.inputModalities) reasons.push('input modalities not sourced');
      else if (!inputs.every((x) => m.inputModalities!.includes(x))) reasons.push(`input modalities ${m.inputModalities.join('/')} lack ${inputs.filter((x) => !m.inputModalities!.includes(x)).join('/')}`);
      if (!m.outputModalities) reasons.push('output modalities not sourced');
      else if (!outputs.every((x) => m.outputModalities!.includes(x))) reasons.push(`output modalities ${m.outputModalities.join('/')} lack ${outputs.filter((x) => !m.outputModalities!.includes(x)).join('/')}`);
      if (req.minContextWindow !== undefined) {
        if (m.contextWindow === null) reasons.push('context window not sourced');
        else if (m.contextWindow < req.minContextWindow) reasons.push(`context window ${m.contextWindow} < ${req.minContextWindow}`);
      }
      if (req.minOutputTokens !== undefined) {
        if (m.maxOutputTokens === null) reasons.push('maximum output tokens not sourced');
        else if (m.maxOutputTokens < req.minOutputTokens) reasons.push(`maximum output tokens ${m.maxOutputTokens} < ${req.minOutputTokens}`);
      }
      if (req.streaming) {
        if (m.responseStreamingSupported === null || m.responseStreamingSupported === undefined) reasons.push('response streaming support not sourced');
        else if (!m.responseStreamingSupported) reasons.push('no response streaming');
      }
      if (req.embeddingDimensions !== undefined) {
        if (!m.embedding?.dimensions) reasons.push('embedding dimensions not sourced');
        else if (!m.embedding.dimensions.includes(req.embeddingDimensions)) reasons.push(`embedding dimensions ${m.embedding.dimensions.join('/')} exclude ${req.embeddingDimensions}`);
      }
      const life = this.lifecycleAt(m, now, req.region);
      if (life.state === 'UNKNOWN') reasons.push('lifecycle not sourced');
      else if (life.state !== 'ACTIVE') reasons.push(`lifecycle ${life.state} at ${isoDate(now)}${req.region ? ` in ${req.region}` : ''}`);

      let options: Array<{ modelId: string; form: InvocationForm }>;
      if (req.region) {
        if (!m.onDemandRegions && !m.inferenceProfiles?.geoSourceRegions && !m.inferenceProfiles?.globalSourceRegions) {
          reasons.push('Regional availability not sourced');
          options = [];
        } else {
          options = this.invocationOptions(m, req.region).filter((o) => allowed(o.form));
          if (options.length === 0) reasons.push(`not usable from ${req.region} (crossRegion '${crossRegion}')`);
        }
      } else {
        // No Region: only the invocation forms that are usable from some sourced Region, each at its own rate.
        const sourced = this.sourcedInvocationOptions(m);
        options = sourced.filter((o) => allowed(o.form));
        if (m.idForm.contextVariantSuffix) {
          // already excluded above
        } else if (sourced.length === 0) {
          reasons.push('Regional availability not sourced (no on-demand Region or inference-profile source Region)');
        } else if (options.length === 0) {
          reasons.push(`only invocable through ${[...new Set(sourced.map((o) => o.form))].join(' / ')}, which crossRegion '${crossRegion}' does not allow`);
        }
      }
      let best: SelectionCandidate | undefined;
      if (reasons.length === 0) {
        for (const o of options) {
          const price = this.priceFor(o.modelId, o.form);
          if (!price) continue;
          if (price.outputPer1M === null && req.outputTokens > 0) continue;
          const estimate = this.estimateCost(o.modelId, req.inputTokens, req.outputTokens, o.form);
          if (!best || estimate.totalUsd < best.estimate.totalUsd) {
            best = { modelId: o.modelId, foundationModelId: m.modelId, invocationForm: o.form, estimate };
          }
        }
        if (!best) reasons.push(m.pricePer1M ? 'priced per input token only, but the token mix has output tokens' : 'price not sourced');
        else if (req.maxCostUsd !== undefined && best.estimate.totalUsd > req.maxCostUsd) {
          reasons.push(`estimated cost $${best.estimate.totalUsd.toFixed(6)} > maximum $${req.maxCostUsd}`);
        }
      }
      if (reasons.length > 0 || !best) excluded.push({ modelId: m.modelId, reasons });
      else candidates.push(best);
    }
    candidates.sort((a, b) => a.estimate.totalUsd - b.estimate.totalUsd || a.modelId.localeCompare(b.modelId));
    return { selected: candidates[0], candidates, excluded };
  }
}

/** Judges a lifecycle record at a date in a Region (see SOURCES.md "Reading lifecycle at synth time"). */
export function judgeLifecycle(lc: ModelLifecycle | null, now: Date, region?: string): LifecycleState {
  if (!lc) return { state: 'UNKNOWN', conflicts: [] };
  const conflicts = (lc.conflicts ?? []).map((c) => `${c.claim} (${c.source})`);
  const base = {
    legacyDate: lc.legacyDate ?? undefined,
    eolDate: lc.eolDate ?? undefined,
    regions: lc.appliesToRegions ?? undefined,
    successor: lc.successor ?? undefined,
    source: lc.source ?? undefined,
    conflicts,
  };
  if (lc.appliesToRegions && region && !lc.appliesToRegions.includes(region)) {
    return { ...base, state: 'ACTIVE' };
  }
  const today = isoDate(now);
  if ((lc.eolDate && lc.eolDate <= today) || (lc.status === 'EOL' && !lc.eolDate)) return { ...base, state: 'EOL' };
  if ((lc.legacyDate && lc.legacyDate <= today) || (lc.status !== 'ACTIVE' && !lc.legacyDate) || lc.status === 'EOL') {
    return { ...base, state: 'LEGACY' };
  }
  return { ...base, state: 'ACTIVE' };
}

/** Region codes a record mentions (availability, lifecycle, Knowledge Base Regions, price rows). */
export function regionsMentioned(m: ModelRecord): string[] {
  const out: string[] = [];
  const ip = m.inferenceProfiles;
  for (const list of [m.onDemandRegions, m.onDemandLegacyRegions, ip?.geoSourceRegions, ip?.globalSourceRegions,
    ip?.geoLegacySourceRegions, ip?.globalLegacySourceRegions, m.lifecycle?.appliesToRegions, m.knowledgeBase?.regions]) {
    for (const r of list ?? []) out.push(r);
  }
  const p = m.pricePer1M;
  const priceRegions = [p?.region, ...(p?.alternatives ?? []).map((a) => a.region)];
  for (const r of priceRegions) if (typeof r === 'string') out.push(...r.split(',').map((x) => x.trim()).filter(Boolean));
  return out;
}

/** A price figure (the record's own or one of its alternatives) in one shape. */
interface PriceFigure {
  readonly input: number | null;
  readonly output: number | null;
  readonly currency?: string;
  readonly basis?: string | null;
  readonly asOf?: string | null;
  readonly approximate: boolean;
  readonly source: string[];
  readonly geoOrInRegionInput?: number | null;
  readonly geoOrInRegionOutput?: number | null;
  readonly note?: string;
}

/**
 * Strength of a price source, lower is stronger: the reference README's "Source strength" (AWS-authored toolkit
 * transcriptions of the AWS pricing page > genai-prices (AWS Price List API) > LiteLLM > the undated tutorial seed).
 */
function priceSourceRank(source: readonly string[]): number {
  const rank = (s: string) => {
    if (/AWS_TK_PRICING/.test(s)) return 1;
    if (/GENAI_PRICES/.test(s)) return 2;
    if (/LITELLM/.test(s)) return 3;
    if (/SEED/.test(s)) return 4;
    return 3;
  };
  return Math.min(...(source.length ? source.map(rank) : [5]));
}

/** The figure to use: the record's own unless an alternative comes from a stronger source. */
function preferredPrice(p: NonNullable<ModelRecord['pricePer1M']>): PriceFigure | undefined {
  let best: PriceFigure = p;
  let bestRank = priceSourceRank(p.source);
  for (const raw of p.alternatives ?? []) {
    const a = raw as Record<string, unknown>;
    const source = Array.isArray(a.source) ? (a.source as string[]) : [];
    if (typeof a.input !== 'number' || source.length === 0) continue;
    const rank = priceSourceRank(source);
    if (rank < bestRank) {
      best = {
        input: a.input,
        output: typeof a.output === 'number' ? a.output : null,
        currency: typeof a.currency === 'string' ? a.currency : p.currency,
        basis: p.basis,
        asOf: typeof a.asOf === 'string' ? a.asOf : null,
        approximate: a.approximate === true,
        source,
        geoOrInRegionInput: typeof a.geoOrInRegionInput === 'number' ? a.geoOrInRegionInput : undefined,
        geoOrInRegionOutput: typeof a.geoOrInRegionOutput === 'number' ? a.geoOrInRegionOutput : undefined,
        note: `${source.join(', ')} figure used in place of the record's ${p.source.join(', ')} figure `
          + `($${p.input}/${p.output === null ? '-' : `$${p.output}`}${p.approximate ? ', approximate' : ''}${p.asOf ? `, ${p.asOf}` : ', undated'}), `
          + 'following the reference README\'s source strength.',
      };
      bestRank = rank;
    }
  }
  return best;
}
