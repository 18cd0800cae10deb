/**
 * Fault injection: the bundled text invoker (Converse and ConverseStream) against the h2c Bedrock fake, on a virtual
 * clock. Each scenario states the expected status, the number of upstream calls and a time bound on the virtual clock
 * in the handler's own budget (remaining time - 500 ms margin).
 */
import { fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockRuntime, eventFrame, exceptionFrame } from '../utils/fake-bedrock-runtime';
import { StreamCapture, installStreamingShim, removeStreamingShim } from '../utils/lambda-streaming';
import { VirtualClock } from '../utils/virtual-clock';
import { HAIKU_CONFIG } from '../lambda/fixtures';
import { MARGIN_MS, freshBundle, settledFlag, timed, turns, until, virtualContext } from './harness';

const modelId = HAIKU_CONFIG.modelId;
const REMAINING = 10_000;
const BUDGET = REMAINING - MARGIN_MS;
const EVENTSTREAM = 'application/vnd.amazon.eventstream';

let fake: FakeBedrockRuntime;
let restoreEnv: () => void;
let mod: any;
let restoreBundle: () => void;
let clock: VirtualClock;
const out = new StdoutCapture();

beforeAll(async () => {
  fake = await FakeBedrockRuntime.start();
  restoreEnv = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    MODEL_CONFIG: JSON.stringify(HAIKU_CONFIG),
    MODEL_CONFIG_PARAMETER: undefined,
    BEDROCK_MAX_ATTEMPTS: undefined, // the default: 4
    BEDROCK_RETRY_BASE_DELAY_MS: undefined, // 250
    POWERTOOLS_SERVICE_NAME: 'faults',
  });
  installStreamingShim();
  ({ mod, restore: restoreBundle } = freshBundle('text-invoker'));
});
afterAll(async () => { restoreBundle(); removeStreamingShim(); restoreEnv(); await fake.close(); });
beforeEach(() => { fake.reset(); clock = new VirtualClock(); mod.setClock(clock); out.clear(); out.start(); });
afterEach(() => { out.stop(); mod.setClock(undefined); });

const converse = (prompt = 'x', remaining = REMAINING) => timed(clock, () => mod.handler({ prompt }, virtualContext(clock, remaining)));

async function stream(body: unknown = { prompt: 'x' }, remaining = REMAINING): Promise<{ capture: StreamCapture; elapsedMs: number }> {
  const capture = new StreamCapture();
  const r = await timed(clock, () => mod.streamHandler({ body: JSON.stringify(body), requestContext: { http: { method: 'POST' } } }, capture, virtualContext(clock, remaining)));
  if (r.error) throw r.error;
  return { capture, elapsedMs: r.elapsedMs };
}

/** Runs `start()`, waits until the fake has `calls` requests for `operation`, checks nothing settled yet, then moves the clock to the deadline. */
async function cutAtDeadline<T>(operation: string, start: () => Promise<T>, budget = BUDGET): Promise<T> {
  const run = start();
  const settled = settledFlag(run);
  await until(() => fake.calls(operation).length === 1, `the ${operation} request`);
  await turns(20);
  expect(settled()).toBe(false);
  clock.advance(budget - 1);
  await turns(20);
  expect(settled()).toBe(false); // nothing gives up before the budget
  clock.advance(1);
  return run;
}

