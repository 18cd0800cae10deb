import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ProfileGrantCondition: an identity policy grants an inference profile and the foundation-model ARNs in the
 * profile's destination Regions (or Region-less), which is what a profile needs, but without a
 * `bedrock:InferenceProfileArn` condition on the foundation-model ARNs, so they also allow requests that do not go through
 * the profile. A hardening warning, not a Region error. The finding ID is the foundation-model ID.
 */
export default defineModelRule({
  name: 'ProfileGrantCondition',
  level: 'warning',
  codes: ['ProfileGrantUnconditioned'],
  info: 'Foundation-model ARNs granted for an inference profile\'s destination Regions have no bedrock:InferenceProfileArn condition.',
  explanation: 'A cross-Region inference profile needs the profile ARN and the foundation-model ARN in each Region it routes to. '
    + 'Without a bedrock:InferenceProfileArn condition the foundation-model ARNs also allow direct requests in those Regions, '
    + 'outside the profile. Put them in a statement with Condition { "StringEquals": { "bedrock:InferenceProfileArn": '
    + '"<ARN of the profile>" } } and keep the profile ARN in a statement without it.',
});
