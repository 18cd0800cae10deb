import { CfnMapping, CfnParameter, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { synthDate } from '../../catalog/policy';
import { BedrockValidationError } from '../../private/errors';
import { checkContext } from '../core/check';
import type { BedrockRule, CfnResourceJson, CfnTemplateJson, CheckContext } from '../core/types';
import { ALL_RULES, OPT_IN_RULES } from '../rules';

/** Properties of `BedrockChecks`. */
export interface BedrockChecksProps extends NagPackProps {
  /**
   * Opt-in rules to run as well, by name (`OPT_IN_RULES`): `GuardrailMissing`.
   * @default - none
   */
  readonly optInRules?: string[];
}

/**
 * Amazon Bedrock checks as a cdk-nag v3 pack. Every rule is the same pure function the `cdk-bedrock-check` CLI runs
 * (`lib/nag/core`), applied to the resolved CloudFormation of each resource.
 *
 * ```ts
 * Validations.of(app).addPlugins(new AwsSolutionsChecks(), new BedrockChecks());
 * ```
 *
 * Rule IDs are `Bedrock-<RuleName>`. Model rules report one finding per model, acknowledged as
 * `Bedrock-<RuleName>[<model ID>]`; the other rules are acknowledged with the plain rule ID.
 * The stack's Region comes from `Stack.of(resource).region` (an environment-agnostic stack gets
 * `Bedrock-ModelRegionUnverified` warnings), the date from the context key `cdk-bedrock-foundation:now`, else today.
 */
export class BedrockChecks extends NagPack {
  public readonly name = 'Bedrock';
  private readonly rules: readonly BedrockRule[];
  private contexts = new WeakMap<Stack, CheckContext>();

  constructor(scope?: IConstruct, props?: BedrockChecksProps) {
    super(scope, props);
    this.packName = 'Bedrock';
    const unknown = (props?.optInRules ?? []).filter((n) => !OPT_IN_RULES.some((r) => r.name === n));
    if (unknown.length > 0) {
      throw new BedrockValidationError('UnknownOptInRule', `BedrockChecks: optInRules names ${unknown.map((n) => `'${n}'`).join(', ')}, `
        + `which ${unknown.length > 1 ? 'are not opt-in rules' : 'is not an opt-in rule'}; the opt-in rules are `
        + `${OPT_IN_RULES.map((r) => r.name).join(', ')} (every other rule always runs).`);
    }
    this.rules = [...ALL_RULES, ...OPT_IN_RULES.filter((r) => props?.optInRules?.includes(r.name))];
  }

  /**
   * Not an aspect: `BedrockChecks` is a validation plugin. This method exists so that the common mistake
   * `Aspects.of(app).add(new BedrockChecks())` compiles and then fails at synth with the fix, instead of failing with
   * "aspect.visit is not a function". Register the pack with `Validations.of(app).addPlugins(new BedrockChecks())`.
   */
  public visit(node: IConstruct): void {
    const path = node.node.path;
    throw new BedrockValidationError('NagPackAddedAsAspect', `BedrockChecks was added with Aspects.of(${path ? `'${path}'` : 'app'}).add(...), `
      + 'but it is a cdk-nag v3 validation plugin, not an aspect, so it cannot check anything that way. Remove the Aspects line '
      + "and register it with Validations.of(app).addPlugins(new BedrockChecks()) (import { Validations } from 'aws-cdk-lib'); "
      + 'synth then fails on unacknowledged errors and lists every finding.', path ? node : undefined);
  }

  public override validateScope(scope: IConstruct) {
    // Context values (date, parameters) are read once per stack and validation run.
    this.contexts = new WeakMap();
    return super.validateScope(scope);
  }

  protected checkResource(node: CfnResource): void {
    let logicalId: string;
    let json: CfnResourceJson;
    let ctx: CheckContext;
    try {
      const stack = Stack.of(node);
      logicalId = stack.resolve(node.logicalId);
      const resolved = stack.resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as { Resources?: Record<string, CfnResourceJson> };
      json = resolved.Resources?.[logicalId] ?? Object.values(resolved.Resources ?? {})[0] ?? {};
      ctx = this.contextOf(stack);
    } catch (e) {
      for (const rule of this.rules) {
        this.applyRule({
          ruleSuffixOverride: rule.name,
          info: rule.info,
          explanation: rule.explanation,
          level: nagLevel(rule),
          node,
          rule: () => {
            throw e;
          },
        });
      }
      return;
    }
    for (const rule of this.rules) {
      let findings;
      try {
        findings = rule.check(logicalId, json, ctx);
      } catch (e) {
        // cdk-nag reports a rule that throws as a violation of that rule ("Rule threw an error ...").
        this.applyRule({
          ruleSuffixOverride: rule.name,
          info: rule.info,
          explanation: rule.explanation,
          level: nagLevel(rule),
          node,
          rule: () => {
            throw e;
          },
        });
        continue;
      }
      for (const f of findings) {
        this.applyRule({
          ruleSuffixOverride: rule.name,
          info: rule.granular ? f.message : `${rule.info} ${f.message}`,
          explanation: rule.explanation,
          level: f.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
          node,
          rule: () => (f.findingId !== undefined ? [f.findingId] : NagRuleCompliance.NON_COMPLIANT),
        });
      }
    }
  }

  private contextOf(stack: Stack): CheckContext {
    let ctx = this.contexts.get(stack);
    if (!ctx) {
      // The template sections intrinsics read (Parameters, Mappings; Fn::If checks both branches, so no Conditions),
      // rendered as in the stack's template, so that the pack builds its context as the CLI does from cdk.out.
      const sections: Record<string, Record<string, unknown>> = {};
      for (const c of stack.node.findAll()) {
        // Only parameters and mappings: rendering outputs, rules or conditions is not needed (and could throw).
        if (!(c instanceof CfnParameter || c instanceof CfnMapping) || c.stack !== stack) continue;
        const rendered = stack.resolve((c as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as Record<string, unknown> | undefined;
        for (const section of ['Parameters', 'Mappings']) {
          const body = rendered?.[section];
          if (body && typeof body === 'object' && !Array.isArray(body)) sections[section] = { ...sections[section], ...(body as Record<string, unknown>) };
        }
      }
      ctx = checkContext(sections as CfnTemplateJson, {
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
        account: Token.isUnresolved(stack.account) ? undefined : stack.account,
        stackName: Token.isUnresolved(stack.stackName) ? undefined : stack.stackName,
        now: synthDate(stack),
      });
      this.contexts.set(stack, ctx);
    }
    return ctx;
  }
}

function nagLevel(rule: BedrockRule): NagMessageLevel {
  return rule.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN;
}
