/**
 * No drift between emitter and watcher: synthesize invokers of every kind with a BedrockMonitoring, run each bundled
 * handler (assets/handlers, `npm run build`) with the environment its function gets in the template against the
 * loopback fakes, capture the EMF it writes, and check that every metric the alarms and the dashboard reference is one
 * a handler emitted: same namespace, metric name, dimension names and dimension values. Every AWS/Bedrock metric
 * referenced must be in the cited list (BEDROCK_RUNTIME_METRICS).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  BEDROCK_RUNTIME_METRICS, BEDROCK_RUNTIME_NAMESPACE, BedrockModel, BedrockMonitoring, EmbeddingInvoker, INVOKER_METRICS,
  KnowledgeBase, ModelInvoker, RagInvoker,
} from '../../lib';
import { fakeAwsEnv, loadBundledHandler, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeAgentRuntime } from '../utils/fake-agent-runtime';
import { FakeBedrockRuntime } from '../utils/fake-bedrock-runtime';
import { lambdaContext } from '../utils/lambda-context';
import { MetricRef, alarmMetrics, dashboardMetrics, emittedMetrics, metricKey, testStack } from './util';

/** Evaluates the intrinsics an invoker's environment can hold (Fn::Join over pseudo parameters). */
function evaluate(stack: Stack, v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, any>;
  if (o.Ref === 'AWS::Partition') return 'aws';
  if (o.Ref === 'AWS::Region') return stack.region;
  if (o.Ref === 'AWS::AccountId') return stack.account;
  if (o.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map((p) => evaluate(stack, p)).join(o['Fn::Join'][0]);
  throw new Error(`cannot evaluate ${JSON.stringify(v)} in a function environment`);
}

function functionEnv(stack: Stack, template: Template, fn: lambda.IFunction): Record<string, string> {
  const id = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  const vars = template.toJSON().Resources[id].Properties.Environment.Variables as Record<string, unknown>;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, evaluate(stack, v)]));
}

const stack = testStack('EmitterWatcher');
const haiku = BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
const chat = new ModelInvoker(stack, 'Chat', { model: haiku });
const embed = new EmbeddingInvoker(stack, 'Embed', {
  model: BedrockModel.of('amazon.titan-embed-text-v2:0'), metricsNamespace: 'Custom/Embeddings', serviceName: 'embedder',
});
const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
const ask = new RagInvoker(stack, 'Ask', { knowledgeBase: kb, model: BedrockModel.of('global.anthropic.claude-haiku-4-5-20251001-v1:0') });
new BedrockMonitoring(stack, 'Monitoring', { monthlyBudgetUsd: 200 });
const template = Template.fromStack(stack);
const referenced: MetricRef[] = [...alarmMetrics(template), ...dashboardMetrics(template)];

let runtime: FakeBedrockRuntime;
let agent: FakeAgentRuntime;
const out = new StdoutCapture();
const emitted: ReturnType<typeof emittedMetrics> = [];

/** Runs one bundled handler with its function's environment from the template; collects the EMF it writes. */
async function exercise(kind: string, fn: lambda.IFunction, calls: (handler: (e: unknown) => Promise<unknown>) => Promise<void>) {
  const restore = setEnv({
    ...fakeAwsEnv(),
    MODEL_CONFIG: undefined, MODEL_CONFIG_PARAMETER: undefined, MODEL_ID: undefined, MODEL_ARN: undefined,
    ...functionEnv(stack, template, fn),
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: runtime.url,
    AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: agent.url,
    BEDROCK_RETRY_BASE_DELAY_MS: '20',
  });
  out.clear();
  out.start();
  try {
    const mod = loadBundledHandler(kind, { metrics: true });
    await calls((e) => mod.handler(e, lambdaContext()));
  } finally {
    out.stop();
    restore();
  }
  emitted.push(...emittedMetrics(out.emf()));
}

const badRequest = { kind: 'error' as const, status: 400, errorType: 'ValidationException', message: 'rejected by the fake' };

