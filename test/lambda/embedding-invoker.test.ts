import { LoopbackHttpServer } from '../utils/loopback-http';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { loadBundledHandler, fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockRuntime, fakeTokens, fakeVector, invokeReply } from '../utils/fake-bedrock-runtime';
import { lambdaContext } from '../utils/lambda-context';
import { settledFlag, until, useVirtualClock } from '../utils/virtual-clock';
import { COHERE_V3_CONFIG, TITAN_V2_CONFIG } from './fixtures';

let fake: FakeBedrockRuntime;
let restore: () => void;
const out = new StdoutCapture();

beforeAll(async () => {
  fake = await FakeBedrockRuntime.start();
  restore = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
    MODEL_CONFIG_PARAMETER: undefined,
    BEDROCK_MAX_ATTEMPTS: '3',
    BEDROCK_RETRY_BASE_DELAY_MS: '20',
    EMBEDDING_CONCURRENCY: '3',
    EMBEDDING_DIMENSIONS: undefined,
    EMBEDDING_NORMALIZE: undefined,
    POWERTOOLS_METRICS_NAMESPACE: 'InvokerTest',
  });
});
afterAll(async () => { restore(); await fake.close(); });
beforeEach(() => { fake.reset(); out.clear(); out.start(); });
afterEach(() => out.stop());

/** Within a describe: a fresh container of the bundled handler with this configuration (and env) in place. */
function useHandler(config: object, env: Record<string, string | undefined> = {}): { mod: any } {
  const ref: { mod: any } = { mod: undefined };
  let r: () => void;
  beforeAll(() => { r = setEnv({ MODEL_CONFIG: JSON.stringify(config), ...env }); ref.mod = loadBundledHandler('embedding-invoker', { logLevel: 'INFO', metrics: true }); }); // logs captured, asserted on
  afterAll(() => r());
  return ref;
}

function metric(name: string): number | undefined {
  const rec = out.emf().find((r) => r._aws.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name));
  return rec ? (rec[name] as number) : undefined;
}

