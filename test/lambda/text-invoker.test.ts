import { LoopbackHttpServer } from '../utils/loopback-http';
import { loadBundledHandler, fakeAwsEnv, outerRealm, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockRuntime, converseStreamReply, exceptionFrame, eventFrame, fakeAnswer } from '../utils/fake-bedrock-runtime';
import { lambdaContext } from '../utils/lambda-context';
import { StreamCapture, installStreamingShim, removeStreamingShim } from '../utils/lambda-streaming';
import { settledFlag, until, useVirtualClock, type VirtualClock } from '../utils/virtual-clock';
import { HAIKU_CONFIG } from './fixtures';

let fake: FakeBedrockRuntime;
let restore: () => void;
let mod: any;
const out = new StdoutCapture();

beforeAll(async () => {
  fake = await FakeBedrockRuntime.start();
  restore = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    MODEL_CONFIG: JSON.stringify(HAIKU_CONFIG),
    MODEL_CONFIG_PARAMETER: undefined,
    BEDROCK_MAX_ATTEMPTS: '3',
    BEDROCK_RETRY_BASE_DELAY_MS: '20',
    POWERTOOLS_METRICS_NAMESPACE: 'InvokerTest',
    POWERTOOLS_SERVICE_NAME: 'text-invoker-test',
  });
  installStreamingShim();
  mod = loadBundledHandler('text-invoker', { logLevel: 'INFO', metrics: true }); // its log lines are captured and asserted on
});

afterAll(async () => {
  removeStreamingShim();
  restore();
  await fake.close();
});

beforeEach(() => { fake.reset(); out.clear(); out.start(); });
afterEach(() => out.stop());

const modelId = HAIKU_CONFIG.modelId;

function metric(name: string): number | undefined {
  const rec = out.emf().find((r) => r._aws.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name));
  return rec ? (rec[name] as number) : undefined;
}

