/**
 * Fault injection: the bundled embedding invoker (InvokeModel) and RAG invoker (Retrieve, RetrieveAndGenerate) against
 * the h2c fakes, on a virtual clock: expected status, upstream calls and a time bound in the handler's budget.
 */
import { fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { FakeAgentRuntime, retrieveAndGenerateReply } from '../utils/fake-agent-runtime';
import { FakeBedrockRuntime, invokeReply } from '../utils/fake-bedrock-runtime';
import { VirtualClock } from '../utils/virtual-clock';
import { TITAN_V2_CONFIG } from '../lambda/fixtures';
import { MARGIN_MS, freshBundle, settledFlag, timed, turns, until, virtualContext } from './harness';

const REMAINING = 10_000;
const BUDGET = REMAINING - MARGIN_MS;
const MODEL_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0';

let bedrock: FakeBedrockRuntime;
let agent: FakeAgentRuntime;
let restoreEnv: () => void;
let embed: any;
let rag: any;
const restores: (() => void)[] = [];
let clock: VirtualClock;

beforeAll(async () => {
  bedrock = await FakeBedrockRuntime.start();
  agent = await FakeAgentRuntime.start();
  restoreEnv = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: agent.url,
    MODEL_CONFIG: JSON.stringify(TITAN_V2_CONFIG),
    MODEL_CONFIG_PARAMETER: undefined,
    KNOWLEDGE_BASE_ID: 'KB12345678',
    MODEL_ARN,
    MODEL_ID: undefined,
    BEDROCK_MAX_ATTEMPTS: undefined,
    BEDROCK_RETRY_BASE_DELAY_MS: undefined,
  });
  for (const name of ['embedding-invoker', 'rag-invoker']) {
    const b = freshBundle(name);
    restores.push(b.restore);
    if (name === 'rag-invoker') rag = b.mod; else embed = b.mod;
  }
});
afterAll(async () => { restores.forEach((r) => r()); restoreEnv(); await bedrock.close(); await agent.close(); });
beforeEach(() => {
  bedrock.reset(); agent.reset();
  bedrock.setDefault('invoke', invokeReply);
  agent.setDefault('retrieve-and-generate', retrieveAndGenerateReply);
  clock = new VirtualClock(); embed.setClock(clock); rag.setClock(clock);
});
afterEach(() => { embed.setClock(undefined); rag.setClock(undefined); });

async function cutAtDeadline<T>(count: () => number, start: () => Promise<T>): Promise<T> {
  const run = start();
  const settled = settledFlag(run);
  await until(() => count() >= 1, 'the upstream request');
  await turns(20);
  clock.advance(BUDGET - 1);
  await turns(20);
  expect(settled()).toBe(false);
  clock.advance(1);
  return run;
}

