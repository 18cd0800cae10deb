/**
 * Finds Bedrock model identifiers in one resolved CloudFormation resource and judges each with the shared model-ID
 * policy (`lib/catalog/policy.ts`) in the Region it is called from (see `call-region.ts`). Places looked at (the table
 * in docs/checks.md lists them):
 * - IAM identity policies (Policy, ManagedPolicy, inline policies of Role/User/Group, SAM `Policies` documents):
 *   `Resource` ARNs of type `foundation-model`, `inference-profile`, `application-inference-profile`,
 *   `provisioned-model`;
 * - Lambda (and SAM) function environment variables, ECS container environment variables;
 * - SSM parameter values;
 * - Step Functions definitions (`Definition`, `DefinitionString` with `DefinitionSubstitutions`): the `ModelId` of
 *   `bedrock:invokeModel` and `aws-sdk:bedrockruntime:*` tasks;
 * - Knowledge Base embedding models, data-source parsing and context-enrichment models, agent foundation models, prompt
 *   variants, the model an application inference profile copies from.
 * Plain strings, comma-separated lists and JSON (objects and arrays, any key but `foundationModelId`) are read. In
 * free-form places a value counts as a model ID only when `looksLikeModelId` says so; fields that can only hold a model
 * are judged whatever the value looks like.
 */
import { ModelCatalog } from '../../catalog/catalog';
import { looksLikeModelId, tryParseModelId } from '../../catalog/model-id';
import { evaluateModelId, ModelFinding, ModelFindingCode } from '../../catalog/policy';
import { CallRegion, regionField, regionNote, RegionVariables } from './call-region';
import { hasInferenceProfileCondition, identityPolicyDocuments, isAllow, locatedList, statementsOf } from './iam';
import { displayValue, evaluateStrings, hasUnknown, REGION_MARKER } from './intrinsics';
import { stateMachineModelFields } from './state-machine';
import type { CallerRegion, CfnResourceJson, CheckContext, PathSegment, RegionSource, RuleLevel } from './types';

/** A model identifier found in a resource. */
export interface ModelReference {
  /** Property as shown, e.g. `Environment.Variables.MODELS[0].modelId`. */
  readonly where: string;
  /** Template path of the property from the resource (a value inside a JSON string ends at the string's property). */
  readonly path: readonly PathSegment[];
  /**
   * The foundation-model or inference-profile ID (never an ARN); for application-inference-profile and
   * provisioned-model ARNs the resource ID.
   */
  readonly id: string;
  /** The full value as written (ARN or ID), with unknown parts rendered. */
  readonly written: string;
  /** `hidden-model-arn`: an application-inference-profile or provisioned-model ARN, which hides its model. */
  readonly kind: 'id' | 'foundation-model-arn' | 'inference-profile-arn' | 'hidden-model-arn';
  /**
   * The Region the model is judged in: the ARN's Region for ARNs; for IDs the Region named beside them, else the
   * stack's. Undefined = not known; `''` = Region-less ARN; `'*'` = wildcard Region.
   */
  readonly region?: string;
  /** Where `region` came from. */
  readonly regionSource?: RegionSource;
  /** The field or variable that named the Region (`region`, `MODEL_REGION`). */
  readonly regionKey?: string;
  /** Whose variable named the Region. */
  readonly holder?: 'function' | 'container';
  /**
   * True for a foundation-model ARN in a statement limited to named inference profiles (a positive-match
   * `bedrock:InferenceProfileArn` condition, see `hasInferenceProfileCondition`).
   */
  readonly underProfileCondition: boolean;
  /**
   * `false` for a value the resource uses (a variable, an SSM value, a model field); otherwise the ARN is a grant (a
   * `Resource` of an IAM policy statement).
   */
  readonly inPolicy?: boolean;
  /**
   * Whether the resource uses the model in its own Region (a Knowledge Base's embedding model, a data source's parsing
   * model, an agent's model): a model ARN of another Region there cannot work. Elsewhere (a function's variable, an SSM
   * value) the Region in an ARN is where the model is called.
   */
  readonly ownRegion?: boolean;
  /**
   * For a foundation-model ARN granted without that condition in a destination Region of an inference profile that the
   * same resource grants: that profile's ID (the grant is a profile grant without the hardening condition).
   */
  readonly destinationOf?: string;
}

