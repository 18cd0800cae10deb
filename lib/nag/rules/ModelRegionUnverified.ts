import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelRegionUnverified: the Regional availability of a model could not be checked: the stack has no
 * concrete Region (environment-agnostic), or the catalog's geography data has a gap.
 */
export default defineModelRule({
  name: 'ModelRegionUnverified',
  level: 'warning',
  // ThirdPartySource: a profile ID (a fact that decides the verdict) that only a third party lists; accepted, unverified.
  codes: ['RegionUnknown', 'ProfileDataGap', 'ThirdPartySource'],
  info: 'The Regional availability of a Bedrock model could not be checked (Region unknown or not sourced).',
  explanation: 'An environment-agnostic stack can be deployed to a Region that does not offer the model. Give the stack '
    + "an explicit env: { region: '...' } in a CDK app, pass --region to cdk-bedrock-check for a plain template, or name the "
    + 'Region beside the model ID (a region field in the same JSON object, a Region variable such as BEDROCK_REGION of the '
    + 'same function), so availability is checked before deployment.',
});
