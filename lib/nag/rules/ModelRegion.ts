import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelRegion: the model (or inference profile) is not offered in the Region it is called from, or its
 * availability there is not sourced, or an IAM statement grants a foundation-model ARN of another Region (or a
 * Region-less / wildcard-Region one) without a `bedrock:InferenceProfileArn` condition and without granting an
 * inference profile that routes there. The Region a model is judged in is the one named beside it (a Region field in
 * the same JSON object, a Region variable of the same function), the ARN's, else the stack's.
 */
export default defineModelRule({
  name: 'ModelRegion',
  level: 'error',
  // CrossRegionArn is the scan's own code (a foundation-model ARN of another, no or a wildcard Region).
  codes: ['NotInRegion', 'ProfileGeography', 'RegionNotSourced', 'RegionlessArn', 'CrossRegionArn', 'UnknownRegion'],
  info: 'A Bedrock model is not offered in the Region it is called from, or is granted in another Region.',
  explanation: 'Invoking a model that is not offered on demand in the Region it is called from fails at run time. That Region '
    + 'is the one named beside the model ID (a region field in the same JSON object, a Region variable of the same function), '
    + 'the one in its ARN, else the stack\'s; the message says which. Use an inference-profile ID whose geography covers the '
    + 'Region (the message lists the usable IDs), call the model in a Region that offers it, or pick another model. '
    + 'Foundation-model ARNs of other Regions belong in IAM policies only as destinations of an inference profile the policy '
    + 'also grants, ideally under a bedrock:InferenceProfileArn condition.',
});