describe('Converse', () => {
  test.each([
    ['429 ThrottlingException', 'Throttled', 429, 4, { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' }],
    ['503 ServiceUnavailableException', 'UpstreamError', 502, 4, { kind: 'error', status: 503, errorType: 'ServiceUnavailableException', message: 'down' }],
    ['500 InternalServerException', 'UpstreamError', 502, 4, { kind: 'error', status: 500, errorType: 'InternalServerException', message: 'oops' }],
    ['503 HTML error page', 'UpstreamError', 502, 4, { kind: 'raw', status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' }],
    ['400 ValidationException', 'ModelValidationError', 400, 1, { kind: 'error', status: 400, errorType: 'ValidationException', message: 'bad' }],
    ['403 AccessDeniedException', 'ModelAccessDenied', 403, 1, { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'denied' }],
    ['404 ResourceNotFoundException', 'ModelNotFound', 404, 1, { kind: 'error', status: 404, errorType: 'ResourceNotFoundException', message: 'no model' }],
    ['200 truncated JSON', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: '{"output": {"message": ' }],
    ['200 `null` body', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: 'null' }],
    ['200 HTML body', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: '<html>hello</html>', contentType: 'text/html' }],
  ] as const)('persistent %s → %s (%d) after %d call(s), within the budget', async (_what, code, status, calls, reply) => {
    fake.setDefault('converse', () => reply as any);
    try {
      const r = await converse();
      expect(r.error).toMatchObject({ name: code, statusCode: status, modelId });
      expect(fake.calls('converse')).toHaveLength(calls);
      expect(r.elapsedMs).toBeLessThan(BUDGET);
      if (code === 'MalformedModelResponse') expect(r.error.message).toMatch(/could not be parsed/);
    } finally { fake.setDefault('converse', (await import('../utils/fake-bedrock-runtime')).converseReply); }
  });

  test('one throttle then an answer: 2 calls, one backoff sleep, success', async () => {
    fake.enqueue('converse', { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' });
    const r = await converse('hello');
    expect(r.value).toMatchObject({ text: 'echo: hello' });
    expect(fake.calls('converse')).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeLessThan(250); // full jitter below the base
  });

  test('a model that never answers: Timeout (504) naming the budget, exactly at the deadline, 1 call', async () => {
    fake.enqueue('converse', { kind: 'hang' });
    const r = await timed(clock, () => cutAtDeadline('converse', () => mod.handler({ prompt: 'x' }, virtualContext(clock, REMAINING))));
    expect(r.error).toMatchObject({ name: 'Timeout', statusCode: 504, message: expect.stringContaining(`(${BUDGET} ms)`) });
    expect(r.elapsedMs).toBe(BUDGET);
    expect(fake.calls('converse')).toHaveLength(1);
    await until(() => fake.calls('converse')[0].isClosed(), 'the handler to cancel its Converse request'); // nothing left running
  });

  test('a late reply (sent after the deadline) is a Timeout, not an answer', async () => {
    let release!: () => void;
    fake.enqueue('converse', { kind: 'deferred', until: new Promise<void>((r) => { release = r; }), reply: { kind: 'json', body: { output: { message: { role: 'assistant', content: [{ text: 'late' }] } }, stopReason: 'end_turn' } } });
    const r = await timed(clock, () => cutAtDeadline('converse', () => mod.handler({ prompt: 'x' }, virtualContext(clock, REMAINING))));
    release();
    expect(r.error).toMatchObject({ name: 'Timeout', statusCode: 504 });
    expect(r.elapsedMs).toBe(BUDGET);
  });

  test('the deadline while the body is arriving is a Timeout naming the budget, not a MalformedModelResponse', async () => {
    fake.enqueue('converse', { kind: 'partial', body: '{"output": {"message": {"role": "assistant", "content": [{"text": "half an ans', then: 'hang' });
    const r = await timed(clock, () => cutAtDeadline('converse', () => mod.handler({ prompt: 'x' }, virtualContext(clock, REMAINING))));
    expect(r.error).toMatchObject({ name: 'Timeout', statusCode: 504, message: expect.stringMatching(new RegExp(`within the function's remaining time \\(${BUDGET} ms\\).*Raise the function timeout or lower maxTokens`)) });
    expect(fake.calls('converse')).toHaveLength(1);
  });

  test('an HTTP/2 INTERNAL_ERROR reset before any byte: UpstreamError naming the reset, not retried, not "malformed"', async () => {
    fake.enqueue('converse', { kind: 'reset' });
    const r = await converse();
    expect(r.error).toMatchObject({ name: 'UpstreamError', statusCode: 502, modelId, message: expect.stringMatching(/connection .*reset/i) });
    expect(r.error.message).not.toMatch(/malformed|truncated/i);
    expect(fake.calls('converse')).toHaveLength(1);
  });

  test('an HTTP/2 REFUSED_STREAM reset (the server did not process it) is retried by the SDK, then succeeds', async () => {
    fake.enqueue('converse', { kind: 'reset', code: 7 /* NGHTTP2_REFUSED_STREAM */ });
    const r = await converse('again');
    expect(r.value).toMatchObject({ text: 'echo: again' });
    expect(fake.calls('converse')).toHaveLength(2);
  });

  // Decision: the SDK's HTTP/2 handler ends the body without an error when the stream is reset after the headers, so
  // all the handler sees is a truncated body: MalformedModelResponse saying the answer may be truncated, not retried.
  test('an HTTP/2 reset while the body is arriving: a truncated body, MalformedModelResponse, 1 call', async () => {
    fake.enqueue('converse', { kind: 'partial', body: '{"output": {"message": {"role": "assi', then: 'reset' });
    const r = await converse();
    expect(r.error).toMatchObject({ name: 'MalformedModelResponse', statusCode: 502, modelId, message: expect.stringMatching(/could not be parsed.*may be truncated/) });
    expect(fake.calls('converse')).toHaveLength(1);
  });

  test('bad input is a 400 naming the field, oversized input a 413; neither calls Bedrock', async () => {
    expect((await converse('')).error).toMatchObject({ name: 'InvalidRequest', statusCode: 400, field: 'prompt' });
    const small = freshBundle('text-invoker', { MODEL_CONFIG: JSON.stringify({ ...HAIKU_CONFIG, contextWindow: 10 }) });
    try {
      await expect(small.mod.handler({ prompt: 'y'.repeat(256 * 10 + 1) }, virtualContext(clock, REMAINING))).rejects.toMatchObject({ name: 'PromptTooLong', statusCode: 413 });
    } finally { small.restore(); }
    expect(fake.calls('converse')).toHaveLength(0);
  });
});

describe('ConverseStream', () => {
  const frames = (...f: Uint8Array[]) => ({ kind: 'chunks', contentType: EVENTSTREAM, chunks: f }) as const;
  const start = [eventFrame('messageStart', { role: 'assistant' }), eventFrame('contentBlockDelta', { delta: { text: 'part' }, contentBlockIndex: 0 })];
  const end = (stopReason: string) => [eventFrame('messageStop', { stopReason }), eventFrame('metadata', { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 }, metrics: { latencyMs: 1 } })];

  test('a corrupt event-stream frame (bad message checksum) ends with a MalformedModelResponse record, 1 call', async () => {
    const bad = Buffer.from(eventFrame('contentBlockDelta', { delta: { text: 'zzzz' }, contentBlockIndex: 0 }));
    bad[bad.length - 10] ^= 0xff; // a byte of the payload: the message CRC no longer matches
    fake.enqueue('converse-stream', frames(...start, bad, ...end('end_turn')));
    const { capture } = await stream();
    expect(capture.statusCode).toBe(200);
    const last = capture.lines[capture.lines.length - 1];
    expect(last).toMatchObject({ type: 'error', error: { code: 'MalformedModelResponse', modelId, message: expect.stringMatching(/event stream that could not be parsed \(The message checksum/) } });
    expect(capture.lines.some((l) => l.type === 'done')).toBe(false);
    expect(fake.calls('converse-stream')).toHaveLength(1);
  });

  test('an exception frame mid-stream ends with an UpstreamError record naming it', async () => {
    fake.enqueue('converse-stream', frames(...start, exceptionFrame('modelStreamErrorException', 'broke')));
    const { capture } = await stream();
    expect(capture.lines[capture.lines.length - 1]).toMatchObject({ type: 'error', error: { code: 'UpstreamError', message: expect.stringMatching(/ModelStreamErrorException.*broke/) } });
  });

  test('a throttlingException frame mid-stream is Throttled (429) in the error record; not retried (the answer had begun)', async () => {
    fake.enqueue('converse-stream', frames(...start, exceptionFrame('throttlingException', 'slow')));
    const { capture } = await stream();
    expect(capture.lines[capture.lines.length - 1]).toMatchObject({ type: 'error', error: { code: 'Throttled' } });
    expect(fake.calls('converse-stream')).toHaveLength(1);
  });

  test.each(['max_tokens', 'guardrail_intervened'])('stopReason %s is reported on the final record, not as an error', async (stopReason) => {
    fake.enqueue('converse-stream', frames(...start, ...end(stopReason)));
    const { capture } = await stream();
    const last = capture.lines[capture.lines.length - 1];
    expect(last).toMatchObject({ stopReason });
    expect(last.type).not.toBe('error');
  });

  test('persistent 429 before the first byte: HTTP 429 after 4 calls, within the budget', async () => {
    fake.setDefault('converse-stream', () => ({ kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow' }));
    try {
      const { capture, elapsedMs } = await stream();
      expect(capture.statusCode).toBe(429);
      expect(JSON.parse(capture.bodyText).error).toMatchObject({ code: 'Throttled', attempts: 4 });
      expect(fake.calls('converse-stream')).toHaveLength(4);
      expect(elapsedMs).toBeLessThan(BUDGET);
    } finally { fake.setDefault('converse-stream', (r) => require('../utils/fake-bedrock-runtime').converseStreamReply(r)); }
  });

  test('the deadline mid-stream ends with a Timeout (504) record naming the budget, after the text so far', async () => {
    fake.enqueue('converse-stream', { kind: 'partial', contentType: EVENTSTREAM, body: Buffer.concat(start.map((b) => Buffer.from(b))), then: 'hang' });
    const capture = new StreamCapture();
    await cutAtDeadline('converse-stream', () => mod.streamHandler({ body: JSON.stringify({ prompt: 'x' }), requestContext: { http: { method: 'POST' } } }, capture, virtualContext(clock, REMAINING)));
    expect(capture.lines[0]).toEqual({ type: 'text', text: 'part' });
    expect(capture.lines[capture.lines.length - 1]).toMatchObject({ type: 'error', error: { code: 'Timeout', message: expect.stringContaining(`(${BUDGET} ms)`) } });
    await until(() => fake.calls('converse-stream')[0].isClosed(), 'the handler to cancel its ConverseStream request');
  });

  test('an HTTP/2 reset mid-stream (the stream just ends) ends with a MalformedModelResponse record: the answer is truncated', async () => {
    fake.enqueue('converse-stream', { kind: 'partial', contentType: EVENTSTREAM, body: Buffer.concat(start.map((b) => Buffer.from(b))), then: 'reset' });
    const { capture } = await stream();
    expect(capture.lines[0]).toEqual({ type: 'text', text: 'part' });
    expect(capture.lines[capture.lines.length - 1]).toMatchObject({ type: 'error', error: { code: 'MalformedModelResponse', message: expect.stringMatching(/may be truncated/) } });
    expect(fake.calls('converse-stream')).toHaveLength(1);
  });

  test('a body that is not JSON is a 400 and calls nothing', async () => {
    const capture = new StreamCapture();
    await mod.streamHandler({ body: '{not json', requestContext: { http: { method: 'POST' } } }, capture, virtualContext(clock, REMAINING));
    expect(capture.statusCode).toBe(400);
    expect(fake.calls('converse-stream')).toHaveLength(0);
  });
});