describe('InvokeModel (embedding invoker)', () => {
  const run = (texts = ['a']) => timed(clock, () => embed.handler({ texts }, virtualContext(clock, REMAINING)));

  test.each([
    ['429', 'Throttled', 429, 4, { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow' }],
    ['503 HTML', 'UpstreamError', 502, 4, { kind: 'raw', status: 503, body: '<html>down</html>', contentType: 'text/html' }],
    ['403', 'ModelAccessDenied', 403, 1, { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'no' }],
    ['200 null', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: 'null' }],
    ['200 truncated', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: '{"embedding": [0.1, 0.' }],
    ['INTERNAL_ERROR reset', 'UpstreamError', 502, 1, { kind: 'reset' }],
  ] as const)('persistent %s → %s (%d), %d call(s), within the budget', async (_w, code, status, calls, reply) => {
    bedrock.setDefault('invoke', () => reply as any);
    const r = await run();
    expect(r.error).toMatchObject({ name: code, statusCode: status, modelId: TITAN_V2_CONFIG.modelId });
    expect(bedrock.calls('invoke')).toHaveLength(calls);
    expect(r.elapsedMs).toBeLessThan(BUDGET);
  });

  test('the deadline while the body is arriving: Timeout (504) naming the budget, not MalformedModelResponse', async () => {
    bedrock.enqueue('invoke', { kind: 'partial', body: '{"embedding": [0.1, 0.2', then: 'hang' });
    const r = await timed(clock, () => cutAtDeadline(() => bedrock.calls('invoke').length, () => embed.handler({ texts: ['a'] }, virtualContext(clock, REMAINING))));
    expect(r.error).toMatchObject({ name: 'Timeout', statusCode: 504, message: expect.stringContaining(`InvokeModel for model amazon.titan-embed-text-v2:0 within the function's remaining time (${BUDGET} ms)`) });
    expect(r.elapsedMs).toBe(BUDGET);
  });

  test('a batch with one hanging text: Timeout at the deadline, every text was sent', async () => {
    bedrock.enqueue('invoke', { kind: 'hang' });
    const r = await timed(clock, () => cutAtDeadline(() => bedrock.calls('invoke').length, () => embed.handler({ texts: ['a', 'b', 'c'] }, virtualContext(clock, REMAINING))));
    expect(r.error).toMatchObject({ name: 'Timeout' });
    expect(bedrock.calls('invoke')).toHaveLength(3);
  });

  test('oversized and bad input: 413 / 400 naming the field, no call', async () => {
    await expect(embed.handler({ texts: ['x'.repeat(50_001)] }, virtualContext(clock, REMAINING))).rejects.toMatchObject({ name: 'InputTooLong', statusCode: 413, field: 'texts[0]' });
    await expect(embed.handler({ texts: [] }, virtualContext(clock, REMAINING))).rejects.toMatchObject({ name: 'InvalidRequest', statusCode: 400, field: 'texts' });
    expect(bedrock.calls('invoke')).toHaveLength(0);
  });
});

describe('RetrieveAndGenerate (RAG invoker)', () => {
  const ask = () => timed(clock, () => rag.handler({ query: 'what' }, virtualContext(clock, REMAINING)));

  test.each([
    ['429', 'Throttled', 429, 4, { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow' }],
    ['500', 'UpstreamError', 502, 4, { kind: 'error', status: 500, errorType: 'InternalServerException', message: 'oops' }],
    ['400', 'ModelValidationError', 400, 1, { kind: 'error', status: 400, errorType: 'ValidationException', message: 'bad' }],
    ['200 null', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: 'null' }],
    ['200 truncated', 'MalformedModelResponse', 502, 1, { kind: 'raw', status: 200, body: '{"output": {"te' }],
    ['INTERNAL_ERROR reset', 'UpstreamError', 502, 1, { kind: 'reset' }],
  ] as const)('persistent %s → %s (%d), %d call(s), within the budget', async (_w, code, status, calls, reply) => {
    agent.setDefault('retrieve-and-generate', () => reply as any);
    const r = await ask();
    expect(r.error).toMatchObject({ name: code, statusCode: status });
    expect(agent.calls('retrieve-and-generate')).toHaveLength(calls);
    expect(r.elapsedMs).toBeLessThan(BUDGET);
  });

  test('the deadline while the body is arriving: Timeout (504) naming the budget', async () => {
    agent.enqueue('retrieve-and-generate', { kind: 'partial', body: '{"output": {"text": "half', then: 'hang' });
    const r = await timed(clock, () => cutAtDeadline(() => agent.calls('retrieve-and-generate').length, () => rag.handler({ query: 'q' }, virtualContext(clock, REMAINING))));
    expect(r.error).toMatchObject({ name: 'Timeout', statusCode: 504, message: expect.stringMatching(new RegExp(`RetrieveAndGenerate .*KB12345678.* within the function's remaining time \\(${BUDGET} ms\\)`)) });
  });

  test('a Retrieve that hangs: Timeout at the deadline', async () => {
    agent.enqueue('retrieve', { kind: 'hang' });
    const r = await timed(clock, () => cutAtDeadline(() => agent.calls('retrieve').length, () => rag.handler({ query: 'q', mode: 'retrieve' }, virtualContext(clock, REMAINING))));
    expect(r.error).toMatchObject({ name: 'Timeout', statusCode: 504 });
    expect(r.elapsedMs).toBe(BUDGET);
  });
});
