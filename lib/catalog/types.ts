/**
 * Types of the vendored model reference data (`lib/catalog/data/bedrock-models.json`, copied from
 * `shared/reference/bedrock-models.json` by `npm run catalog:vendor`). Field meanings, sources and known gaps
 * are in `lib/catalog/data/SOURCES.md`. A `null` always means "not sourced", never "false".
 */

/** Lifecycle of a model as its source page stated it on the snapshot day. Judge it by its dates (see `lifecycleAt`). */
export interface ModelLifecycle {
  readonly status: 'ACTIVE' | 'LEGACY' | 'EOL';
  readonly legacyDate: string | null;
  readonly eolDate: string | null;
  readonly publicExtendedAccessDate?: string | null;
  /** Regions the dates apply to; null = every Region. */
  readonly appliesToRegions: string[] | null;
  readonly note?: string | null;
  readonly source?: string | null;
  readonly conflicts?: ReadonlyArray<{ readonly claim: string; readonly source: string; readonly vs?: string }>;
  /** Sourced successor model ID, where a source names one. */
  readonly successor?: string | null;
}

/** On-demand price per 1M tokens in USD. */
export interface ModelPriceRecord {
  readonly input: number | null;
  readonly output: number | null;
  readonly currency: string;
  readonly region: string | null;
  readonly basis: string | null;
  readonly asOf: string | null;
  readonly approximate: boolean;
  readonly source: string[];
  readonly sourceLabel?: string;
  /** Geo (`us.`/`eu.`/`au.`/`jp.`) or in-Region rate, where it differs from the global rate. */
  readonly geoOrInRegionInput?: number | null;
  readonly geoOrInRegionOutput?: number | null;
  readonly unit?: string;
  readonly alternatives?: ReadonlyArray<Record<string, unknown>>;
  readonly note?: string;
}

export interface ModelEmbeddingRecord {
  readonly dimensions: number[] | null;
  readonly default: number | null;
  readonly normalize?: { readonly supported: boolean | null; readonly default: boolean | null } | null;
  readonly embeddingTypes?: string[] | null;
  readonly vectorTypes?: string[] | null;
  readonly requestField?: string;
  readonly source?: string;
  readonly note?: string;
}

export interface KnowledgeBaseSupportRecord {
  readonly supported: boolean;
  readonly dimensions?: number[] | null;
  readonly vectorTypes?: string[] | null;
  readonly regions?: string[] | null;
  readonly sources: string[];
  readonly note?: string;
  readonly conflict?: unknown;
  /** `cdkFlag` = only the CDK libraries' default flag says so (weaker than an AWS page). */
  readonly basis?: string;
}

export interface InferenceProfilesRecord {
  readonly geoSourceRegions: string[] | null;
  readonly globalSourceRegions: string[] | null;
  readonly geoLegacySourceRegions?: string[] | null;
  readonly globalLegacySourceRegions?: string[] | null;
  /** geography prefix -> exact system-defined inference-profile ID; null = a source says not supported. */
  readonly profileIds?: Record<string, string | null> | null;
  readonly profileIdSources?: Record<string, string[]> | null;
  readonly profileIdsNotSupported?: string[] | { readonly geos: string[]; readonly source: string } | null;
  /**
   * Profile IDs a third party lists but AWS does not document (the model card or the inference-profile support page lists
   * other geographies only), with their former sources and the evidence (reference data 2026-12-07).
   */
  readonly profileIdsNotDocumentedByAws?: ProfileIdNotDocumented[] | null;
  readonly note?: string;
}

/** A profile ID removed from `profileIds` because no AWS page documents it. */
export interface ProfileIdNotDocumented {
  readonly prefix: string;
  readonly profileId: string;
  readonly formerSources: string[];
  readonly evidence: string;
  readonly checked: string;
}

/** One model of the catalog (one entry of `models[]`). */
export interface ModelRecord {
  readonly modelId: string;
  readonly provider: string;
  readonly name: string | null;
  readonly cdkConstants?: string[];
  readonly idForm: {
    readonly baseId: string;
    readonly revision: number | null;
    readonly contextVariantSuffix: string | null;
    readonly pinned: boolean;
    readonly note?: string | null;
  };
  readonly replaceWith: string | null;
  readonly onRegionalAvailabilityPage: boolean;
  readonly inputModalities: string[] | null;
  readonly outputModalities: string[] | null;
  readonly responseStreamingSupported?: boolean | null;
  readonly inferenceTypes: string[] | null;
  readonly onDemandRegions: string[] | null;
  readonly onDemandLegacyRegions?: string[] | null;
  readonly inferenceProfiles: InferenceProfilesRecord | null;
  readonly regionalPageEolDate?: string | null;
  readonly lifecycle: ModelLifecycle | null;
  readonly launchDate?: string | null;
  readonly contextWindow: number | null;
  readonly maxOutputTokens: number | null;
  readonly limits?: { readonly source?: string[]; readonly contextWindowExtended?: number; readonly note?: string } | null;
  readonly embedding: ModelEmbeddingRecord | null;
  readonly pricePer1M?: ModelPriceRecord | null;
  readonly inferenceParameterConstraints?: {
    readonly temperatureAndTopPExclusive?: boolean;
    readonly note?: string;
    readonly sources?: string[];
  } | null;
  readonly knowledgeBase?: KnowledgeBaseSupportRecord | null;
  readonly knowledgeBaseGeneration?: { readonly supported: boolean; readonly sources: string[]; readonly note?: string } | null;
  readonly sources: string[];
  readonly notes?: string | null;
}

export interface GeographyRecord {
  readonly destinationRegions?: string;
  readonly destinationRegionsMightInclude?: string[] | null;
  readonly note?: string;
}

/** The whole vendored data file. */
export interface CatalogData {
  readonly description?: string;
  readonly snapshotDate?: string;
  readonly generatedAt: string;
  readonly regionsGlobalCommercialOnPage: string[];
  readonly models: ModelRecord[];
  readonly sourceCatalog: Record<string, { readonly title: string; readonly where?: string; readonly date?: string | null; readonly authority?: string }>;
  readonly inferenceProfileGeographies: {
    readonly source?: string[];
    readonly prefixes: Record<string, GeographyRecord>;
    readonly note?: string;
  };
  readonly knowledgeBaseFacts?: Record<string, unknown>;
}