/**
 * Codes a model reference can be judged with: the policy's codes (`ModelFindingCode`), plus the scan's own:
 * `CrossRegionArn` (a foundation-model ARN of another, no or a wildcard Region, not for a granted profile) and
 * `ProfileGrantUnconditioned` (foundation-model ARNs for a granted profile's destinations without the
 * `bedrock:InferenceProfileArn` condition).
 */
export type ModelHitCode = ModelFindingCode | 'CrossRegionArn' | 'ProfileGrantUnconditioned';

/**
 * A judged problem of one model reference. Which rule reports it is up to the rules: each model rule declares the
 * codes it reports (`defineModelRule({ codes })`).
 */
export interface ModelHit {
  readonly level: RuleLevel;
  readonly code: ModelHitCode;
  /** Acknowledgement suffix. */
  readonly findingId: string;
  readonly modelId: string;
  /** What is wrong and how to fix it, without the place. */
  readonly detail: string;
  /** `<where> ('<written>'; judged in ...): <detail>`. */
  readonly message: string;
  readonly ref: ModelReference;
}

/** Codes that depend on the Region the model is called from. */
const REGION_CODES = new Set<ModelHitCode>(['NotInRegion', 'ProfileGeography', 'RegionNotSourced', 'RegionUnknown', 'ProfileDataGap', 'UnknownRegion']);
/** Region codes that say the model cannot be called in the judged Region. */
const NOT_CALLABLE_CODES = new Set<ModelHitCode>(['NotInRegion', 'ProfileGeography', 'RegionNotSourced']);
const LIFECYCLE_CODES = new Set<ModelHitCode>(['EndOfLife', 'Legacy', 'LifecycleConflict', 'LifecycleNotSourced']);

/** JSON keys whose values are not model references to judge: the model *behind* a profile. */
const NOT_A_REFERENCE_KEY = /^(foundation_?model_?id)$/i;

const MAX_JSON_DEPTH = 8;

/** Cheap pre-filter (`<provider-or-geo>.<model>...`) so that most strings never reach the parser. */
const MAYBE_MODEL_ID = /^[a-zA-Z0-9-]{1,63}\.[a-zA-Z0-9][a-zA-Z0-9._:-]*$/;

/** Where a value sits, and the Region named for it so far. */
interface Scope {
  readonly where: string;
  readonly path: readonly PathSegment[];
  readonly call: CallRegion;
  readonly holder?: 'function' | 'container';
}

function stackCall(ctx: CheckContext): CallRegion {
  return ctx.region ? { region: ctx.region, source: ctx.regionOrigin === 'option' ? 'option' : 'stack' } : {};
}

