/**
 * The runtime model-config helper (lambda/shared/model-config.ts), exercised through the bundled text invoker
 * against a fake SSM endpoint with the real SSM client.
 */
import { loadBundledHandler, fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockRuntime } from '../utils/fake-bedrock-runtime';
import { FakeSsm } from '../utils/fake-ssm';
import { lambdaContext } from '../utils/lambda-context';
import { App, Stack } from 'aws-cdk-lib';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { HAIKU_CONFIG } from './fixtures';
import { createHash } from 'node:crypto';
import { getModelConfig, resetModelConfigCache } from '../../lambda/shared/model-config';

const PARAM = '/bedrock/models/chat/config';
let ssm: FakeSsm;
let bedrock: FakeBedrockRuntime;
let restore: () => void;
const out = new StdoutCapture();

beforeAll(async () => {
  ssm = await FakeSsm.start();
  bedrock = await FakeBedrockRuntime.start();
  restore = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    MODEL_CONFIG: undefined,
    MODEL_CONFIG_PARAMETER: PARAM,
    MODEL_CONFIG_HASH: 'abc123',
    BEDROCK_MAX_ATTEMPTS: '3',
    BEDROCK_RETRY_BASE_DELAY_MS: '20',
  });
});
afterAll(async () => { restore(); await ssm.close(); await bedrock.close(); });
beforeEach(() => { ssm.reset(); bedrock.reset(); out.clear(); out.start(); });
afterEach(() => out.stop());

test('reads the SSM parameter once per container, and a new container reads it again', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  const container = loadBundledHandler('text-invoker');
  for (let i = 0; i < 5; i++) await container.handler({ prompt: `hello ${i}` }, lambdaContext());
  expect(ssm.getParameterCalls).toBe(1);
  expect(ssm.requests[0].body).toMatchObject({ Name: PARAM });
  expect(bedrock.calls('converse').map((c) => c.params.modelId)).toEqual(Array(5).fill(HAIKU_CONFIG.modelId));
  expect(bedrock.calls('converse')[0].body.inferenceConfig).toEqual(HAIKU_CONFIG.inferenceParameters);

  // A deploy that changes the configuration changes MODEL_CONFIG_HASH, so Lambda starts new containers.
  ssm.parameters.set(PARAM, JSON.stringify({ ...HAIKU_CONFIG, modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }));
  await container.handler({ prompt: 'warm' }, lambdaContext());
  expect(bedrock.calls('converse')[5].params.modelId).toBe(HAIKU_CONFIG.modelId);
  const fresh = loadBundledHandler('text-invoker');
  await fresh.handler({ prompt: 'fresh' }, lambdaContext());
  expect(bedrock.calls('converse')[6].params.modelId).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  expect(ssm.getParameterCalls).toBe(2);
});

test('a missing parameter names it and says how to fix it; a later invocation retries', async () => {
  const container = loadBundledHandler('text-invoker');
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
    name: 'ConfigNotFound',
    message: `SSM parameter ${PARAM} not found: deploy PinnedModelConfig with this role in this account and Region, or fix MODEL_CONFIG_PARAMETER.`,
  });
  expect(bedrock.requests).toHaveLength(0);
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).resolves.toMatchObject({ modelId: HAIKU_CONFIG.modelId });
  expect(ssm.getParameterCalls).toBe(2);
});

test('malformed JSON names the parameter', async () => {
  ssm.parameters.set(PARAM, '{"schemaVersion": 1, "modelId": ');
  const container = loadBundledHandler('text-invoker');
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
    name: 'ConfigError', message: expect.stringMatching(/Model configuration in SSM parameter \/bedrock\/models\/chat\/config is not valid JSON/),
  });
});

test.each([
  [{ ...HAIKU_CONFIG, schemaVersion: 2 }, 'schemaVersion', /schemaVersion 2; this handler reads schemaVersion 1/],
  [{ ...HAIKU_CONFIG, modelId: '' }, 'modelId', /field "modelId" must have at least 1 character/],
  [{ ...HAIKU_CONFIG, invocationForm: 'somewhere' }, 'invocationForm', /field "invocationForm" must be one of "in-region"/],
  [{ ...HAIKU_CONFIG, inferenceParameters: { maxTokens: 0 } }, 'inferenceParameters.maxTokens', /must be >= 1/],
  [{ ...HAIKU_CONFIG, price: { inputPer1M: 'cheap', outputPer1M: 1, currency: 'USD' } }, 'price.inputPer1M', /expected number/],
])('an invalid field is named (%#)', async (config, field, msg) => {
  ssm.parameters.set(PARAM, JSON.stringify(config));
  const container = loadBundledHandler('text-invoker');
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({ name: 'ConfigError', field, message: expect.stringMatching(msg) });
});

test('SSM throttling is retried by the SDK', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  ssm.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
  const container = loadBundledHandler('text-invoker');
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).resolves.toMatchObject({ modelId: HAIKU_CONFIG.modelId });
  expect(ssm.getParameterCalls).toBe(2);
});

test('SSM throttling beyond the attempts is reported with the parameter name', async () => {
  ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
  for (let i = 0; i < 3; i++) ssm.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
  const container = loadBundledHandler('text-invoker');
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({ name: 'Throttled', message: expect.stringMatching(/SSM throttled reading parameter \/bedrock\/models\/chat\/config after 3 attempts/) });
});

test('access denied names the parameter and the grant', async () => {
  ssm.failNext({ status: 400, type: 'AccessDeniedException', message: 'not authorized' });
  const container = loadBundledHandler('text-invoker');
  await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({ name: 'ConfigAccessDenied', message: expect.stringMatching(/ssm:GetParameter on it/) });
});

