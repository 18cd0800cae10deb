/**
 * Evaluator for the CloudFormation intrinsic functions that CDK (and hand-written templates) emit, over resolved
 * template JSON. It never calls AWS: values it cannot know (`Fn::GetAtt`, `Fn::ImportValue`, references to resources,
 * parameters without a default) become markers inside strings, so that a partly known string such as
 * `arn:aws:bedrock:<unknown>::foundation-model/...` can still be inspected.
 *
 * `Fn::If` yields both branches: every function returns the list of possible values. Up to `MAX_VARIANTS` combinations
 * of branches are all tried; above that, every branch value still appears in at least one variant (see `product`).
 */

/** Marker for a value that cannot be known from the template. Private-use characters keep JSON.parse working. */
export const UNKNOWN = '\uE000?\uE001';
/** Marker for `AWS::Region` of a stack whose Region is not known (environment-agnostic). */
export const REGION_MARKER = '\uE000R\uE001';
/** Marker for `AWS::AccountId` when the account is not known. */
export const ACCOUNT_MARKER = '\uE000A\uE001';
/** Marker for `AWS::Partition` when the Region (and so the partition) is not known. */
export const PARTITION_MARKER = '\uE000P\uE001';

/** Stand-in for `AWS::NoValue`: removed from arrays and objects. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/**
 * Up to this many combinations of `Fn::If` branches in one value are all produced; above it, a covering subset (every
 * branch value in at least one variant) is.
 */
export const MAX_VARIANTS = 32;

export interface TemplateParameter {
  readonly Type?: string;
  readonly Default?: unknown;
}

