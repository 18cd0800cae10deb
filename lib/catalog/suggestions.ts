import { ModelCatalog, LifecycleState } from './catalog';
import { parseModelId, ParsedModelId } from './model-id';
import type { ModelFindingCode } from './policy';
import { ModelRecord } from './types';

/**
 * What the model-ID policy suggests instead of a model ID that fails. A suggestion names only what would pass synth in
 * the same Region on the same date: every ID a message recommends ("write", "use", "e.g.", "include", "migrate to",
 * "did you mean") has first been judged by the policy itself (`SuggestionContext.errorCodes`) and dropped when it has
 * an error finding. IDs named for another reason (the user's model, which is end-of-life) are named, never recommended.
 */

/** What suggestions are judged against. */
export interface SuggestionContext {
  readonly catalog: ModelCatalog;
  /** The date lifecycle is judged at. */
  readonly now: Date;
  /** The Region the model is called from; undefined = unknown (env-agnostic stack). */
  readonly region?: string;
  /**
   * The codes of the error findings synth reports for a catalog ID in a Region at `now` (none = it passes). The policy
   * passes its own judgement, so a suggestion and a model reference get one verdict.
   */
  readonly errorCodes: (id: string, region: string | undefined) => readonly ModelFindingCode[];
  /** Build no text at all: the caller only wants a verdict (a suggestion being judged). @default false */
  readonly quiet?: boolean;
}

/** One candidate of a ranked suggestion list. */
interface Suggestion {
  readonly id: string;
  /** 0 active and callable, 1 legacy and callable, 2 active elsewhere, 3 legacy elsewhere, 4 lifecycle unknown, 5 end-of-life. */
  readonly rank: number;
  readonly record: ModelRecord;
}

/**
 * Builds the "what to write instead" parts of the policy's messages, and remembers which IDs it recommended (each one
 * passes synth in the context's Region at its date) so that findings can carry them.
 */
export class Suggester {
  private named: string[] = [];

  constructor(private readonly ctx: SuggestionContext) {}

  /** The IDs recommended since the last call (each passes synth here), forgotten afterwards. */
  public take(): string[] {
    const out = [...new Set(this.named)];
    this.named = [];
    return out;
  }

  /** Whether synth accepts a catalog ID (no error finding) in the Region (default: the context's) at the context's date. */
  public passes(id: string, region: string | undefined = this.ctx.region): boolean {
    return this.ctx.errorCodes(id, region).length === 0;
  }

  /** "From R use 'a' or 'b'. " over the forms of a model that pass here, else where the model works elsewhere. */
  public forms(record: ModelRecord, except?: string): string {
    const { catalog, region } = this.ctx;
    if (this.ctx.quiet || !region) return '';
    const here = this.passingForms(record, except);
    if (here.length > 0) return `From ${region} use ${here.map((id) => this.recommend(id)).join(' or ')}. `;
    if (catalog.invocationOptions(record, region).some((o) => o.modelId !== except)) return ''; // callable here but failing (lifecycle): said by its own finding
    const elsewhere = catalog.sourcedInvocationOptions(record)
      .filter((o) => o.modelId !== except)
      .map((o) => ({ ...o, regions: o.regions.filter((r) => this.passes(o.modelId, r)) }))
      .filter((o) => o.regions.length > 0);
    if (elsewhere.length > 0) {
      return `No sourced invocation form of '${record.modelId}' is usable from ${region} (elsewhere: `
        + `${elsewhere.map((o) => `'${o.modelId}' from ${o.regions.join(', ')}`).join('; ')}). `;
    }
    return '';
  }

  /**
   * "'a' or 'b' (usable from R)" over the given AWS-documented IDs that pass here (the alternatives named next to a
   * third-party-only profile ID); '' when none passes.
   */
  public awsForms(ids: readonly string[], region: string | undefined = this.ctx.region): string {
    if (this.ctx.quiet) return '';
    const passing = ids.filter((id) => this.passes(id, region));
    if (passing.length === 0) return '';
    return `${passing.map((id) => this.recommend(id)).join(' or ')}${region ? ` (usable from ${region})` : ''}`;
  }

  /** "Invoke it as 'x' (from ...)" over the sourced forms that pass with the Region unknown (env-agnostic stack). */
  public anywhere(record: ModelRecord, except: string): string {
    if (this.ctx.quiet) return '';
    const forms = this.ctx.catalog.sourcedInvocationOptions(record).filter((o) => o.modelId !== except && this.passes(o.modelId));
    if (forms.length === 0) return '';
    return `Invoke it as ${forms.map((o) => `${this.recommend(o.modelId)} (from ${o.regions.join(', ')})`).join(' or ')}. `;
  }

