/**
 * Lifecycle harness: the access check (Custom::BedrockModelAccessCheck) and the Knowledge Base sync
 * (Custom::BedrockKnowledgeBaseSync) driven through CloudFormation's request sequences (cfn-driver.ts cites them),
 * with the bundled handlers against the loopback fakes. The stack status DescribeStacks reports follows the phase:
 * UPDATE_IN_PROGRESS for the update, UPDATE_ROLLBACK_IN_PROGRESS for the rollback, unless a test makes the probe fail.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ModelAccessCheck } from '../../lib/access';
import { KnowledgeBase } from '../../lib/knowledge-base';
import { BedrockModel } from '../../lib/models';
import { fakeAwsEnv, loadBundledHandler, setEnv } from '../utils/bundled-handler';
import { FakeBedrockAgent } from '../utils/fake-bedrock-agent';
import { FakeBedrockControlPlane, reply } from '../utils/fake-bedrock-control-plane';
import { FakeCloudFormation } from '../utils/fake-cloudformation';
import { FakeLambda } from '../utils/fake-lambda';
import { useVirtualClock, type VirtualClock } from '../utils/virtual-clock';
import { CfnResource, closeResponseEndpoint, customResourcesIn, type Handler, type Props, type TemplateFacts } from './cfn-driver';
import { NOW_ISO } from './apps';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
const PHASE_STATUS: Record<string, string> = {
  'create': 'CREATE_IN_PROGRESS', 'update': 'UPDATE_IN_PROGRESS', 'rollback': 'UPDATE_ROLLBACK_IN_PROGRESS',
  'rollback-cleanup': 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'cleanup': 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'delete': 'DELETE_IN_PROGRESS',
};

let cfn: FakeCloudFormation;
let restore: () => void;
let clock: VirtualClock;
/** When set, DescribeStacks fails during the rollback (the probe fails). */
let probeFailsDuringRollback = false;

beforeAll(async () => { cfn = await FakeCloudFormation.start(); });
afterAll(async () => { await cfn.close(); await closeResponseEndpoint(); });
afterEach(() => { restore(); probeFailsDuringRollback = false; });

/** The first custom resource of `type` in a stack built by `build`, as synthesized (ServiceTimeout, function timeout). */
function synthFacts(type: string, build: (stack: Stack) => void): TemplateFacts {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  const [facts] = customResourcesIn(Template.fromStack(stack).toJSON(), type);
  // Backed by the function directly, and Lambda never runs a request again (the handler answers every one).
  expect(facts.maximumRetryAttempts).toBe(0);
  return facts;
}

function resource(handler: Handler, resourceType: string, serviceTimeoutSeconds: number, lambdaTimeoutMs: number, lambda?: FakeLambda) {
  return new CfnResource({
    handler, clock, resourceType, serviceTimeoutSeconds, lambdaTimeoutMs, stackId: STACK_ID, lambda,
    beforeSend: (phase) => {
      cfn.stacks.set(STACK_ID, PHASE_STATUS[phase] ?? 'UPDATE_IN_PROGRESS');
      if (phase === 'rollback' && probeFailsDuringRollback) {
        cfn.failNext(...Array.from({ length: 5 }, () => ({ status: 503, code: 'ServiceUnavailable', message: 'unavailable' })));
      }
    },
  });
}

