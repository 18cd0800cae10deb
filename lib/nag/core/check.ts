/**
 * The rule core's entry points: pure functions over resolved CloudFormation JSON. Both adapters (the cdk-nag pack
 * `BedrockChecks` and the `cdk-bedrock-check` CLI) call these with the rules to run (usually `ALL_RULES` from
 * `lib/nag/rules`); the core itself knows no rule.
 */
import { callerRegions } from './callers';
import { composeMessage, worst } from './model-rule';
import { displayValue } from './intrinsics';
import type { ApplicationResource, BedrockRule, CfnResourceJson, CfnTemplateJson, CheckContext, CoreFinding, RuleLevel } from './types';

export interface TemplateCheckOptions {
  /** The stack's Region; undefined = unknown (environment-agnostic). */
  readonly region?: string;
  readonly account?: string;
  readonly stackName?: string;
  /** Date at which model lifecycle is judged. */
  readonly now: Date;
  /** The rules to run, in report order (`ALL_RULES` from `lib/nag/rules` for every rule of the pack). */
  readonly rules: readonly BedrockRule[];
  /**
   * Every resource of the application the template belongs to, for rules that judge the application
   * (`BedrockRule.application`, e.g. the opt-in `InvocationLoggingMissing`).
   * @default - the template's own resources
   */
  readonly application?: readonly ApplicationResource[];
  /**
   * Where `region` comes from: the stack's own Region, or the caller's option for a template without one.
   * @default 'stack'
   */
  readonly regionOrigin?: 'stack' | 'option';
  /**
   * Whether the template comes from a CDK app (remedies then name `Validations.of(...)`).
   * @default false
   */
  readonly cdkApp?: boolean;
  /**
   * Group a value repeated across resources: one finding per rule and value (acknowledgement ID) listing every place,
   * instead of one per rule, value and resource. Findings of resource rules (no value) stay one per resource.
   * @default false
   */
  readonly groupByValue?: boolean;
}

/** Builds the context the rules evaluate a template's intrinsics in. */
export function checkContext(template: CfnTemplateJson, options: Omit<TemplateCheckOptions, 'rules'>): CheckContext {
  return {
    region: options.region,
    account: options.account,
    stackName: options.stackName,
    now: options.now,
    regionOrigin: options.regionOrigin,
    cdkApp: options.cdkApp,
    samFunctionVariables: samFunctionVariables(template),
    parameters: isRecord(template.Parameters) ? template.Parameters : undefined,
    mappings: isRecord(template.Mappings) ? template.Mappings : undefined,
    application: options.application ?? (isRecord(template.Resources) ? Object.entries(template.Resources).map(([logicalId, resource]) => ({
      stack: options.stackName ?? 'template', logicalId, region: options.region, resource: resource as CfnResourceJson,
    })) : undefined),
  };
}

/** Findings of the given rules on one resource. A rule that throws yields a finding naming the error. */
export function checkResource(logicalId: string, resource: CfnResourceJson, ctx: CheckContext,
  rules: readonly BedrockRule[]): CoreFinding[] {
  requireRules(rules, 'checkResource(logicalId, resource, ctx, ALL_RULES)', 'rules');
  if (!isRecord(resource)) return [];
  const out: CoreFinding[] = [];
  for (const rule of rules) {
    try {
      out.push(...rule.check(logicalId, resource, ctx));
    } catch (e) {
      const message = `The rule could not evaluate this resource: ${(e as Error).message}. Please report this with the resource's template.`;
      out.push({
        ruleId: rule.id,
        level: rule.level,
        logicalId,
        resourceType: resource.Type ?? 'Unknown',
        code: 'RuleError',
        message,
        places: [{ logicalId, resourceType: resource.Type ?? 'Unknown', path: [], property: '(resource)', level: rule.level, code: 'RuleError', detail: message, message }],
      });
    }
  }
  // Unknown parts of values are shown as they are written (`${AWS::Region}`, `<unknown>`), never as markers.
  return out.map(clean);
}

function clean(f: CoreFinding): CoreFinding {
  if (!f.message.includes('\uE000') && f.places.every((p) => !p.message.includes('\uE000') && !(p.value ?? '').includes('\uE000'))) return f;
  return {
    ...f,
    message: displayValue(f.message),
    places: f.places.map((p) => ({
      ...p,
      message: displayValue(p.message),
      detail: displayValue(p.detail),
      value: p.value === undefined ? undefined : displayValue(p.value),
    })),
  };
}

/**
 * Groups findings of the same rule and value (acknowledgement ID) across resources into one, listing every place
 * (each with its resource). Findings without a value (resource rules) are not merged. The merged finding takes the
 * first place's resource and the most severe level of its places.
 */
export function groupFindingsByValue(findings: readonly CoreFinding[]): CoreFinding[] {
  const out: CoreFinding[] = [];
  const byKey = new Map<string, number>();
  for (const f of findings) {
    if (f.findingId === undefined) {
      out.push(f);
      continue;
    }
    const key = `${f.ruleId}[${f.findingId}]`;
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, out.length);
      out.push(f);
      continue;
    }
    const prev = out[at];
    const places = [...prev.places, ...f.places];
    const level: RuleLevel = worst(prev.level, f.level);
    out[at] = { ...prev, level, places, message: composeMessage(places, new Set(places.map((p) => p.logicalId)).size > 1) };
  }
  return out;
}

/** Findings of the given rules on every resource of a template. */
export function checkTemplate(template: CfnTemplateJson, options: TemplateCheckOptions): CoreFinding[] {
  requireRules(options?.rules, 'checkTemplate(template, { now, rules: ALL_RULES })', 'options.rules');
  const base = checkContext(template, options);
  const ctx: CheckContext = { ...base, callerRegions: callerRegions(template, base) };
  const resources = isRecord(template.Resources) ? template.Resources : {};
  const out: CoreFinding[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    out.push(...checkResource(logicalId, resource as CfnResourceJson, ctx, options.rules));
  }
  return options.groupByValue ? groupFindingsByValue(out) : out;
}

/** The core has no default rule list: a caller that passes none (from JavaScript) hears how to pass one. */
function requireRules(rules: unknown, call: string, what: string): void {
  if (Array.isArray(rules)) return;
  throw new TypeError(`${what} is ${rules === undefined ? 'missing' : typeof rules}; it must be the list of rules to run. `
    + `Pass every rule of the pack with \`${call}\` (import { ALL_RULES } from 'cdk-bedrock-foundation/nag').`);
}

/** `Globals.Function.Environment.Variables` of a SAM template. */
function samFunctionVariables(template: CfnTemplateJson): Record<string, unknown> | undefined {
  const globals = template.Globals as { Function?: { Environment?: { Variables?: unknown } } } | undefined;
  const variables = isRecord(globals) ? globals.Function?.Environment?.Variables : undefined;
  return isRecord(variables) ? variables : undefined;
}

function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