  /**
   * What to use instead of a model that is end-of-life or legacy here: its sourced successor, else another version of
   * the same model, else active models of the same provider and output modalities; every one in a form that passes. When
   * every version of the model is end-of-life, it says so.
   */
  public successor(record: ModelRecord, life: LifecycleState, familyStated = false): string {
    if (this.ctx.quiet) return '';
    const { catalog, region } = this.ctx;
    const where = region ? ` from ${region}` : '';
    let unusable = '';
    for (const [what, id] of [['its successor', life.successor], ['its replacement', record.replaceWith]] as const) {
      const next = id ? catalog.get(id) : undefined;
      if (!next) continue;
      const form = this.passingForm(next);
      if (form) return `Migrate to ${what} ${this.recommend(form)}${form === next.modelId ? '' : ` (model '${next.modelId}')`}.`;
      unusable ||= `Its sourced ${what.replace(/^its /, '')} '${next.modelId}' cannot be used${where} either. `;
    }
    const family = this.rank(undefined, (m) => m.modelId !== record.modelId && sameModel(m, record));
    const versions = family.filter((s) => this.passes(s.id)).slice(0, 3);
    if (versions.length > 0) {
      return `${unusable}Other versions of this model that work${where}: ${versions.map((s) => this.recommend(s.id)).join(', ')}.`;
    }
    const allEol = !familyStated && family.length > 0 && family.every((s) => s.rank === 5) && catalog.lifecycleAt(record, this.ctx.now, region).state === 'EOL';
    const familyText = allEol
      ? `Every version of '${familyName(record)}' is end-of-life${region ? ` in ${region}` : ''} (also ${family.slice(0, 4).map((s) => `'${s.record.modelId}'`).join(', ')}${family.length > 4 ? ', ...' : ''}). `
      : '';
    return `${unusable}${familyText}${this.alternatives(record)}`;
  }

  /** "No successor is sourced; active <provider> models ... include 'a', 'b'." (only IDs that pass). */
  private alternatives(record: ModelRecord): string {
    const { region } = this.ctx;
    const provider = record.modelId.split('.')[0];
    const alternatives = this.rank(undefined, (m) => m.modelId !== record.modelId && m.modelId.split('.')[0] === provider && sameModality(m, record))
      .filter((s) => s.rank === 0 && this.passes(s.id)).slice(0, 3);
    return alternatives.length
      ? `No successor is sourced; active ${provider} models with the same modalities${region ? ` callable from ${region}` : ''} include `
        + `${alternatives.map((s) => this.recommend(s.id)).join(', ')}.`
      : 'No successor is sourced; pick an active model with ModelCatalog.default().select(...).';
  }

  /** What to write for a model the user meant but cannot use as written: its forms that pass here, else its successor. */
  public instead(record: ModelRecord, except?: string, familyStated = false): string {
    if (this.ctx.quiet) return '';
    const forms = this.forms(record, except);
    if (forms.startsWith('From ')) return forms.trim();
    return this.successor(record, this.ctx.catalog.lifecycleAt(record, this.ctx.now, this.ctx.region), familyStated);
  }

  /** "For on-demand use write X" for the base model of a Provisioned-Throughput variant, only where X passes. */
  public onDemandBase(base: ModelRecord, prefix: string | undefined): string {
    const { catalog, now, region } = this.ctx;
    const form = workingForm(base, catalog, region, prefix);
    if (!this.ctx.quiet && form && this.passes(form.id)) return `For on-demand use write ${this.recommend(form.id)}; `;
    const state = catalog.lifecycleAt(base, now, region).state;
    const where = region ? ` from ${region}` : '';
    return `Its on-demand model '${base.modelId}' is not sourced as usable${where}`
      + (prefix && !display(base, prefix) ? ` (and has no sourced '${prefix}.' profile)` : '')
      + (state === 'EOL' ? ' (it is end-of-life)' : '') + '; ';
  }

  /**
   * "e.g. 'a', 'b' (newest active first)" over the models a predicate picks that pass here; when none passes, which of
   * them fail and why (every version end-of-life, or none callable from the Region), and what to use instead.
   */
  public family(prefix: string | undefined, pred: (m: ModelRecord) => boolean, lead: string): string {
    if (this.ctx.quiet) return '';
    const { region } = this.ctx;
    const list = this.rank(prefix, pred);
    if (list.length === 0) return '';
    const ok = list.filter((s) => this.passes(s.id)).slice(0, 4);
    if (ok.length > 0) {
      const label = ok[0].rank === 0 ? 'newest active first' : 'legacy, newest first';
      return `${lead} ${ok.map((s) => this.recommend(s.id)).join(', ')} (${label}).`;
    }
    const where = region ? ` from ${region}` : '';
    const allEol = list.every((s) => s.rank === 5);
    const shown = list.slice(0, 4).map((s) => `'${s.id}'${allEol ? '' : ` (${this.whyNot(s.id)})`}`).join(', ') + (list.length > 4 ? ', ...' : '');
    const newest = [...list].sort((a, b) => compareRecency(a.record, b.record))[0];
    return `${allEol ? `Every version of it is end-of-life${region ? ` in ${region}` : ''}` : 'No version of it passes synth'}: `
      + `${shown}; none of them is active and callable${where}. ${this.instead(newest.record, newest.id, allEol)}`;
  }

