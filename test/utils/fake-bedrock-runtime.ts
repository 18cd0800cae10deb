/**
 * Fake Amazon Bedrock runtime (restJson1 over h2c) on 127.0.0.1 for the real @aws-sdk/client-bedrock-runtime.
 * Point the client at it with AWS_ENDPOINT_URL_BEDROCK_RUNTIME=fake.url.
 *
 * Wire shapes:
 * - Converse / ConverseStream: request and response fields from @aws-sdk/client-bedrock-runtime models_0.d.ts
 *   (reference: /work/shared/reference/bedrock-api-shapes.md §2-3). ConverseStream answers with AWS event-stream
 *   frames (`application/vnd.amazon.eventstream`), one per event, headers `:message-type` = event,
 *   `:event-type` = the union member name (messageStart, contentBlockDelta, ...), `:content-type` = application/json;
 *   exceptions use `:message-type` = exception and `:exception-type`.
 * - InvokeModel bodies (bedrock-api-shapes.md §1):
 *   Titan Text Embeddings V2 response `{ embedding, inputTextTokenCount, embeddingsByType }` (source:
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html).
 *   Cohere Embed v3 response `{ id, response_type: "embeddings_floats", embeddings: [[...]], texts }` (source:
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html, as printed on the page;
 *   with `embedding_types` set the reference notes the by-type form `{ embeddings: { float: [[...]] },
 *   response_type: "embeddings_by_type" }`, evidenced by the page's code example, the Embed v4 page and an
 *   OpenSearch connector example — the fake answers with that form when `embedding_types` is sent).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { H2cFakeServer, type RecordedRequest, type Reply } from './h2c-server';

// UTF-8 codecs with the signatures of @smithy/util-utf8's toUtf8/fromUtf8 (not a declared dependency, so the
// platform's TextEncoder/TextDecoder are used instead).
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const fromUtf8 = (s: string): Uint8Array => encoder.encode(s);
const toUtf8 = (b: Uint8Array): string => decoder.decode(b);
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One event-stream frame. */
export function eventFrame(eventType: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** One event-stream exception frame (e.g. `throttlingException`, `modelStreamErrorException`). */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Whitespace-separated words: the fake's token count. */
export function fakeTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function textsOf(body: any): string[] {
  const sys = (body?.system ?? []).map((s: any) => s.text ?? '');
  const msgs = (body?.messages ?? []).flatMap((m: any) => (m.content ?? []).map((c: any) => c.text ?? ''));
  return [...sys, ...msgs];
}

/** The fake's answer to a Converse request: echoes the last user text. */
export function fakeAnswer(body: any): { text: string; inputTokens: number; outputTokens: number } {
  const msgs = body?.messages ?? [];
  const last = msgs[msgs.length - 1];
  const text = `echo: ${(last?.content ?? []).map((c: any) => c.text ?? '').join(' ')}`;
  return { text, inputTokens: textsOf(body).reduce((n, t) => n + fakeTokens(t), 0), outputTokens: fakeTokens(text) };
}

/** Deterministic vector for a text. */
export function fakeVector(text: string, dims: number, normalize = true): number[] {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  const v = Array.from({ length: dims }, (_, i) => (((h + i * 2654435761) >>> 0) % 2000) / 1000 - 1);
  if (!normalize) return v;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/**
 * Guardrails in the fake: a request with `guardrailConfig` whose last user text contains FAKE_BLOCKED_WORD is blocked
 * as a guardrail with a denied topic would block it (Converse `stopReason: 'guardrail_intervened'`, the answer is the
 * guardrail's blocked message, and with `trace` other than `disabled` the response carries `trace.guardrail`, a
 * GuardrailTraceAssessment: `inputAssessment` keyed by the guardrail ID with a topic policy assessment; shapes from
 * @aws-sdk/client-bedrock-runtime models_0.d.ts, ConverseTrace / GuardrailTraceAssessment / GuardrailTopic).
 */
export const FAKE_BLOCKED_WORD = 'forbidden';
export const FAKE_BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';

/** The guardrail trace the fake returns for a blocked request. */
export function fakeGuardrailTrace(guardrailId: string): unknown {
  return {
    inputAssessment: { [guardrailId]: { topicPolicy: { topics: [{ name: 'Forbidden', type: 'DENY', action: 'BLOCKED', detected: true }] } } },
    actionReason: 'Guardrail blocked.',
  };
}

/** Whether the fake's guardrail blocks this request; the trace to return (undefined when not requested). */
function guardrailVerdict(body: any): { blocked: boolean; trace?: unknown } {
  const g = body?.guardrailConfig;
  if (!g) return { blocked: false };
  const msgs = body?.messages ?? [];
  const last = (msgs[msgs.length - 1]?.content ?? []).map((c: any) => c.text ?? '').join(' ');
  if (!last.includes(FAKE_BLOCKED_WORD)) return { blocked: false };
  return { blocked: true, trace: g.trace && g.trace !== 'disabled' ? fakeGuardrailTrace(g.guardrailIdentifier) : undefined };
}

export function converseReply(req: RecordedRequest): Reply {
  const verdict = guardrailVerdict(req.body);
  if (verdict.blocked) {
    const tokens = textsOf(req.body).reduce((n, t) => n + fakeTokens(t), 0);
    return {
      kind: 'json',
      body: {
        output: { message: { role: 'assistant', content: [{ text: FAKE_BLOCKED_MESSAGE }] } },
        stopReason: 'guardrail_intervened',
        usage: { inputTokens: tokens, outputTokens: 0, totalTokens: tokens },
        metrics: { latencyMs: 9 },
        ...(verdict.trace ? { trace: { guardrail: verdict.trace } } : {}),
      },
    };
  }
  const a = fakeAnswer(req.body);
  return {
    kind: 'json',
    body: {
      output: { message: { role: 'assistant', content: [{ text: a.text }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: a.inputTokens, outputTokens: a.outputTokens, totalTokens: a.inputTokens + a.outputTokens },
      metrics: { latencyMs: 12 },
    },
  };
}

export function converseStreamReply(req: RecordedRequest, gapMs = 0): Reply {
  const verdict = guardrailVerdict(req.body);
  if (verdict.blocked) {
    const tokens = textsOf(req.body).reduce((n, t) => n + fakeTokens(t), 0);
    return {
      kind: 'chunks',
      contentType: 'application/vnd.amazon.eventstream',
      gapMs,
      chunks: [
        eventFrame('messageStart', { role: 'assistant' }),
        eventFrame('contentBlockStart', { start: {}, contentBlockIndex: 0 }),
        eventFrame('contentBlockDelta', { delta: { text: FAKE_BLOCKED_MESSAGE }, contentBlockIndex: 0 }),
        eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
        eventFrame('messageStop', { stopReason: 'guardrail_intervened' }),
        eventFrame('metadata', {
          usage: { inputTokens: tokens, outputTokens: 0, totalTokens: tokens },
          metrics: { latencyMs: 9 },
          ...(verdict.trace ? { trace: { guardrail: verdict.trace } } : {}),
        }),
      ],
    };
  }
  const a = fakeAnswer(req.body);
  const words = a.text.split(' ');
  return {
    kind: 'chunks',
    contentType: 'application/vnd.amazon.eventstream',
    gapMs,
    chunks: [
      eventFrame('messageStart', { role: 'assistant' }),
      eventFrame('contentBlockStart', { start: {}, contentBlockIndex: 0 }),
      ...words.map((w, i) => eventFrame('contentBlockDelta', { delta: { text: i === 0 ? w : ` ${w}` }, contentBlockIndex: 0 })),
      eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      eventFrame('messageStop', { stopReason: 'end_turn' }),
      eventFrame('metadata', {
        usage: { inputTokens: a.inputTokens, outputTokens: a.outputTokens, totalTokens: a.inputTokens + a.outputTokens },
        metrics: { latencyMs: 15 },
      }),
    ],
  };
}

export function invokeReply(req: RecordedRequest): Reply {
  const modelId = req.params.modelId;
  const body = req.body ?? {};
  if (/^(.+\.)?amazon\.titan-embed-text-v2/.test(modelId)) {
    const vec = fakeVector(body.inputText ?? '', body.dimensions ?? 1024, body.normalize !== false);
    return { kind: 'json', body: { embedding: vec, inputTextTokenCount: fakeTokens(body.inputText ?? ''), embeddingsByType: { float: vec } } };
  }
  if (/^(.+\.)?amazon\.titan-embed-text-v1/.test(modelId)) {
    return { kind: 'json', body: { embedding: fakeVector(body.inputText ?? '', 1536), inputTextTokenCount: fakeTokens(body.inputText ?? '') } };
  }
  if (/^(.+\.)?cohere\.embed-/.test(modelId)) {
    const texts: string[] = body.texts ?? [];
    const dims = body.output_dimension ?? 1024;
    const vectors = texts.map((t) => fakeVector(`${body.input_type}:${t}`, dims));
    const byType = Array.isArray(body.embedding_types);
    return {
      kind: 'json',
      body: byType
        ? { id: `fake-${req.path.length}`, embeddings: { float: vectors }, response_type: 'embeddings_by_type', texts }
        : { id: `fake-${req.path.length}`, embeddings: vectors, response_type: 'embeddings_floats', texts },
    };
  }
  return { kind: 'error', status: 400, errorType: 'ValidationException', message: `fake: InvokeModel body for ${modelId} is not modelled` };
}

export class FakeBedrockRuntime extends H2cFakeServer {
  static async start(): Promise<FakeBedrockRuntime> {
    return new FakeBedrockRuntime().listen();
  }

  constructor() {
    super([
      { operation: 'converse', method: 'POST', pattern: '/model/{modelId}/converse' },
      { operation: 'converse-stream', method: 'POST', pattern: '/model/{modelId}/converse-stream' },
      { operation: 'invoke', method: 'POST', pattern: '/model/{modelId}/invoke' },
    ]);
    this.setDefault('converse', converseReply);
    this.setDefault('converse-stream', (r) => converseStreamReply(r));
    this.setDefault('invoke', invokeReply);
  }
}
