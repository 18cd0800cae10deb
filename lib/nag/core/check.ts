/**
 * The rule core's entry points: pure functions over resolved CloudFormation JSON. Both adapters (the cdk-nag pack
 * `BedrockChecks` and the `cdk-bedrock-check` CLI) call these with the rules to run (usually `ALL_RULES` from
 * `lib/nag/rules`); the core itself knows no rule.
 */
import type { ApplicationResource, BedrockRule, CfnResourceJson, CfnTemplateJson, CheckContext, CoreFinding } from './types';

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
}

/** Builds the context the rules evaluate a template's intrinsics in. */
export function checkContext(template: CfnTemplateJson, options: Omit<TemplateCheckOptions, 'rules'>): CheckContext {
  return {
    region: options.region,
    account: options.account,
    stackName: options.stackName,
    now: options.now,
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
      out.push({
        ruleId: rule.id,
        level: rule.level,
        logicalId,
        resourceType: resource.Type ?? 'Unknown',
        code: 'RuleError',
        message: `The rule could not evaluate this resource: ${(e as Error).message}. Please report this with the resource's template.`,
      });
    }
  }
  return out;
}

/** Findings of the given rules on every resource of a template. */
export function checkTemplate(template: CfnTemplateJson, options: TemplateCheckOptions): CoreFinding[] {
  requireRules(options?.rules, 'checkTemplate(template, { now, rules: ALL_RULES })', 'options.rules');
  const ctx = checkContext(template, options);
  const resources = isRecord(template.Resources) ? template.Resources : {};
  const out: CoreFinding[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    out.push(...checkResource(logicalId, resource as CfnResourceJson, ctx, options.rules));
  }
  return out;
}

/** The core has no default rule list: a caller that passes none (from JavaScript) hears how to pass one. */
function requireRules(rules: unknown, call: string, what: string): void {
  if (Array.isArray(rules)) return;
  throw new TypeError(`${what} is ${rules === undefined ? 'missing' : typeof rules}; it must be the list of rules to run. `
    + `Pass every rule of the pack with \`${call}\` (import { ALL_RULES } from 'cdk-bedrock-foundation/nag').`);
}

function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
