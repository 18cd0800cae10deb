/**
 * Where a template refers to a guardrail, for the Guardrail* rules: the run-time configuration JSON of an invoker
 * (a function's `MODEL_CONFIG`, or the SSM parameter PinnedModelConfig writes), a RAG invoker's `GUARDRAIL_ID` /
 * `GUARDRAIL_VERSION`, and any `GuardrailVersion` property of another AWS::Bedrock resource (an agent's
 * GuardrailConfiguration, a flow's knowledge-base or prompt node). Pure functions over one resolved resource.
 */
import { ENV, RuntimeModelConfig } from '../../contract';
import { evaluateStrings } from '../core/intrinsics';
import type { CfnResourceJson, CheckContext } from '../core/types';

/** The guardrail version that callers get the working draft with. */
export const DRAFT = 'DRAFT';

/** A run-time configuration found in a resource, with where it is. */
export interface FoundConfig {
  readonly where: string;
  readonly config: Partial<RuntimeModelConfig>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseConfig(raw: string): Partial<RuntimeModelConfig> | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return isRecord(v) && typeof v.modelId === 'string' && v.schemaVersion !== undefined ? v as Partial<RuntimeModelConfig> : undefined;
  } catch {
    return undefined;
  }
}

/** A function's environment variables (undefined when it has none, or they are not an object). */
export function environmentOf(resource: CfnResourceJson): Record<string, unknown> | undefined {
  if (resource.Type !== 'AWS::Lambda::Function') return undefined;
  const vars = (resource.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables;
  return isRecord(vars) ? vars : undefined;
}

/**
 * Run-time configurations in a resource: a function's `MODEL_CONFIG`, or the value of an AWS::SSM::Parameter that is
 * a configuration JSON (PinnedModelConfig's `<prefix>/<role>/config`). Deploy-time parts (a guardrail's ID and version
 * from Fn::GetAtt) evaluate to markers inside the JSON strings, which still parses.
 */
export function configsOf(resource: CfnResourceJson, ctx: CheckContext): FoundConfig[] {
  const out: FoundConfig[] = [];
  const env = environmentOf(resource);
  if (env && env[ENV.MODEL_CONFIG] !== undefined) {
    for (const raw of evaluateStrings(env[ENV.MODEL_CONFIG], ctx)) {
      const config = parseConfig(raw);
      if (config) out.push({ where: `environment variable ${ENV.MODEL_CONFIG}`, config });
    }
  }
  if (resource.Type === 'AWS::SSM::Parameter' && resource.Properties?.Value !== undefined) {
    const name = evaluateStrings(resource.Properties?.Name, ctx)[0];
    for (const raw of evaluateStrings(resource.Properties.Value, ctx)) {
      const config = parseConfig(raw);
      if (config) out.push({ where: `the configuration JSON${name ? ` of SSM parameter ${name}` : ''}`, config });
    }
  }
  return out;
}

/** Every `GuardrailVersion` property (any depth) of an AWS::Bedrock resource other than the guardrail's own resources. */
export function guardrailVersionProperties(resource: CfnResourceJson, ctx: CheckContext): Array<{ where: string; versions: string[] }> {
  const type = resource.Type ?? '';
  if (!type.startsWith('AWS::Bedrock::') || type === 'AWS::Bedrock::Guardrail' || type === 'AWS::Bedrock::GuardrailVersion') return [];
  const out: Array<{ where: string; versions: string[] }> = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (depth > 32 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) { v.forEach((el, i) => walk(el, `${path}[${i}]`, depth + 1)); return; }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'GuardrailVersion') out.push({ where: `${path}.${k}`, versions: evaluateStrings(child, ctx) });
      else if (!k.startsWith('Fn::')) walk(child, `${path}.${k}`, depth + 1);
    }
  };
  walk(resource.Properties, 'Properties', 0);
  return out;
}
