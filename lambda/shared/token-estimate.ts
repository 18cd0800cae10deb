/**
 * A lower bound on the number of tokens a text can take, used to reject prompts that clearly cannot fit a model's
 * context window before calling Bedrock (no tokenizer ships offline, and Bedrock models use different ones).
 *
 * Every tokenizer turns text into a sequence of vocabulary entries, and each entry stands for a bounded number of
 * bytes of the UTF-8 input. If no entry covers more than N bytes, a text of B bytes needs at least ceil(B / N)
 * tokens, whatever the tokenizer, so rejecting only when ceil(B / N) > contextWindow never rejects a prompt that
 * could fit. No Bedrock model publishes its tokenizer's longest entry, so N is an assumption, chosen far above
 * what ordinary text uses (English averages about 4-5 characters per token: the Titan embeddings page gives
 * ~4.7, the Cohere Embed page ~4) so that even long runs of repeated characters or whitespace, which byte-pair
 * vocabularies compress hardest, stay under it: N = 256 by default, configurable with env
 * `PROMPT_MAX_BYTES_PER_TOKEN` (0 turns the check off).
 *
 * Consequence: the check only ever fires for small context windows. A synchronous Lambda payload is at most 6 MB,
 * so with N = 256 it can reject prompts only for models whose window is below ~24,000 tokens; larger prompts for
 * larger windows are left to Bedrock, which answers with a ValidationException naming the limit.
 */
import { envInt } from './env';

export const DEFAULT_MAX_BYTES_PER_TOKEN = 256;

export function maxBytesPerToken(): number {
  return envInt('PROMPT_MAX_BYTES_PER_TOKEN', DEFAULT_MAX_BYTES_PER_TOKEN);
}

/** UTF-8 byte length of all the given texts. */
export function utf8Bytes(texts: readonly string[]): number {
  let total = 0;
  for (const t of texts) total += Buffer.byteLength(t, 'utf8');
  return total;
}

/** Lower bound on tokens for the texts, or 0 when the check is off. */
export function minimumTokens(texts: readonly string[], bytesPerToken = maxBytesPerToken()): number {
  if (bytesPerToken <= 0) return 0;
  return Math.ceil(utf8Bytes(texts) / bytesPerToken);
}
