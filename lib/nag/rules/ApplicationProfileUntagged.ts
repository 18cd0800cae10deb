import { evaluateAll, NO_VALUE } from '../core/intrinsics';
import { defineResourceRule } from '../core/model-rule';

/**
 * Bedrock-ApplicationProfileUntagged (opt-in): an application inference profile (`AWS::Bedrock::ApplicationInferenceProfile`)
 * without tags. Attaching tags to an application inference profile is how Bedrock usage is allocated to an application,
 * team or tenant (Bedrock user guide, inference-profiles.html: "Use tags to monitor costs"). A `Fn::If` whose branch
 * leaves the profile untagged is reported too.
 */
export default defineResourceRule({
  name: 'ApplicationProfileUntagged',
  level: 'warning',
  info: 'An application inference profile has no tags.',
  explanation: 'Application inference profiles exist to track the cost and usage of one application, team or tenant; that '
    + 'tracking works through tags (activate them as cost allocation tags in AWS Billing). Give the profile tags, e.g. '
    + "new ApplicationInferenceProfile(this, 'ChatProfile', { model, tags: { app: 'support-chat', team: 'cx' } }) or "
    + "Tags.of(profile).add('app', 'support-chat').",
  check(resource, ctx) {
    if (resource.Type !== 'AWS::Bedrock::ApplicationInferenceProfile') return [];
    const tags = resource.Properties?.Tags;
    const variants = tags === undefined ? [undefined] : evaluateAll(tags, ctx);
    const untagged = variants.some((v) => v === undefined || v === NO_VALUE || (Array.isArray(v) && v.length === 0));
    if (!untagged) return [];
    const name = typeof resource.Properties?.InferenceProfileName === 'string' ? ` '${resource.Properties.InferenceProfileName}'` : '';
    return [{
      code: 'Untagged',
      message: `The application inference profile${name} has ${tags === undefined ? 'no Tags' : variants.length > 1 ? 'Tags that are empty in one condition branch' : 'an empty Tags list'}, so its usage cannot be allocated by tag.`,
    }];
  },
});
