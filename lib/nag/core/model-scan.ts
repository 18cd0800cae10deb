/**
 * Finds Bedrock model identifiers in one resolved CloudFormation resource and judges each with the shared model-ID
 * policy (`lib/catalog/policy.ts`). Places looked at:
 * - IAM identity policies (Policy, ManagedPolicy, inline policies of Role/User/Group): `Resource` ARNs of type
 *   `foundation-model` and `inference-profile`;
 * - Lambda (and SAM) function environment variables;
 * - SSM parameter values;
 * - Knowledge Base embedding model ARNs, data-source parsing model ARNs, agent foundation models and the model an
 *   application inference profile copies from.
 * Plain strings and JSON values (any `modelId` / `modelArn` field, e.g. the runtime model configuration) are read.
 * In free-form places (environment variables, parameter values, JSON) a value counts as a model ID only when
 * `looksLikeModelId` says so. In fields that can only hold a model (the Bedrock resource fields above) every resolved
 * value is judged, so a value that is not a model identifier at all is a `Syntax` finding. Inside `foundation-model` and
 * `inference-profile` ARNs the resource type says the ID is a model, so it is judged whatever it looks like.
 */
import { looksLikeModelId, tryParseModelId } from '../../catalog/model-id';
import { ModelCatalog } from '../../catalog/catalog';
import { evaluateModelId, ModelFinding, ModelFindingCode } from '../../catalog/policy';
import { asList, hasInferenceProfileCondition, identityPolicyDocuments, isAllow, statementsOf } from './iam';
import { displayValue, evaluateStrings, hasUnknown, REGION_MARKER } from './intrinsics';
import type { CfnResourceJson, CheckContext, RuleLevel } from './types';

/** A model identifier found in a resource. */
export interface ModelReference {
  /** Property path, e.g. `Environment.Variables.MODEL_ID`. */
  readonly where: string;
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
   * The Region the model is judged in: the ARN's Region for ARNs, the stack's Region for bare IDs. Undefined = not
   * known; `''` = Region-less ARN; `'*'` = wildcard Region.
   */
  readonly region?: string;
  /**
   * True for a foundation-model ARN in a statement limited to named inference profiles (a positive-match
   * `bedrock:InferenceProfileArn` condition, see `hasInferenceProfileCondition`).
   */
  readonly underProfileCondition: boolean;
}

/**
 * Codes a model reference can be judged with: the policy's codes (`ModelFindingCode`), plus `CrossRegionArn`, which the
 * scan itself reports for foundation-model ARNs of another (or no, or a wildcard) Region.
 */
export type ModelHitCode = ModelFindingCode | 'CrossRegionArn';

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
  readonly message: string;
}

/** Codes that depend on the Region the model is called from. */
const REGION_CODES = new Set<ModelHitCode>(['NotInRegion', 'ProfileGeography', 'RegionNotSourced', 'RegionUnknown', 'ProfileDataGap', 'UnknownRegion']);
const LIFECYCLE_CODES = new Set<ModelHitCode>(['EndOfLife', 'Legacy', 'LifecycleConflict', 'LifecycleNotSourced']);

/** JSON keys whose string values are model identifiers (the runtime model configuration uses `modelId`). */
const MODEL_KEY = /^(modelId|modelArn|embeddingModelId|embeddingModelArn|model)$/i;

const MAX_JSON_DEPTH = 8;

/** Cheap pre-filter (`<provider-or-geo>.<model>...`) so that most strings never reach the parser. */
const MAYBE_MODEL_ID = /^[a-zA-Z0-9-]{1,63}\.[a-zA-Z0-9][a-zA-Z0-9._:-]*$/;

