/**
 * The rules of the Bedrock pack. The rule core (`lib/nag/core`) knows no rule: its callers, the cdk-nag pack
 * (`lib/nag/packs`) and the CLI (`lib/cli`), pass `ALL_RULES` (or a subset) to it.
 */
import type { ModelHitCode } from '../core/model-scan';
import type { BedrockRule } from '../core/types';
import InvokeWildcard from './InvokeWildcard';
import ModelEndOfLife from './ModelEndOfLife';
import ModelIdKnown from './ModelIdKnown';
import ModelIdPinned from './ModelIdPinned';
import ModelLegacy from './ModelLegacy';
import ModelRegion from './ModelRegion';
import ModelRegionUnverified from './ModelRegionUnverified';
import ProfileGrantCondition from './ProfileGrantCondition';
import ServiceRoleSourceAccount from './ServiceRoleSourceAccount';

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
];

// Compile-time check: a code of the model-ID policy (or of the scan) that no model rule declares would be reported by
// no rule, so adding a code to `ModelFindingCode` without giving it to a rule fails the build here.
type UndeclaredModelCode = Exclude<ModelHitCode, (typeof MODEL_RULES)[number]['codes'][number]>;
const everyModelCodeDeclared: [UndeclaredModelCode] extends [never] ? true : { undeclared: UndeclaredModelCode } = true;
void everyModelCodeDeclared;
