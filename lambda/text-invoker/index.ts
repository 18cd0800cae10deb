/**
 * Text invoker: Bedrock Converse (direct invocation, `handler`) and ConverseStream behind a Lambda Function URL with
 * response streaming (`streamHandler`). Model ID and inference parameters come from the runtime model
 * configuration (env MODEL_CONFIG or the SSM parameter in MODEL_CONFIG_PARAMETER); requests may override the
 * inference parameters within the model's bounds.
 */
import {
  BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand,
  type ConverseCommandInput, type InferenceConfiguration, type Message, type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import * as z from 'zod/mini';
import { InvokerError, fromSdkError } from '../shared/errors';
import { GUARDRAIL_INTERVENED_STOP_REASON, recordGuardrailIntervention } from '../shared/guardrail';
import { getModelConfigWithin, inferenceParametersSchema, type RuntimeModelConfig } from '../shared/model-config';
import { asInvokerError, beginInvocation, endInvocation, invoke, logger, recordCall, recordError } from '../shared/observability';
import { clientOptions, deadlineFor, inRequestScope, type ContextLike } from '../shared/sdk';
import { maxBytesPerToken, minimumTokens } from '../shared/token-estimate';
import { parseInput } from '../shared/validation';

export { setClock } from '../shared/clock';

const client = new BedrockRuntimeClient(clientOptions());

/** A request's inference overrides: the configuration's fields and bounds, and nothing else. */
const inferenceSchema = z.strictObject(inferenceParametersSchema.shape);

const requestSchema = z.strictObject({
  prompt: z.optional(z.string().check(z.minLength(1))),
  messages: z.optional(z.array(z.strictObject({
    role: z.enum(['user', 'assistant']),
    content: z.string().check(z.minLength(1)),
  })).check(z.minLength(1))),
  system: z.optional(z.string().check(z.minLength(1))),
  inferenceConfig: z.optional(inferenceSchema),
  correlationId: z.optional(z.string()),
});

/** The direct-invocation request. Exactly one of `prompt` or `messages`. */
export type TextRequest = z.infer<typeof requestSchema>;

export interface TextResponse {
  readonly modelId: string;
  readonly text: string;
  readonly stopReason?: string;
  readonly usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
  readonly latencyMs: number;
  readonly estimatedCostUsd?: number;
  /**
   * With a guardrail configured: whether it intervened (`stopReason` `guardrail_intervened`); `text` is then the
   * guardrail's blocked message (or the masked answer), not a model answer. Absent without a guardrail.
   */
  readonly guardrailIntervened?: boolean;
  /** The guardrail trace (Converse `trace.guardrail`), when the configuration requests it and the guardrail intervened. */
  readonly guardrailTrace?: unknown;
}

/** The guardrail fields of an answer (none without a guardrail), recording an intervention. */
function guardrailOutcome(config: RuntimeModelConfig, stopReason: string | undefined, trace: unknown): Pick<TextResponse, 'guardrailIntervened' | 'guardrailTrace'> {
  if (!config.guardrail) return {};
  if (stopReason !== GUARDRAIL_INTERVENED_STOP_REASON) return { guardrailIntervened: false };
  recordGuardrailIntervention(config.modelId, config.guardrail);
  return { guardrailIntervened: true, ...(config.guardrail.trace !== 'disabled' && trace !== undefined ? { guardrailTrace: trace } : {}) };
}

/** Validates the request against the configuration and builds the Converse input. */
export function buildConverseInput(req: TextRequest, config: RuntimeModelConfig): ConverseCommandInput {
  if ((req.prompt === undefined) === (req.messages === undefined)) {
    throw new InvokerError('InvalidRequest', 400,
      `Invalid request: give exactly one of "prompt" (a string) or "messages" (an array of { role, content }), got ${req.prompt === undefined ? 'neither' : 'both'}.`,
      { field: 'prompt' });
  }
  const messages: Message[] = req.prompt !== undefined
    ? [{ role: 'user', content: [{ text: req.prompt }] }]
    : req.messages!.map((m) => ({ role: m.role, content: [{ text: m.content }] }));
  if (messages[0].role !== 'user') {
    throw new InvokerError('InvalidRequest', 400, 'Invalid request: field "messages[0].role" must be "user" (a conversation starts with the user).', { field: 'messages[0].role' });
  }

  if (config.contextWindow) {
    const texts = [req.system ?? '', ...(req.prompt !== undefined ? [req.prompt] : req.messages!.map((m) => m.content))];
    const minTokens = minimumTokens(texts);
    if (minTokens > config.contextWindow) {
      const field = req.prompt !== undefined ? 'prompt' : 'messages';
      throw new InvokerError('PromptTooLong', 413,
        `Invalid request: field "${field}" cannot fit the context window of model ${config.modelId} (${config.contextWindow} tokens): it needs at least ${minTokens} tokens (estimate: UTF-8 bytes / ${maxBytesPerToken()}, a lower bound). Shorten the prompt or pick a model with a larger window.`,
        { field, modelId: config.modelId });
    }
  }

  const inferenceConfig = mergeInference(config, req.inferenceConfig);
  return {
    modelId: config.modelId,
    messages,
    ...(req.system !== undefined ? { system: [{ text: req.system }] } : {}),
    ...(Object.keys(inferenceConfig).length ? { inferenceConfig } : {}),
    // ConverseStream takes the same fields; its streamProcessingMode is left at the service's default (synchronous:
    // the guardrail assesses each chunk before it is sent, so blocked text is never streamed; Bedrock user guide,
    // "Include a guardrail with the Converse API").
    ...(config.guardrail ? { guardrailConfig: { ...config.guardrail } } : {}),
  };
}

/**
 * Configured inference parameters with the request's overrides. A request that sets one of temperature/topP does
 * not inherit the other from the configuration (some models, e.g. newer Anthropic ones, reject both together).
 */
export function mergeInference(config: RuntimeModelConfig, override: TextRequest['inferenceConfig']): InferenceConfiguration {
  const base = config.inferenceParameters ?? {};
  const o = override ?? {};
  const sampling = o.temperature !== undefined || o.topP !== undefined
    ? { temperature: o.temperature, topP: o.topP }
    : { temperature: base.temperature, topP: base.topP };
  const merged: InferenceConfiguration = {
    maxTokens: o.maxTokens ?? base.maxTokens,
    ...sampling,
    stopSequences: o.stopSequences ?? base.stopSequences,
  };
  if (merged.maxTokens !== undefined && config.maxOutputTokens && merged.maxTokens > config.maxOutputTokens) {
    throw new InvokerError('InvalidRequest', 400,
      `Invalid request: field "inferenceConfig.maxTokens" is ${merged.maxTokens}, above the maximum output tokens of model ${config.modelId} (${config.maxOutputTokens}).`,
      { field: 'inferenceConfig.maxTokens', modelId: config.modelId });
  }
  for (const k of Object.keys(merged) as (keyof InferenceConfiguration)[]) if (merged[k] === undefined) delete merged[k];
  return merged;
}

function usageOf(u: TokenUsage | undefined): TextResponse['usage'] {
  return u ? { inputTokens: u.inputTokens, outputTokens: u.outputTokens, totalTokens: u.totalTokens } : undefined;
}

/** Direct invocation: `{ prompt | messages, system?, inferenceConfig?, correlationId? }` → TextResponse. */
export async function handler(event: unknown, context?: ContextLike): Promise<TextResponse> {
  return invoke(context, (event as { correlationId?: string } | null)?.correlationId, async ({ deadline, setModel }) => {
    const req = parseInput(requestSchema, event);
    const config = await getModelConfigWithin(deadline);
    const modelId = config.modelId;
    setModel(modelId);
    const input = buildConverseInput(req, config);
    const started = performance.now();
    try {
      const out = await client.send(new ConverseCommand(input), { abortSignal: deadline.signal });
      const latencyMs = performance.now() - started;
      const message = out.output?.message;
      if (!message) {
        throw new InvokerError('MalformedModelResponse', 502,
          `Model ${modelId} returned a Converse response without output.message (stopReason ${JSON.stringify(out.stopReason ?? null)}), so there is no answer to return.`,
          { modelId });
      }
      const text = (message.content ?? []).map((b) => b.text ?? '').join('');
      const usage = usageOf(out.usage);
      const estimatedCostUsd = recordCall({ modelId, latencyMs, inputTokens: usage?.inputTokens, outputTokens: usage?.outputTokens, price: config.price });
      logger.info('converse ok', { stopReason: out.stopReason, usage, latencyMs: Math.round(latencyMs), attempts: out.$metadata.attempts });
      const guarded = guardrailOutcome(config, out.stopReason, out.trace?.guardrail);
      return {
        modelId, text, stopReason: out.stopReason, usage, latencyMs: Math.round(latencyMs),
        ...(estimatedCostUsd !== undefined ? { estimatedCostUsd } : {}), ...guarded,
      };
    } catch (e) {
      throw fromSdkError(e, modelId, 'Converse', deadline.budgetMs);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Function URL with response streaming

interface UrlEvent {
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
  requestContext?: { requestId?: string; http?: { method?: string } };
}

interface ResponseStreamLike {
  write(chunk: string | Uint8Array): unknown;
  end(chunk?: string | Uint8Array): unknown;
  on?(event: string, cb: (...args: unknown[]) => void): unknown;
}

interface AwsLambdaGlobal {
  streamifyResponse(fn: (event: UrlEvent, stream: ResponseStreamLike, context: ContextLike) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: ResponseStreamLike, prelude: { statusCode: number; headers?: Record<string, string> }): ResponseStreamLike };
}

/** The runtime's streaming API. The bundled SDK creates an empty `globalThis.awslambda` itself, so check the function. */
function awslambdaGlobal(): AwsLambdaGlobal | undefined {
  const g = (globalThis as { awslambda?: Partial<AwsLambdaGlobal> }).awslambda;
  return typeof g?.streamifyResponse === 'function' ? g as AwsLambdaGlobal : undefined;
}

function finish(stream: ResponseStreamLike): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.on) { stream.end(); resolve(); return; }
    let done = false;
    const ok = () => { if (!done) { done = true; resolve(); } };
    stream.on('finish', ok); stream.on('close', ok); stream.on('error', ok);
    stream.end();
  });
}