describe('text-invoker handler (Converse)', () => {
  test('answers with text, usage and cost; sends the configured model and inference parameters; emits EMF metrics', async () => {
    const res = await mod.handler({ prompt: 'what is a pinned model', system: 'be brief' }, lambdaContext());
    const [call] = fake.calls('converse');
    expect(call.params.modelId).toBe(modelId);
    expect(call.body.inferenceConfig).toEqual({ maxTokens: 512, temperature: 0.2 });
    expect(call.body.system).toEqual([{ text: 'be brief' }]);
    const expected = fakeAnswer(call.body);
    expect(res.text).toBe(expected.text);
    expect(res.modelId).toBe(modelId);
    expect(res.stopReason).toBe('end_turn');
    expect(res.usage).toEqual({ inputTokens: expected.inputTokens, outputTokens: expected.outputTokens, totalTokens: expected.inputTokens + expected.outputTokens });
    const cost = (expected.inputTokens * 1.1 + expected.outputTokens * 5.5) / 1e6;
    expect(res.estimatedCostUsd).toBeCloseTo(cost, 12);

    const [emf] = out.emf();
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('InvokerTest');
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['service', 'ModelId']));
    expect(emf.ModelId).toBe(modelId);
    expect(metric('InputTokens')).toBe(expected.inputTokens);
    expect(metric('OutputTokens')).toBe(expected.outputTokens);
    expect(metric('EstimatedCostUSD')).toBeCloseTo(cost, 12);
    expect(typeof metric('Latency')).toBe('number');
    expect(out.metricNames()).not.toContain('Errors');
    const log = out.logs().find((l) => l.message === 'converse ok');
    expect(log).toMatchObject({ modelId, correlation_id: expect.any(String), function_request_id: expect.any(String) });
  });

  test('a request override replaces maxTokens and, when it sets topP, drops the configured temperature', async () => {
    await mod.handler({ messages: [{ role: 'user', content: 'hi' }], inferenceConfig: { maxTokens: 100, topP: 0.5 } }, lambdaContext());
    expect(fake.calls('converse')[0].body.inferenceConfig).toEqual({ maxTokens: 100, topP: 0.5 });
  });

  test('throttling is retried by the SDK and then succeeds', async () => {
    fake.enqueue('converse',
      { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'Too many requests' },
      { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'Too many requests' });
    const res = await mod.handler({ prompt: 'retry me' }, lambdaContext());
    expect(fake.calls('converse')).toHaveLength(3);
    expect(res.text).toBe('echo: retry me');
  });

  test.each([
    ['ModelNotReadyException', 429],
    ['ServiceUnavailableException', 503],
    ['InternalServerException', 500],
  ])('%s (%d) once is retried by the SDK and then succeeds', async (errorType, status) => {
    fake.enqueue('converse', { kind: 'error', status, errorType, message: 'transient' });
    await expect(mod.handler({ prompt: 'again' }, lambdaContext())).resolves.toMatchObject({ text: 'echo: again' });
    expect(fake.calls('converse')).toHaveLength(2);
  });

  test('persistent throttling with time to spare ends as Throttled after the configured attempts (not a Timeout)', async () => {
    for (let i = 0; i < 3; i++) fake.enqueue('converse', { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'Throttled', modelId, attempts: 3, message: expect.stringMatching(/Bedrock throttled Converse for model us\.anthropic.* after 3 attempts: slow down/),
    });
    expect(fake.calls('converse')).toHaveLength(3);
  });

  test('persistent 5xx fails after the configured attempts with the model ID, and counts an error', async () => {
    for (let i = 0; i < 3; i++) fake.enqueue('converse', { kind: 'error', status: 503, errorType: 'ServiceUnavailableException', message: 'down' });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'UpstreamError', modelId, attempts: 3,
      message: expect.stringMatching(new RegExp(`Bedrock failed Converse for model ${modelId.replace(/[.:]/g, '\\$&')} after 3 attempts \\(ServiceUnavailableException 503\\): down`)),
    });
    expect(fake.calls('converse')).toHaveLength(3);
    expect(metric('Errors')).toBe(1);
  });

  test('access denied is not retried and says what to check', async () => {
    fake.enqueue('converse', { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'not authorized to perform bedrock:InvokeModel' });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'ModelAccessDenied', modelId, message: expect.stringMatching(/Access denied calling Converse on model us\.anthropic\.claude-haiku.*not authorized.*function role/),
    });
    expect(fake.calls('converse')).toHaveLength(1);
  });

  test('a Bedrock ValidationException comes back with the model ID, not retried', async () => {
    fake.enqueue('converse', { kind: 'error', status: 400, errorType: 'ValidationException', message: 'temperature and top_p cannot both be specified' });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'ModelValidationError', message: expect.stringMatching(/rejected the Converse request for model us\.anthropic.*temperature and top_p/),
    });
    expect(fake.calls('converse')).toHaveLength(1);
  });

  test('not found names the model in the error message (all a direct invoker gets: errorType + errorMessage)', async () => {
    fake.enqueue('converse', { kind: 'error', status: 404, errorType: 'ResourceNotFoundException', message: 'Model not found' });
    const e = await mod.handler({ prompt: 'x' }, lambdaContext()).catch((x: Error) => x);
    expect(e).toMatchObject({ name: 'ModelNotFound', modelId });
    expect(e.message).toContain(modelId);
  });

  test('a malformed response body is a MalformedModelResponse naming the model', async () => {
    fake.enqueue('converse', { kind: 'raw', status: 200, body: '{"output": {"message": ' });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'MalformedModelResponse', modelId, message: expect.stringMatching(/^Model us\.anthropic\.claude-haiku-4-5-20251001-v1:0 returned a Converse response that could not be parsed/),
    });
    expect(metric('Errors')).toBe(1);
  });

  test('a 5xx reply whose body is not JSON (an HTML error page) is an UpstreamError after the retries, not a malformed response', async () => {
    for (let i = 0; i < 4; i++) fake.enqueue('converse', { kind: 'raw', status: 503, body: '<html><body>Service Unavailable</body></html>' });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'UpstreamError', modelId, message: expect.stringMatching(/^Bedrock failed Converse for model us\.anthropic\.claude-haiku-4-5-20251001-v1:0.*503/),
    });
    expect(metric('Errors')).toBe(1);
  });

  test('a 200 reply without output.message is a MalformedModelResponse, not an empty success', async () => {
    fake.enqueue('converse', { kind: 'json', body: { stopReason: 'end_turn' } });
    await expect(mod.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
      name: 'MalformedModelResponse', modelId,
      message: expect.stringMatching(/^Model us\.anthropic\.claude-haiku-4-5-20251001-v1:0 returned a Converse response without output\.message \(stopReason "end_turn"\)/),
    });
    expect(metric('Errors')).toBe(1);
    expect(out.metricNames()).not.toContain('OutputTokens');
  });

  test('a hanging model is cut off at the function deadline', async () => {
    // On a virtual clock: the deadline passes when the test says so, not after a second of real waiting.
    const clock = useVirtualClock(mod);
    try {
      fake.enqueue('converse', { kind: 'hang' });
      const started = Date.now();
      const run = mod.handler({ prompt: 'x' }, lambdaContext({ remainingMs: 1500 }));
      const settled = settledFlag(run);
      await until(() => fake.calls('converse').length === 1, 'the Converse request');
      expect(settled()).toBe(false); // waiting for the model ...
      clock.advance(1000); // ... until the deadline: 1,500 ms left - 500 ms margin
      await expect(run).rejects.toMatchObject({
        name: 'Timeout', message: expect.stringMatching(/did not answer Converse for model .* within the function's remaining time \(\d+ ms\)/),
      });
      expect(Date.now() - started).toBeLessThan(1500);
    } finally { mod.setClock(undefined); }
  });

  test.each([
    [{}, 'prompt', /exactly one of "prompt".*got neither/],
    [{ prompt: 'a', messages: [{ role: 'user', content: 'b' }] }, 'prompt', /got both/],
    [{ prompt: 42 }, 'prompt', /field "prompt" expected string \(got 42\)/],
    [{ prompt: 'a', inferenceConfig: { temperature: 3 } }, 'inferenceConfig.temperature', /field "inferenceConfig.temperature" must be <= 1 \(got 3\)/],
    [{ messages: [{ role: 'system', content: 'b' }] }, 'messages[0].role', /field "messages\[0\].role" must be one of "user", "assistant"/],
    [{ prompt: 'a', extra: 1 }, '(event)', /unknown field\(s\) extra/],
    [{ prompt: 'a', inferenceConfig: { maxTokens: 64001 } }, 'inferenceConfig.maxTokens', /64001, above the maximum output tokens of model us\.anthropic.* \(64000\)/],
  ])('invalid input %j is rejected naming field %s before calling Bedrock', async (event, field, message) => {
    const e = await mod.handler(event, lambdaContext()).catch((x: Error) => x);
    expect(e).toMatchObject({ name: 'InvalidRequest', field, message: expect.stringMatching(message) });
    expect(e.message).toContain(`"${field}"`); // the runtime serialises only errorType/errorMessage
    expect(fake.calls('converse')).toHaveLength(0);
  });
});

