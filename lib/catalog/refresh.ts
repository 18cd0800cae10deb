/**
 * Catalog refresh (maintainer tool, not part of the public construct API): builds a live snapshot of Bedrock
 * foundation models and system-defined inference profiles from `ListFoundationModels` + `ListInferenceProfiles`
 * in a set of Regions and diffs it against the vendored catalog (`lib/catalog/data/bedrock-models.json`).
 *
 * It never rewrites the vendored data: the diff is for a maintainer to review; `bin/refresh-catalog.ts --write`
 * emits the live snapshot to a separate file.
 *
 * Uses `@aws-sdk/client-bedrock` (a devDependency): do not export this module from `lib/index.ts`.
 *
 * API facts (from @aws-sdk/client-bedrock 3.1161.0 dist-types + schema in dist-cjs):
 * - ListFoundationModels (`GET /foundation-models`) has no pagination; `FoundationModelSummary.modelLifecycle` is
 *   `{ status: ACTIVE | LEGACY, startOfLifeTime?, endOfLifeTime?, legacyTime?, publicExtendedAccessTime? }`
 *   (Dates in the SDK). The API enum has no EOL value: end-of-life models disappear from the list.
 * - ListInferenceProfiles (`GET /inference-profiles`, `typeEquals` -> query `type`) pages with `nextToken`;
 *   each summary carries `inferenceProfileId`, `status` and `models[].modelArn` (the destination-Region
 *   foundation-model ARNs).
 */
import {
  BedrockClient,
  ListFoundationModelsCommand,
  paginateListInferenceProfiles,
  type FoundationModelSummary,
  type InferenceProfileSummary,
} from '@aws-sdk/client-bedrock';

/** Regions queried when none are given: the main commercial Bedrock Regions of the vendored catalog. */
export const DEFAULT_REFRESH_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-north-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1',
];

/** Lifecycle of one model in one Region as `ListFoundationModels` reports it (dates as `YYYY-MM-DD`). */
export interface LiveLifecycle {
  readonly status: string;
  readonly startOfLife?: string;
  readonly legacy?: string;
  readonly endOfLife?: string;
  readonly publicExtendedAccess?: string;
}

/** One Region's raw answer. */
export interface RegionListing {
  readonly region: string;
  readonly models: readonly FoundationModelSummary[];
  readonly profiles: readonly InferenceProfileSummary[];
}

export interface LiveModel {
  readonly modelId: string;
  readonly providerName?: string;
  readonly modelName?: string;
  /** Queried Regions whose ListFoundationModels lists the model (any inference type). */
  readonly listedRegions: string[];
  /** Queried Regions where `inferenceTypesSupported` includes ON_DEMAND. */
  readonly onDemandRegions: string[];
  /** Distinct `inferenceTypesSupported` values seen. */
  readonly inferenceTypes: string[];
  readonly lifecycleByRegion: Record<string, LiveLifecycle>;
  /** System-defined inference-profile IDs (from any queried Region) that route to this model. */
  readonly profileIds: string[];
}

export interface LiveProfile {
  readonly profileId: string;
  /** Queried Regions that list the profile (the Regions it can be called from). */
  readonly sourceRegions: string[];
  /** Regions of the foundation-model ARNs the profile routes to. */
  readonly destinationRegions: string[];
  readonly foundationModelIds: string[];
  readonly statusByRegion: Record<string, string>;
}

/** The live catalog snapshot (`--write` emits this JSON). */
export interface LiveSnapshot {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly regions: string[];
  readonly models: Record<string, LiveModel>;
  readonly profiles: Record<string, LiveProfile>;
}

/** The part of a vendored catalog record the diff reads (structural, so any catalog version fits). */
export interface CatalogRecordLike {
  readonly modelId: string;
  readonly onDemandRegions?: readonly string[] | null;
  readonly onDemandLegacyRegions?: readonly string[] | null;
  readonly inferenceProfiles?: {
    readonly profileIds?: Readonly<Record<string, string | null>> | null;
    readonly geoSourceRegions?: readonly string[] | null;
    readonly globalSourceRegions?: readonly string[] | null;
  } | null;
  readonly lifecycle?: {
    readonly status: string;
    readonly legacyDate?: string | null;
    readonly eolDate?: string | null;
    readonly publicExtendedAccessDate?: string | null;
    readonly appliesToRegions?: readonly string[] | null;
  } | null;
}

