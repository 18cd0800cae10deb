import type { BedrockRule } from '../core/types';
import InvokeWildcard from './InvokeWildcard';
import ModelEndOfLife from './ModelEndOfLife';
import ModelIdKnown from './ModelIdKnown';
import ModelIdPinned from './ModelIdPinned';
import ModelLegacy from './ModelLegacy';
import ModelRegion from './ModelRegion';
import ModelRegionUnverified from './ModelRegionUnverified';
import ServiceRoleSourceAccount from './ServiceRoleSourceAccount';

export { InvokeWildcard, ModelEndOfLife, ModelIdKnown, ModelIdPinned, ModelLegacy, ModelRegion, ModelRegionUnverified, ServiceRoleSourceAccount };

/** Every rule of the Bedrock pack, in report order. */
export const ALL_RULES: readonly BedrockRule[] = [
  ModelIdPinned,
  ModelIdKnown,
  ModelRegion,
  ModelRegionUnverified,
  ModelEndOfLife,
  ModelLegacy,
  InvokeWildcard,
  ServiceRoleSourceAccount,
];
