/**
 * Guardrail interventions in the text and RAG invokers, against the HTTP/2 fakes: the request carries the configured
 * guardrail, an intervention is a normal answer with `guardrailIntervened: true` (not an error), the trace is returned
 * only when the configuration asks for it, and the `GuardrailInterventions` EMF metric is emitted.
 */
import type { RuntimeModelConfig } from '../../lib/contract';
import { loadBundledHandler, fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeAgentRuntime, FAKE_RAG_BLOCKED_MESSAGE } from '../utils/fake-agent-runtime';
import { FakeBedrockRuntime, FAKE_BLOCKED_MESSAGE, fakeGuardrailTrace } from '../utils/fake-bedrock-runtime';
import { lambdaContext } from '../utils/lambda-context';
import { StreamCapture, installStreamingShim, removeStreamingShim } from '../utils/lambda-streaming';
import { HAIKU_CONFIG } from './fixtures';

const GUARDRAIL = { guardrailIdentifier: 'gr1abc2def3g', guardrailVersion: '3' };
const config = (trace: 'disabled' | 'enabled' | 'enabled_full'): RuntimeModelConfig => ({ ...HAIKU_CONFIG, guardrail: { ...GUARDRAIL, trace } });

let runtime: FakeBedrockRuntime;
let agent: FakeAgentRuntime;
let restore: () => void;
let text: any;
let rag: any;
const out = new StdoutCapture();

beforeAll(async () => {
  runtime = await FakeBedrockRuntime.start();
  agent = await FakeAgentRuntime.start();
  restore = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: runtime.url,
    AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: agent.url,
    MODEL_CONFIG: JSON.stringify(config('enabled')),
    MODEL_CONFIG_PARAMETER: undefined,
    KNOWLEDGE_BASE_ID: 'KB12345678',
    MODEL_ARN: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
    MODEL_ID: HAIKU_CONFIG.modelId,
    GUARDRAIL_ID: GUARDRAIL.guardrailIdentifier,
    GUARDRAIL_VERSION: GUARDRAIL.guardrailVersion,
    BEDROCK_MAX_ATTEMPTS: '1',
    POWERTOOLS_METRICS_NAMESPACE: 'InvokerTest',
  });
  installStreamingShim();
  text = loadBundledHandler('text-invoker', { logLevel: 'INFO', metrics: true });
  rag = loadBundledHandler('rag-invoker', { logLevel: 'INFO', metrics: true });
});
afterAll(async () => {
  removeStreamingShim();
  restore();
  await runtime.close();
  await agent.close();
});
beforeEach(() => { runtime.reset(); agent.reset(); out.clear(); out.start(); });
afterEach(() => out.stop());

function metric(name: string): { value: unknown; modelId: unknown } | undefined {
  const rec = out.emf().find((r) => r._aws.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name));
  return rec ? { value: rec[name], modelId: rec.ModelId } : undefined;
}