export interface CatalogLike {
  readonly generatedAt?: string;
  readonly models: readonly CatalogRecordLike[];
}

export interface LifecycleChange {
  readonly modelId: string;
  readonly region: string;
  readonly field: 'status' | 'legacyDate' | 'eolDate' | 'publicExtendedAccessDate';
  /** The vendored value (null = not sourced / not set). */
  readonly catalog: string | null;
  readonly live: string | null;
}

export interface RegionChange {
  readonly modelId: string;
  /** Queried Regions where the model is now on demand but the catalog does not list it. */
  readonly added: string[];
  /** Queried Regions the catalog lists as on demand where the live API does not offer it on demand. */
  readonly removed: string[];
  /** False when the catalog has no on-demand Region data for this model (null = not sourced). */
  readonly catalogSourced: boolean;
}

export interface CatalogDiff {
  readonly regions: string[];
  readonly catalogGeneratedAt?: string;
  readonly liveGeneratedAt: string;
  /** Live model IDs the catalog does not know. */
  readonly added: Array<{ modelId: string; regions: string[]; lifecycle: string[] }>;
  /**
   * Catalog model IDs that no queried Region lists although the catalog places them in at least one queried Region
   * (on demand or as a profile source Region), or has no Region data for them: retired, renamed or not offered.
   */
  readonly removed: Array<{ modelId: string; catalogRegions: string[] | null }>;
  readonly lifecycleChanges: LifecycleChange[];
  readonly regionChanges: RegionChange[];
  /** Live system-defined profile IDs that no catalog record lists. */
  readonly newProfiles: Array<{ profileId: string; foundationModelIds: string[]; sourceRegions: string[] }>;
}

/** Creates the client for one Region; tests pass one that points at a fake endpoint. */
export type BedrockClientFactory = (region: string) => BedrockClient;

export interface FetchOptions {
  readonly clientFactory?: BedrockClientFactory;
  /** Overrides the service endpoint (e.g. a local fake); `AWS_ENDPOINT_URL_BEDROCK` also works. */
  readonly endpoint?: string;
  /** Maximum concurrent Regions. @default 4 */
  readonly concurrency?: number;
}

/** Error raised when one Region cannot be listed; names the Region, the operation and the cause. */
export class RefreshError extends Error {
  constructor(public readonly region: string, public readonly operation: string, cause: unknown) {
    super(`${operation} failed in ${region}: ${describeError(cause)}`);
    this.name = 'RefreshError';
  }
}

export function defaultClientFactory(endpoint?: string): BedrockClientFactory {
  return (region) => new BedrockClient({ region, maxAttempts: 5, ...(endpoint ? { endpoint } : {}) });
}

/** Lists the foundation models and the system-defined inference profiles of one Region. */
export async function fetchRegion(region: string, client: BedrockClient): Promise<RegionListing> {
  let models: FoundationModelSummary[];
  try {
    const out = await client.send(new ListFoundationModelsCommand({}));
    models = out.modelSummaries ?? [];
  } catch (e) {
    throw new RefreshError(region, 'ListFoundationModels', e);
  }
  const profiles: InferenceProfileSummary[] = [];
  try {
    for await (const page of paginateListInferenceProfiles({ client, pageSize: 100 }, { typeEquals: 'SYSTEM_DEFINED' })) {
      profiles.push(...(page.inferenceProfileSummaries ?? []));
    }
  } catch (e) {
    throw new RefreshError(region, 'ListInferenceProfiles', e);
  }
  return { region, models, profiles };
}