describe('Titan Text Embeddings V2', () => {
  const h = useHandler(TITAN_V2_CONFIG);

  test('one inputText per call with the default dimensions, bounded concurrency, tokens and cost metrics', async () => {
    const texts = ['alpha beta', 'gamma', 'delta epsilon zeta', 'eta', 'theta iota'];
    let inFlight = 0; let peak = 0;
    fake.setDefault('invoke', (req) => {
      inFlight += 1; peak = Math.max(peak, inFlight);
      const vec = fakeVector(req.body.inputText, req.body.dimensions ?? 1024, req.body.normalize !== false);
      setTimeout(() => { inFlight -= 1; }, 30);
      return { kind: 'json', delayMs: 30, body: { embedding: vec, inputTextTokenCount: fakeTokens(req.body.inputText), embeddingsByType: { float: vec } } };
    });
    const res = await h.mod.handler({ texts }, lambdaContext());
    const calls = fake.calls('invoke');
    expect(calls).toHaveLength(5);
    expect(calls.every((c) => c.params.modelId === 'amazon.titan-embed-text-v2:0')).toBe(true);
    expect(calls.map((c) => c.body.inputText).sort()).toEqual([...texts].sort());
    expect(calls[0].body).toEqual({ inputText: expect.any(String), dimensions: 1024 });
    expect(peak).toBeLessThanOrEqual(3);
    expect(res.embeddings).toEqual(texts.map((t) => fakeVector(t, 1024)));
    expect(res.dimensions).toBe(1024);
    const tokens = texts.reduce((n, t) => n + fakeTokens(t), 0);
    expect(res.inputTokens).toBe(tokens);
    expect(res.estimatedCostUsd).toBeCloseTo(tokens * 0.02 / 1e6, 15);
    expect(metric('InputTokens')).toBe(tokens);
    expect(out.metricNames()).not.toContain('OutputTokens');
    fake.setDefault('invoke', (req) => require('../utils/fake-bedrock-runtime').invokeReply(req));
  });

  test('dimensions and normalize are passed through', async () => {
    const res = await h.mod.handler({ texts: ['one'], dimensions: 256, normalize: false }, lambdaContext());
    expect(fake.calls('invoke')[0].body).toEqual({ inputText: 'one', dimensions: 256, normalize: false });
    expect(res.embeddings[0]).toEqual(fakeVector('one', 256, false));
  });

  test('dimensions the model does not offer are rejected naming the allowed values', async () => {
    await expect(h.mod.handler({ texts: ['one'], dimensions: 300 }, lambdaContext())).rejects.toMatchObject({
      name: 'InvalidRequest', field: 'dimensions', message: expect.stringMatching(/is 300; model amazon\.titan-embed-text-v2:0 accepts 256, 512, 1024/),
    });
    expect(fake.calls('invoke')).toHaveLength(0);
  });

  test('a text above 50,000 characters is rejected before calling', async () => {
    await expect(h.mod.handler({ texts: ['ok', 'x'.repeat(50_001)] }, lambdaContext())).rejects.toMatchObject({
      name: 'InputTooLong', field: 'texts[1]', message: expect.stringMatching(/field "texts\[1\]" has 50001 characters; model amazon\.titan-embed-text-v2:0 takes at most 50000/),
    });
    expect(fake.calls('invoke')).toHaveLength(0);
  });

  test('the limit counts characters (code points), not UTF-16 units: 50,000 emoji pass, 50,001 do not', async () => {
    const emoji = '\u{1F600}'; // one character, two UTF-16 units
    await expect(h.mod.handler({ texts: [emoji.repeat(50_000)] }, lambdaContext())).resolves.toMatchObject({ dimensions: 1024 });
    expect(fake.calls('invoke')).toHaveLength(1);
    await expect(h.mod.handler({ texts: [emoji.repeat(50_001)] }, lambdaContext())).rejects.toMatchObject({
      name: 'InputTooLong', message: expect.stringMatching(/has 50001 characters/),
    });
    expect(fake.calls('invoke')).toHaveLength(1);
  });

  test('throttling on one call is retried by the SDK; the batch succeeds', async () => {
    fake.enqueue('invoke', { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' });
    const res = await h.mod.handler({ texts: ['a', 'b'] }, lambdaContext());
    expect(fake.calls('invoke')).toHaveLength(3);
    expect(res.embeddings).toHaveLength(2);
  });

  test('a malformed body fails the request naming the model', async () => {
    fake.enqueue('invoke', { kind: 'raw', body: '<html>oops</html>' });
    await expect(h.mod.handler({ texts: ['a'] }, lambdaContext())).rejects.toMatchObject({
      name: 'MalformedModelResponse', message: expect.stringMatching(/amazon\.titan-embed-text-v2:0 returned an InvokeModel body that is not JSON/),
    });
  });

  test('access denied on one call fails the batch at once: the calls in flight are cancelled, no more are scheduled', async () => {
    // Every other call takes 1.5 s; concurrency is 3, so two are in flight when the first one fails.
    fake.setDefault('invoke', (req) => ({ ...(invokeReply(req) as { kind: 'json'; body: unknown }), delayMs: 1500 }));
    fake.enqueue('invoke', { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'no' });
    const texts = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const started = Date.now();
    try {
      await expect(h.mod.handler({ texts }, lambdaContext())).rejects.toMatchObject({
        name: 'ModelAccessDenied', modelId: 'amazon.titan-embed-text-v2:0', message: expect.stringMatching(/model amazon\.titan-embed-text-v2:0: no/),
      });
      expect(Date.now() - started).toBeLessThan(1400); // did not wait for the slow calls (1,500 ms)
      expect(metric('Errors')).toBe(1);
      expect(out.logs().find((l) => l.message === 'embedding batch failed')).toMatchObject({ calls: 20, otherFailures: 0, cancelledCalls: 2, notStarted: 17 });
    } finally {
      // The cancelled requests may still reach the fake after the handler returned: let them land here, not in the
      // next test's queue.
      const until = Date.now() + 500;
      while (fake.calls('invoke').length < 3 && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
      fake.setDefault('invoke', invokeReply);
    }
    expect(fake.calls('invoke').length).toBeLessThanOrEqual(3); // nothing scheduled after the failure
  });

  test('persistent 5xx fails after the configured attempts, naming the model', async () => {
    for (let i = 0; i < 3; i++) fake.enqueue('invoke', { kind: 'error', status: 500, errorType: 'InternalServerException', message: 'boom' });
    await expect(h.mod.handler({ texts: ['a'] }, lambdaContext())).rejects.toMatchObject({
      name: 'UpstreamError', attempts: 3, message: expect.stringMatching(/InvokeModel for model amazon\.titan-embed-text-v2:0 after 3 attempts/),
    });
  });

  test('a hanging model is cut off at the function deadline', async () => {
    const clock = useVirtualClock(h.mod); // the deadline passes when the test says so
    try {
      fake.enqueue('invoke', { kind: 'hang' });
      const run = h.mod.handler({ texts: ['a'] }, lambdaContext({ remainingMs: 1200 }));
      const settled = settledFlag(run);
      await until(() => fake.calls('invoke').length === 1, 'the InvokeModel request');
      expect(settled()).toBe(false);
      clock.advance(700); // 1,200 ms left - 500 ms margin
      await expect(run).rejects.toMatchObject({ name: 'Timeout', modelId: 'amazon.titan-embed-text-v2:0' });
    } finally { h.mod.setClock(undefined); }
  });

  test('input validation names the field in the message (the runtime reports only errorType and errorMessage)', async () => {
    await expect(h.mod.handler({ texts: [] }, lambdaContext())).rejects.toMatchObject({ field: 'texts', message: expect.stringMatching(/field "texts" must have at least 1 item/) });
    await expect(h.mod.handler({ texts: ['a', ''] }, lambdaContext())).rejects.toMatchObject({ field: 'texts[1]', message: expect.stringMatching(/field "texts\[1\]" must have at least 1 character/) });
    await expect(h.mod.handler({ texts: ['a'], inputType: 'search_query' }, lambdaContext())).rejects.toMatchObject({
      field: 'inputType', message: expect.stringMatching(/field "inputType" is not accepted by model amazon\.titan-embed-text-v2:0; only Cohere Embed/),
    });
  });
});

describe('Titan V2 with construct defaults in the environment', () => {
  const h = useHandler(TITAN_V2_CONFIG, { EMBEDDING_DIMENSIONS: '512', EMBEDDING_NORMALIZE: 'false' });
  test('EMBEDDING_DIMENSIONS / EMBEDDING_NORMALIZE apply when the request has none', async () => {
    await h.mod.handler({ texts: ['x'] }, lambdaContext());
    expect(fake.calls('invoke')[0].body).toEqual({ inputText: 'x', dimensions: 512, normalize: false });
  });
});

describe('Cohere Embed v3', () => {
  const h = useHandler(COHERE_V3_CONFIG);

  test('the fixture carries the catalog price of cohere.embed-english-v3', () => {
    expect(COHERE_V3_CONFIG.price).toEqual(BedrockModel.of('cohere.embed-english-v3').runtimeConfig().price);
  });

  test('batches texts 96 per call, each body exactly { texts, input_type, truncate }; no token or cost metrics although priced', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `document number ${i}`);
    const res = await h.mod.handler({ texts, inputType: 'search_query' }, lambdaContext());
    const bodies = fake.calls('invoke').map((c) => c.body).sort((a, b) => texts.indexOf(a.texts[0]) - texts.indexOf(b.texts[0]));
    expect(bodies).toEqual([0, 96, 192].map((from) => ({ texts: texts.slice(from, from + 96), input_type: 'search_query', truncate: 'END' })));
    expect(res.embeddings).toEqual(texts.map((t) => fakeVector(`search_query:${t}`, 1024)));
    // No Cohere response carries a token count (body or documented header), so neither tokens nor a cost are
    // emitted, even though the configuration has a USD price.
    expect(res.inputTokens).toBeUndefined();
    expect(res.estimatedCostUsd).toBeUndefined();
    expect(out.metricNames()).toEqual(expect.arrayContaining(['Latency']));
    expect(out.metricNames()).not.toContain('InputTokens');
    expect(out.metricNames()).not.toContain('EstimatedCostUSD');
  });

  test('parses the by-type response form too', async () => {
    fake.enqueue('invoke', { kind: 'json', body: { id: 'x', response_type: 'embeddings_by_type', embeddings: { float: [[0.5, 0.25]] }, texts: ['a'] } });
    const res = await h.mod.handler({ texts: ['a'] }, lambdaContext());
    expect(res.embeddings).toEqual([[0.5, 0.25]]);
  });

  test('a count mismatch is a malformed response', async () => {
    fake.enqueue('invoke', { kind: 'json', body: { id: 'x', response_type: 'embeddings_floats', embeddings: [[0.1]], texts: ['a', 'b'] } });
    await expect(h.mod.handler({ texts: ['a', 'b'] }, lambdaContext())).rejects.toMatchObject({ name: 'MalformedModelResponse', message: expect.stringMatching(/1 embeddings for 2 texts/) });
  });

  test.each([
    [{ texts: ['a'], dimensions: 1024 }, 'dimensions', /not accepted by model cohere\.embed-english-v3/],
    [{ texts: ['a'], normalize: true }, 'normalize', /only Titan Text Embeddings V2/],
    [{ texts: ['a'], truncate: 'LEFT' }, 'truncate', /accepts NONE, START, END/],
  ])('rejects %j naming %s', async (event, field, msg) => {
    await expect(h.mod.handler(event, lambdaContext())).rejects.toMatchObject({ name: 'InvalidRequest', field, message: expect.stringMatching(msg) });
    expect(fake.calls('invoke')).toHaveLength(0);
  });
});

describe('a text-generation model', () => {
  const h = useHandler({ ...TITAN_V2_CONFIG, modelId: 'anthropic.claude-3-haiku-20240307-v1:0', foundationModelId: 'anthropic.claude-3-haiku-20240307-v1:0' });
  test('is refused with the supported list', async () => {
  await expect(h.mod.handler({ texts: ['a'] }, lambdaContext())).rejects.toMatchObject({ name: 'UnsupportedModel', message: expect.stringMatching(/anthropic\.claude-3-haiku.*Titan Text Embeddings V1\/V2, Cohere Embed v3\/v4/) });
});
});

describe('model configuration from an SSM endpoint that never answers', () => {
  let hung: LoopbackHttpServer;
  let hungRequests = 0;
  let r: () => void;
  let mod: any;
  beforeAll(async () => {
    hung = await LoopbackHttpServer.start(() => { hungRequests += 1; }); // accepts the request, never responds
    r = setEnv({ MODEL_CONFIG: undefined, MODEL_CONFIG_PARAMETER: '/bedrock/models/embed/config', AWS_ENDPOINT_URL_SSM: hung.url });
    mod = loadBundledHandler('embedding-invoker', { metrics: true });
  });
  afterAll(async () => {
    r();
    await hung.close();
  });

  test('fails within the deadline with a ConfigTimeout naming the parameter', async () => {
    const clock = useVirtualClock(mod); // the deadline passes when the test says so
    const started = Date.now();
    const run = mod.handler({ texts: ['a'] }, lambdaContext({ remainingMs: 1000 }));
    const settled = settledFlag(run);
    await until(() => hungRequests > 0, 'the SSM request');
    expect(settled()).toBe(false);
    clock.advance(500); // 1,000 ms left - 500 ms margin
    await expect(run).rejects.toMatchObject({
      name: 'ConfigTimeout', message: expect.stringMatching(/^Reading the model configuration from SSM parameter \/bedrock\/models\/embed\/config did not finish/),
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(metric('Errors')).toBe(1);
    expect(fake.calls('invoke')).toHaveLength(0);
  });
});
