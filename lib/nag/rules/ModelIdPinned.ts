import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelIdPinned: a model identifier is an alias (`...:latest`), a model family without a version, an official
 * revisioned ID with its `:N` revision dropped, or not a Bedrock model ID at all.
 */
export default defineModelRule({
  name: 'ModelIdPinned',
  level: 'error',
  codes: ['Syntax', 'Alias', 'Unversioned', 'RevisionDropped'],
  info: 'A Bedrock model identifier is an alias or is not pinned to an exact model version.',
  explanation: 'An alias or unversioned ID can resolve to a different model over time (or not at all), changing behaviour, '
    + 'price and lifecycle without a code change. Write the exact model ID the message suggests (for example '
    + "'anthropic.claude-haiku-4-5-20251001-v1:0' or 'us.anthropic.claude-haiku-4-5-20251001-v1:0').",
});