/** Fetches every Region (bounded concurrency); fails with the first Region's error. */
export async function fetchRegions(regions: readonly string[], options: FetchOptions = {}): Promise<RegionListing[]> {
  const factory = options.clientFactory ?? defaultClientFactory(options.endpoint);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const results: RegionListing[] = new Array(regions.length);
  let next = 0;
  const worker = async () => {
    while (next < regions.length) {
      const i = next++;
      const client = factory(regions[i]);
      try {
        results[i] = await fetchRegion(regions[i], client);
      } finally {
        client.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, regions.length) }, worker));
  return results;
}

/** `arn:aws:bedrock:us-east-1::foundation-model/anthropic.x` -> `{ region, modelId }` */
export function parseFoundationModelArn(arn: string): { region: string; modelId: string } | undefined {
  const m = /^arn:[a-z-]+:bedrock:([a-z0-9-]*):[0-9]*:foundation-model\/(.+)$/.exec(arn);
  return m ? { region: m[1], modelId: m[2] } : undefined;
}

/** Builds the snapshot from per-Region listings (pure). */
export function buildSnapshot(listings: readonly RegionListing[], now: Date = new Date()): LiveSnapshot {
  const models = new Map<string, {
    providerName?: string; modelName?: string; listed: Set<string>; onDemand: Set<string>; types: Set<string>;
    lifecycle: Record<string, LiveLifecycle>; profiles: Set<string>;
  }>();
  const profiles = new Map<string, { sources: Set<string>; dest: Set<string>; fms: Set<string>; status: Record<string, string> }>();
  const modelEntry = (id: string) => {
    let e = models.get(id);
    if (!e) {
      e = { listed: new Set(), onDemand: new Set(), types: new Set(), lifecycle: {}, profiles: new Set() };
      models.set(id, e);
    }
    return e;
  };

  for (const l of listings) {
    for (const s of l.models) {
      if (!s.modelId) continue;
      const e = modelEntry(s.modelId);
      e.providerName ??= s.providerName;
      e.modelName ??= s.modelName;
      e.listed.add(l.region);
      for (const t of s.inferenceTypesSupported ?? []) e.types.add(t);
      if ((s.inferenceTypesSupported ?? []).includes('ON_DEMAND')) e.onDemand.add(l.region);
      if (s.modelLifecycle?.status) {
        const lc = s.modelLifecycle;
        e.lifecycle[l.region] = stripUndefined({
          status: lc.status as string,
          startOfLife: isoDate(lc.startOfLifeTime),
          legacy: isoDate(lc.legacyTime),
          endOfLife: isoDate(lc.endOfLifeTime),
          publicExtendedAccess: isoDate(lc.publicExtendedAccessTime),
        });
      }
    }
    for (const p of l.profiles) {
      if (!p.inferenceProfileId) continue;
      let pe = profiles.get(p.inferenceProfileId);
      if (!pe) {
        pe = { sources: new Set(), dest: new Set(), fms: new Set(), status: {} };
        profiles.set(p.inferenceProfileId, pe);
      }
      pe.sources.add(l.region);
      if (p.status) pe.status[l.region] = p.status;
      for (const m of p.models ?? []) {
        const parsed = m.modelArn ? parseFoundationModelArn(m.modelArn) : undefined;
        if (!parsed) continue;
        if (parsed.region) pe.dest.add(parsed.region);
        pe.fms.add(parsed.modelId);
      }
    }
  }
  for (const [profileId, pe] of profiles) {
    for (const fm of pe.fms) modelEntry(fm).profiles.add(profileId);
  }

  const sorted = (s: Iterable<string>) => [...s].sort();
  return {
    schemaVersion: 1,
    generatedAt: now.toISOString(),
    regions: listings.map((l) => l.region),
    models: Object.fromEntries([...models.keys()].sort().map((id) => {
      const e = models.get(id)!;
      return [id, stripUndefined({
        modelId: id,
        providerName: e.providerName,
        modelName: e.modelName,
        listedRegions: sorted(e.listed),
        onDemandRegions: sorted(e.onDemand),
        inferenceTypes: sorted(e.types),
        lifecycleByRegion: e.lifecycle,
        profileIds: sorted(e.profiles),
      }) as LiveModel];
    })),
    profiles: Object.fromEntries([...profiles.keys()].sort().map((id) => {
      const pe = profiles.get(id)!;
      return [id, {
        profileId: id,
        sourceRegions: sorted(pe.sources),
        destinationRegions: sorted(pe.dest),
        foundationModelIds: sorted(pe.fms),
        statusByRegion: pe.status,
      }];
    })),
  };
}