/** Model references of a resource. */
export function findModelReferences(resource: CfnResourceJson, ctx: CheckContext): ModelReference[] {
  const refs: ModelReference[] = [];
  const props = resource.Properties ?? {};
  const scanValue = (value: unknown, where: string) => {
    for (const s of evaluateStrings(value, ctx)) scanString(s, where, ctx, refs, 0);
  };
  const scanModelField = (value: unknown, where: string) => {
    for (const s of evaluateStrings(value, ctx)) scanModelOnly(s, where, ctx, refs);
  };

  for (const { where, document } of identityPolicyDocuments(resource)) {
    for (const { where: sw, statement } of statementsOf(where, document, ctx)) {
      if (!isAllow(statement)) continue;
      const underProfileCondition = hasInferenceProfileCondition(statement);
      asList(statement.Resource).forEach((r) => {
        const ref = parseModelArn(r, `${sw}.Resource`, ctx, underProfileCondition);
        if (ref) refs.push(ref);
      });
    }
  }

  switch (resource.Type) {
    case 'AWS::Lambda::Function':
    case 'AWS::Serverless::Function': {
      const env = (props.Environment as Record<string, unknown> | undefined)?.Variables;
      if (env && typeof env === 'object' && !Array.isArray(env)) {
        for (const [k, v] of Object.entries(env as Record<string, unknown>)) scanValue(v, `Environment.Variables.${k}`);
      }
      break;
    }
    case 'AWS::SSM::Parameter':
      scanValue(props.Value, 'Value');
      break;
    case 'AWS::Bedrock::KnowledgeBase': {
      const kb = props.KnowledgeBaseConfiguration as Record<string, unknown> | undefined;
      const vec = kb?.VectorKnowledgeBaseConfiguration as Record<string, unknown> | undefined;
      if (vec) scanModelField(vec.EmbeddingModelArn, 'KnowledgeBaseConfiguration.VectorKnowledgeBaseConfiguration.EmbeddingModelArn');
      break;
    }
    case 'AWS::Bedrock::DataSource': {
      const parsing = ((props.VectorIngestionConfiguration as Record<string, unknown> | undefined)?.ParsingConfiguration as Record<string, unknown> | undefined);
      const fm = parsing?.BedrockFoundationModelConfiguration as Record<string, unknown> | undefined;
      if (fm) scanModelField(fm.ModelArn, 'VectorIngestionConfiguration.ParsingConfiguration.BedrockFoundationModelConfiguration.ModelArn');
      break;
    }
    case 'AWS::Bedrock::Agent':
      scanModelField(props.FoundationModel, 'FoundationModel');
      break;
    case 'AWS::Bedrock::ApplicationInferenceProfile': {
      const src = props.ModelSource as Record<string, unknown> | undefined;
      if (src) scanModelField(src.CopyFrom, 'ModelSource.CopyFrom');
      break;
    }
    default:
      break;
  }
  return refs;
}

function scanString(s: string, where: string, ctx: CheckContext, out: ModelReference[], depth: number): void {
  const v = s.trim();
  if (v.length === 0 || v.length > 200_000) return;
  if ((v.startsWith('{') || v.startsWith('[')) && depth < MAX_JSON_DEPTH) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      return;
    }
    walkJson(parsed, where, ctx, out, depth + 1);
    return;
  }
  if (v.startsWith('arn:')) {
    const ref = parseModelArn(v, where, ctx, false);
    if (ref) out.push(ref);
    return;
  }
  if (hasUnknown(v) || !MAYBE_MODEL_ID.test(v)) return;
  if (looksLikeModelId(v, ModelCatalog.default().modelIds())) {
    out.push({ where, id: v, written: v, kind: 'id', region: ctx.region, underProfileCondition: false });
  }
}

/**
 * A value of a field that can only hold a model: judged as a model ID whatever it looks like (unknown parts skip it).
 * Bedrock ARNs of other model types (custom or imported models ...) are not judged.
 */
function scanModelOnly(s: string, where: string, ctx: CheckContext, out: ModelReference[]): void {
  const v = s.trim();
  if (v.length === 0 || v.length > 2048) return;
  if (v.startsWith('arn:')) {
    const ref = parseModelArn(v, where, ctx, false);
    if (ref) {
      out.push(ref);
      return;
    }
    if (hasUnknown(v) || v.split(':')[2] === 'bedrock') return;
  } else if (hasUnknown(v)) {
    return;
  }
  out.push({ where, id: s, written: displayValue(s), kind: 'id', region: ctx.region, underProfileCondition: false });
}

function walkJson(value: unknown, where: string, ctx: CheckContext, out: ModelReference[], depth: number): void {
  if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((el, i) => walkJson(el, `${where}[${i}]`, ctx, out, depth + 1));
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') {
      if (MODEL_KEY.test(k)) scanString(v, `${where}.${k}`, ctx, out, MAX_JSON_DEPTH);
    } else {
      walkJson(v, `${where}.${k}`, ctx, out, depth + 1);
    }
  }
}

/**
 * Parses a Bedrock `foundation-model` / `inference-profile` ARN (with unknown parts from intrinsics), or an
 * `application-inference-profile` / `provisioned-model` ARN (kind `hidden-model-arn`). Returns undefined for anything
 * else and for wildcard or unknown resource IDs. The resource type says the ID is a model, so any other ID is returned
 * to be judged (an ID that is not a model ID at all becomes a `Syntax` finding).
 */