test('neither MODEL_CONFIG nor MODEL_CONFIG_PARAMETER is a clear error', async () => {
  const r = setEnv({ MODEL_CONFIG_PARAMETER: undefined });
  try {
    const container = loadBundledHandler('text-invoker');
    await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(/set environment variable MODEL_CONFIG \(JSON\) or MODEL_CONFIG_PARAMETER/) });
  } finally { r(); }
});

test('accepts the JSON PinnedModelConfig writes (the construct side of the contract)', async () => {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
  const config = new PinnedModelConfig(stack, 'Models', {
    models: { chat: BedrockModel.of(HAIKU_CONFIG.modelId) },
    inferenceParameters: { chat: { maxTokens: 300, topP: 0.8 } },
  });
  const written = config.runtimeConfig('chat');
  ssm.parameters.set(PARAM, JSON.stringify(written));
  const container = loadBundledHandler('text-invoker');
  const res = await container.handler({ prompt: 'contract check' }, lambdaContext());
  expect(res.modelId).toBe(written.modelId);
  expect(bedrock.calls('converse')[0].body.inferenceConfig).toEqual({ maxTokens: 300, topP: 0.8 });
  const price = written.price!;
  expect(res.estimatedCostUsd).toBeCloseTo((res.usage.inputTokens * price.inputPer1M + res.usage.outputTokens * price.outputPer1M!) / 1e6, 12);
});

describe('drift: the parameter does not hold what the stack deployed', () => {
  const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
  const driftWarnings = () => out.records().filter((r) => r.level === 'WARN' && /Model configuration drift/.test(String(r.message)));

  test('no warning when the JSON matches MODEL_CONFIG_HASH', async () => {
    const raw = JSON.stringify(HAIKU_CONFIG);
    ssm.parameters.set(PARAM, raw);
    const r = setEnv({ MODEL_CONFIG_HASH: sha256(raw) });
    try {
      await loadBundledHandler('text-invoker', { logLevel: 'WARN' }).handler({ prompt: 'x' }, lambdaContext());
      expect(driftWarnings()).toEqual([]);
    } finally { r(); }
  });

  test('a hand-edited parameter logs one warning naming it, and the invocation still succeeds', async () => {
    const deployed = JSON.stringify(HAIKU_CONFIG);
    const edited = JSON.stringify({ ...HAIKU_CONFIG, inferenceParameters: { maxTokens: 5 } });
    ssm.parameters.set(PARAM, edited);
    const r = setEnv({ MODEL_CONFIG_HASH: sha256(deployed) });
    try {
      const container = loadBundledHandler('text-invoker', { logLevel: 'WARN' });
      await expect(container.handler({ prompt: 'x' }, lambdaContext())).resolves.toMatchObject({ modelId: HAIKU_CONFIG.modelId });
      await container.handler({ prompt: 'y' }, lambdaContext());
      const warnings = driftWarnings();
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toMatch(new RegExp(`SSM parameter ${PARAM} does not hold what the stack deployed \\(sha256 ${sha256(edited)}, MODEL_CONFIG_HASH ${sha256(deployed)}\\); it was probably edited by hand.*redeploy the stack that owns it`));
      expect(warnings[0]).toMatchObject({ parameter: PARAM });
    } finally { r(); }
  });
});

describe('bounded SSM read', () => {
  test('a slow SSM answer times out (request timeout) and is reported, and the next invocation reads again', async () => {
    ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
    ssm.delayNext(1500, 1500);
    const r = setEnv({ MODEL_CONFIG_REQUEST_TIMEOUT_MS: '200', BEDROCK_MAX_ATTEMPTS: '1' });
    try {
      const container = loadBundledHandler('text-invoker');
      const started = Date.now();
      await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({
        name: 'ConfigTimeout',
        message: expect.stringMatching(new RegExp(`Reading SSM parameter ${PARAM} did not complete \\(TimeoutError: .*request timeout 200 ms\\); the next invocation retries`)),
      });
      expect(Date.now() - started).toBeLessThan(1400);
      await expect(container.handler({ prompt: 'x' }, lambdaContext())).rejects.toMatchObject({ name: 'ConfigTimeout' });
      ssm.delayNext(0);
      await expect(container.handler({ prompt: 'x' }, lambdaContext())).resolves.toMatchObject({ modelId: HAIKU_CONFIG.modelId });
    } finally { r(); }
  });

  test('getModelConfig({ abortSignal }) lets the caller stop waiting for the read', async () => {
    ssm.parameters.set(PARAM, JSON.stringify(HAIKU_CONFIG));
    // The answer is held until released: the read can only end early through the abort.
    const held = ssm.holdNext();
    resetModelConfigCache();
    try {
      const controller = new AbortController();
      const read = getModelConfig({ abortSignal: controller.signal });
      await held.received; // the request is in flight
      controller.abort();
      const started = Date.now();
      await expect(read).rejects.toMatchObject({
        name: 'ConfigTimeout', message: expect.stringMatching(new RegExp(`^Reading SSM parameter ${PARAM} was abandoned before it completed`)),
      });
      expect(Date.now() - started).toBeLessThan(650);
      // No one waits for the read any more: it is aborted, and its connection closes without an answer.
      await held.answered;
      held.release();
      // A failed read is not cached: the next read succeeds.
      await expect(getModelConfig()).resolves.toMatchObject({ modelId: HAIKU_CONFIG.modelId });
      const aborted = new AbortController();
      aborted.abort();
      resetModelConfigCache();
      const calls = ssm.getParameterCalls;
      await expect(getModelConfig({ abortSignal: aborted.signal })).rejects.toMatchObject({ name: 'ConfigTimeout' });
      expect(ssm.getParameterCalls).toBe(calls); // an already-aborted read sends no request
    } finally { resetModelConfigCache(); }
  });
});