describe('access check through CloudFormation request sequences', () => {
  const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
  const NOVA = 'amazon.nova-pro-v1:0';
  let fake: FakeBedrockControlPlane;
  let handler: Handler;
  // ServiceTimeout and the handler's Lambda timeout as lib/access/model-access-check.ts synthesizes them.
  let facts: TemplateFacts;
  beforeAll(() => {
    facts = synthFacts('Custom::BedrockModelAccessCheck', (stack) => new ModelAccessCheck(stack, 'Check', { models: [BedrockModel.of(HAIKU)] }));
  });
  const make = () => resource(handler, 'Custom::BedrockModelAccessCheck', facts.serviceTimeoutSeconds, facts.lambdaTimeoutMs);

  test('the resource is bounded: a ServiceTimeout above the handler function\'s timeout', () => {
    expect(facts.serviceTimeoutSeconds).toBe(300);
    expect(facts.lambdaTimeoutMs).toBe(120_000);
  });
  const props = (model: string) => ({ Models: [{ ModelId: model, FoundationModelId: model, Provider: model.split('.')[0], OnDemandRegions: ['us-east-1'] }], FailOnMissingAgreement: 'false' });

  beforeEach(async () => {
    fake = await FakeBedrockControlPlane.start();
    restore = setEnv({ ...fakeAwsEnv(), AWS_ENDPOINT_URL_BEDROCK: fake.endpoint, AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      ACCESS_CHECK_MAX_ATTEMPTS: '3', ACCESS_CHECK_REQUEST_TIMEOUT_MS: '300', ACCESS_CHECK_CONNECT_TIMEOUT_MS: '300' });
    const mod = loadBundledHandler('access-check');
    clock = useVirtualClock(mod);
    handler = mod.handler;
    fake.setAvailability(HAIKU, reply.availability(HAIKU));
    fake.setAvailability(NOVA, reply.availability(NOVA));
  });
  afterEach(async () => { await fake.close(); });

  test('Create, no-op Update, Update of the models, Delete', async () => {
    const r = make();
    expect((await r.create(props(HAIKU))).ok).toBe(true);
    await r.update(props(HAIKU));
    await r.update(props(NOVA));
    await r.cleanup();
    expect((await r.delete()).ok).toBe(true);
    expect(r.sent.every((s) => s.ok)).toBe(true);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test.each([false, true])('an Update whose check fails is rolled back, and the rollback succeeds even when the old models fail now (probe fails: %s)', async (probeFails) => {
    const r = make();
    await r.create(props(HAIKU));
    fake.setAvailability(NOVA, reply.availability(NOVA, { authorization: 'NOT_AUTHORIZED' }));
    // The old model lost access meanwhile: the rollback's check of it fails too, and must not fail the rollback.
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { authorization: 'NOT_AUTHORIZED' }));
    probeFailsDuringRollback = probeFails;
    const { update, rollback } = await r.update(props(NOVA));
    expect(update.ok).toBe(false);
    expect(rollback?.ok).toBe(true);
    expect(r.stranding()).toEqual([]);
    expect(r.overdue()).toEqual([]);
  });

  test('a failed Create rolls back; Delete succeeds while Bedrock throttles', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { region: 'NOT_AVAILABLE' }));
    const failed = make();
    const create = await failed.create(props(HAIKU));
    expect(create.ok).toBe(false);
    // The rollback's Delete carries the physical ID the failed Create answered with, and succeeds.
    expect(failed.sent[1]).toMatchObject({ phase: 'create-rollback', requestType: 'Delete', physicalResourceId: create.returnedId, ok: true });
    expect(create.returnedId).toMatch(/^cdk-bedrock-foundation::CREATE_FAILED::/);
    expect(failed.stranding()).toEqual([]);
    const r = make();
    await r.create(props(NOVA));
    fake.setAvailability(NOVA, reply.throttle());
    expect((await r.delete()).ok).toBe(true);
  });
});