export function parseModelArn(arn: string, where: string, ctx: CheckContext, underProfileCondition: boolean): ModelReference | undefined {
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
  if (regionPart === REGION_MARKER) region = ctx.region;
  else if (regionPart === '') region = '';
  else if (regionPart.includes('*') || regionPart.includes('?') || hasUnknown(regionPart)) region = '*';
  else region = regionPart;
  return {
    where,
    id,
    written: displayValue(arn),
    kind: hidden ? 'hidden-model-arn' : type === 'foundation-model' ? 'foundation-model-arn' : 'inference-profile-arn',
    region,
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

/** Judges one reference: policy findings (Region taken from the ARN), plus cross-Region ARN problems. */
export function judgeReference(ref: ModelReference, ctx: CheckContext): ModelHit[] {
  const hits: ModelHit[] = [];
  const place = `${ref.where} ('${ref.written}')`;
  if (ref.kind === 'hidden-model-arn') {
    // The template does not say which model runs behind such an ARN (the constructs learn it from
    // custom.sourceModelId, the checks cannot): a warning, so teams that use them can still gate on errors.
    const type = ref.written.includes(':provisioned-model/') ? 'provisioned-model' : 'application-inference-profile';
    hits.push({
      level: 'warning',
      code: 'HiddenModel',
      findingId: ref.id,
      modelId: ref.id,
      message: `${place}: a ${type} ARN hides the model it runs, so the checks cannot verify that model's pinning, Region or `
        + 'lifecycle. Make sure it copies from (or provisions) a pinned, active model offered in the Region, then acknowledge '
        + `Bedrock-ModelIdKnown[${ref.id}] with the model it runs as the reason.`,
    });
    return hits;
  }
  const isFmArn = ref.kind === 'foundation-model-arn';
  let judgeRegion: string | undefined = ref.region;
  let dropRegionCodes = false;

  if (isFmArn && ref.underProfileCondition) {
    // A destination-Region or Region-less FM ARN that grantInvoke writes for an inference profile: the Region
    // question belongs to the profile, which is checked where its own ARN appears.
    dropRegionCodes = true;
    if (ref.region === '' || ref.region === '*') judgeRegion = undefined;
  } else if (isFmArn && (ref.region === '' || ref.region === '*')) {
    hits.push({
      level: 'error',
      code: 'CrossRegionArn',
      findingId: ref.id,
      modelId: ref.id,
      message: `${place}: a ${ref.region === '' ? 'Region-less' : 'wildcard-Region'} foundation-model ARN grants '${ref.id}' in every Region, `
        + 'but the statement has no bedrock:InferenceProfileArn condition naming inference-profile ARNs (StringEquals, StringLike, '
        + 'ArnEquals or ArnLike; "*", Null or negated operators do not count). Grant the model in the stack\'s Region '
        + '(arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/<id>), or keep the Region-less ARN only for an '
        + 'inference profile and add a condition { StringEquals: { "bedrock:InferenceProfileArn": <profile ARN> } } '
        + '(BedrockModel.grantInvoke does both).',
    });
    dropRegionCodes = true;
    judgeRegion = undefined;
  } else if (isFmArn && ctx.region && ref.region && ref.region !== ctx.region) {
    hits.push({
      level: 'error',
      code: 'CrossRegionArn',
      findingId: ref.id,
      modelId: ref.id,
      message: `${place}: the foundation-model ARN is in ${ref.region} but the stack is in ${ctx.region}, and the statement has no `
        + 'bedrock:InferenceProfileArn condition naming inference-profile ARNs, so it only helps a caller that invokes the model in another Region. '
        + `Use the stack's Region (\${AWS::Region}), or, if the ARN is a destination of a cross-Region inference profile, add a `
        + 'condition { StringEquals: { "bedrock:InferenceProfileArn": <profile ARN> } } (BedrockModel.grantInvoke does this).',
    });
  }

  const findings = evaluateCached(ref.id, judgeRegion === '' || judgeRegion === '*' ? undefined : judgeRegion, ctx.now);
  for (const f of findings) {
    if (dropRegionCodes && REGION_CODES.has(f.code)) continue;
    const findingId = LIFECYCLE_CODES.has(f.code) ? foundationIdOf(ref.id) : ref.id;
    hits.push({ level: f.level, code: f.code, findingId, modelId: ref.id, message: `${place}: ${f.message}` });
  }
  return hits;
}

const hitCache = new WeakMap<CfnResourceJson, WeakMap<CheckContext, ModelHit[]>>();

/** All model problems of a resource (cached per resource object and context object). */
export function modelHits(resource: CfnResourceJson, ctx: CheckContext): ModelHit[] {
  let byCtx = hitCache.get(resource);
  if (!byCtx) {
    byCtx = new WeakMap();
    hitCache.set(resource, byCtx);
  }
  let hits = byCtx.get(ctx);
  if (!hits) {
    hits = findModelReferences(resource, ctx).flatMap((ref) => judgeReference(ref, ctx));
    byCtx.set(ctx, hits);
  }
  return hits;
}