  /** The revisioned IDs of an ID written without its ':N' revision: those that pass, else why they fail and what instead. */
  public revisions(revisioned: ModelRecord[], prefix: string | undefined): string {
    if (this.ctx.quiet) return '';
    const ok = revisioned.map((m) => display(m, prefix)).filter((id): id is string => !!id && this.passes(id));
    if (ok.length > 0) return `Write ${ok.slice(0, 4).map((id) => this.recommend(id)).join(', ')}.`;
    const shown = revisioned.slice(0, 4).map((m) => {
      const id = display(m, prefix);
      return id ? `'${id}' (${this.whyNot(id)})` : `'${m.modelId}' (no '${prefix}.' profile of it is sourced)`;
    });
    return `Its pinned ${shown.length > 1 ? 'forms are' : 'form is'} ${shown.join(', ')}, which would fail too. ${this.instead(revisioned[0], display(revisioned[0], prefix))}`;
  }

  /** "Did you mean 'a', 'b'? " over the catalog models nearest by spelling, each in a form that passes here. */
  public nearest(fmId: string, prefix: string | undefined): string {
    if (this.ctx.quiet) return '';
    const { catalog } = this.ctx;
    const shown: string[] = [];
    let closest = '';
    for (const [i, x] of nearestIds(fmId, catalog, 3).entries()) {
      const record = catalog.get(x)!;
      const own = prefix ? display(record, prefix) : x;
      if (own && this.passes(own)) {
        shown.push(this.recommend(own));
        continue;
      }
      const form = this.passingForm(record);
      if (form) shown.push(`${this.recommend(form)} (model '${x}')`);
      else if (i === 0 && own) closest = `The closest catalog ID, '${own}', cannot be used here (${this.whyNot(own)}). ${this.instead(record, own)} `;
    }
    return `${shown.length ? `Did you mean ${shown.join(', ')}? ` : ''}${closest}`;
  }

  /** A short reason why an ID fails here, from its first error code. */
  public whyNot(id: string): string {
    const { region } = this.ctx;
    const code = this.ctx.errorCodes(id, region)[0];
    switch (code) {
      case 'EndOfLife': return `end-of-life${region ? ` in ${region}` : ''}`;
      case 'NotInRegion': case 'ProfileGeography': return `not callable${region ? ` from ${region}` : ' from any sourced Region'}`;
      case 'RegionNotSourced': return 'its Regions are not sourced';
      case undefined: return 'usable';
      default: return `fails with ${code}`;
    }
  }

  private recommend(id: string): string {
    this.named.push(id);
    return `'${id}'`;
  }

  /** The sourced invocation forms of a model usable from the Region that pass (the in-Region ID first). */
  private passingForms(record: ModelRecord, except?: string): string[] {
    const { catalog, region } = this.ctx;
    const usable = region ? catalog.invocationOptions(record, region) : catalog.sourcedInvocationOptions(record);
    return usable.map((o) => o.modelId).filter((id) => id !== except && this.passes(id));
  }

  /** The first form of a model that passes here, if any. */
  private passingForm(record: ModelRecord): string | undefined {
    return this.passingForms(record)[0];
  }

  private rank(prefix: string | undefined, pred: (m: ModelRecord) => boolean): Suggestion[] {
    return rankSuggestions(this.ctx.catalog, this.ctx.now, this.ctx.region, prefix, pred);
  }
}

/** Same provider and model name (`claude-3-5-sonnet` of `...-20240620-v1:0` and `...-20241022-v2:0`), PT variants excluded. */
function sameModel(a: ModelRecord, b: ModelRecord): boolean {
  if (a.idForm.contextVariantSuffix) return false;
  return familyName(a) === familyName(b);
}

/** `<provider>.<model name>`, e.g. `anthropic.claude-3-5-sonnet`. */
function familyName(m: ModelRecord): string {
  return recordFacts(m).family;
}

/**
 * A catalog record's parsed ID, family name and name version, worked out once per record: ranking compares every
 * record of the catalog with every other, and parsing was most of the time of judging a catalog ID (bench-validation).
 */