/** Model references of a resource. */
export function findModelReferences(resource: CfnResourceJson, ctx: CheckContext): ModelReference[] {
  const refs: ModelReference[] = [];
  const props = resource.Properties ?? {};
  const base = stackCall(ctx);
  const scanValue = (value: unknown, scope: Scope) => {
    for (const s of evaluateStrings(value, ctx)) scanString(s, scope, ctx, refs, 0);
  };
  const scanModelField = (value: unknown, scope: Scope) => {
    const from = refs.length;
    for (const s of evaluateStrings(value, ctx)) scanModelOnly(s, scope, ctx, refs);
    for (let i = from; i < refs.length; i++) refs[i] = { ...refs[i], ownRegion: true };
  };
  const at = (where: string, path: PathSegment[], call: CallRegion = base, holder?: Scope['holder']): Scope => ({ where, path, call, holder });

  refs.push(...policyReferences(resource, ctx));

  switch (resource.Type) {
    case 'AWS::Lambda::Function':
    case 'AWS::Serverless::Function': {
      const own = (props.Environment as Record<string, unknown> | undefined)?.Variables;
      // SAM: a function inherits Globals.Function.Environment.Variables; its own variables win.
      const inherited = resource.Type === 'AWS::Serverless::Function' ? ctx.samFunctionVariables ?? {} : {};
      const env = { ...inherited, ...(isRecord(own) ? own : {}) };
      const regions = new RegionVariables(env, ctx);
      for (const [k, v] of Object.entries(env)) {
        const named = regions.regionFor(k);
        const call: CallRegion = named ? { region: named.region, source: 'variable', key: named.key } : base;
        const global = !(isRecord(own) && k in own);
        scanValue(v, global
          ? at(`Globals.Function.Environment.Variables.${k}`, ['Globals', 'Function', 'Environment', 'Variables', k], call, 'function')
          : at(`Environment.Variables.${k}`, ['Properties', 'Environment', 'Variables', k], call, 'function'));
      }
      break;
    }
    case 'AWS::ECS::TaskDefinition': {
      const containers = props.ContainerDefinitions;
      if (!Array.isArray(containers)) break;
      containers.forEach((c, i) => {
        const list = isRecord(c) ? c.Environment : undefined;
        if (!Array.isArray(list)) return;
        const name = isRecord(c) && typeof c.Name === 'string' ? `(${c.Name})` : '';
        const vars: Record<string, unknown> = {};
        list.forEach((e) => {
          if (isRecord(e) && typeof e.Name === 'string') vars[e.Name] = e.Value;
        });
        const regions = new RegionVariables(vars, ctx);
        list.forEach((e, j) => {
          if (!isRecord(e) || typeof e.Name !== 'string') return;
          const named = regions.regionFor(e.Name);
          const call: CallRegion = named ? { region: named.region, source: 'variable', key: named.key } : base;
          scanValue(e.Value, at(`ContainerDefinitions[${i}]${name}.Environment.${e.Name}`,
            ['Properties', 'ContainerDefinitions', i, 'Environment', j, 'Value'], call, 'container'));
        });
      });
      break;
    }
    case 'AWS::SSM::Parameter':
      scanValue(props.Value, at('Value', ['Properties', 'Value']));
      break;
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::Serverless::StateMachine':
      for (const field of stateMachineModelFields(resource, ctx)) {
        scanModelOnly(field.value, at(field.where, field.path), ctx, refs);
      }
      break;
    case 'AWS::Bedrock::KnowledgeBase': {
      const vec = (props.KnowledgeBaseConfiguration as Record<string, unknown> | undefined)?.VectorKnowledgeBaseConfiguration;
      if (isRecord(vec)) {
        scanModelField(vec.EmbeddingModelArn, at('KnowledgeBaseConfiguration.VectorKnowledgeBaseConfiguration.EmbeddingModelArn',
          ['Properties', 'KnowledgeBaseConfiguration', 'VectorKnowledgeBaseConfiguration', 'EmbeddingModelArn']));
      }
      break;
    }
    case 'AWS::Bedrock::DataSource': {
      const ingestion = props.VectorIngestionConfiguration as Record<string, unknown> | undefined;
      const parsing = (ingestion?.ParsingConfiguration as Record<string, unknown> | undefined)?.BedrockFoundationModelConfiguration;
      if (isRecord(parsing)) {
        scanModelField(parsing.ModelArn, at('VectorIngestionConfiguration.ParsingConfiguration.BedrockFoundationModelConfiguration.ModelArn',
          ['Properties', 'VectorIngestionConfiguration', 'ParsingConfiguration', 'BedrockFoundationModelConfiguration', 'ModelArn']));
      }
      const enrichment = (ingestion?.ContextEnrichmentConfiguration as Record<string, unknown> | undefined)?.BedrockFoundationModelConfiguration;
      if (isRecord(enrichment)) {
        scanModelField(enrichment.ModelArn, at('VectorIngestionConfiguration.ContextEnrichmentConfiguration.BedrockFoundationModelConfiguration.ModelArn',
          ['Properties', 'VectorIngestionConfiguration', 'ContextEnrichmentConfiguration', 'BedrockFoundationModelConfiguration', 'ModelArn']));
      }
      break;
    }
    case 'AWS::Bedrock::Agent':
      scanModelField(props.FoundationModel, at('FoundationModel', ['Properties', 'FoundationModel']));
      break;
    case 'AWS::Bedrock::Prompt': {
      // A variant's ModelId may also name a SageMaker endpoint or a custom model: read as a free-form value.
      const variants = props.Variants;
      if (Array.isArray(variants)) {
        variants.forEach((v, i) => {
          if (isRecord(v)) scanValue(v.ModelId, at(`Variants[${i}].ModelId`, ['Properties', 'Variants', i, 'ModelId']));
        });
      }
      break;
    }
    case 'AWS::Bedrock::ApplicationInferenceProfile': {
      const src = props.ModelSource as Record<string, unknown> | undefined;
      if (src) scanModelField(src.CopyFrom, at('ModelSource.CopyFrom', ['Properties', 'ModelSource', 'CopyFrom']));
      break;
    }
    default:
      break;
  }
  return refs;
}

