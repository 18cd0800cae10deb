import { ModelHitCode, modelHits } from './model-scan';
import { adaptRemedy, audienceOf } from './remedy';
import type { BedrockRule, CfnResourceJson, CheckContext, CoreFinding, FindingPlace, PathSegment, RuleLevel } from './types';

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
   * The codes of model findings this rule reports (the policy's `ModelFindingCode`s, or the scan's own codes). In a
   * list of rules each code belongs to one rule; `lib/nag/rules` checks at compile time that its model rules declare
   * every code.
   */
  readonly codes: readonly C[];
}

/** The more severe of two levels. */
export function worst(a: RuleLevel, b: RuleLevel): RuleLevel {
  return a === 'error' || b === 'error' ? 'error' : 'warning';
}

/** The label of a place (`<property> ('<value>'; ...)`), taken from its message. */
function labelOf(p: FindingPlace): string {
  return p.message.endsWith(`: ${p.detail}`) ? p.message.slice(0, p.message.length - p.detail.length - 2) : p.property;
}

/**
 * One message for several places: the shared detail once, after every place (`A ('x'); B ('x'): detail`), or each
 * place's own message when the details differ. With `withResource`, each place names its resource.
 */
export function composeMessage(places: readonly FindingPlace[], withResource = false): string {
  const label = (p: FindingPlace) => `${withResource ? `${p.logicalId} ` : ''}${labelOf(p)}`;
  if (places.length === 1) return withResource ? `${places[0].logicalId} ${places[0].message}` : places[0].message;
  const details = new Set(places.map((p) => p.detail));
  if (details.size === 1) return `${places.map(label).join('; ')}: ${places[0].detail}`;
  return places.map((p) => `${label(p)}: ${p.detail}`).join(' | ');
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
      const audience = audienceOf(resource, ctx);
      const resourceType = resource.Type ?? 'Unknown';
      const byId = new Map<string, { modelId: string; places: FindingPlace[] }>();
      for (const hit of modelHits(resource, ctx, logicalId)) {
        if (!codes.has(hit.code)) continue;
        const ackId = `${id}[${hit.findingId}]`;
        const detail = adaptRemedy(hit.detail, audience, ackId);
        const label = hit.message.slice(0, hit.message.length - hit.detail.length - 2);
        // A finding may be less severe than its rule (ModelIdKnown's HiddenModel is a warning).
        const level: RuleLevel = hit.level === 'warning' ? 'warning' : spec.level;
        const place: FindingPlace = {
          logicalId,
          resourceType,
          path: hit.ref.path,
          property: hit.ref.where,
          value: hit.ref.written,
          level,
          code: hit.code,
          region: hit.ref.region || undefined,
          regionSource: hit.ref.region ? hit.ref.regionSource : undefined,
          detail,
          message: `${label}: ${detail}`,
        };
        const entry = byId.get(hit.findingId);
        if (!entry) {
          byId.set(hit.findingId, { modelId: hit.modelId, places: [place] });
        } else if (!entry.places.some((p) => p.message === place.message && samePath(p.path, place.path))) {
          entry.places.push(place);
        }
      }
      return [...byId.entries()].map(([findingId, { modelId, places }]) => ({
        ruleId: id,
        level: places.reduce<RuleLevel>((l, p) => worst(l, p.level), 'warning'),
        findingId,
        message: composeMessage(places),
        logicalId,
        resourceType,
        code: places[0].code,
        modelId,
        places,
      }));
    },
  };
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A problem a resource rule found at one place. */
export interface ResourceProblem {
  readonly message: string;
  readonly code?: string;
  /** @default - the rule's level */
  readonly level?: RuleLevel;
  /** Template path of the property from the resource. @default ['Properties'] */
  readonly path?: readonly PathSegment[];
  /** The property as shown. @default 'Properties' */
  readonly property?: string;
  readonly value?: string;
}

/** A rule over a resource as a whole (acknowledged with the plain rule ID): one finding per resource, a place per problem. */
export function defineResourceRule(spec: RuleSpec & {
  check(resource: CfnResourceJson, ctx: CheckContext): ResourceProblem[];
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
      const audience = audienceOf(resource, ctx);
      const places: FindingPlace[] = problems.map((p) => {
        const detail = adaptRemedy(p.message, audience, id);
        return {
          logicalId,
          resourceType: resource.Type ?? 'Unknown',
          path: p.path ?? ['Properties'],
          property: p.property ?? 'Properties',
          value: p.value,
          level: p.level ?? spec.level,
          code: p.code,
          detail,
          message: detail,
        };
      });
      return [{
        ruleId: id,
        level: places.reduce<RuleLevel>((l, p) => worst(l, p.level), 'warning'),
        message: places.map((p) => p.message).join(' | '),
        logicalId,
        resourceType: resource.Type ?? 'Unknown',
        code: problems[0].code,
        places,
      }];
    },
  };
}
