import { loadBundledHandler, fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeAgentRuntime, fakeChunks } from '../utils/fake-agent-runtime';
import { lambdaContext } from '../utils/lambda-context';
import { settledFlag, until, useVirtualClock } from '../utils/virtual-clock';

const MODEL_ARN = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0';
const MODEL_ID = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
let fake: FakeAgentRuntime;
let restore: () => void;
let mod: any;
const out = new StdoutCapture();

beforeAll(async () => {
  fake = await FakeAgentRuntime.start();
  restore = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: fake.url,
    KNOWLEDGE_BASE_ID: 'KB12345678',
    MODEL_ARN,
    MODEL_ID,
    NUMBER_OF_RESULTS: '3',
    BEDROCK_MAX_ATTEMPTS: '3',
    BEDROCK_RETRY_BASE_DELAY_MS: '20',
    POWERTOOLS_METRICS_NAMESPACE: 'InvokerTest',
  });
  mod = loadBundledHandler('rag-invoker', { metrics: true });
});
afterAll(async () => { restore(); await fake.close(); });
beforeEach(() => { fake.reset(); out.clear(); out.start(); });
afterEach(() => out.stop());

test('RetrieveAndGenerate sends the KB, model ARN and result count and returns the answer with citations', async () => {
  const res = await mod.handler({ query: 'how are models pinned', sessionId: 'sess-9' }, lambdaContext());
  const [call] = fake.calls('retrieve-and-generate');
  expect(call.body).toEqual({
    input: { text: 'how are models pinned' },
    sessionId: 'sess-9',
    retrieveAndGenerateConfiguration: {
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: { knowledgeBaseId: 'KB12345678', modelArn: MODEL_ARN, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 3 } } },
    },
  });
  expect(res.mode).toBe('retrieveAndGenerate');
  expect(res.answer).toBe('answer to: how are models pinned');
  expect(res.sessionId).toBe('sess-9');
  const chunks = fakeChunks('how are models pinned', 3);
  expect(res.citations).toHaveLength(1);
  expect(res.citations[0].text).toBe(res.answer);
  expect(res.citations[0].sources.map((s: any) => ({ text: s.text, uri: s.uri }))).toEqual(chunks.map((c) => ({ text: c.text, uri: c.uri })));
  const emf = out.emf();
  expect(emf).toHaveLength(1);
  expect(emf[0].ModelId).toBe(MODEL_ID);
  expect(out.metricNames()).toEqual(['Latency']);
});

test('Retrieve returns scored chunks with their sources; the request count overrides the default', async () => {
  const res = await mod.handler({ query: 'pinning models', mode: 'retrieve', numberOfResults: 2 }, lambdaContext());
  const [call] = fake.calls('retrieve');
  expect(call.params.knowledgeBaseId).toBe('KB12345678');
  expect(call.body).toEqual({ retrievalQuery: { text: 'pinning models' }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 2 } } });
  const chunks = fakeChunks('pinning models', 2);
  expect(res.results.map((r: any) => ({ text: r.text, uri: r.uri, score: r.score }))).toEqual(chunks.map((c) => ({ text: c.text, uri: c.uri, score: c.score })));
});

test('throttling then success', async () => {
  fake.enqueue('retrieve-and-generate', { kind: 'error', status: 429, errorType: 'ThrottlingException', message: 'slow' });
  const res = await mod.handler({ query: 'q' }, lambdaContext());
  expect(fake.calls('retrieve-and-generate')).toHaveLength(2);
  expect(res.answer).toBe('answer to: q');
});

test('5xx after all attempts names the model and knowledge base', async () => {
  for (let i = 0; i < 3; i++) fake.enqueue('retrieve-and-generate', { kind: 'error', status: 500, errorType: 'InternalServerException', message: 'boom' });
  await expect(mod.handler({ query: 'q' }, lambdaContext())).rejects.toMatchObject({
    name: 'UpstreamError', attempts: 3, message: expect.stringMatching(/RetrieveAndGenerate \(us\.anthropic.* with knowledge base KB12345678\).*after 3 attempts.*boom/),
  });
});

test('access denied and not found are not retried', async () => {
  fake.enqueue('retrieve', { kind: 'error', status: 403, errorType: 'AccessDeniedException', message: 'no bedrock:Retrieve' });
  await expect(mod.handler({ query: 'q', mode: 'retrieve' }, lambdaContext())).rejects.toMatchObject({ name: 'ModelAccessDenied', message: expect.stringMatching(/knowledge base KB12345678.*no bedrock:Retrieve/) });
  fake.enqueue('retrieve', { kind: 'error', status: 404, errorType: 'ResourceNotFoundException', message: 'kb gone' });
  await expect(mod.handler({ query: 'q', mode: 'retrieve' }, lambdaContext())).rejects.toMatchObject({ name: 'ModelNotFound', message: expect.stringMatching(/knowledge base KB12345678.*kb gone/) });
  expect(fake.calls('retrieve')).toHaveLength(2);
});

test('a malformed body and a missing answer are reported', async () => {
  fake.enqueue('retrieve-and-generate', { kind: 'raw', body: 'not json at all' });
  await expect(mod.handler({ query: 'q' }, lambdaContext())).rejects.toMatchObject({
    name: 'MalformedModelResponse', modelId: MODEL_ID,
    message: expect.stringMatching(/^Model us\.anthropic\.claude-haiku-4-5-20251001-v1:0 returned a RetrieveAndGenerate \(.* with knowledge base KB12345678\) response that could not be parsed/),
  });
  fake.enqueue('retrieve-and-generate', { kind: 'json', body: { sessionId: 's', citations: [] } });
  await expect(mod.handler({ query: 'q' }, lambdaContext())).rejects.toMatchObject({ name: 'MalformedModelResponse', message: expect.stringMatching(/returned no output text/) });
});

test('a hanging service is cut off at the function deadline', async () => {
  const clock = useVirtualClock(mod); // the deadline passes when the test says so
  try {
    fake.enqueue('retrieve-and-generate', { kind: 'hang' });
    const run = mod.handler({ query: 'q' }, lambdaContext({ remainingMs: 1200 }));
    const settled = settledFlag(run);
    await until(() => fake.calls('retrieve-and-generate').length === 1, 'the RetrieveAndGenerate request');
    expect(settled()).toBe(false);
    clock.advance(700); // 1,200 ms left - 500 ms margin
    await expect(run).rejects.toMatchObject({ name: 'Timeout', message: expect.stringMatching(/within the function's remaining time \(\d+ ms\)/) });
  } finally { mod.setClock(undefined); }
});

test.each([
  [{}, 'query'],
  [{ query: '' }, 'query'],
  [{ query: 'q', mode: 'generate' }, 'mode'],
  [{ query: 'q', numberOfResults: 0 }, 'numberOfResults'],
])('invalid input %j names %s in the error message', async (event, field) => {
  await expect(mod.handler(event, lambdaContext())).rejects.toMatchObject({ name: 'InvalidRequest', field, message: expect.stringContaining(`field "${field}"`) });
  expect(fake.requests).toHaveLength(0);
});
