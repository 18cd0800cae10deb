import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelRegion: the model (or inference profile) is not offered in the Region it is used from, or its
 * availability there is not sourced, or an IAM statement grants a foundation-model ARN of another Region (or a
 * Region-less / wildcard-Region one) without a `bedrock:InferenceProfileArn` condition.
 */
export default defineModelRule({
  name: 'ModelRegion',
  level: 'error',
  // CrossRegionArn is the scan's own code (a foundation-model ARN of another, no or a wildcard Region).
  codes: ['NotInRegion', 'ProfileGeography', 'RegionNotSourced', 'RegionlessArn', 'CrossRegionArn', 'UnknownRegion'],
  info: "A Bedrock model is not offered in the Region it is used from, or is granted in another Region.",
  explanation: 'Invoking a model that is not offered on demand in the stack\'s Region fails at run time. Use an '
    + 'inference-profile ID whose geography covers the Region (the message lists the usable IDs), deploy to a Region '
    + 'that offers the model, or pick another model. Foundation-model ARNs of other Regions belong in IAM policies only '
    + 'as destinations of an inference profile, under a bedrock:InferenceProfileArn condition (BedrockModel.grantInvoke '
    + 'writes them that way).',
});
