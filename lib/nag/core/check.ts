/**
 * The rule core's entry points: pure functions over resolved CloudFormation JSON. Both adapters (the cdk-nag pack
 * `BedrockChecks` and the `cdk-bedrock-check` CLI) call these.
 */
import { ALL_RULES } from '../rules';
import type { BedrockRule, CfnResourceJson, CfnTemplateJson, CheckContext, CoreFinding } from './types';

export interface TemplateCheckOptions {
  /** The stack's Region; undefined = unknown (environment-agnostic). */
  readonly region?: string;
  readonly account?: string;
  readonly stackName?: string;
  /** Date at which model lifecycle is judged. */
  readonly now: Date;
  /** @default ALL_RULES */
  readonly rules?: readonly BedrockRule[];
}

/** Builds the context the rules evaluate a template's intrinsics in. */
export function checkContext(template: CfnTemplateJson, options: TemplateCheckOptions): CheckContext {
  return {
    region: options.region,
    account: options.account,
    stackName: options.stackName,
    now: options.now,
    parameters: isRecord(template.Parameters) ? template.Parameters : undefined,
    mappings: isRecord(template.Mappings) ? template.Mappings : undefined,
  };
}

/** Findings of the given rules on one resource. A rule that throws yields a finding naming the error. */
export function checkResource(logicalId: string, resource: CfnResourceJson, ctx: CheckContext,
  rules: readonly BedrockRule[] = ALL_RULES): CoreFinding[] {
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

/** Findings of every rule on every resource of a template. */
export function checkTemplate(template: CfnTemplateJson, options: TemplateCheckOptions): CoreFinding[] {
  const ctx = checkContext(template, options);
  const resources = isRecord(template.Resources) ? template.Resources : {};
  const out: CoreFinding[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    out.push(...checkResource(logicalId, resource as CfnResourceJson, ctx, options.rules ?? ALL_RULES));
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
