/**
 * Embedding invoker: Bedrock InvokeModel with each provider's own request body.
 *
 * - Amazon Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`): one `inputText` per call, with `dimensions`
 *   (256 | 512 | 1024) and `normalize`; a batch is that many calls, at most EMBEDDING_CONCURRENCY at a time.
 *   Texts above 50,000 characters are rejected before calling (documented limit; counted in characters, i.e. Unicode
 *   code points, not UTF-16 units: an emoji is one character).
 *   Source: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 * - Amazon Titan Text Embeddings G1 (`amazon.titan-embed-text-v1`): `inputText` only (no dimensions, no normalize).
 * - Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`): `texts` batched up to 96 per call
 *   with `input_type` and an explicit `truncate` (the AWS pages disagree on its default); no dimensions, no
 *   normalize. Source: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html
 * - Cohere Embed v4 (`cohere.embed-v4:0`): as v3 plus `output_dimension` (256 | 512 | 1024 | 1536).
 *   Source: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v4.html
 * Cohere responses are parsed in both documented forms (`embeddings: [[...]]` and `embeddings: { float: [[...]] }`).
 *
 * Token counts: Titan reports `inputTextTokenCount` in the body, so InputTokens and EstimatedCostUSD are emitted. For
 * Cohere Embed no token count is documented anywhere Bedrock returns one: the response body fields are `id`,
 * `response_type`, `embeddings`, `texts` (and `images`/`inputs`) per the two pages above, and the InvokeModel response
 * has only `body`, `contentType`, `performanceConfigLatency` and `serviceTier` (SDK model, InvokeModelResponse in
 * /work/shared/reference/bedrock-api-shapes.md; https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html).
 * So no InputTokens and no EstimatedCostUSD are emitted for Cohere, even though the catalog prices the model: the cost
 * would need a token count that is not sourced (a character-based guess would be an invented figure).
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import * as z from 'zod/mini';
import { InvokerError, fromSdkError } from '../shared/errors';
import { getModelConfigWithin, type RuntimeModelConfig } from '../shared/model-config';
import { invoke, logger, recordCall } from '../shared/observability';
import { ENV, envBool, envInt } from '../shared/env';
import { clientOptions, type ContextLike } from '../shared/sdk';
import { parseInput } from '../shared/validation';

export { setClock } from '../shared/clock';

const client = new BedrockRuntimeClient(clientOptions());
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Texts per request (env MAX_TEXTS, default 512): bounds the work one invocation can start. */
const MAX_TEXTS = envInt('MAX_TEXTS', 512);
/** Concurrent InvokeModel calls for one-text-per-call models (env EMBEDDING_CONCURRENCY, default 4). */
const CONCURRENCY = Math.max(1, envInt(ENV.EMBEDDING_CONCURRENCY, 4));

export type Family = 'titan-v2' | 'titan-v1' | 'cohere-v3' | 'cohere-v4';

interface FamilyRule {
  readonly pattern: RegExp;
  /** Texts per InvokeModel call. */
  readonly batch: number;
  /** Allowed output dimensions, or undefined when the model does not take a dimensions parameter. */
  readonly dimensions?: readonly number[];
  readonly normalize: boolean;
  readonly maxChars?: number;
  readonly truncate?: readonly string[];
  readonly defaultTruncate?: string;
}

export const FAMILIES: Record<Family, FamilyRule> = {
  'titan-v2': { pattern: /(^|\.|\/)amazon\.titan-embed-text-v2/, batch: 1, dimensions: [256, 512, 1024], normalize: true, maxChars: 50_000 },
  'titan-v1': { pattern: /(^|\.|\/)amazon\.titan-embed-text-v1/, batch: 1, normalize: false },
  'cohere-v3': { pattern: /(^|\.|\/)cohere\.embed-(english|multilingual)-v3/, batch: 96, normalize: false, truncate: ['NONE', 'START', 'END'], defaultTruncate: 'END' },
  'cohere-v4': { pattern: /(^|\.|\/)cohere\.embed-v4/, batch: 96, dimensions: [256, 512, 1024, 1536], normalize: false, truncate: ['NONE', 'LEFT', 'RIGHT'], defaultTruncate: 'RIGHT' },
};

export function familyOf(config: RuntimeModelConfig): Family {
  const id = config.foundationModelId ?? config.modelId;
  for (const [name, rule] of Object.entries(FAMILIES) as [Family, FamilyRule][]) if (rule.pattern.test(id)) return name;
  throw new InvokerError('UnsupportedModel', 500,
    `Model ${config.modelId} is not an embeddings model this invoker knows the request body of (Titan Text Embeddings V1/V2, Cohere Embed v3/v4). Use one of those or call InvokeModel yourself.`,
    { modelId: config.modelId });
}