/** Diffs a live snapshot against the vendored catalog (pure). Only the snapshot's Regions are compared. */
export function diffSnapshot(snapshot: LiveSnapshot, catalog: CatalogLike): CatalogDiff {
  const queried = new Set(snapshot.regions);
  const byId = new Map(catalog.models.map((m) => [m.modelId, m]));
  const inQueried = (rs: readonly string[] | null | undefined) => (rs ?? []).filter((r) => queried.has(r));

  const added = Object.values(snapshot.models)
    .filter((m) => !byId.has(m.modelId) && m.listedRegions.length > 0)
    .map((m) => ({
      modelId: m.modelId,
      regions: m.listedRegions,
      lifecycle: [...new Set(Object.values(m.lifecycleByRegion).map((l) => l.status))].sort(),
    }));

  const removed: CatalogDiff['removed'] = [];
  const lifecycleChanges: LifecycleChange[] = [];
  const regionChanges: RegionChange[] = [];
  for (const rec of catalog.models) {
    const live = snapshot.models[rec.modelId];
    const catalogRegions = rec.onDemandRegions === null || rec.onDemandRegions === undefined
      ? null
      : [...new Set([...rec.onDemandRegions, ...(rec.inferenceProfiles?.geoSourceRegions ?? []),
        ...(rec.inferenceProfiles?.globalSourceRegions ?? [])])];
    if (!live || live.listedRegions.length === 0) {
      // Without Region data the catalog cannot say where to expect it, so absence everywhere queried is reported.
      if (catalogRegions === null || inQueried(catalogRegions).length > 0) {
        removed.push({ modelId: rec.modelId, catalogRegions: catalogRegions === null ? null : inQueried(catalogRegions).sort() });
      }
      continue;
    }
    lifecycleChanges.push(...lifecycleDiff(rec, live));
    const liveOnDemand = live.onDemandRegions;
    if (rec.onDemandRegions === null || rec.onDemandRegions === undefined) {
      if (liveOnDemand.length > 0) regionChanges.push({ modelId: rec.modelId, added: [...liveOnDemand], removed: [], catalogSourced: false });
    } else {
      const cat = new Set(inQueried(rec.onDemandRegions));
      const addedRegions = liveOnDemand.filter((r) => !cat.has(r));
      const removedRegions = [...cat].filter((r) => !liveOnDemand.includes(r)).sort();
      if (addedRegions.length || removedRegions.length) {
        regionChanges.push({ modelId: rec.modelId, added: addedRegions, removed: removedRegions, catalogSourced: true });
      }
    }
  }

  const knownProfiles = new Set<string>();
  for (const rec of catalog.models) {
    for (const v of Object.values(rec.inferenceProfiles?.profileIds ?? {})) if (v) knownProfiles.add(v);
  }
  const newProfiles = Object.values(snapshot.profiles)
    .filter((p) => !knownProfiles.has(p.profileId))
    .map((p) => ({ profileId: p.profileId, foundationModelIds: p.foundationModelIds, sourceRegions: p.sourceRegions }));

  return {
    regions: [...snapshot.regions],
    catalogGeneratedAt: catalog.generatedAt,
    liveGeneratedAt: snapshot.generatedAt,
    added,
    removed,
    lifecycleChanges,
    regionChanges,
    newProfiles,
  };
}

/**
 * Per queried Region where the live API lists the model: compares the catalog's status (judged the way the source
 * stated it: its `status` applies to `appliesToRegions`, or every Region when null) and dates with the live ones.
 */