beforeAll(async () => {
  runtime = await FakeBedrockRuntime.start();
  agent = await FakeAgentRuntime.start();
  // Each handler: a successful call, a call Bedrock rejects (Errors with the model), an invalid request (Errors before
  // the model is known).
  await exercise('text-invoker', chat.function, async (h) => {
    await h({ prompt: 'what does the monitoring watch' });
    runtime.enqueue('converse', badRequest);
    await expect(h({ prompt: 'rejected' })).rejects.toMatchObject({ code: 'ModelValidationError' });
    await expect(h({ prompt: 'x', unknownField: 1 })).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
  await exercise('embedding-invoker', embed.function, async (h) => {
    await h({ texts: ['alpha beta gamma'] });
    runtime.enqueue('invoke', badRequest);
    await expect(h({ texts: ['rejected'] })).rejects.toMatchObject({ code: 'ModelValidationError' });
    await expect(h({ texts: [] })).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
  await exercise('rag-invoker', ask.function, async (h) => {
    await h({ query: 'how are models pinned' });
    agent.enqueue('retrieve-and-generate', badRequest);
    await expect(h({ query: 'rejected' })).rejects.toMatchObject({ code: 'ModelValidationError' });
    await expect(h({ mode: 'nonsense' })).rejects.toMatchObject({ code: 'InvalidRequest' });
  });
}, 60_000);

afterAll(async () => {
  await runtime.close();
  await agent.close();
});

describe('BedrockMonitoring against the bundled handlers', () => {
  test('the alarms and the dashboard reference every invoker metric, with and without the model dimension', () => {
    const own = referenced.filter((r) => r.namespace !== BEDROCK_RUNTIME_NAMESPACE);
    for (const name of Object.values(INVOKER_METRICS)) expect(own.map((r) => r.metricName)).toContain(name);
    expect(own).toEqual(expect.arrayContaining([
      expect.objectContaining({ namespace: 'Custom/Embeddings', metricName: 'Errors', dimensions: { service: 'embedder' } }),
      expect.objectContaining({ namespace: 'CdkBedrockFoundation', metricName: 'Latency',
        dimensions: { 'service': 'rag-invoker', 'ModelId': 'global.anthropic.claude-haiku-4-5-20251001-v1:0' } }),
    ]));
  });

  test('every invoker metric the alarms and the dashboard reference is one a handler emitted (namespace, name, dimensions)', () => {
    const emittedKeys = new Set(emitted.map(metricKey));
    const missing = referenced.filter((r) => r.namespace !== BEDROCK_RUNTIME_NAMESPACE && !emittedKeys.has(metricKey(r)))
      .map((r) => `${metricKey(r)} (${r.where})`);
    expect(missing).toEqual([]);
  });

  test('the comparison is exact: a metric with another service value or without a dimension is not matched', () => {
    const emittedKeys = new Set(emitted.map(metricKey));
    const latency = emitted.find((e) => e.metricName === 'Latency' && e.dimensions.service === 'text-invoker')!;
    expect(emittedKeys.has(metricKey(latency))).toBe(true);
    expect(emittedKeys.has(metricKey({ ...latency, dimensions: { ...latency.dimensions, service: 'other' } }))).toBe(false);
    expect(emittedKeys.has(metricKey({ ...latency, dimensions: { service: 'text-invoker' } }))).toBe(false);
  });

  test('every AWS/Bedrock metric referenced is in the cited list, by the ModelId dimension only', () => {
    const service = referenced.filter((r) => r.namespace === BEDROCK_RUNTIME_NAMESPACE);
    expect(service.length).toBeGreaterThan(0);
    for (const r of service) {
      expect({ where: r.where, metric: r.metricName, listed: BEDROCK_RUNTIME_METRICS.includes(r.metricName) })
        .toEqual({ where: r.where, metric: r.metricName, listed: true });
      expect(Object.keys(r.dimensions)).toEqual(['ModelId']);
    }
    expect(new Set(service.map((r) => r.dimensions.ModelId))).toEqual(new Set([
      'us.anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.titan-embed-text-v2:0', 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    ]));
  });
});