const requestSchema = z.strictObject({
  texts: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(MAX_TEXTS)),
  inputType: z.optional(z.enum(['search_document', 'search_query', 'classification', 'clustering'])),
  dimensions: z.optional(z.int().check(z.gte(1))),
  normalize: z.optional(z.boolean()),
  truncate: z.optional(z.string()),
  correlationId: z.optional(z.string()),
});

export type EmbeddingRequest = z.infer<typeof requestSchema>;

export interface EmbeddingResponse {
  readonly modelId: string;
  readonly embeddings: number[][];
  readonly dimensions: number;
  readonly inputTokens?: number;
  readonly latencyMs: number;
  readonly estimatedCostUsd?: number;
}

const envDimensions = () => envInt(ENV.EMBEDDING_DIMENSIONS, undefined);
const envNormalize = () => envBool(ENV.EMBEDDING_NORMALIZE);

interface Plan {
  readonly family: Family;
  readonly rule: FamilyRule;
  readonly dimensions?: number;
  readonly normalize?: boolean;
  readonly truncate?: string;
}

/** Checks the request's options against what the model takes. */
export function plan(req: EmbeddingRequest, config: RuntimeModelConfig): Plan {
  const family = familyOf(config);
  const rule = FAMILIES[family];
  const modelId = config.modelId;
  const dimensions = req.dimensions ?? envDimensions();
  const normalize = req.normalize ?? envNormalize();
  if (dimensions !== undefined) {
    if (!rule.dimensions) {
      throw new InvokerError('InvalidRequest', 400, `Invalid request: field "dimensions" (${dimensions}) is not accepted by model ${modelId}, which has a fixed output size. Remove it.`, { field: 'dimensions', modelId });
    }
    const allowed = config.embedding?.dimensions?.length ? config.embedding.dimensions : rule.dimensions;
    if (!allowed.includes(dimensions)) {
      throw new InvokerError('InvalidRequest', 400, `Invalid request: field "dimensions" is ${dimensions}; model ${modelId} accepts ${allowed.join(', ')}.`, { field: 'dimensions', modelId });
    }
  }
  if (normalize !== undefined && !rule.normalize) {
    throw new InvokerError('InvalidRequest', 400, `Invalid request: field "normalize" is not accepted by model ${modelId}; only Titan Text Embeddings V2 takes it. Remove it.`, { field: 'normalize', modelId });
  }
  if (req.inputType !== undefined && !rule.truncate) {
    throw new InvokerError('InvalidRequest', 400, `Invalid request: field "inputType" is not accepted by model ${modelId}; only Cohere Embed models take it. Remove it.`, { field: 'inputType', modelId });
  }
  if (req.truncate !== undefined && !rule.truncate?.includes(req.truncate)) {
    throw new InvokerError('InvalidRequest', 400,
      `Invalid request: field "truncate" is ${JSON.stringify(req.truncate)}; model ${modelId} ${rule.truncate ? `accepts ${rule.truncate.join(', ')}` : 'does not take it'}.`, { field: 'truncate', modelId });
  }
  if (rule.maxChars !== undefined) {
    for (let i = 0; i < req.texts.length; i++) {
      // `length` (UTF-16 units) is never below the character count, so only a text longer than that is counted.
      const chars = req.texts[i].length > rule.maxChars ? characterCount(req.texts[i]) : 0;
      if (chars > rule.maxChars) {
        throw new InvokerError('InputTooLong', 413,
          `Invalid request: field "texts[${i}]" has ${chars} characters; model ${modelId} takes at most ${rule.maxChars} characters (and 8,192 tokens) per text. Split it.`,
          { field: `texts[${i}]`, modelId });
      }
    }
  }
  const effectiveDims = dimensions ?? (rule.dimensions ? config.embedding?.default ?? undefined : undefined);
  return { family, rule, dimensions: effectiveDims, normalize, truncate: req.truncate ?? rule.defaultTruncate };
}

/**
 * Characters (Unicode code points) in `s`. A string's `length` counts UTF-16 code units, 2 for every character outside
 * the Basic Multilingual Plane (emoji, CJK extension B, ...), so it would refuse texts within a limit stated in
 * characters. A lone surrogate counts as one character.
 */
export function characterCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

function bodyFor(p: Plan, texts: string[], inputType: string): Record<string, unknown> {
  switch (p.family) {
    case 'titan-v2': return { inputText: texts[0], ...(p.dimensions ? { dimensions: p.dimensions } : {}), ...(p.normalize !== undefined ? { normalize: p.normalize } : {}) };
    case 'titan-v1': return { inputText: texts[0] };
    case 'cohere-v3': return { texts, input_type: inputType, truncate: p.truncate };
    case 'cohere-v4': return { texts, input_type: inputType, truncate: p.truncate, ...(p.dimensions ? { output_dimension: p.dimensions } : {}) };
  }
}

