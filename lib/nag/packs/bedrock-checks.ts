import { CfnMapping, CfnParameter, CfnResource, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation, Stack, Token } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { synthDate } from '../../catalog/policy';
import { BedrockValidationError } from '../../private/errors';
import { callerRegions } from '../core/callers';
import { checkContext } from '../core/check';
import { acknowledgementId } from '../core/types';
import type { ApplicationResource, BedrockRule, CfnResourceJson, CfnTemplateJson, CheckContext } from '../core/types';
import { ALL_RULES, optInRules } from '../rules';

/** Options of the `BedrockChecks` pack. */
export interface BedrockChecksProps extends NagPackProps {
  /**
   * Opt-in rules to run as well, by name (`OPT_IN_RULES`): `InvocationLoggingMissing` (the application invokes models
   * with no model invocation logging in it), `ApplicationProfileUntagged` (an application inference profile without
   * tags) and `GuardrailMissing` (a function allowed to invoke text models with no guardrail in its configuration). An
   * unknown name throws, listing the opt-in rules.
   * @default - none: only `ALL_RULES`
   */
  readonly optInRules?: string[];
  /**
   * Whether unacknowledged warnings fail `cdk synth` too. By default only errors do: warnings are listed in the
   * validation report and synth passes.
   * @default false
   */
  readonly failOnWarnings?: boolean;
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
 * A model is judged in the Region named beside it (a Region field in the same JSON object, a Region variable of the
 * same function), in its ARN, else the stack's (`Stack.of(resource).region`; an environment-agnostic stack gets
 * `Bedrock-ModelRegionUnverified` warnings); the date is the context key `cdk-bedrock-foundation:now`, else today.
 *
 * Unacknowledged errors fail `cdk synth`; warnings are listed in the validation report and synth passes, unless
 * `failOnWarnings` is set. Each violating resource lists the property paths of its findings
 * (`Properties.Environment.Variables.MODEL_ID`).
 */
export class BedrockChecks extends NagPack {
  public readonly name = 'Bedrock';
  private readonly rules: readonly BedrockRule[];
  private readonly failOnWarnings: boolean;
  private contexts = new WeakMap<Stack, CheckContext>();
  /** Every resource of the scope being validated, when a rule judges the application. */
  private application?: readonly ApplicationResource[];
  /** Resources rendered while building a stack's context, reused by `checkResource`. */
  private resolved = new WeakMap<CfnResource, { logicalId: string; json: CfnResourceJson }>();
  /** `<acknowledgement ID>\0<construct path>` -> what was found there: level, message, property paths. */
  private found = new Map<string, { level: 'error' | 'warning'; message: string; paths: string[] }>();

  constructor(scope?: IConstruct, props?: BedrockChecksProps) {
    super(scope, props);
    this.packName = 'Bedrock';
    this.rules = [...ALL_RULES, ...optInRules(props?.optInRules ?? [])];
    this.failOnWarnings = props?.failOnWarnings ?? false;
  }

  /**
   * Checks every resource under `scope`. `success` is false only when an unacknowledged error remains (or, with
   * `failOnWarnings`, any unacknowledged finding): aws-cdk-lib fails `cdk synth` on a plugin report that is not a
   * success, so a warnings-only result passes synth by default. The warnings stay in `violations`, and CDK prints them.
   */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    // Context values (date, parameters) are read once per stack and validation run.
    this.contexts = new WeakMap();
    this.application = this.rules.some((r) => r.application) ? applicationResources(scope) : undefined;
    this.resolved = new WeakMap();
    this.found = new Map();
    const report = super.validateScope(scope);
    // cdk-nag groups the resources of one rule ID into one violation with the first one's level and text: split it by
    // level (a warning first must not hide an error), and give each resource its own property paths and text.
    const violations: PolicyViolation[] = [];
    for (const v of report.violations) {
      const byLevel = new Map<string, PolicyViolatingResource[]>();
      const messages: string[] = [];
      for (const r of v.violatingResources) {
        const found = this.found.get(`${v.ruleName}\u0000${r.constructPath}`);
        const level = found?.level ?? v.severity ?? 'error';
        const resource = found && found.paths.length > 0 ? { ...r, locations: found.paths } : r;
        byLevel.set(level, [...(byLevel.get(level) ?? []), resource]);
        if (found) messages.push(`${r.constructPath}: ${found.message}`);
      }
      for (const [severity, resources] of byLevel) {
        const texts = resources.map((r) => this.found.get(`${v.ruleName}\u0000${r.constructPath}`)?.message).filter((t): t is string => !!t);
        const description = resources.length <= 1 || new Set(texts).size <= 1 ? v.description
          : messages.filter((m) => resources.some((r) => m.startsWith(`${r.constructPath}: `))).join(' | ');
        violations.push({ ...v, severity, description, violatingResources: resources });
      }
    }
    const failing = violations.some((v) => v.severity === 'error' || (this.failOnWarnings && v.severity === 'warning'));
    return { ...report, violations, success: !failing };
  }

  protected checkResource(node: CfnResource): void {
    let logicalId: string;
    let json: CfnResourceJson;
    let ctx: CheckContext;
    try {
      const stack = Stack.of(node);
      ctx = this.contextOf(stack);
      ({ logicalId, json } = this.resolved.get(node) ?? renderResource(node, stack));
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
        const paths = [...new Set(f.places.map((p) => p.path.join('.')).filter((p) => p.length > 0))];
        const key = `${acknowledgementId(f)}\u0000${node.node.path}`;
        const before = this.found.get(key);
        this.found.set(key, {
          level: before?.level === 'error' ? 'error' : f.level,
          message: before ? `${before.message} | ${f.message}` : f.message,
          paths: [...new Set([...(before?.paths ?? []), ...paths])],
        });
        this.applyRule({
          ruleSuffixOverride: rule.name,
          // What was found, in the finding's own words (the rule's info is the general statement).
          info: f.message,
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
      // Every resource of the stack, rendered once: the checks of a policy need the functions that use its role (the
      // Regions they call Bedrock in), as the CLI reads them from the whole template.
      const resources: Record<string, CfnResourceJson> = {};
      for (const c of stack.node.findAll()) {
        if (!CfnResource.isCfnResource(c) || c.stack !== stack) continue;
        try {
          const rendered = renderResource(c, stack);
          this.resolved.set(c, rendered);
          resources[rendered.logicalId] = rendered.json;
        } catch {
          // checkResource reports a resource that cannot be rendered; the others are still linked.
        }
      }
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
      const base = checkContext(sections as CfnTemplateJson, {
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
        account: Token.isUnresolved(stack.account) ? undefined : stack.account,
        stackName: Token.isUnresolved(stack.stackName) ? undefined : stack.stackName,
        now: synthDate(stack),
        application: this.application,
        cdkApp: true,
      });
      ctx = { ...base, callerRegions: callerRegions({ ...sections, Resources: resources } as CfnTemplateJson, base) };
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

/** A resource as its stack's template renders it, with its logical ID. */
function renderResource(node: CfnResource, stack: Stack): { logicalId: string; json: CfnResourceJson } {
  const logicalId = stack.resolve(node.logicalId) as string;
  const resolved = stack.resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as { Resources?: Record<string, CfnResourceJson> };
  return { logicalId, json: resolved.Resources?.[logicalId] ?? Object.values(resolved.Resources ?? {})[0] ?? {} };
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