function lifecycleDiff(rec: CatalogRecordLike, live: LiveModel): LifecycleChange[] {
  const out: LifecycleChange[] = [];
  const lc = rec.lifecycle;
  for (const [region, l] of Object.entries(live.lifecycleByRegion).sort(([a], [b]) => a.localeCompare(b))) {
    const applies = !!lc && (lc.appliesToRegions == null || lc.appliesToRegions.includes(region));
    let catalogStatus: string | null = applies ? lc!.status : null;
    // A Region the catalog marks Legacy on demand (Regional page "Legacy (EOL: ...)" cell) is LEGACY there.
    if (rec.onDemandLegacyRegions?.includes(region)) catalogStatus = 'LEGACY';
    if (catalogStatus === null && lc && !applies) catalogStatus = 'ACTIVE';
    if (catalogStatus !== l.status) {
      out.push({ modelId: rec.modelId, region, field: 'status', catalog: catalogStatus, live: l.status });
    }
    const pairs: Array<[LifecycleChange['field'], string | null, string | undefined]> = [
      ['legacyDate', applies ? lc!.legacyDate ?? null : null, l.legacy],
      ['eolDate', applies ? lc!.eolDate ?? null : null, l.endOfLife],
      ['publicExtendedAccessDate', applies ? lc!.publicExtendedAccessDate ?? null : null, l.publicExtendedAccess],
    ];
    for (const [field, cat, liveValue] of pairs) {
      if ((cat ?? null) !== (liveValue ?? null)) {
        out.push({ modelId: rec.modelId, region, field, catalog: cat ?? null, live: liveValue ?? null });
      }
    }
  }
  return out;
}

/** True when the diff has nothing to report. */
export function isEmptyDiff(d: CatalogDiff): boolean {
  return d.added.length + d.removed.length + d.lifecycleChanges.length + d.regionChanges.length + d.newProfiles.length === 0;
}

/** Human-readable report of a diff. */
export function formatDiff(d: CatalogDiff): string {
  const lines: string[] = [];
  lines.push(`Bedrock catalog refresh: live ${d.liveGeneratedAt} vs vendored ${d.catalogGeneratedAt ?? '(unknown date)'}`);
  lines.push(`Regions queried: ${d.regions.join(', ')}`);
  if (isEmptyDiff(d)) {
    lines.push('No differences in the queried Regions.');
    return lines.join('\n');
  }
  const section = (title: string, items: string[]) => {
    lines.push('', `${title} (${items.length})`);
    if (items.length === 0) lines.push('  (none)');
    for (const i of items) lines.push(`  ${i}`);
  };
  section('Added model IDs (live, not in the catalog)', d.added.map((a) =>
    `+ ${a.modelId}  [${a.regions.join(', ')}]${a.lifecycle.length ? `  lifecycle ${a.lifecycle.join('/')}` : ''}`));
  section('Removed model IDs (in the catalog, listed in no queried Region)', d.removed.map((r) =>
    `- ${r.modelId}  ${r.catalogRegions === null ? '(catalog has no Region data)' : `catalog Regions queried: ${r.catalogRegions.join(', ')}`}`));
  section('Lifecycle changes', d.lifecycleChanges.map((c) =>
    `~ ${c.modelId} ${c.region} ${c.field}: ${c.catalog ?? 'null'} -> ${c.live ?? 'null'}`));
  section('On-demand Region changes', d.regionChanges.map((c) =>
    `~ ${c.modelId}: ${c.added.length ? `+[${c.added.join(', ')}]` : ''}${c.added.length && c.removed.length ? ' ' : ''}`
    + `${c.removed.length ? `-[${c.removed.join(', ')}]` : ''}${c.catalogSourced ? '' : ' (catalog Regions not sourced)'}`));
  section('New inference profile IDs', d.newProfiles.map((p) =>
    `+ ${p.profileId} -> ${p.foundationModelIds.join(', ')}  from [${p.sourceRegions.join(', ')}]`));
  return lines.join('\n');
}

function isoDate(d: Date | string | undefined): string | undefined {
  if (d === undefined || d === null) return undefined;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? String(d) : date.toISOString().slice(0, 10);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `ThrottlingException: Rate exceeded (HTTP 429)` */
export function describeError(e: unknown): string {
  if (e && typeof e === 'object') {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    return `${err.name ?? 'Error'}: ${err.message ?? String(e)}${status ? ` (HTTP ${status})` : ''}`;
  }
  return String(e);
}
