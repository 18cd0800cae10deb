/**
 * Concurrent requests in one process (Lambda Managed Instances run concurrent Node.js requests in one process; so does
 * any in-process caller): each keeps its own deadline, correlation ID, log keys and metrics. Bundled text invoker,
 * h2c Bedrock fake, virtual clock.
 */
import { fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockRuntime, converseReply } from '../utils/fake-bedrock-runtime';
import { VirtualClock } from '../utils/virtual-clock';
import { HAIKU_CONFIG } from '../lambda/fixtures';
import { MARGIN_MS, freshBundle, pinRandom, settledFlag, timed, turns, until, virtualContext } from './harness';

const modelId = HAIKU_CONFIG.modelId;
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
    BEDROCK_MAX_ATTEMPTS: undefined,
    BEDROCK_RETRY_BASE_DELAY_MS: undefined,
    POWERTOOLS_METRICS_NAMESPACE: 'Faults',
  });
  ({ mod, restore: restoreBundle } = freshBundle('text-invoker', {}, { logLevel: 'INFO', metrics: true }));
});
afterAll(async () => { restoreBundle(); restoreEnv(); await fake.close(); });
beforeEach(() => {
  fake.reset(); fake.setDefault('converse', converseReply);
  clock = new VirtualClock(); mod.setClock(clock); out.clear(); out.start();
});
afterEach(() => { out.stop(); mod.setClock(undefined); });

test('50 concurrent requests on one warm module with 30% throttling: all answered, each its own answer, log IDs and metrics', async () => {
  await mod.handler({ prompt: 'warm up' }, virtualContext(clock, 10_000));
  fake.reset(); out.clear();
  const seen = new Set<string>();
  let throttled = 0;
  // Deterministic 30%: the first call of 3 requests in every 10 is throttled (whatever order the calls arrive in).
  fake.setDefault('converse', (req) => {
    const prompt: string = req.body.messages[0].content[0].text;
    const i = Number(prompt.split(' ')[1]);
    if (i % 10 < 3 && !seen.has(prompt)) {
      seen.add(prompt); throttled += 1;
      return { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' };
    }
    return converseReply(req);
  });
  const runs = Array.from({ length: 50 }, (_, i) => timed<any>(clock, () => mod.handler({ prompt: `question ${i}`, correlationId: `corr-${i}` }, virtualContext(clock, 10_000))));
  const results = await Promise.all(runs);
  expect(results.map((r) => r.error)).toEqual(Array(50).fill(undefined));
  expect(results.map((r) => r.value.text)).toEqual(Array.from({ length: 50 }, (_, i) => `echo: question ${i}`));
  expect(throttled).toBe(15);
  expect(fake.calls('converse')).toHaveLength(65); // each throttled request retried once
  expect(clock.sleeps).toHaveLength(15);
  for (const r of results) expect(r.elapsedMs).toBeLessThan(10_000 - MARGIN_MS);
  // Each request logged its own success under its own correlation ID, with the model ID.
  const ok = out.logs().filter((l) => l.message === 'converse ok');
  expect(ok.map((l) => l.correlation_id).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `corr-${i}`).sort());
  for (const l of ok) expect(l.modelId).toBe(modelId);
  // One EMF record per request (metrics are per request, flushed at its end).
  expect(out.emf().filter((r) => r.InputTokens !== undefined)).toHaveLength(50);
});

test('overlapping requests keep their own deadline: a throttled request with no time for a retry fails at once, not at the other\'s deadline', async () => {
  const restoreRandom = pinRandom(0.99); // first backoff ≈ 247 ms
  try {
    fake.enqueue('converse', { kind: 'hang' }); // A: a long request, still waiting for the model
    const a = timed(clock, () => mod.handler({ prompt: 'long', correlationId: 'corr-A' }, virtualContext(clock, 30_000)));
    const aSettled = settledFlag(a);
    await until(() => fake.calls('converse').length === 1, 'request A');
    fake.setDefault('converse', () => ({ kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' }));
    // B: 570 ms left = 70 ms budget; a retry needs 247 ms backoff + 500 ms: there is no time, so B fails after 1 call.
    const b = await timed(clock, () => mod.handler({ prompt: 'short', correlationId: 'corr-B' }, virtualContext(clock, 570)));
    expect(b.error).toMatchObject({ name: 'Throttled', statusCode: 429, attempts: 1 });
    expect(b.elapsedMs).toBeLessThanOrEqual(70);
    expect(fake.calls('converse')).toHaveLength(2);
    expect(aSettled()).toBe(false);
    const bLog = out.logs().find((l) => l.error?.code === 'Throttled');
    expect(bLog).toMatchObject({ correlation_id: 'corr-B', modelId });
    clock.advance(30_000 - MARGIN_MS); // A's own deadline
    const aResult = await a;
    expect(aResult.error).toMatchObject({ name: 'Timeout', message: expect.stringContaining('(29500 ms)') });
    expect(out.logs().find((l) => l.error?.code === 'Timeout')).toMatchObject({ correlation_id: 'corr-A' });
  } finally { restoreRandom(); }
});

test('a request that ends does not end the other\'s deadline: B finishing leaves A bounded by its own', async () => {
  fake.enqueue('converse', { kind: 'hang' });
  const a = mod.handler({ prompt: 'A', correlationId: 'corr-A' }, virtualContext(clock, 2_000));
  const aSettled = settledFlag(a);
  await until(() => fake.calls('converse').length === 1, 'request A');
  await expect(mod.handler({ prompt: 'B', correlationId: 'corr-B' }, virtualContext(clock, 60_000))).resolves.toMatchObject({ text: 'echo: B' });
  clock.advance(1_499);
  await turns(20);
  expect(aSettled()).toBe(false);
  clock.advance(1);
  await expect(a).rejects.toMatchObject({ name: 'Timeout', message: expect.stringContaining('(1500 ms)') });
});

test('log keys do not carry over: a request that fails before naming a model logs no modelId of an earlier request', async () => {
  await mod.handler({ prompt: 'first', correlationId: 'corr-1' }, virtualContext(clock, 10_000));
  await expect(mod.handler({ prompt: '', correlationId: 'corr-2' }, virtualContext(clock, 10_000))).rejects.toMatchObject({ name: 'InvalidRequest' });
  const warn = out.logs().find((l) => l.error?.code === 'InvalidRequest');
  expect(warn).toMatchObject({ correlation_id: 'corr-2' });
  expect(warn.modelId).toBeUndefined();
  expect(out.logs().find((l) => l.message === 'converse ok')).toMatchObject({ correlation_id: 'corr-1', modelId });
});

test('no retry quota: after 40 persistently throttled requests (120 retries, past the SDK standard quota of 500/5 = 100) the next still gets 4 attempts', async () => {
  fake.setDefault('converse', () => ({ kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow down' }));
  const storm = await Promise.all(Array.from({ length: 40 }, () => timed(clock, () => mod.handler({ prompt: 'x' }, virtualContext(clock, 60_000)))));
  expect(storm.map((r) => r.error?.attempts)).toEqual(Array(40).fill(4));
  fake.reset();
  const r = await timed(clock, () => mod.handler({ prompt: 'y' }, virtualContext(clock, 60_000)));
  expect(r.error).toMatchObject({ name: 'Throttled', attempts: 4 });
  expect(fake.calls('converse')).toHaveLength(4);
});