function line(obj: unknown): string {
  return JSON.stringify(obj) + '\n';
}

/**
 * Streams a ConverseStream answer as NDJSON: `{"type":"text","text":"..."}` per delta, then one
 * `{"type":"done","stopReason","usage","latencyMs","estimatedCostUsd"}` line. Errors before the first byte get an
 * HTTP status and `{"error":{code,message,field?,modelId?}}`; errors mid-stream end with `{"type":"error","error":{...}}`.
 */
export function streamConverse(event: UrlEvent, responseStream: ResponseStreamLike, context: ContextLike | undefined): Promise<void> {
  // Its own request scope (lambda/shared/request-scope.ts): deadline, logger keys and metrics stay with this request.
  return inRequestScope(() => streamConverseInScope(event, responseStream, context));
}

async function streamConverseInScope(event: UrlEvent, responseStream: ResponseStreamLike, context: ContextLike | undefined): Promise<void> {
  const lambda = awslambdaGlobal()!;
  const correlationId = event.headers?.['x-correlation-id'] ?? event.requestContext?.requestId;
  beginInvocation(context, correlationId);
  let modelId: string | undefined;
  let out: ResponseStreamLike | undefined;
  const deadline = deadlineFor(context);
  try {
    if (event.requestContext?.http?.method && event.requestContext.http.method !== 'POST') {
      throw new InvokerError('MethodNotAllowed', 405, `Use POST with a JSON body; got ${event.requestContext.http.method}.`);
    }
    let body: unknown;
    try {
      const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body ?? '';
      body = JSON.parse(text);
    } catch (e) {
      throw new InvokerError('InvalidRequest', 400, `Invalid request: the body must be a JSON object (${(e as Error).message}).`, { field: '(body)' });
    }
    const req = parseInput(requestSchema, body);
    const config = await getModelConfigWithin(deadline);
    modelId = config.modelId;
    logger.appendKeys({ modelId });
    const input = buildConverseInput(req, config);
    const started = performance.now();
    try {
      const res = await client.send(new ConverseStreamCommand(input), { abortSignal: deadline.signal });
      out = lambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'content-type': 'application/x-ndjson' } });
      let stopReason: string | undefined;
      let usage: TextResponse['usage'];
      let trace: unknown;
      let sawStop = false;
      let sawMetadata = false;
      for await (const ev of res.stream ?? []) {
        if (ev.contentBlockDelta?.delta?.text !== undefined) out.write(line({ type: 'text', text: ev.contentBlockDelta.delta.text }));
        else if (ev.messageStop) { sawStop = true; stopReason = ev.messageStop.stopReason; }
        else if (ev.metadata) { sawMetadata = true; usage = usageOf(ev.metadata.usage); trace = ev.metadata.trace?.guardrail; }
      }
      if (!sawStop || !sawMetadata) {
        // ConverseStream ends every answer with messageStop (stop reason) and then metadata (usage); a stream that
        // ends without them was cut off, and reporting `done` would present a truncated answer as complete.
        const missing = [!sawStop ? 'messageStop' : '', !sawMetadata ? 'metadata' : ''].filter(Boolean).join(' and ');
        throw new InvokerError('MalformedModelResponse', 502,
          `Model ${modelId} ended the ConverseStream response without its ${missing} event${missing.includes(' and ') ? 's' : ''}: the answer may be truncated.`,
          { modelId });
      }
      const latencyMs = performance.now() - started;
      const estimatedCostUsd = recordCall({ modelId, latencyMs, inputTokens: usage?.inputTokens, outputTokens: usage?.outputTokens, price: config.price });
      logger.info('converse stream ok', { stopReason, usage, latencyMs: Math.round(latencyMs) });
      const guarded = guardrailOutcome(config, stopReason, trace);
      out.write(line({
        type: 'done', modelId, stopReason, usage, latencyMs: Math.round(latencyMs),
        ...(estimatedCostUsd !== undefined ? { estimatedCostUsd } : {}), ...guarded,
      }));
    } catch (e) {
      throw fromSdkError(e, modelId, 'ConverseStream', deadline.budgetMs);
    }
  } catch (e) {
    const err = asInvokerError(e, modelId);
    recordError(err, modelId);
    if (out) {
      out.write(line({ type: 'error', error: err.toJSON() }));
    } else {
      out = lambda.HttpResponseStream.from(responseStream, { statusCode: err.statusCode, headers: { 'content-type': 'application/json' } });
      out.write(JSON.stringify({ error: err.toJSON() }));
    }
  } finally {
    deadline.dispose();
    endInvocation();
  }
  await finish(out ?? responseStream);
}

/**
 * The Function URL entry point (`index.streamHandler`, invoke mode RESPONSE_STREAM). The Lambda Node.js runtime
 * provides the `awslambda` global; outside it this export throws a clear error when called.
 */
export const streamHandler: unknown = awslambdaGlobal()
  ? awslambdaGlobal()!.streamifyResponse(streamConverse)
  : async () => {
    throw new Error('streamHandler needs the Lambda Node.js runtime (global awslambda.streamifyResponse); use handler for direct invocation.');
  };