/**
 * Model ARNs granted by the identity policies of a resource. A foundation-model ARN granted (without the
 * `bedrock:InferenceProfileArn` condition) in a destination Region of an inference profile that the same resource
 * grants is marked `destinationOf` that profile.
 */
function policyReferences(resource: CfnResourceJson, ctx: CheckContext): ModelReference[] {
  const refs: ModelReference[] = [];
  for (const doc of identityPolicyDocuments(resource)) {
    for (const { where: sw, path, statement } of statementsOf(doc.where, doc.document, ctx, doc.path)) {
      if (!isAllow(statement)) continue;
      const underProfileCondition = hasInferenceProfileCondition(statement);
      const entries = locatedList(statement, 'Resource', path);
      const single = entries.length === 1 && entries[0].index === undefined;
      for (const e of entries) {
        const ref = parseModelArn(e.value, single ? `${sw}.Resource` : `${sw}.Resource[${e.index}]`, ctx, underProfileCondition, e.path);
        if (ref) refs.push({ ...ref, inPolicy: true });
      }
    }
  }
  const profiles = new Map<string, Array<{ profileId: string; region?: string }>>();
  for (const r of refs) {
    if (r.kind !== 'inference-profile-arn') continue;
    const parsed = tryParseModelId(r.id);
    if (!parsed?.foundationModelId || !parsed.profilePrefix) continue;
    const list = profiles.get(parsed.foundationModelId) ?? [];
    list.push({ profileId: r.id, region: r.region });
    profiles.set(parsed.foundationModelId, list);
  }
  if (profiles.size === 0) return refs;
  const catalog = ModelCatalog.default();
  return refs.map((r) => {
    if (r.kind !== 'foundation-model-arn' || r.underProfileCondition) return r;
    const granted = profiles.get(r.id);
    if (!granted) return r;
    // An in-Region grant of a model offered on demand there is a grant of its own.
    const record = catalog.get(r.id);
    if (r.region && r.region === ctx.region && record?.onDemandRegions?.includes(r.region)) return r;
    const profile = granted.find((p) => isDestination(r.region, p, catalog));
    return profile ? { ...r, destinationOf: profile.profileId } : r;
  });
}

