import { CfnMapping, CfnParameter, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { synthDate } from '../../catalog/policy';
import { BedrockValidationError } from '../../private/errors';
import { checkContext } from '../core/check';
import type { ApplicationResource, BedrockRule, CfnResourceJson, CfnTemplateJson, CheckContext } from '../core/types';
import { ALL_RULES, optInRules } from '../rules';

/** Properties of `BedrockChecks`. */
export interface BedrockChecksProps extends NagPackProps {
  /**
   * Opt-in rules to run as well, by name (`OPT_IN_RULES`): `InvocationLoggingMissing` (the application invokes models
   * with no model invocation logging in it) and `ApplicationProfileUntagged` (an application inference profile without
   * tags). An unknown name throws, listing the opt-in rules.
   * @default - none: only `ALL_RULES`
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
  /** Every resource of the scope being validated, when a rule judges the application. */
  private application?: readonly ApplicationResource[];

  constructor(scope?: IConstruct, props?: BedrockChecksProps) {
    super(scope, props);
    this.packName = 'Bedrock';
    this.rules = [...ALL_RULES, ...optInRules(props?.optInRules ?? [])];
  }

  public override validateScope(scope: IConstruct) {
    // Context values (date, parameters) are read once per stack and validation run.
    this.contexts = new WeakMap();
    this.application = this.rules.some((r) => r.application) ? applicationResources(scope) : undefined;
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
        application: this.application,
      });
      this.contexts.set(stack, ctx);
    }
    return ctx;
  }
}

/** Every CloudFormation resource under `scope`, rendered as in its stack's template, with its stack and Region. */
function applicationResources(scope: IConstruct): ApplicationResource[] {
  const out: ApplicationResource[] = [];
  for (const c of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    try {
      const stack = Stack.of(c);
      const logicalId = stack.resolve(c.logicalId) as string;
      const rendered = stack.resolve((c as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as { Resources?: Record<string, CfnResourceJson> };
      const resource = rendered.Resources?.[logicalId];
      if (!resource) continue;
      out.push({ stack: stack.node.path, logicalId, region: Token.isUnresolved(stack.region) ? undefined : stack.region, resource });
    } catch {
      // A resource that cannot be rendered is reported by checkResource (each rule names the error); skip it here.
    }
  }
  return out;
}

function nagLevel(rule: BedrockRule): NagMessageLevel {
  return rule.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN;
}

/**
 * Not an aspect: `BedrockChecks` is a validation plugin. TypeScript already rejects
 * `Aspects.of(app).add(new BedrockChecks())` (the class declares no `visit`); this method, kept off the type on
 * purpose, makes the same mistake from JavaScript fail at synth with the fix instead of "aspect.visit is not a
 * function". Register the pack with `Validations.of(app).addPlugins(new BedrockChecks())`.
 */
Object.defineProperty(BedrockChecks.prototype, 'visit', {
  enumerable: false,
  value: function visit(node: IConstruct): void {
    const path = node.node.path;
    throw new BedrockValidationError('NagPackAddedAsAspect', `BedrockChecks was added with Aspects.of(${path ? `'${path}'` : 'app'}).add(...), `
      + 'but it is a cdk-nag v3 validation plugin, not an aspect, so it cannot check anything that way. Remove the Aspects line '
      + "and register it with Validations.of(app).addPlugins(new BedrockChecks()) (import { Validations } from 'aws-cdk-lib'); "
      + 'synth then fails on unacknowledged errors and lists every finding.', path ? node : undefined);
  },
});
