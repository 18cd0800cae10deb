/**
 * Model IDs in Step Functions definitions: the `ModelId` argument of tasks that call Bedrock. A definition is read from
 * `Definition` (an object, written as in the template) or `DefinitionString` (a string, often built with `Fn::Join` /
 * `Fn::Sub` pieces, as CDK renders it), with `DefinitionSubstitutions` applied (`${Name}` placeholders).
 *
 * Tasks read (at any depth: inside `Parallel` branches and `Map` item processors too): a `Resource` of
 * `arn:<partition>:states:::bedrock:invokeModel` (the optimized integration) or `arn:<partition>:states:::aws-sdk:bedrockruntime:<action>`
 * (the SDK integration: `converse`, `converseStream`, `invokeModel` ...), whose `Parameters` (JSONPath) or `Arguments`
 * (JSONata) carry `ModelId` as a literal. Dynamic values (`ModelId.$`, `{% ... %}`) are not known before run time and
 * are not read.
 */
import { evaluateAll, evaluateStrings } from './intrinsics';
import type { CfnResourceJson, CheckContext, PathSegment } from './types';

/** A literal model field of a state machine. */
export interface StateMachineModelField {
  readonly value: string;
  /** e.g. `DefinitionString.States.Summarize.Parameters.ModelId`. */
  readonly where: string;
  /** Template path: into `Definition` as written; `DefinitionString` ends at the property. */
  readonly path: PathSegment[];
}

const BEDROCK_TASK = /^arn:[^:]*:states:::(bedrock:invokeModel|aws-sdk:bedrockruntime:[A-Za-z]+)(\.[a-zA-Z]+)?$/;

const MAX_DEPTH = 40;

/** Literal `ModelId` values of Bedrock tasks in a state machine resource. */
export function stateMachineModelFields(resource: CfnResourceJson, ctx: CheckContext): StateMachineModelField[] {
  const props = resource.Properties ?? {};
  const out: StateMachineModelField[] = [];
  const substitutions = substitutionsOf(props.DefinitionSubstitutions, ctx);
  if (props.Definition !== undefined && props.Definition !== null) {
    // Written as an object: walk it as written, so that paths (and lines) follow the template.
    walk(props.Definition, 'Definition', ['Properties', 'Definition'], true, substitutions, ctx, out, 0);
  }
  if (props.DefinitionString !== undefined) {
    for (const text of evaluateStrings(props.DefinitionString, ctx)) {
      const substituted = substitute(text, substitutions);
      let parsed: unknown;
      try {
        parsed = JSON.parse(substituted);
      } catch {
        // Unknown parts outside string literals (a number from a parameter ...) break the JSON: read the fields directly.
        for (const m of substituted.matchAll(/"ModelId"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
          out.push({ value: JSON.parse(`"${m[1]}"`), where: 'DefinitionString (a "ModelId" field)', path: ['Properties', 'DefinitionString'] });
        }
        continue;
      }
      walk(parsed, 'DefinitionString', ['Properties', 'DefinitionString'], false, substitutions, ctx, out, 0);
    }
  }
  return dedupe(out);
}

function substitutionsOf(raw: unknown, ctx: CheckContext): Map<string, string> {
  const m = new Map<string, string>();
  const [value] = raw === undefined ? [undefined] : evaluateAll(raw, ctx);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') m.set(k, String(v));
    }
  }
  return m;
}

function substitute(text: string, substitutions: Map<string, string>): string {
  if (substitutions.size === 0) return text;
  return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => substitutions.get(name) ?? whole);
}

/**
 * Walks a definition. `asWritten`: the value is the template's own object (intrinsics may still sit inside it, and
 * paths follow it); otherwise it is parsed JSON (paths end at `DefinitionString`).
 */
function walk(node: unknown, where: string, path: PathSegment[], asWritten: boolean, substitutions: Map<string, string>,
  ctx: CheckContext, out: StateMachineModelField[], depth: number): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((el, i) => walk(el, `${where}[${i}]`, asWritten ? [...path, i] : path, asWritten, substitutions, ctx, out, depth + 1));
    return;
  }
  const obj = node as Record<string, unknown>;
  const resource = literal(obj.Resource, asWritten, substitutions, ctx);
  if (obj.Type === 'Task' && resource.some((r) => BEDROCK_TASK.test(r))) {
    for (const field of ['Parameters', 'Arguments']) {
      const args = obj[field];
      if (!args || typeof args !== 'object' || Array.isArray(args)) continue;
      const model = (args as Record<string, unknown>).ModelId;
      if (model === undefined) continue;
      for (const value of literal(model, asWritten, substitutions, ctx)) {
        if (value.startsWith('{%')) continue;
        out.push({ value, where: `${where}.${field}.ModelId`, path: asWritten ? [...path, field, 'ModelId'] : path });
      }
    }
  }
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') walk(v, `${where}.${k}`, asWritten ? [...path, k] : path, asWritten, substitutions, ctx, out, depth + 1);
  }
}

/** The literal string values of a field (as written, intrinsics evaluated and substitutions applied). */
function literal(value: unknown, asWritten: boolean, substitutions: Map<string, string>, ctx: CheckContext): string[] {
  if (value === undefined) return [];
  const strings = asWritten ? evaluateStrings(value, ctx) : typeof value === 'string' ? [value] : [];
  return strings.map((s) => substitute(s, substitutions));
}

function dedupe(fields: StateMachineModelField[]): StateMachineModelField[] {
  const seen = new Set<string>();
  return fields.filter((f) => {
    const key = `${f.where}\u0000${f.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