describe('retries and the deadline (backoff 2 s, 1 s left)', () => {
  let restoreSlow: () => void;
  let slow: any;
  let realRandom: () => number;
  beforeAll(() => {
    restoreSlow = setEnv({ BEDROCK_RETRY_BASE_DELAY_MS: '2000', BEDROCK_MAX_ATTEMPTS: '4' });
    slow = loadBundledHandler('text-invoker', { metrics: true });
    // Full jitter draws the sleep from [0, 2000) ms; pin it near the top so the outcome does not depend on chance.
    realRandom = outerRealm().Math.random;
    outerRealm().Math.random = () => 0.99;
  });
  afterAll(() => { outerRealm().Math.random = realRandom; restoreSlow(); });

  test('persistent throttling with no time for another attempt surfaces the ThrottlingException and its attempt count, not a Timeout', async () => {
    for (let i = 0; i < 4; i++) fake.enqueue('converse', { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' });
    const started = Date.now();
    // 1,500 ms left - 500 ms margin = 1,000 ms budget; the first backoff would sleep 1,980 ms.
    await expect(slow.handler({ prompt: 'x' }, lambdaContext({ remainingMs: 1500 }))).rejects.toMatchObject({
      name: 'Throttled', modelId, attempts: 1, message: expect.stringMatching(/^Bedrock throttled Converse for model us\.anthropic.*: slow down/),
    });
    expect(Date.now() - started).toBeLessThan(900); // it did not sleep towards the deadline (that takes ~1,000 ms)
    expect(fake.calls('converse')).toHaveLength(1);
    expect(metric('Errors')).toBe(1);
  });
});

describe('model configuration from an SSM endpoint that never answers', () => {
  let hung: LoopbackHttpServer;
  let hungRequests = 0;
  let restoreSsm: () => void;
  let ssmMod: any;
  let clock: VirtualClock;
  beforeEach(() => { clock = useVirtualClock(ssmMod); });
  afterEach(() => ssmMod.setClock(undefined));
  beforeAll(async () => {
    hung = await LoopbackHttpServer.start(() => { hungRequests += 1; }); // accepts the request, never responds
    restoreSsm = setEnv({
      MODEL_CONFIG: undefined,
      MODEL_CONFIG_PARAMETER: '/bedrock/models/chat/config',
      AWS_ENDPOINT_URL_SSM: hung.url,
    });
    ssmMod = loadBundledHandler('text-invoker', { metrics: true });
  });
  afterAll(async () => {
    restoreSsm();
    await hung.close();
  });

  test('the read is bounded by the deadline: a ConfigTimeout naming the parameter, an Errors metric, no Bedrock call', async () => {
    const started = Date.now();
    const before = hungRequests;
    const run = ssmMod.handler({ prompt: 'x' }, lambdaContext({ remainingMs: 1200 }));
    const settled = settledFlag(run);
    await until(() => hungRequests > before, 'the SSM request');
    expect(settled()).toBe(false);
    clock.advance(700); // the deadline: 1,200 ms left - 500 ms margin
    await expect(run).rejects.toMatchObject({
      name: 'ConfigTimeout',
      message: expect.stringMatching(/^Reading the model configuration from SSM parameter \/bedrock\/models\/chat\/config did not finish within the function's remaining time \(\d+ ms\)/),
    });
    expect(Date.now() - started).toBeLessThan(1200);
    expect(metric('Errors')).toBe(1);
    expect(fake.calls('converse')).toHaveLength(0);
  });

  test('the streaming handler answers 504 with the structured error instead of hanging', async () => {
    const stream = new StreamCapture();
    const before = hungRequests;
    const run = ssmMod.streamHandler({ body: JSON.stringify({ prompt: 'x' }), requestContext: { http: { method: 'POST' } } }, stream, lambdaContext({ remainingMs: 1000 }));
    await until(() => hungRequests > before, 'the SSM request');
    expect(stream.statusCode).toBeUndefined(); // nothing answered yet
    clock.advance(500); // the deadline: 1,000 ms left - 500 ms margin
    await run;
    expect(stream.statusCode).toBe(504);
    expect(JSON.parse(stream.bodyText).error).toMatchObject({ code: 'ConfigTimeout', message: expect.stringMatching(/SSM parameter \/bedrock\/models\/chat\/config/) });
  });
});

describe('oversized prompts (lower-bound estimate: UTF-8 bytes / 256)', () => {
  let restoreSmall: () => void;
  let small: any;
  beforeAll(() => {
    restoreSmall = setEnv({ MODEL_CONFIG: JSON.stringify({ ...HAIKU_CONFIG, contextWindow: 100 }) });
    small = loadBundledHandler('text-invoker', { metrics: true });
  });
  afterAll(() => restoreSmall());

  test('a prompt whose lower bound exceeds the window is rejected before Bedrock', async () => {
    await expect(small.handler({ prompt: 'x'.repeat(256 * 100 + 1) }, lambdaContext())).rejects.toMatchObject({
      name: 'PromptTooLong', field: 'prompt',
      message: expect.stringMatching(/cannot fit the context window of model us\.anthropic.* \(100 tokens\): it needs at least 101 tokens/),
    });
    expect(fake.calls('converse')).toHaveLength(0);
  });

  test('multi-byte text counts bytes, and a prompt at the bound is sent', async () => {
    // 'é' is 2 UTF-8 bytes: 12,800 of them are 25,600 bytes = exactly 100 tokens at 256 bytes per token.
    await expect(small.handler({ prompt: 'é'.repeat(12800) }, lambdaContext())).resolves.toMatchObject({ modelId });
    expect(fake.calls('converse')).toHaveLength(1);
    await expect(small.handler({ prompt: 'é'.repeat(12801) }, lambdaContext())).rejects.toMatchObject({ name: 'PromptTooLong' });
  });
});

describe('text-invoker streamHandler (Function URL, ConverseStream)', () => {
  function urlEvent(body: unknown, extra: Record<string, unknown> = {}) {
    return { body: JSON.stringify(body), isBase64Encoded: false, headers: { 'x-correlation-id': 'corr-1' }, requestContext: { requestId: 'url-req', http: { method: 'POST' } }, ...extra };
  }

  test('streams NDJSON text deltas then a done record with usage, cost and metrics', async () => {
    fake.setDefault('converse-stream', (r) => converseStreamReply(r, 40)); // 40 ms between event-stream frames
    const stream = new StreamCapture();
    try {
      await mod.streamHandler(urlEvent({ prompt: 'stream these words' }), stream, lambdaContext());
    } finally {
      fake.setDefault('converse-stream', (r) => converseStreamReply(r));
    }
    const [call] = fake.calls('converse-stream');
    expect(call.params.modelId).toBe(modelId);
    const expected = fakeAnswer(call.body);
    expect(stream.statusCode).toBe(200);
    expect(stream.headers).toEqual({ 'content-type': 'application/x-ndjson' });
    const lines = stream.lines;
    expect(lines.filter((l) => l.type === 'text').length).toBeGreaterThan(1);
    expect(lines.filter((l) => l.type === 'text').map((l) => l.text).join('')).toBe(expected.text);
    const done = lines[lines.length - 1];
    expect(done).toMatchObject({ type: 'done', stopReason: 'end_turn', usage: { inputTokens: expected.inputTokens, outputTokens: expected.outputTokens } });
    expect(done.estimatedCostUsd).toBeCloseTo((expected.inputTokens * 1.1 + expected.outputTokens * 5.5) / 1e6, 12);
    expect(metric('OutputTokens')).toBe(expected.outputTokens);
    expect(out.logs().find((l) => l.message === 'converse stream ok')).toMatchObject({ correlation_id: 'corr-1' });
    // Delivered as it arrives: one write per delta, the first well before the done record (4 more frames of 40 ms
    // follow it), so a handler that buffered the answer and wrote it at the end would fail here.
    const timed = stream.timedLines;
    const texts = timed.filter((t) => t.line.type === 'text');
    expect(texts.map((t) => t.line.text)).toEqual(lines.filter((l) => l.type === 'text').map((l) => l.text));
    expect(new Set(timed.map((t) => t.at)).size).toBe(timed.length);
    expect(timed[timed.length - 1].at - texts[0].at).toBeGreaterThanOrEqual(100);
  });

  test('a stream that ends without messageStop and metadata ends with a MalformedModelResponse error record, not done', async () => {
    fake.enqueue('converse-stream', {
      kind: 'chunks', contentType: 'application/vnd.amazon.eventstream',
      chunks: [eventFrame('messageStart', { role: 'assistant' }), eventFrame('contentBlockDelta', { delta: { text: 'cut' }, contentBlockIndex: 0 })],
    });
    const stream = new StreamCapture();
    await mod.streamHandler(urlEvent({ prompt: 'x' }), stream, lambdaContext());
    const lines = stream.lines;
    expect(lines[0]).toEqual({ type: 'text', text: 'cut' });
    expect(lines.some((l) => l.type === 'done')).toBe(false);
    expect(lines[lines.length - 1]).toMatchObject({
      type: 'error', error: { code: 'MalformedModelResponse', modelId, message: expect.stringMatching(/without its messageStop and metadata events/) },
    });
    expect(metric('Errors')).toBe(1);
  });

  test('a stream with messageStop but no metadata (usage) is reported too', async () => {
    fake.enqueue('converse-stream', {
      kind: 'chunks', contentType: 'application/vnd.amazon.eventstream',
      chunks: [eventFrame('contentBlockDelta', { delta: { text: 'a' }, contentBlockIndex: 0 }), eventFrame('messageStop', { stopReason: 'end_turn' })],
    });
    const stream = new StreamCapture();
    await mod.streamHandler(urlEvent({ prompt: 'x' }), stream, lambdaContext());
    expect(stream.lines[stream.lines.length - 1]).toMatchObject({ type: 'error', error: { code: 'MalformedModelResponse', message: expect.stringMatching(/without its metadata event:/) } });
  });

  test('accepts a base64 body', async () => {
    const stream = new StreamCapture();
    const ev = urlEvent({}, { body: Buffer.from(JSON.stringify({ prompt: 'b64' })).toString('base64'), isBase64Encoded: true });
    await mod.streamHandler(ev, stream, lambdaContext());
    expect(stream.statusCode).toBe(200);
    expect(stream.lines.filter((l) => l.type === 'text').map((l) => l.text).join('')).toBe('echo: b64');
  });

  test('an error before the first byte gets its HTTP status and a structured body', async () => {
    fake.enqueue('converse-stream', { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'denied' });
    const stream = new StreamCapture();
    await mod.streamHandler(urlEvent({ prompt: 'x' }), stream, lambdaContext());
    expect(stream.statusCode).toBe(403);
    expect(JSON.parse(stream.bodyText).error).toMatchObject({ code: 'ModelAccessDenied', modelId });
  });

  test('an invalid body is a 400 naming the field', async () => {
    const stream = new StreamCapture();
    await mod.streamHandler(urlEvent({ prompt: '' }), stream, lambdaContext());
    expect(stream.statusCode).toBe(400);
    expect(JSON.parse(stream.bodyText).error).toMatchObject({ code: 'InvalidRequest', field: 'prompt' });
    expect(fake.calls('converse-stream')).toHaveLength(0);
  });

  test('a stream exception mid-way ends the NDJSON with an error record', async () => {
    fake.enqueue('converse-stream', {
      kind: 'chunks', contentType: 'application/vnd.amazon.eventstream',
      chunks: [
        eventFrame('messageStart', { role: 'assistant' }),
        eventFrame('contentBlockDelta', { delta: { text: 'partial' }, contentBlockIndex: 0 }),
        exceptionFrame('modelStreamErrorException', 'model stream broke'),
      ],
    });
    const stream = new StreamCapture();
    await mod.streamHandler(urlEvent({ prompt: 'x' }), stream, lambdaContext());
    expect(stream.statusCode).toBe(200);
    const lines = stream.lines;
    expect(lines[0]).toEqual({ type: 'text', text: 'partial' });
    expect(lines[lines.length - 1]).toMatchObject({ type: 'error', error: { code: 'UpstreamError', modelId, message: expect.stringMatching(/model stream broke/) } });
    expect(metric('Errors')).toBe(1);
  });
});
