/**
 * `cdk-bedrock-foundation/nag`: Amazon Bedrock policy checks. This entry point imports cdk-nag (an optional peer
 * dependency); the constructs entry point never does.
 */
export { BedrockChecks } from './packs/bedrock-checks';
export type { BedrockChecksProps } from './packs/bedrock-checks';
export { ALL_RULES, MODEL_RULES, OPT_IN_RULES, optInRules } from './rules';
export { checkTemplate, checkResource, checkContext, groupFindingsByValue } from './core/check';
export type { TemplateCheckOptions } from './core/check';
export { acknowledgementId } from './core/types';
export type { ModelRule } from './core/model-rule';
export type { ModelHitCode } from './core/model-scan';
export type {
  ApplicationResource, BedrockRule, CoreFinding, CfnResourceJson, CfnTemplateJson, CheckContext, FindingPlace, PathSegment, RegionSource, RuleLevel,
} from './core/types';
