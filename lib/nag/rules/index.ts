/**
 * The rules of the Bedrock pack. The rule core (`lib/nag/core`) knows no rule: its callers, the cdk-nag pack
 * (`lib/nag/packs`) and the CLI (`lib/cli`), pass `ALL_RULES` (or a subset) to it.
 */
import type { ModelHitCode } from '../core/model-scan';
import type { BedrockRule } from '../core/types';
import { BedrockValidationError } from '../../catalog/errors';
import ApplicationProfileUntagged from './ApplicationProfileUntagged';
import InvocationLoggingMissing from './InvocationLoggingMissing';
import GuardrailDraft from './GuardrailDraft';
import GuardrailMissing from './GuardrailMissing';
import GuardrailProfileRegion from './GuardrailProfileRegion';
import InvokeWildcard from './InvokeWildcard';
import ModelEndOfLife from './ModelEndOfLife';
import ModelIdKnown from './ModelIdKnown';
import ModelIdPinned from './ModelIdPinned';
import ModelLegacy from './ModelLegacy';
import ModelRegion from './ModelRegion';
import ModelRegionUnverified from './ModelRegionUnverified';
import ProfileGrantCondition from './ProfileGrantCondition';
import ServiceRoleSourceAccount from './ServiceRoleSourceAccount';

export { ApplicationProfileUntagged, GuardrailDraft, GuardrailMissing, GuardrailProfileRegion, InvocationLoggingMissing };
export {
  InvokeWildcard, ModelEndOfLife, ModelIdKnown, ModelIdPinned, ModelLegacy, ModelRegion, ModelRegionUnverified, ProfileGrantCondition,
  ServiceRoleSourceAccount,
};

/** The model rules, in report order. Each declares the codes of model findings it reports. */
export const MODEL_RULES = [
  ModelIdPinned,
  ModelIdKnown,
  ModelRegion,
  ModelRegionUnverified,
  ModelEndOfLife,
  ModelLegacy,
  ProfileGrantCondition,
] as const;

/** Every rule of the Bedrock pack, in report order. */
export const ALL_RULES: readonly BedrockRule[] = [
  ...MODEL_RULES,
  InvokeWildcard,
  ServiceRoleSourceAccount,
  GuardrailProfileRegion,
  GuardrailDraft,
];

/**
 * Rules that run only when asked for by name: `new BedrockChecks(undefined, { optInRules: ['InvocationLoggingMissing'] })` or
 * `cdk-bedrock-check --opt-in InvocationLoggingMissing,ApplicationProfileUntagged`. Not in `ALL_RULES`.
 */
export const OPT_IN_RULES: readonly BedrockRule[] = [
  InvocationLoggingMissing,
  ApplicationProfileUntagged,
  GuardrailMissing,
];

/**
 * The opt-in rules named (`InvocationLoggingMissing` or `Bedrock-InvocationLoggingMissing`), in `OPT_IN_RULES` order.
 * Throws `UnknownOptInRule` naming a name that is not an opt-in rule and listing the ones there are.
 */
export function optInRules(names: readonly string[]): BedrockRule[] {
  const wanted = new Set<string>();
  for (const raw of names) {
    const name = String(raw).trim().replace(/^Bedrock-/, '');
    const rule = OPT_IN_RULES.find((r) => r.name === name);
    if (!rule) {
      const always = ALL_RULES.some((r) => r.name === name);
      throw new BedrockValidationError('UnknownOptInRule', `'${raw}' is not an opt-in rule of the Bedrock pack`
        + `${always ? ' (it always runs)' : ''}; the opt-in rules are ${OPT_IN_RULES.map((r) => r.name).join(', ')}.`);
    }
    wanted.add(rule.name);
  }
  return OPT_IN_RULES.filter((r) => wanted.has(r.name));
}

// Compile-time check: a code of the model-ID policy (or of the scan) that no model rule declares would be reported by
// no rule, so adding a code to `ModelFindingCode` without giving it to a rule fails the build here.
type UndeclaredModelCode = Exclude<ModelHitCode, (typeof MODEL_RULES)[number]['codes'][number]>;
const everyModelCodeDeclared: [UndeclaredModelCode] extends [never] ? true : { undeclared: UndeclaredModelCode } = true;
void everyModelCodeDeclared;