function malformed(modelId: string, what: string): InvokerError {
  return new InvokerError('MalformedModelResponse', 502, `Model ${modelId} returned an InvokeModel body that ${what}.`, { modelId });
}

function isVector(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

/** Extracts the vectors (and token count when the provider reports one) from a response body. */
export function parseBody(p: Plan, modelId: string, raw: Uint8Array, expected: number): { vectors: number[][]; tokens?: number } {
  let json: any;
  try {
    json = JSON.parse(decoder.decode(raw));
  } catch {
    throw malformed(modelId, `is not JSON (starts with ${JSON.stringify(decoder.decode(raw.subarray(0, 40)))})`);
  }
  if (p.family === 'titan-v2' || p.family === 'titan-v1') {
    if (!isVector(json?.embedding)) throw malformed(modelId, 'has no numeric "embedding" array');
    return { vectors: [json.embedding], tokens: typeof json.inputTextTokenCount === 'number' ? json.inputTextTokenCount : undefined };
  }
  const e = json?.embeddings;
  const vectors = Array.isArray(e) ? e : e && typeof e === 'object' ? e.float : undefined;
  if (!Array.isArray(vectors) || !vectors.every(isVector)) throw malformed(modelId, 'has no float "embeddings" (neither [[...]] nor { float: [[...]] })');
  if (vectors.length !== expected) throw malformed(modelId, `has ${vectors.length} embeddings for ${expected} texts`);
  return { vectors };
}

/** Direct invocation: `{ texts, inputType?, dimensions?, normalize?, truncate? }` → EmbeddingResponse. */
export async function handler(event: unknown, context?: ContextLike): Promise<EmbeddingResponse> {
  return invoke(context, (event as { correlationId?: string } | null)?.correlationId, async ({ deadline, setModel }) => {
    const req = parseInput(requestSchema, event);
    const config = await getModelConfigWithin(deadline);
    const modelId = config.modelId;
    setModel(modelId);
    const p = plan(req, config);
    const inputType = req.inputType ?? 'search_document';
    const batches: string[][] = [];
    for (let i = 0; i < req.texts.length; i += p.rule.batch) batches.push(req.texts.slice(i, i + p.rule.batch));

    const started = performance.now();
    const results: { vectors: number[][]; tokens?: number }[] = new Array(batches.length);
    // The first failure cancels the calls still in flight (and stops scheduling more): the request fails anyway, and
    // the others would only hold the invocation open until they answer.
    const batch = new AbortController();
    const signal = deadline.signal ? AbortSignal.any([deadline.signal, batch.signal]) : batch.signal;
    let next = 0;
    let failure: unknown;
    let otherFailures = 0;
    let cancelled = 0;
    const worker = async () => {
      while (failure === undefined && next < batches.length) {
        const i = next++;
        try {
          const out = await client.send(new InvokeModelCommand({
            modelId, contentType: 'application/json', accept: 'application/json',
            body: encoder.encode(JSON.stringify(bodyFor(p, batches[i], inputType))),
          }), { abortSignal: signal });
          results[i] = parseBody(p, modelId, out.body, batches[i].length);
        } catch (e) {
          if (failure === undefined) {
            failure = e;
            batch.abort();
          } else if (batch.signal.aborted && (e as { name?: string })?.name === 'AbortError') {
            cancelled += 1;
          } else {
            otherFailures += 1;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
    if (failure !== undefined) {
      logger.warn('embedding batch failed', { calls: batches.length, otherFailures, cancelledCalls: cancelled, notStarted: batches.length - next });
      throw fromSdkError(failure, modelId, 'InvokeModel', deadline.budgetMs);
    }
    const latencyMs = performance.now() - started;
    const embeddings = results.flatMap((r) => r.vectors);
    const tokenCounts = results.map((r) => r.tokens);
    const inputTokens = tokenCounts.every((t) => t !== undefined) ? tokenCounts.reduce((a, b) => a! + b!, 0) : undefined;
    const estimatedCostUsd = recordCall({ modelId, latencyMs, inputTokens, price: config.price });
    logger.info('embeddings ok', { texts: req.texts.length, calls: batches.length, inputTokens, latencyMs: Math.round(latencyMs) });
    return {
      modelId, embeddings, dimensions: embeddings[0].length, latencyMs: Math.round(latencyMs),
      ...(inputTokens !== undefined ? { inputTokens } : {}),
      ...(estimatedCostUsd !== undefined ? { estimatedCostUsd } : {}),
    };
  });
}