/** Whether a Region (`''` Region-less, `'*'` any) is a destination of a profile called in `profile.region`. */
function isDestination(region: string | undefined, profile: { profileId: string; region?: string }, catalog: ModelCatalog): boolean {
  if (region === undefined) return false;
  if (region === '' || region === '*') return true;
  if (region === profile.region) return true;
  const prefix = tryParseModelId(profile.profileId)?.profilePrefix;
  if (!prefix) return false;
  const destinations = prefix === 'global' ? catalog.commercialRegions() : catalog.geographyRegions(prefix);
  // A geography whose destinations are not sourced cannot be checked: the ARN is taken as a destination (the finding
  // is then a warning that says so, never a Region error).
  return destinations ? destinations.includes(region) : true;
}

function scanString(s: string, scope: Scope, ctx: CheckContext, out: ModelReference[], depth: number): void {
  const v = s.trim();
  if (v.length === 0 || v.length > 200_000) return;
  if ((v.startsWith('{') || v.startsWith('[')) && depth < MAX_JSON_DEPTH) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      return;
    }
    walkJson(parsed, scope, ctx, out, depth + 1);
    return;
  }
  if (v.startsWith('arn:')) {
    const ref = parseModelArn(v, scope.where, ctx, false, scope.path);
    if (ref) out.push({ ...ref, inPolicy: false });
    return;
  }
  if (v.includes(',') && depth === 0) {
    // A comma-separated list (`MODELS=anthropic.claude-...,amazon.nova-...`): each item on its own.
    const items = v.split(',').map((x) => x.trim());
    items.forEach((item, i) => {
      if (item.length > 0 && !item.includes(',')) scanString(item, { ...scope, where: `${scope.where}[${i}]` }, ctx, out, MAX_JSON_DEPTH);
    });
    return;
  }
  if (hasUnknown(v) || !MAYBE_MODEL_ID.test(v)) return;
  if (looksLikeModelId(v, ModelCatalog.default().modelIds())) out.push(idReference(v, v, scope));
}

function idReference(id: string, written: string, scope: Scope): ModelReference {
  return {
    where: scope.where,
    path: scope.path,
    id,
    written,
    kind: 'id',
    region: scope.call.region,
    regionSource: scope.call.source,
    regionKey: scope.call.key,
    holder: scope.holder,
    underProfileCondition: false,
  };
}

/**
 * A value of a field that can only hold a model: judged as a model ID whatever it looks like (unknown parts skip it).
 * Bedrock ARNs of other model types (custom or imported models ...) and SageMaker ARNs are not judged.
 */
function scanModelOnly(s: string, scope: Scope, ctx: CheckContext, out: ModelReference[]): void {
  const v = s.trim();
  if (v.length === 0 || v.length > 2048) return;
  if (v.startsWith('arn:')) {
    const ref = parseModelArn(v, scope.where, ctx, false, scope.path);
    if (ref) {
      out.push({ ...ref, inPolicy: false });
      return;
    }
    const service = v.split(':')[2];
    if (hasUnknown(v) || service === 'bedrock' || service === 'sagemaker') return;
  } else if (hasUnknown(v)) {
    return;
  }
  out.push(idReference(s, displayValue(s), scope));
}

function walkJson(value: unknown, scope: Scope, ctx: CheckContext, out: ModelReference[], depth: number): void {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((el, i) => {
      const inner = { ...scope, where: `${scope.where}[${i}]` };
      if (typeof el === 'string') scanString(el, inner, ctx, out, MAX_JSON_DEPTH);
      else walkJson(el, inner, ctx, out, depth + 1);
    });
    return;
  }
  const obj = value as Record<string, unknown>;
  const named = regionField(obj);
  const here: Scope = named ? { ...scope, call: { region: named.region, source: 'json-field', key: named.key } } : scope;
  for (const [k, v] of Object.entries(obj)) {
    if (NOT_A_REFERENCE_KEY.test(k)) continue;
    const inner = { ...here, where: `${here.where}.${k}` };
    if (typeof v === 'string') {
      if (named && k === named.key) continue;
      scanString(v, inner, ctx, out, MAX_JSON_DEPTH);
    } else {
      walkJson(v, inner, ctx, out, depth + 1);
    }
  }
}

