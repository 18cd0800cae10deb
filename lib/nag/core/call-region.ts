/**
 * Where a model reference is called from. A template often says so next to the model ID:
 * - a Region-named field beside the ID in the same JSON object (or an enclosing one: the nearest wins),
 *   e.g. `[{"modelId":"us.amazon.nova-pro-v1:0","region":"us-east-1"}]`;
 * - a Region-named environment variable of the same function (or container), e.g. `MODEL_REGION=us-east-1`;
 * - the Region in an ARN;
 * - else the stack's Region.
 * The names that count are defined here, once, and listed in docs/checks.md.
 */
import { evaluateStrings } from './intrinsics';
import type { CheckContext, RegionSource } from './types';

/** An AWS Region name (`us-east-1`, `ap-northeast-1`, `us-gov-west-1`, `eu-isoe-west-1` ...). */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A Region a reference is judged in, with where it came from. */
export interface CallRegion {
  readonly region?: string;
  readonly source?: RegionSource;
  /** The field or variable that named it. */
  readonly key?: string;
}

/**
 * JSON keys that name the Region of the model IDs beside them: lower-cased with `_`, `-` and blanks removed, one of
 * `region`, `regionname`, `awsregion`, `bedrockregion`, `awsbedrockregion`, `modelregion`, `llmregion`,
 * `inferenceregion` (`region`, `Region`, `region_name`, `awsRegion`, `bedrock_region`, `modelRegion` ...).
 */
export function isRegionKey(key: string): boolean {
  return /^(aws|bedrock|awsbedrock|model|llm|inference)?region(name)?$/.test(normalize(key));
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, '');
}

/** The Region a JSON object names for the values in it (a Region-named key with a Region value), if any. */
export function regionField(obj: Record<string, unknown>): { region: string; key: string } | undefined {
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string' && isRegionKey(k) && REGION_NAME.test(v.trim())) return { region: v.trim(), key: k };
  }
  return undefined;
}

/** Words that, next to `REGION`, make an environment variable the Region of a function's Bedrock calls. */
const QUALIFIERS = new Set(['BEDROCK', 'MODEL', 'MODELS', 'LLM', 'INFERENCE']);
/** Words that may also appear in such a name without changing what it names. */
const NEUTRAL = new Set(['AWS', 'RUNTIME', 'NAME', 'DEFAULT']);

/**
 * Environment variables that name the Region a function (or container) calls Bedrock in:
 * - **for every model of the function**: the name, split on `_` (upper-cased), has the word `REGION`, at least one of
 *   `BEDROCK`, `MODEL`, `MODELS`, `LLM`, `INFERENCE`, and otherwise only `AWS`, `RUNTIME`, `NAME`, `DEFAULT`
 *   (`MODEL_REGION`, `BEDROCK_REGION`, `AWS_BEDROCK_REGION`, `BEDROCK_RUNTIME_REGION`, `LLM_REGION_NAME`; not
 *   `REGION`, `AWS_REGION`, `TABLE_REGION`);
 * - **for one model variable**: `<P>_REGION` (or `<P>_REGION_NAME`) for the model variable `<P>`, `<P>_ID`, `<P>_ARN`,
 *   `<P>_NAME`, `<P>_MODEL`, `<P>_MODEL_ID` or `<P>_MODEL_ARN` (`CHAT_MODEL_REGION` for `CHAT_MODEL_ID`,
 *   `EMBED_REGION` for `EMBED_MODEL_ID`).
 * The value must be a Region name. A model variable's own Region variable wins over the function's; when several
 * function-wide variables name different Regions, none is used (the stack's Region is).
 */
export class RegionVariables {
  private readonly wide?: { region: string; key: string };
  private readonly paired = new Map<string, { region: string; key: string }>();

  constructor(variables: Record<string, unknown>, ctx: CheckContext) {
    const wide = new Map<string, string>();
    for (const [name, raw] of Object.entries(variables)) {
      if (!/region/i.test(name)) continue;
      const values = [...new Set(evaluateStrings(raw, ctx).map((v) => v.trim()))];
      if (values.length !== 1 || !REGION_NAME.test(values[0])) continue;
      const words = name.toUpperCase().split(/[_\-]+/).filter((w) => w.length > 0);
      const at = words.lastIndexOf('REGION');
      if (at < 0) continue;
      const others = words.filter((_w, i) => i !== at);
      if (others.some((w) => QUALIFIERS.has(w)) && others.every((w) => QUALIFIERS.has(w) || NEUTRAL.has(w))) {
        wide.set(name, values[0]);
      }
      const tail = words.slice(at + 1);
      if (at > 0 && (tail.length === 0 || (tail.length === 1 && tail[0] === 'NAME'))) {
        this.paired.set(words.slice(0, at).join('_'), { region: values[0], key: name });
      }
    }
    const distinct = new Set(wide.values());
    if (distinct.size === 1) {
      const [key, region] = [...wide.entries()][0];
      this.wide = { region, key };
    }
  }

  /** The Region named for the model in variable `name`, if any. */
  public regionFor(name: string): { region: string; key: string } | undefined {
    const words = name.toUpperCase().split(/[_\-]+/).filter((w) => w.length > 0);
    const bases: string[] = [];
    const strip = (suffix: string[]) => {
      if (words.length > suffix.length && suffix.every((w, i) => words[words.length - suffix.length + i] === w)) {
        bases.push(words.slice(0, words.length - suffix.length).join('_'));
      }
    };
    bases.push(words.join('_'));
    for (const suffix of [['ID'], ['ARN'], ['NAME'], ['MODEL'], ['MODEL', 'ID'], ['MODEL', 'ARN'], ['MODELS'], ['IDS']]) strip(suffix);
    for (const base of bases) {
      const hit = this.paired.get(base);
      if (hit) return hit;
    }
    return this.wide;
  }
}

/** Text for a message: which Region a value was judged in and why. */
export function regionNote(region: string | undefined, source: RegionSource | undefined, key: string | undefined,
  holder: 'function' | 'container' = 'function'): string {
  if (!region) return '';
  switch (source) {
    case 'json-field':
      return `judged in ${region}, named by the '${key}' field beside it`;
    case 'variable':
      return `judged in ${region}, named by the ${holder}'s ${key} variable`;
    case 'caller':
      return `judged in ${region}, where ${key} calls Bedrock`;
    case 'arn':
      return `judged in ${region}, the Region in the ARN`;
    case 'option':
      return `judged in ${region}, the Region given for the template (--region)`;
    default:
      return `judged in ${region}, the stack's Region`;
  }
}