export interface IntrinsicContext {
  /** The stack's Region; undefined = not known. */
  readonly region?: string;
  readonly account?: string;
  readonly stackName?: string;
  readonly parameters?: Record<string, TemplateParameter>;
  readonly mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** Whether a string contains any marker of an unknown part. */
export function hasUnknown(s: string): boolean {
  return s.includes('\uE000');
}

const MARKER_NAMES: Record<string, string> = { R: '${AWS::Region}', A: '${AWS::AccountId}', P: '${AWS::Partition}', '?': '<unknown>' };

/** Renders markers readably (for messages): `${AWS::Region}`, `<unknown>`. Markers contain no ':' (ARN splitting). */
export function displayValue(s: string): string {
  return s.replace(/\uE000([^\uE001]*)\uE001/g, (_m, name: string) => MARKER_NAMES[name] ?? '<unknown>');
}

/** Partition of a Region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`...). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
}

function urlSuffixOf(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov';
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov';
  return 'amazonaws.com';
}

const INTRINSICS = new Set([
  'Ref', 'Fn::Join', 'Fn::Sub', 'Fn::Select', 'Fn::If', 'Fn::GetAtt', 'Fn::Split', 'Fn::FindInMap', 'Fn::ImportValue',
  'Fn::GetAZs', 'Fn::Base64', 'Fn::Cidr', 'Fn::Transform', 'Fn::ToJsonString', 'Fn::Length', 'Fn::Equals', 'Fn::And',
  'Fn::Or', 'Fn::Not', 'Condition', 'Fn::ForEach', 'Fn::GetStackOutput',
]);

/** Whether an object is a single-key intrinsic function call. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSICS.has(keys[0]);
}

/**
 * Combinations of per-slot variant lists. Up to MAX_VARIANTS combinations this is the full Cartesian product. Above
 * it, no value may be dropped (a dropped `Fn::If` branch would hide a finding), so the combinations are chosen to
 * cover every value: combination k takes the k-th value of every slot that has one and the first value of the others
 * (as many combinations as the longest slot has values).
 */
function product<T>(slots: T[][]): T[][] {
  let total = 1;
  let longest = 0;
  for (const slot of slots) {
    if (slot.length === 0) return [];
    if (total <= MAX_VARIANTS) total *= slot.length;
    if (slot.length > longest) longest = slot.length;
  }
  // Most values have no Fn::If at all: one combination, built without copying prefixes.
  if (total === 1) return [slots.map((slot) => slot[0])];
  if (total > MAX_VARIANTS) {
    const out: T[][] = [];
    for (let k = 0; k < longest; k++) out.push(slots.map((slot) => (k < slot.length ? slot[k] : slot[0])));
    return out;
  }
  let acc: T[][] = [[]];
  for (const slot of slots) {
    const next: T[][] = [];
    for (const prefix of acc) for (const v of slot) next.push([...prefix, v]);
    acc = next;
  }
  return acc;
}

function dedupe(values: unknown[]): unknown[] {
  if (values.length <= 1) return values;
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const key = typeof v === 'symbol' ? '\u0000NoValue' : JSON.stringify(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

/**
 * All possible resolved values of a template fragment. Strings may contain markers for unknown parts; an unknown
 * non-string value is `UNKNOWN`. `NO_VALUE` only appears at the top level (it is dropped inside arrays and objects).
 */
export function evaluateAll(value: unknown, ctx: IntrinsicContext): unknown[] {
  return dedupe(evalNode(value, ctx, 0));
}

/** The first possible value (use when branches do not matter). */
export function evaluateOne(value: unknown, ctx: IntrinsicContext): unknown {
  return evaluateAll(value, ctx)[0];
}

/** All possible values of a fragment that should be a string; non-strings (lists, objects) are dropped. */
export function evaluateStrings(value: unknown, ctx: IntrinsicContext): string[] {
  return evaluateAll(value, ctx).filter((v): v is string => typeof v === 'string');
}

const MAX_DEPTH = 64;

function evalNode(value: unknown, ctx: IntrinsicContext, depth: number): unknown[] {
  if (depth > MAX_DEPTH) return [UNKNOWN];
  if (value === null || typeof value !== 'object') return [value];
  if (Array.isArray(value)) {
    const slots = value.map((el) => evalNode(el, ctx, depth + 1));
    return product(slots).map((combo) => combo.filter((el) => el !== NO_VALUE));
  }
  if (isIntrinsic(value)) {
    const [name] = Object.keys(value);
    return evalIntrinsic(name, (value as Record<string, unknown>)[name], ctx, depth + 1);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const slots = entries.map(([, v]) => evalNode(v, ctx, depth + 1));
  return product(slots).map((combo) => {
    const obj: Record<string, unknown> = {};
    combo.forEach((v, i) => {
      if (v !== NO_VALUE) obj[entries[i][0]] = v;
    });
    return obj;
  });
}

function toStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return UNKNOWN;
}

function refValue(name: string, ctx: IntrinsicContext): unknown[] {
  switch (name) {
    case 'AWS::Region':
      return [ctx.region ?? REGION_MARKER];
    case 'AWS::Partition':
      return [ctx.region ? partitionOf(ctx.region) : PARTITION_MARKER];
    case 'AWS::URLSuffix':
      return [ctx.region ? urlSuffixOf(ctx.region) : 'amazonaws.com'];
    case 'AWS::AccountId':
      return [ctx.account ?? ACCOUNT_MARKER];
    case 'AWS::StackName':
      return [ctx.stackName ?? UNKNOWN];
    case 'AWS::NoValue':
      return [NO_VALUE];
    default:
      break;
  }
  const param = ctx.parameters?.[name];
  if (param && param.Default !== undefined) {
    const type = param.Type ?? 'String';
    // SSM-typed parameters hold the *name* of a parameter as default, not its value.
    if (type.startsWith('AWS::SSM::Parameter::Value')) return [UNKNOWN];
    if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      return [typeof param.Default === 'string' ? param.Default.split(',').map((s) => s.trim()) : UNKNOWN];
    }
    return [toStr(param.Default)];
  }
  return [UNKNOWN];
}

function evalIntrinsic(name: string, arg: unknown, ctx: IntrinsicContext, depth: number): unknown[] {
  switch (name) {
    case 'Ref':
      return typeof arg === 'string' ? refValue(arg, ctx) : [UNKNOWN];
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2) return [UNKNOWN];
      return product([evalNode(arg[0], ctx, depth), evalNode(arg[1], ctx, depth)])
        .map(([d, list]) => (Array.isArray(list) ? list.map(toStr).join(toStr(d)) : UNKNOWN));
    }
    case 'Fn::Sub':
      return evalSub(arg, ctx, depth);
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) return [UNKNOWN];
      return product([evalNode(arg[0], ctx, depth), evalNode(arg[1], ctx, depth)]).map(([idx, list]) => {
        const i = typeof idx === 'number' ? idx : Number(idx);
        return Array.isArray(list) && Number.isInteger(i) && i >= 0 && i < list.length ? list[i] : UNKNOWN;
      });
    }
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3) return [UNKNOWN];
      return [...evalNode(arg[1], ctx, depth), ...evalNode(arg[2], ctx, depth)];
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2) return [UNKNOWN];
      // A string with unknown parts still splits on known delimiters.
      return product([evalNode(arg[0], ctx, depth), evalNode(arg[1], ctx, depth)])
        .map(([d, s]) => (typeof s === 'string' && typeof d === 'string' && d.length > 0 ? s.split(d) : UNKNOWN));
    }
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg) || arg.length < 3) return [UNKNOWN];
      const out: unknown[] = [];
      for (const combo of product(arg.slice(0, 3).map((a) => evalNode(a, ctx, depth)))) {
        const [m, k1, k2] = combo.map(toStr);
        const v = ctx.mappings?.[m]?.[k1]?.[k2];
        if (v !== undefined) out.push(...evalNode(v, ctx, depth));
        else if (arg.length > 3 && isDefaultValue(arg[3])) out.push(...evalNode((arg[3] as { DefaultValue: unknown }).DefaultValue, ctx, depth));
        else out.push(UNKNOWN);
      }
      return out;
    }
    case 'Fn::ToJsonString':
      return evalNode(arg, ctx, depth).map((v) => JSON.stringify(v));
    default:
      // Fn::GetAtt, Fn::ImportValue, Fn::GetAZs, Fn::Base64, Fn::Cidr, Fn::Transform, conditions ...
      return [UNKNOWN];
  }
}

function isDefaultValue(v: unknown): boolean {
  return v !== null && typeof v === 'object' && 'DefaultValue' in (v as object);
}

const SUB_VAR = /\$\{([^}]*)\}/g;

function evalSub(arg: unknown, ctx: IntrinsicContext, depth: number): unknown[] {
  let templates: unknown[];
  let varSets: unknown[] = [{}];
  if (typeof arg === 'string') {
    templates = [arg];
  } else if (Array.isArray(arg) && arg.length === 2) {
    templates = evalNode(arg[0], ctx, depth);
    varSets = evalNode(arg[1], ctx, depth);
  } else {
    return [UNKNOWN];
  }
  return product([templates, varSets]).map(([tpl, vars]) => {
    if (typeof tpl !== 'string') return UNKNOWN;
    const varMap = vars !== null && typeof vars === 'object' && !Array.isArray(vars) ? (vars as Record<string, unknown>) : {};
    return tpl.replace(SUB_VAR, (_whole: string, name: string) => {
      if (name.startsWith('!')) return '${' + name.slice(1) + '}';
      if (name in varMap) return toStr(varMap[name]);
      if (name.includes('.')) return UNKNOWN; // ${Resource.Attribute}
      return toStr(refValue(name, ctx)[0]);
    });
  });
}