/**
 * Parses a Bedrock `foundation-model` / `inference-profile` ARN (with unknown parts from intrinsics), or an
 * `application-inference-profile` / `provisioned-model` ARN (kind `hidden-model-arn`). Returns undefined for anything
 * else and for wildcard or unknown resource IDs. The resource type says the ID is a model, so any other ID is returned
 * to be judged (an ID that is not a model ID at all becomes a `Syntax` finding).
 */
export function parseModelArn(arn: string, where: string, ctx: CheckContext, underProfileCondition: boolean,
  path: readonly PathSegment[] = []): ModelReference | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'bedrock') return undefined;
  const regionPart = parts[3];
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  if (slash < 0) return undefined;
  const type = resource.slice(0, slash);
  const id = resource.slice(slash + 1);
  const hidden = type === 'application-inference-profile' || type === 'provisioned-model';
  if (type !== 'foundation-model' && type !== 'inference-profile' && !hidden) return undefined;
  if (id.length === 0 || id.includes('*') || id.includes('?') || hasUnknown(id)) return undefined;
  let region: string | undefined;
  let regionSource: RegionSource | undefined = 'arn';
  if (regionPart === REGION_MARKER) {
    region = ctx.region;
    regionSource = ctx.region ? (ctx.regionOrigin === 'option' ? 'option' : 'stack') : undefined;
  } else if (regionPart === '') {
    region = '';
  } else if (regionPart.includes('*') || regionPart.includes('?') || hasUnknown(regionPart)) {
    region = '*';
  } else {
    region = regionPart;
  }
  return {
    where,
    path,
    id,
    written: displayValue(arn),
    kind: hidden ? 'hidden-model-arn' : type === 'foundation-model' ? 'foundation-model-arn' : 'inference-profile-arn',
    region,
    regionSource,
    underProfileCondition: type === 'foundation-model' && underProfileCondition,
  };
}

const policyCache = new Map<string, ModelFinding[]>();

function evaluateCached(id: string, region: string | undefined, now: Date): ModelFinding[] {
  const key = `${id}\u0000${region ?? ''}\u0000${now.toISOString().slice(0, 10)}`;
  let hit = policyCache.get(key);
  if (!hit) {
    hit = evaluateModelId(id, { region, now });
    if (policyCache.size > 5000) policyCache.clear();
    policyCache.set(key, hit);
  }
  return hit;
}

/** The foundation-model ID behind an ID (drops an inference-profile geography prefix). */
function foundationIdOf(id: string): string {
  return tryParseModelId(id)?.foundationModelId ?? id;
}

/**
 * Catalog phrases that read badly in a finding, rephrased: "offered on demand in: (no Region)", and "the stack's Region"
 * for a Region that is not the stack's (named beside the model, or in its ARN).
 */
