/**
 * Fault injection on the model configuration read (SSM GetParameter through the bundled text invoker, real SSM client
 * against the loopback fake), on a virtual clock.
 */
import { fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { FakeBedrockRuntime } from '../utils/fake-bedrock-runtime';
import { FakeSsm } from '../utils/fake-ssm';
import { VirtualClock } from '../utils/virtual-clock';
import { HAIKU_CONFIG } from '../lambda/fixtures';
import { MARGIN_MS, freshBundle, settledFlag, timed, turns, until, virtualContext, type Outcome } from './harness';

const PARAM = '/bedrock/models/chat/config';
const REMAINING = 5_000;
const BUDGET = REMAINING - MARGIN_MS;
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

let ssm: FakeSsm;
let bedrock: FakeBedrockRuntime;
let restoreEnv: () => void;
let clock: VirtualClock;
let restoreBundle: (() => void) | undefined;

beforeAll(async () => {
  ssm = await FakeSsm.start();
  bedrock = await FakeBedrockRuntime.start();
  restoreEnv = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    MODEL_CONFIG: undefined,
    MODEL_CONFIG_PARAMETER: PARAM,
    MODEL_CONFIG_HASH: undefined,
    BEDROCK_MAX_ATTEMPTS: undefined,
    BEDROCK_RETRY_BASE_DELAY_MS: undefined,
    MODEL_CONFIG_REQUEST_TIMEOUT_MS: '60000', // only the function's deadline (virtual) ends a hanging read here
  });
});
afterAll(async () => { restoreEnv(); await ssm.close(); await bedrock.close(); });
beforeEach(() => { ssm.reset(); bedrock.reset(); clock = new VirtualClock(); });
afterEach(() => { restoreBundle?.(); restoreBundle = undefined; });

/** A new execution environment on the virtual clock. */
function container(): any {
  const b = freshBundle('text-invoker');
  restoreBundle = b.restore;
  b.mod.setClock(clock);
  return b.mod;
}

const ask = (mod: any, prompt = 'x', remaining = REMAINING): Promise<Outcome> => timed(clock, () => mod.handler({ prompt }, virtualContext(clock, remaining)));

test('missing parameter: ConfigNotFound (500), 1 call; once it exists the next request reads it', async () => {
  const mod = container();
  expect((await ask(mod)).error).toMatchObject({ name: 'ConfigNotFound', statusCode: 500 });
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  expect((await ask(mod)).value).toMatchObject({ modelId: HAIKU_CONFIG.modelId });
  expect(ssm.getParameterCalls).toBe(2);
});

test.each([
  ['not JSON', '{"schemaVersion": 1, "modelId": ', /is not valid JSON/],
  ['an invalid field', JSON.stringify({ ...HAIKU_CONFIG, invocationForm: 'nowhere' }), /field "invocationForm"/],
  ['another schemaVersion', JSON.stringify({ ...HAIKU_CONFIG, schemaVersion: 2 }), /schemaVersion 2/],
])('a value that is %s is never cached: after the fix the next request reads SSM again and succeeds', async (_w, bad, message) => {
  ssm.parameters.set(PARAM, bad);
  const mod = container();
  expect((await ask(mod)).error).toMatchObject({ name: 'ConfigError', statusCode: 500, message: expect.stringMatching(message) });
  expect((await ask(mod)).error).toMatchObject({ name: 'ConfigError' }); // still broken: read again, refused again
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG)); // fixed (e.g. restored by hand: the hash is unchanged)
  expect((await ask(mod)).value).toMatchObject({ modelId: HAIKU_CONFIG.modelId });
  expect(ssm.getParameterCalls).toBe(3);
  await ask(mod);
  expect(ssm.getParameterCalls).toBe(3); // a valid value is cached
});

test('persistent SSM throttling: Throttled (429) after 4 calls, within the budget; the next request reads again', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  for (let i = 0; i < 4; i++) ssm.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
  const mod = container();
  const r = await ask(mod);
  expect(r.error).toMatchObject({ name: 'Throttled', statusCode: 429, message: expect.stringMatching(/after 4 attempts/) });
  expect(ssm.getParameterCalls).toBe(4);
  expect(r.elapsedMs).toBeLessThan(BUDGET);
  expect((await ask(mod)).value).toMatchObject({ modelId: HAIKU_CONFIG.modelId });
  expect(ssm.getParameterCalls).toBe(5);
});

test('a hanging SSM read: ConfigTimeout (504) at the deadline; the read is aborted then, and no retry follows it', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  const held = ssm.holdNext();
  const retry = ssm.holdNext(); // would catch a retry sent after the handler returned
  const retried = settledFlag(retry.received);
  const closed = settledFlag(held.answered); // resolves when the connection of the held request closes
  const mod = container();
  const run = ask(mod);
  await held.received;
  clock.advance(BUDGET);
  const r = await run;
  expect(r.error).toMatchObject({ name: 'ConfigTimeout', statusCode: 504, message: expect.stringContaining(PARAM) });
  expect(r.elapsedMs).toBe(BUDGET);
  await until(closed, 'the abandoned SSM request to be closed by the client');
  await turns(50);
  expect(retried()).toBe(false);
  expect(bedrock.calls('converse')).toHaveLength(0);
  held.release(); retry.release();
});

test('a changed parameter: a warm environment keeps its value until maxAge (24 h), then reads the new one', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  const mod = container();
  await ask(mod);
  ssm.parameters.set(PARAM, JSON.stringify({ ...HAIKU_CONFIG, modelId: SONNET }));
  clock.advance(24 * 3600 * 1000 - 1);
  expect((await ask(mod)).value).toMatchObject({ modelId: HAIKU_CONFIG.modelId });
  expect(ssm.getParameterCalls).toBe(1);
  clock.advance(1);
  expect((await ask(mod)).value).toMatchObject({ modelId: SONNET });
  expect(ssm.getParameterCalls).toBe(2);
});

test('50 cold concurrent requests share one GetParameter', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  const held = ssm.holdNext();
  const mod = container();
  const runs = Array.from({ length: 50 }, (_, i) => ask(mod, `p${i}`));
  await held.received;
  await turns(20);
  held.release();
  const results = await Promise.all(runs);
  expect(results.map((r) => r.value?.text)).toEqual(Array.from({ length: 50 }, (_, i) => `echo: p${i}`));
  expect(ssm.getParameterCalls).toBe(1);
  expect(bedrock.calls('converse')).toHaveLength(50);
});

test('a shared read outlives a waiter whose deadline passed: that one gets ConfigTimeout, the other its answer, 1 call', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  const held = ssm.holdNext();
  const mod = container();
  const short = ask(mod, 'short', 1_000);
  const long = ask(mod, 'long', 20_000);
  await held.received;
  clock.advance(500); // the short request's budget
  expect((await short).error).toMatchObject({ name: 'ConfigTimeout' });
  held.release();
  expect((await long).value).toMatchObject({ text: 'echo: long' });
  expect(ssm.getParameterCalls).toBe(1);
});