describe('Knowledge Base sync through CloudFormation request sequences', () => {
  let fake: FakeBedrockAgent;
  let handler: Handler;
  // ServiceTimeout (180 s without a wait) and the function's timeout as lib/knowledge-base/private/sync.ts synthesizes them.
  let facts: TemplateFacts;
  beforeAll(() => { facts = synthFacts('Custom::BedrockKnowledgeBaseSync', (stack) => new KnowledgeBase(stack, 'Kb', { syncOnDeploy: {} })); });
  const make = () => resource(handler, 'Custom::BedrockKnowledgeBaseSync', facts.serviceTimeoutSeconds, facts.lambdaTimeoutMs);
  const props = (hash: string) => ({ KnowledgeBaseId: 'KB12345678', DataSourceId: 'DS12345678', WaitForCompletion: 'false', ContentHash: hash });

  beforeAll(async () => { fake = await FakeBedrockAgent.start(); });
  afterAll(async () => { await fake.close(); });
  beforeEach(() => {
    fake.reset();
    restore = setEnv({ ...fakeAwsEnv(), AWS_ENDPOINT_URL_BEDROCK_AGENT: fake.url, AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url });
    const mod = loadBundledHandler('kb-sync');
    clock = useVirtualClock(mod);
    handler = mod.handler;
  });

  test('the resource is bounded: ServiceTimeout 180 s for a sync that does not wait', () => {
    expect(facts.serviceTimeoutSeconds).toBe(180);
    expect(facts.props).toMatchObject({ WaitForCompletion: 'false' });
  });

  test('Create starts a job; an Update without a content change starts none; a content change starts one; Delete succeeds', async () => {
    const r = make();
    await r.create(props('a'));
    fake.finish('JOB1');
    await r.update({ ...props('a'), FailOnDocumentFailures: 'true' });
    expect([...fake.jobs.keys()]).toEqual(['JOB1']);
    await r.update(props('b'));
    expect([...fake.jobs.keys()]).toEqual(['JOB1', 'JOB2']);
    expect((await r.delete()).ok).toBe(true);
    expect(r.sent.every((s) => s.ok)).toBe(true);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test.each([false, true])('an Update that fails (a job still running) is rolled back, and the rollback succeeds (probe fails: %s)', async (probeFails) => {
    const r = make();
    await r.create(props('a')); // JOB1 keeps running
    probeFailsDuringRollback = probeFails;
    const { update, rollback } = await r.update(props('b'));
    expect(update).toMatchObject({ ok: false, error: expect.stringMatching(/still running/) });
    expect(rollback?.ok).toBe(true);
    expect(r.stranding()).toEqual([]);
    expect(r.overdue()).toEqual([]);
  });

  test('an Update that succeeded is rolled back when the stack fails elsewhere; the rollback succeeds though its job is still running', async () => {
    const r = make();
    await r.create(props('a'));
    fake.finish('JOB1');
    const { update, rollback } = await r.update(props('b'), { stackFailsLater: true }); // starts JOB2, still running
    expect(update.ok).toBe(true);
    expect(rollback?.ok).toBe(true);
    expect([...fake.jobs.keys()]).toEqual(['JOB1', 'JOB2']);
    expect(r.stranding()).toEqual([]);
  });

  test('a rollback whose job Bedrock refuses succeeds, with the probe working or failing', async () => {
    for (const probeFails of [false, true]) {
      fake.reset();
      const r = make();
      await r.create(props('a'));
      fake.finish('JOB1');
      probeFailsDuringRollback = probeFails;
      // Refused for the update and again for the rollback.
      fake.failStartNext(400, 'ValidationException', 'The data source is being updated');
      fake.failStartNext(400, 'ValidationException', 'The data source is being updated');
      const { update, rollback } = await r.update(props('b'));
      expect(update.ok).toBe(false);
      expect(rollback?.ok).toBe(true);
      expect(fake.jobs.size).toBe(1);
      expect(r.stranding()).toEqual([]);
    }
  });
});

describe('Knowledge Base sync that waits, through CloudFormation request sequences and Lambda continuations', () => {
  let fake: FakeBedrockAgent;
  let lambda: FakeLambda;
  let handler: Handler;
  // The synthesized wait-mode resource: ServiceTimeout 3600 s, TotalTimeoutSeconds / QueryIntervalSeconds, the
  // function's 15-minute timeout.
  let facts: TemplateFacts;
  beforeAll(() => {
    facts = synthFacts('Custom::BedrockKnowledgeBaseSync', (stack) => new KnowledgeBase(stack, 'Kb', { syncOnDeploy: { waitForCompletion: true } }));
  });
  const make = () => resource(handler, 'Custom::BedrockKnowledgeBaseSync', facts.serviceTimeoutSeconds, facts.lambdaTimeoutMs, lambda);
  const props = (hash: string, extra: Props = {}): Props => ({
    KnowledgeBaseId: 'KB12345678', DataSourceId: 'DS12345678', WaitForCompletion: 'true', ContentHash: hash,
    TotalTimeoutSeconds: facts.props.TotalTimeoutSeconds, QueryIntervalSeconds: facts.props.QueryIntervalSeconds, ...extra,
  });
  /** GetIngestionJob answers IN_PROGRESS `n` times, then `last`. */
  const running = (job: string, n: number, last = 'COMPLETE') => fake.statuses(job, ...Array.from({ length: n }, () => 'IN_PROGRESS'), last);
  const gets = () => fake.requests.filter((r) => r.method === 'GET').length;

  beforeAll(async () => { fake = await FakeBedrockAgent.start(); lambda = await FakeLambda.start(); });
  afterAll(async () => { await fake.close(); await lambda.close(); });
  beforeEach(() => {
    fake.reset();
    lambda.queue.length = 0;
    restore = setEnv({ ...fakeAwsEnv(), AWS_ENDPOINT_URL_BEDROCK_AGENT: fake.url, AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url, AWS_ENDPOINT_URL_LAMBDA: lambda.url });
    const mod = loadBundledHandler('kb-sync');
    clock = useVirtualClock(mod);
    handler = mod.handler;
  });

  test('the resource is bounded: the wait (totalTimeout) and the start step fit in the ServiceTimeout; the function is shorter than the wait', () => {
    expect(facts.serviceTimeoutSeconds).toBe(3600);
    expect(facts.props).toMatchObject({ WaitForCompletion: 'true', TotalTimeoutSeconds: '1800', QueryIntervalSeconds: '30' });
    expect(Number(facts.props.TotalTimeoutSeconds) + 120).toBeLessThanOrEqual(facts.serviceTimeoutSeconds);
    expect(facts.lambdaTimeoutMs).toBe(900_000);
  });

  test('a job longer than one invocation: the wait continues in fresh invocations of the function and answers once, at the end', async () => {
    const r = make();
    running('JOB1', 60);
    const created = await r.create(props('a'));
    expect(created).toMatchObject({ ok: true, returnedId: 'KB12345678/DS12345678',
      data: { IngestionJobId: 'JOB1', Status: 'COMPLETE', DocumentsFailed: '0' } });
    // 61 polls, 30 s apart: more than one 15-minute invocation holds.
    expect(gets()).toBe(61);
    expect(created.invocations).toBeGreaterThanOrEqual(3);
    expect(created.elapsedMs).toBeLessThan(Number(facts.props.TotalTimeoutSeconds) * 1000);
    expect(lambda.queue).toEqual([]);
    // A no-op Update starts and waits for nothing; Delete succeeds.
    await r.update(props('a'));
    expect(fake.jobs.size).toBe(1);
    expect((await r.delete()).ok).toBe(true);
    expect(r.sent.every((s) => s.ok)).toBe(true);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('an interval longer than one invocation holds is slept in parts across continuations', async () => {
    running('JOB1', 2);
    const r = make();
    const created = await r.create(props('a', { TotalTimeoutSeconds: '3480', QueryIntervalSeconds: '870' }));
    expect(created).toMatchObject({ ok: true, data: { Status: 'COMPLETE' } });
    expect(gets()).toBe(3);
    expect(created.invocations).toBe(2);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('failed documents: a warning by default; with failOnDocumentFailures the Create fails, and its Delete succeeds', async () => {
    running('JOB1', 40);
    fake.failedDocuments('JOB1', 2).failWith('JOB1', 'doc-1.pdf: unsupported format');
    const warned = await make().create(props('a'));
    expect(warned).toMatchObject({ ok: true, data: { Status: 'COMPLETE', DocumentsFailed: '2', Warning: expect.stringMatching(/2 of \d+ scanned document\(s\) failed; first reasons: doc-1.pdf: unsupported format/) } });
    fake.reset();
    running('JOB1', 40);
    fake.failedDocuments('JOB1', 1);
    const r = make();
    const failed = await r.create(props('a', { FailOnDocumentFailures: 'true' }));
    expect(failed).toMatchObject({ ok: false, error: expect.stringMatching(/1 of \d+ scanned document\(s\) failed.*failOnDocumentFailures is set, so the deployment fails/) });
    expect(failed.invocations).toBeGreaterThanOrEqual(2);
    expect(r.sent[1]).toMatchObject({ phase: 'create-rollback', requestType: 'Delete', physicalResourceId: failed.returnedId, ok: true });
    expect(r.stranding()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('a job that fails after a continuation fails the request with its reasons', async () => {
    running('JOB1', 35, 'FAILED');
    fake.failWith('JOB1', 'The embedding model is not accessible');
    const r = make();
    const created = await r.create(props('a'));
    expect(created).toMatchObject({ ok: false, error: expect.stringMatching(/Ingestion job JOB1 of Knowledge Base KB12345678 ended FAILED: The embedding model is not accessible/) });
    expect(created.invocations).toBeGreaterThanOrEqual(2);
    expect(r.violations()).toEqual([]);
  });

  test('transient GetIngestionJob errors are polled through within the deadline', async () => {
    running('JOB1', 3);
    for (let i = 0; i < 8; i++) fake.failGetNext(503, 'ServiceUnavailableException', 'unavailable');
    const created = await make().create(props('a'));
    expect(created).toMatchObject({ ok: true, data: { Status: 'COMPLETE' } });
  });

  test('a job still running at totalTimeout fails the request, inside the ServiceTimeout', async () => {
    running('JOB1', 10_000);
    const r = make();
    const created = await r.create(props('a', { TotalTimeoutSeconds: '1800' }));
    expect(created).toMatchObject({ ok: false, error: expect.stringMatching(/Ingestion job JOB1 of Knowledge Base KB12345678 did not complete within syncOnDeploy.totalTimeout \(1800 s\).*Raise totalTimeout \(at most 58 minutes\)/) });
    expect(created.elapsedMs).toBeLessThanOrEqual(1800 * 1000);
    expect(r.overdue()).toEqual([]);
    expect(r.stranding()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('a continuation Lambda refuses fails the request with the reason (CloudFormation is never left waiting)', async () => {
    running('JOB1', 60);
    lambda.failNext({ status: 403, code: 'AccessDeniedException', message: 'not authorized to perform: lambda:InvokeFunction' });
    const created = await make().create(props('a'));
    expect(created).toMatchObject({ ok: false, invocations: 1,
      error: expect.stringMatching(/JOB1 is still running, and the wait could not continue in a new invocation of arn:aws:lambda:.*HTTP 403.*lambda:InvokeFunction/) });
  });

  test.each([false, true])('a rollback during a wait-mode update starts its job but does not wait for it (probe fails: %s)', async (probeFails) => {
    const r = make();
    running('JOB1', 2);
    await r.create(props('a'));
    probeFailsDuringRollback = probeFails;
    // The update's job runs past totalTimeout and fails the update; the rollback starts one and does not wait.
    running('JOB2', 10_000);
    const { update, rollback } = await r.update(props('b', { TotalTimeoutSeconds: '60' }));
    expect(update).toMatchObject({ ok: false, error: expect.stringMatching(/did not complete within syncOnDeploy.totalTimeout \(60 s\)/) });
    expect(rollback).toMatchObject({ ok: true, invocations: 1, data: { Status: expect.stringMatching(/^(STARTED_NOT_WAITED|ALREADY_RUNNING)$/) } });
    expect(r.stranding()).toEqual([]);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });
});