function plainer(message: string, ref: ModelReference): string {
  let out = message.replace(/ It is offered on demand in: \(no Region\)\./, ' It is not offered on demand in any Region: call it through an inference profile.');
  if (ref.regionSource && ref.regionSource !== 'stack' && ref.regionSource !== 'option') out = out.replace(/the stack's Region /g, 'the Region ');
  return out;
}

/**
 * Judges one reference: policy findings in the Region it is called from, plus the scan's own ARN findings. `callers`:
 * the Regions the principals of the resource's policies call Bedrock in (a granted model ARN of such a Region is where
 * the model is called).
 */
export function judgeReference(given: ModelReference, ctx: CheckContext, callers: readonly CallerRegion[] = []): ModelHit[] {
  const hits: ModelHit[] = [];
  const caller = given.kind === 'foundation-model-arn' && given.inPolicy !== false && !given.underProfileCondition && !given.destinationOf
    && given.region && given.region !== ctx.region ? callers.find((c) => c.region === given.region) : undefined;
  const ref: ModelReference = caller ? { ...given, regionSource: 'caller', regionKey: caller.by } : given;
  const note = ref.region && ref.region !== '*' ? regionNote(ref.region, ref.regionSource, ref.regionKey, ref.holder) : '';
  const place = (withRegion: boolean) => `${ref.where} ('${ref.written}'${withRegion && note ? `; ${note}` : ''})`;
  const push = (level: RuleLevel, code: ModelHitCode, findingId: string, detail: string) => {
    const withRegion = REGION_CODES.has(code) || LIFECYCLE_CODES.has(code) || code === 'ProfileUnknown';
    hits.push({ level, code, findingId, modelId: ref.id, detail, message: `${place(withRegion)}: ${detail}`, ref });
  };
  if (ref.kind === 'hidden-model-arn') {
    // The template does not say which model runs behind such an ARN (the constructs learn it from
    // custom.sourceModelId, the checks cannot): a warning, so teams that use them can still gate on errors.
    const type = ref.written.includes(':provisioned-model/') ? 'provisioned-model' : 'application-inference-profile';
    push('warning', 'HiddenModel', ref.id, `a ${type} ARN hides the model it runs, so the checks cannot verify that model's pinning, `
      + 'Region or lifecycle. Make sure it copies from (or provisions) a pinned, active model offered in the Region, then acknowledge '
      + `Bedrock-ModelIdKnown[${ref.id}] with the model it runs as the reason.`);
    return hits;
  }
  const isFmArn = ref.kind === 'foundation-model-arn';
  let judgeRegion: string | undefined = ref.region;
  let dropRegionCodes = false;

  if (isFmArn && (ref.underProfileCondition || ref.destinationOf)) {
    // A destination-Region or Region-less FM ARN of an inference profile: the Region question belongs to the profile,
    // which is checked where its own ARN appears.
    dropRegionCodes = true;
    if (ref.region === '' || ref.region === '*') judgeRegion = undefined;
    if (ref.destinationOf) {
      // The Region is in the ARN the place shows, so that the places of one model share this text.
      push('warning', 'ProfileGrantUnconditioned', ref.id, `the foundation-model ARN grants '${ref.id}' as a destination of the `
        + `inference profile '${ref.destinationOf}' that this policy also grants, but the statement has no bedrock:InferenceProfileArn `
        + 'condition, so the grant is not limited to requests made through the profile. Harden it: move the foundation-model ARNs '
        + 'to a statement with Condition { "StringEquals": { "bedrock:InferenceProfileArn": "<ARN of the profile>" } } and keep the '
        + 'profile ARN in a statement without it (BedrockModel.grantInvoke writes it that way).');
    }
  } else if (isFmArn && ref.inPolicy !== false && (ref.region === '' || ref.region === '*')) {
    push('error', 'CrossRegionArn', ref.id, `a ${ref.region === '' ? 'Region-less' : 'wildcard-Region'} foundation-model ARN grants '${ref.id}' in every Region, `
      + 'but the statement has no bedrock:InferenceProfileArn condition naming inference-profile ARNs (StringEquals, StringLike, '
      + 'ArnEquals or ArnLike; "*", Null or negated operators do not count), and the policy grants no inference profile of the model. '
      + 'Grant the model in the Region it is called from (arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/<id>), or keep '
      + 'the Region-less ARN only for an inference profile: grant the profile ARN and add a condition { "StringEquals": '
      + '{ "bedrock:InferenceProfileArn": "<profile ARN>" } } (BedrockModel.grantInvoke does both).');
    dropRegionCodes = true;
    judgeRegion = undefined;
  } else if (isFmArn && ref.inPolicy !== false && !caller && ctx.region && ref.region && ref.region !== '' && ref.region !== '*' && ref.region !== ctx.region) {
    push('error', 'CrossRegionArn', ref.id, `the foundation-model ARN is in ${ref.region} but the stack is in ${ctx.region}, the statement `
      + 'has no bedrock:InferenceProfileArn condition naming inference-profile ARNs, and the policy grants no inference profile that '
      + `routes to ${ref.region}, so it only helps a caller that invokes the model in ${ref.region}. Use the Region the model is called `
      + 'from (${AWS::Region}); if the ARN is a destination of a cross-Region inference profile, grant that profile too and add a condition '
      + '{ "StringEquals": { "bedrock:InferenceProfileArn": "<profile ARN>" } } (BedrockModel.grantInvoke does this).');
  } else if (isFmArn && ref.inPolicy === false && !ref.ownRegion && ref.region === '') {
    push('error', 'RegionlessArn', ref.id, `a foundation-model ARN without a Region is not a model a request can name: an on-demand call `
      + `names the model ID or the Regional ARN of the Region it is made in. Write '${ref.id}' (judged in the Region the code calls) `
      + `or arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${ref.id}.`);
    dropRegionCodes = true;
    judgeRegion = undefined;
  } else if (isFmArn && ref.ownRegion && ctx.region && ref.region && ref.region !== ctx.region) {
    // A model the resource itself uses (a Knowledge Base's embedding model, a parsing model ...): Bedrock resources use
    // models of their own Region.
    push('error', 'CrossRegionArn', ref.id, `the foundation-model ARN ${ref.region === '' ? 'has no Region' : ref.region === '*'
      ? 'has a wildcard Region' : `is in ${ref.region}`}, but the resource is in ${ctx.region}, and it uses the model in its own Region. `
      + `Write the ARN of the model in ${ctx.region}: arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${ref.id}.`);
    if (ref.region === '' || ref.region === '*') {
      dropRegionCodes = true;
      judgeRegion = undefined;
    }
  }

  const region = judgeRegion === '' || judgeRegion === '*' ? undefined : judgeRegion;
  let findings = evaluateCached(ref.id, region, ctx.now);
  if (region && findings.some((f) => NOT_CALLABLE_CODES.has(f.code)) && !findings.some((f) => LIFECYCLE_CODES.has(f.code))) {
    // Not callable in that Region: its lifecycle there says nothing, but the model's own end of life (or legacy
    // period) is reported whatever the Region verdict.
    const life = evaluateCached(ref.id, undefined, ctx.now).filter((f) => f.code === 'EndOfLife' || f.code === 'Legacy');
    findings = [...findings, ...life];
  }
  if (findings.some((f) => f.code === 'EndOfLife')) {
    // Requests to an end-of-life model fail wherever it is called: its Region findings ("cannot be checked", or "use
    // the '<geo>.' profile" of the same dead model) add nothing; the fix is another model, whose Region is judged then.
    findings = findings.filter((f) => !REGION_CODES.has(f.code));
  }
  for (const f of findings) {
    if (dropRegionCodes && REGION_CODES.has(f.code)) continue;
    push(f.level, f.code, LIFECYCLE_CODES.has(f.code) ? foundationIdOf(ref.id) : ref.id, plainer(f.message, ref));
  }
  return hits;
}

const hitCache = new WeakMap<CfnResourceJson, WeakMap<CheckContext, ModelHit[]>>();

/** All model problems of a resource (cached per resource object and context object). */
export function modelHits(resource: CfnResourceJson, ctx: CheckContext, logicalId?: string): ModelHit[] {
  let byCtx = hitCache.get(resource);
  if (!byCtx) {
    byCtx = new WeakMap();
    hitCache.set(resource, byCtx);
  }
  let hits = byCtx.get(ctx);
  if (!hits) {
    const callers = logicalId !== undefined ? ctx.callerRegions?.get(logicalId) ?? [] : [];
    hits = findModelReferences(resource, ctx).flatMap((ref) => judgeReference(ref, ctx, callers));
    byCtx.set(ctx, hits);
  }
  return hits;
}

function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