describe('text invoker, Converse', () => {
  test('sends guardrailConfig with the configured ID, version and trace', async () => {
    const res = await text.handler({ prompt: 'a harmless question' }, lambdaContext());
    expect(runtime.calls('converse')[0].body.guardrailConfig).toEqual({ ...GUARDRAIL, trace: 'enabled' });
    expect(res).toMatchObject({ text: 'echo: a harmless question', stopReason: 'end_turn', guardrailIntervened: false });
    expect(res).not.toHaveProperty('guardrailTrace');
    expect(metric('GuardrailInterventions')).toBeUndefined();
  });

  test('an intervention is an answer (not an error): guardrailIntervened, the blocked message, the trace, the metric', async () => {
    const res = await text.handler({ prompt: 'tell me the forbidden thing' }, lambdaContext());
    expect(res).toMatchObject({
      modelId: HAIKU_CONFIG.modelId, text: FAKE_BLOCKED_MESSAGE, stopReason: 'guardrail_intervened', guardrailIntervened: true,
      guardrailTrace: fakeGuardrailTrace(GUARDRAIL.guardrailIdentifier),
    });
    expect(metric('GuardrailInterventions')).toEqual({ value: 1, modelId: HAIKU_CONFIG.modelId });
    expect(out.metricNames()).not.toContain('Errors');
    expect(out.logs().find((l) => l.message === 'guardrail intervened')).toMatchObject(GUARDRAIL);
  });

  test('with trace disabled the request says so and no trace is returned', async () => {
    const undo = setEnv({ MODEL_CONFIG: JSON.stringify(config('disabled')) });
    try {
      const res = await text.handler({ prompt: 'the forbidden thing again' }, lambdaContext());
      expect(runtime.calls('converse')[0].body.guardrailConfig.trace).toBe('disabled');
      expect(res.guardrailIntervened).toBe(true);
      expect(res).not.toHaveProperty('guardrailTrace');
    } finally { undo(); }
  });

  test('without a guardrail nothing is sent and the answer has no guardrail fields', async () => {
    const undo = setEnv({ MODEL_CONFIG: JSON.stringify(HAIKU_CONFIG) });
    try {
      const res = await text.handler({ prompt: 'the forbidden thing, unguarded' }, lambdaContext());
      expect(runtime.calls('converse')[0].body).not.toHaveProperty('guardrailConfig');
      expect(res).not.toHaveProperty('guardrailIntervened');
      expect(res.text).toBe('echo: the forbidden thing, unguarded');
    } finally { undo(); }
  });

  test('a configuration whose guardrail version is neither a number nor DRAFT is refused as a ConfigError', async () => {
    const undo = setEnv({ MODEL_CONFIG: JSON.stringify({ ...HAIKU_CONFIG, guardrail: { ...GUARDRAIL, guardrailVersion: 'latest', trace: 'disabled' } }) });
    try {
      await expect(text.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({ name: 'ConfigError', field: 'guardrail.guardrailVersion' });
      expect(runtime.calls('converse')).toHaveLength(0);
    } finally { undo(); }
  });
});

describe('text invoker, ConverseStream', () => {
  const urlEvent = (body: unknown) => ({ body: JSON.stringify(body), requestContext: { requestId: 'r', http: { method: 'POST' } } });

  test('an intervention streams the blocked message and ends with done + guardrailIntervened and the trace', async () => {
    const stream = new StreamCapture();
    await text.streamHandler(urlEvent({ prompt: 'stream the forbidden thing' }), stream, lambdaContext());
    expect(runtime.calls('converse-stream')[0].body.guardrailConfig).toEqual({ ...GUARDRAIL, trace: 'enabled' });
    expect(stream.statusCode).toBe(200);
    const lines = stream.lines;
    expect(lines.filter((l) => l.type === 'text').map((l) => l.text).join('')).toBe(FAKE_BLOCKED_MESSAGE);
    expect(lines[lines.length - 1]).toMatchObject({
      type: 'done', stopReason: 'guardrail_intervened', guardrailIntervened: true, guardrailTrace: fakeGuardrailTrace(GUARDRAIL.guardrailIdentifier),
    });
    expect(metric('GuardrailInterventions')).toEqual({ value: 1, modelId: HAIKU_CONFIG.modelId });
  });

  test('a guarded answer that passes ends with guardrailIntervened: false and no metric', async () => {
    const stream = new StreamCapture();
    await text.streamHandler(urlEvent({ prompt: 'stream something fine' }), stream, lambdaContext());
    const lines = stream.lines;
    expect(lines[lines.length - 1]).toMatchObject({ type: 'done', stopReason: 'end_turn', guardrailIntervened: false });
    expect(metric('GuardrailInterventions')).toBeUndefined();
  });
});

describe('RAG invoker, RetrieveAndGenerate', () => {
  test('sends generationConfiguration.guardrailConfiguration; a pass is guardrailIntervened: false', async () => {
    const res = await rag.handler({ query: 'how are models pinned' }, lambdaContext());
    const [call] = agent.calls('retrieve-and-generate');
    expect(call.body.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.generationConfiguration)
      .toEqual({ guardrailConfiguration: { guardrailId: GUARDRAIL.guardrailIdentifier, guardrailVersion: GUARDRAIL.guardrailVersion } });
    expect(res).toMatchObject({ guardrailAction: 'NONE', guardrailIntervened: false });
    expect(metric('GuardrailInterventions')).toBeUndefined();
  });

  test('guardrailAction INTERVENED is an answer with guardrailIntervened and the metric', async () => {
    const res = await rag.handler({ query: 'the forbidden documents' }, lambdaContext());
    expect(res).toMatchObject({ mode: 'retrieveAndGenerate', answer: FAKE_RAG_BLOCKED_MESSAGE, guardrailAction: 'INTERVENED', guardrailIntervened: true, citations: [] });
    expect(metric('GuardrailInterventions')).toEqual({ value: 1, modelId: HAIKU_CONFIG.modelId });
    expect(out.metricNames()).not.toContain('Errors');
  });

  test('without GUARDRAIL_ID no guardrail is sent and the answer has no guardrailIntervened', async () => {
    const undo = setEnv({ GUARDRAIL_ID: undefined, GUARDRAIL_VERSION: undefined });
    try {
      const res = await rag.handler({ query: 'the forbidden documents' }, lambdaContext());
      expect(agent.calls('retrieve-and-generate')[0].body.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration).not.toHaveProperty('generationConfiguration');
      expect(res).not.toHaveProperty('guardrailIntervened');
    } finally { undo(); }
  });
});
