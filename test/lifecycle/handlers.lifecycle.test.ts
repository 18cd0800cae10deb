/**
 * Lifecycle harness: the access check (Custom::BedrockModelAccessCheck) and the Knowledge Base sync
 * (Custom::BedrockKnowledgeBaseSync) driven through CloudFormation's request sequences (cfn-driver.ts cites them),
 * with the bundled handlers against the loopback fakes. The stack status DescribeStacks reports follows the phase:
 * UPDATE_IN_PROGRESS for the update, UPDATE_ROLLBACK_IN_PROGRESS for the rollback, unless a test makes the probe fail.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ModelAccessCheck } from '../../lib/access';
import { BedrockModel } from '../../lib/models';
import { fakeAwsEnv, loadBundledHandler, setEnv } from '../utils/bundled-handler';
import { FakeBedrockAgent } from '../utils/fake-bedrock-agent';
import { FakeBedrockControlPlane, reply } from '../utils/fake-bedrock-control-plane';
import { FakeCloudFormation } from '../utils/fake-cloudformation';
import { useVirtualClock, type VirtualClock } from '../utils/virtual-clock';
import { CfnResource, closeResponseEndpoint, customResourcesIn, providerProtocol, type Handler, type TemplateFacts } from './cfn-driver';
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

function resource(handler: Handler, resourceType: string, serviceTimeoutSeconds: number, lambdaTimeoutMs: number) {
  return new CfnResource({
    handler, clock, resourceType, serviceTimeoutSeconds, lambdaTimeoutMs, stackId: STACK_ID,
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
  // lib/knowledge-base/private/sync.ts: ServiceTimeout 180 s (no wait), start-step timeout 2 minutes.
  const make = () => resource(handler, 'Custom::BedrockKnowledgeBaseSync', 180, 120_000);
  const props = (hash: string) => ({ KnowledgeBaseId: 'KB12345678', DataSourceId: 'DS12345678', WaitForCompletion: 'false', ContentHash: hash });

  beforeAll(async () => { fake = await FakeBedrockAgent.start(); });
  afterAll(async () => { await fake.close(); });
  beforeEach(() => {
    fake.reset();
    restore = setEnv({ ...fakeAwsEnv(), AWS_ENDPOINT_URL_BEDROCK_AGENT: fake.url, AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url, HANDLER_KIND: 'onEvent' });
    const mod = loadBundledHandler('kb-sync');
    clock = useVirtualClock(mod);
    handler = providerProtocol(mod.handler);
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
