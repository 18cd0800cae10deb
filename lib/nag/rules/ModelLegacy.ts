import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelLegacy: the model is in its legacy period at the check date; it will reach end of life.
 * The finding ID is the foundation-model ID (also for inference profiles of that model).
 */
export default defineModelRule({
  name: 'ModelLegacy',
  level: 'warning',
  // Lifecycle warnings that are not "legacy" but are about the model's lifecycle all the same: reported (and
  // acknowledged) with this rule, keyed by the foundation-model ID like the other lifecycle findings.
  codes: ['Legacy', 'LifecycleConflict', 'LifecycleNotSourced'],
  info: 'A Bedrock model is legacy and will reach end of life.',
  explanation: 'Legacy models keep working until their end-of-life date, then requests fail. Plan the migration to the '
    + 'successor or an active model the message names; acknowledge the finding with its end-of-life date in the reason '
    + 'until then.',
});