function recordFacts(m: ModelRecord): RecordFacts {
  let facts = FACTS.get(m);
  if (!facts) {
    const parsed = parseModelId(m.modelId);
    facts = { parsed, family: `${parsed.provider}.${parsed.modelName}`, version: nameVersion(parsed.modelName) };
    FACTS.set(m, facts);
  }
  return facts;
}
interface RecordFacts { readonly parsed: ParsedModelId; readonly family: string; readonly version: number[] }
const FACTS = new WeakMap<ModelRecord, RecordFacts>();

function sameModality(a: ModelRecord, b: ModelRecord): boolean {
  return JSON.stringify(a.outputModalities ?? []) === JSON.stringify(b.outputModalities ?? []) && (b.outputModalities?.length ?? 0) > 0;
}

/** The ID a suggestion writes for a record: with the user's profile prefix only where that profile ID is sourced. */
export function display(record: ModelRecord, prefix: string | undefined): string | undefined {
  if (!prefix) return record.modelId;
  const id = record.inferenceProfiles?.profileIds?.[prefix];
  return id ?? undefined;
}

/**
 * The form of a model to suggest: with a profile prefix, that sourced profile; otherwise the first sourced form
 * usable from the Region (in-Region, then geographic, then global), or from any sourced Region when the Region is
 * unknown. `callable` = the form is sourced as usable there.
 */
function workingForm(record: ModelRecord, catalog: ModelCatalog, region: string | undefined, prefix?: string): { id: string; callable: boolean } | undefined {
  const usable = region ? catalog.invocationOptions(record, region) : catalog.sourcedInvocationOptions(record);
  if (prefix) {
    const id = display(record, prefix);
    return id ? { id, callable: usable.some((o) => o.modelId === id) } : undefined;
  }
  if (usable.length > 0) return { id: usable[0].modelId, callable: true };
  return { id: record.modelId, callable: false };
}

/** Version numbers of a model name, e.g. [4, 5] for `claude-opus-4-5`, [3, 2] for `llama3-2-90b-instruct`. */
function nameVersion(modelName: string | undefined): number[] {
  const out: number[] = [];
  for (const token of (modelName ?? '').split('-')) {
    const m = /^[a-z]*(\d+(?:\.\d+)?)$/.exec(token);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

/**
 * Newest first: the version numbers in the model name (`claude-opus-5-5` > `claude-opus-4-8` > `claude-opus-4-5`), then
 * the sourced release date (the record's `launchDate`, else the date in the ID), then the `-vN` version and `:N` revision.
 */
export function compareRecency(a: ModelRecord, b: ModelRecord): number {
  const { parsed: pa, version: va } = recordFacts(a);
  const { parsed: pb, version: vb } = recordFacts(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const d = (vb[i] ?? -1) - (va[i] ?? -1);
    if (d !== 0) return d;
  }
  const date = (m: ModelRecord, p: ParsedModelId) => m.launchDate ?? (p.date ? `${p.date.slice(0, 4)}-${p.date.slice(4, 6)}-${p.date.slice(6)}` : '');
  const da = date(a, pa);
  const db = date(b, pb);
  if (da !== db) return db.localeCompare(da);
  const vn = (p: ParsedModelId) => Number((p.version ?? 'v-1').slice(1));
  if (vn(pa) !== vn(pb)) return vn(pb) - vn(pa);
  if ((pa.revision ?? -1) !== (pb.revision ?? -1)) return (pb.revision ?? -1) - (pa.revision ?? -1);
  return b.modelId.localeCompare(a.modelId);
}

/** Records matching a predicate as suggestions, active and callable ones first, newest first; PT variants left out. */
function rankSuggestions(catalog: ModelCatalog, now: Date, region: string | undefined, prefix: string | undefined,
  pred: (m: ModelRecord) => boolean): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of catalog.all()) {
    if (m.idForm.contextVariantSuffix || !pred(m)) continue;
    const form = workingForm(m, catalog, region, prefix);
    if (!form) continue; // never invent a profile ID
    const state = catalog.lifecycleAt(m, now, region).state;
    const rank = state === 'EOL' ? 5 : state === 'UNKNOWN' ? 4 : (state === 'ACTIVE' ? 0 : 1) + (form.callable ? 0 : 2);
    // A usable model is shown in the form that works; an end-of-life or unsourced one by the ID the user meant.
    out.push({ id: rank >= 4 ? display(m, prefix)! : form.id, rank, record: m });
  }
  return out.sort((a, b) => a.rank - b.rank || compareRecency(a.record, b.record));
}

/** IDs matching a predicate, active ones first, newest first; Provisioned-Throughput variants left out. */
export function newestActive(catalog: ModelCatalog, now: Date, region: string | undefined, pred: (m: ModelRecord) => boolean): string[] {
  return rankSuggestions(catalog, now, region, undefined, pred).map((s) => s.record.modelId);
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

/** Edit distance (insertions, deletions, substitutions) of two strings. */
export function levenshtein(a: string, b: string): number {
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
