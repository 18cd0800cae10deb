import { ModelHit, ModelHitCode, modelHits } from './model-scan';
import type { BedrockRule, CfnResourceJson, CheckContext, CoreFinding, RuleLevel } from './types';

/** Prefix of every rule ID of the pack. */
export const RULE_PREFIX = 'Bedrock';

export interface RuleSpec {
  readonly name: string;
  readonly level: RuleLevel;
  readonly info: string;
  readonly explanation: string;
}

/** A rule over the model references of a resource, with the codes it reports. */
export interface ModelRule<C extends ModelHitCode = ModelHitCode> extends BedrockRule {
  /**
   * The codes of model findings this rule reports (the policy's `ModelFindingCode`s, or `CrossRegionArn`). In a list
   * of rules each code belongs to one rule; `lib/nag/rules` checks at compile time that its model rules declare every
   * code.
   */
  readonly codes: readonly C[];
}

/**
 * A rule over the model references of a resource: reports the findings whose code it declares in `spec.codes`, one
 * per acknowledgement ID (the same model found in several places of one resource is one finding listing every place).
 */
export function defineModelRule<C extends ModelHitCode>(spec: RuleSpec & { readonly codes: readonly C[] }): ModelRule<C> {
  const id = `${RULE_PREFIX}-${spec.name}`;
  const codes: ReadonlySet<ModelHitCode> = new Set<ModelHitCode>(spec.codes);
  return {
    name: spec.name,
    level: spec.level,
    info: spec.info,
    explanation: spec.explanation,
    codes: [...spec.codes],
    id,
    granular: true,
    check(logicalId: string, resource: CfnResourceJson, ctx: CheckContext): CoreFinding[] {
      const byId = new Map<string, { hit: ModelHit; messages: string[] }>();
      for (const hit of modelHits(resource, ctx)) {
        if (!codes.has(hit.code)) continue;
        const entry = byId.get(hit.findingId);
        if (entry) {
          if (!entry.messages.includes(hit.message)) entry.messages.push(hit.message);
        } else {
          byId.set(hit.findingId, { hit, messages: [hit.message] });
        }
      }
      return [...byId.values()].map(({ hit, messages }) => ({
        ruleId: id,
        // A finding may be less severe than its rule (ModelIdKnown's HiddenModel is a warning).
        level: hit.level === 'warning' ? 'warning' : spec.level,
        findingId: hit.findingId,
        message: messages.length > 3 ? `${messages.slice(0, 3).join(' | ')} | (+${messages.length - 3} more places)` : messages.join(' | '),
        logicalId,
        resourceType: resource.Type ?? 'Unknown',
        code: hit.code,
        modelId: hit.modelId,
      }));
    },
  };
}

/** A rule over a resource as a whole (acknowledged with the plain rule ID). */
export function defineResourceRule(spec: RuleSpec & {
  check(resource: CfnResourceJson, ctx: CheckContext): Array<{ message: string; code?: string }>;
}): BedrockRule {
  const id = `${RULE_PREFIX}-${spec.name}`;
  return {
    name: spec.name,
    level: spec.level,
    info: spec.info,
    explanation: spec.explanation,
    id,
    granular: false,
    check(logicalId: string, resource: CfnResourceJson, ctx: CheckContext): CoreFinding[] {
      const problems = spec.check(resource, ctx);
      if (problems.length === 0) return [];
      return [{
        ruleId: id,
        level: spec.level,
        message: problems.map((p) => p.message).join(' | '),
        logicalId,
        resourceType: resource.Type ?? 'Unknown',
        code: problems[0].code,
      }];
    },
  };
}
