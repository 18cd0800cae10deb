/**
 * Lifecycle harness: model invocation logging (Custom::BedrockModelInvocationLogging) driven through CloudFormation's
 * request sequences (cfn-driver.ts cites them), with the bundled invocation-logging handler against the loopback
 * Bedrock control plane and SSM parameter store. Its properties, ServiceTimeout, function timeout and environment come
 * from the synthesized template of a ModelInvocationLogging; only the handler's backoff knobs are shortened.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ModelInvocationLogging } from '../../lib/logging';
import { FakeParameterStore } from '../logging/fake-parameter-store';
import { fakeAwsEnv, loadBundledHandler, outerRealm, setEnv } from '../utils/bundled-handler';
import { FakeBedrockControlPlane, reply } from '../utils/fake-bedrock-control-plane';
import { useVirtualClock, type VirtualClock } from '../utils/virtual-clock';
import { NOW_ISO } from './apps';
import { CfnResource, closeResponseEndpoint, customResourcesIn, type Handler, type Props, type TemplateFacts } from './cfn-driver';

const TYPE = 'Custom::BedrockModelInvocationLogging';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/app/11111111-2222-3333-4444-555555555555`;
/** Another team's setting, made before the stack. */
const THEIRS = {
  s3Config: { bucketName: 'security-team-bedrock-logs', keyPrefix: 'all-accounts' },
  textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: true,
};

/** Replaces the template's intrinsics with the values CloudFormation would send (Ref: a name, GetAtt Arn: a role ARN). */
function resolve(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolve);
  if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if ('Ref' in o) return `app-${o.Ref}`;
    if ('Fn::GetAtt' in o) return `arn:aws:iam::${ACCOUNT}:role/app-${o['Fn::GetAtt'][0]}`;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]));
  }
  return v;
}

function synth(textDataDeliveryEnabled: boolean): TemplateFacts {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: REGION } });
  new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: {}, textDataDeliveryEnabled });
  const [facts] = customResourcesIn(Template.fromStack(stack).toJSON(), TYPE);
  return { ...facts, props: resolve(facts.props) as Props };
}

let bedrock: FakeBedrockControlPlane;
let ssm: FakeParameterStore;
let restore: () => void;
let clock: VirtualClock;
let handler: Handler;
let v1: TemplateFacts;
let v2: TemplateFacts;

beforeAll(() => { v1 = synth(true); v2 = synth(false); });
afterAll(async () => { await closeResponseEndpoint(); });
beforeEach(async () => {
  bedrock = await FakeBedrockControlPlane.start();
  ssm = await FakeParameterStore.start();
  const env = Object.fromEntries(Object.entries(v1.environment).map(([k, v]) => [k, String(v)]));
  restore = setEnv({
    ...fakeAwsEnv(), ...env, AWS_REGION: REGION, AWS_ENDPOINT_URL_BEDROCK: bedrock.endpoint, AWS_ENDPOINT_URL_SSM: ssm.url,
    // The handler's own backoff sleeps are real time: shortened (the deadline and margins stay as synthesized).
    LOGGING_BACKOFF_BASE_MS: '2', LOGGING_BACKOFF_MAX_MS: '10', LOGGING_PERMISSION_RETRY_MS: '50',
    LOGGING_REQUEST_TIMEOUT_MS: '400', LOGGING_CONNECT_TIMEOUT_MS: '400',
  });
  // The handler logs with console (asserted on in test/lambda/invocation-logging.test.ts): kept out of the output here.
  for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(outerRealm().console, level).mockImplementation(() => undefined);
  const mod = loadBundledHandler('invocation-logging');
  clock = useVirtualClock(mod);
  handler = mod.handler;
});
afterEach(async () => { jest.restoreAllMocks(); restore(); await bedrock.close(); await ssm.close(); });

const make = (f: TemplateFacts) => new CfnResource({ handler, clock, resourceType: TYPE, serviceTimeoutSeconds: f.serviceTimeoutSeconds,
  lambdaTimeoutMs: f.lambdaTimeoutMs, stackId: STACK_ID, logicalResourceId: f.logicalId });
const wire = (f: TemplateFacts) => {
  const c = f.props.LoggingConfig as Record<string, unknown>;
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v === 'true' ? true : v === 'false' ? false : v]));
};
const writes = () => bedrock.requests.filter((r) => r.method !== 'GET' && r.path === '/logging/modelinvocations');

describe('model invocation logging through CloudFormation request sequences', () => {
  test('the resource is bounded: ServiceTimeout above the function timeout; backed by the function directly, no async retries', () => {
    expect(v1.serviceTimeoutSeconds).toBe(360);
    expect(v1.lambdaTimeoutMs).toBe(180_000);
    expect(v1.serviceTimeoutSeconds * 1000).toBeGreaterThan(v1.lambdaTimeoutMs);
    expect(v1.maximumRetryAttempts).toBe(0);
  });

  test('Create over another team\'s setting, no-op Update, Update, Delete: the earlier setting comes back', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const r = make(v1);
    const created = await r.create(v1.props);
    expect(created).toMatchObject({ ok: true, data: { Region: REGION, PreviousConfiguration: 'recorded' } });
    expect(bedrock.loggingConfiguration(REGION)).toEqual(expect.objectContaining(wire(v1)));
    await r.update(v1.props);
    const { update } = await r.update(v2.props);
    expect(update.returnedId).toBe(created.returnedId);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(expect.objectContaining(wire(v2)));
    expect(await r.cleanup()).toEqual([]);
    expect((await r.delete()).ok).toBe(true);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
    expect(r.sent.every((s) => s.ok)).toBe(true);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('an Update Bedrock rejects is rolled back, and the rollback leaves the old configuration in force', async () => {
    const r = make(v1);
    await r.create(v1.props);
    bedrock.onLoggingPut((config) => (JSON.stringify(config).includes('"textDataDeliveryEnabled":false')
      ? reply.error(400, 'ValidationException', 'The specified log group does not exist.') : undefined));
    const { update, rollback } = await r.update(v2.props);
    expect(update).toMatchObject({ ok: false, error: expect.stringMatching(/did not accept the updated model invocation logging configuration/) });
    expect(rollback?.ok).toBe(true);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(expect.objectContaining(wire(v1)));
    expect(r.stranding()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('an Update that succeeded is rolled back when the stack fails elsewhere: the old configuration is put back', async () => {
    const r = make(v1);
    await r.create(v1.props);
    const { update, rollback } = await r.update(v2.props, { stackFailsLater: true });
    expect(update.ok).toBe(true);
    expect(rollback?.ok).toBe(true);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(expect.objectContaining(wire(v1)));
    expect(r.stranding()).toEqual([]);
  });

  test('a failed Create rolls back: its Delete (the handler\'s own physical ID) changes nothing and succeeds', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    bedrock.onLoggingPut(() => reply.error(400, 'ValidationException', 'The specified log group does not exist.'));
    const r = make(v1);
    const create = await r.create(v1.props);
    expect(create).toMatchObject({ ok: false, returnedId: expect.stringMatching(/^cdk-bedrock-foundation::CREATE_FAILED::/) });
    expect(r.sent[1]).toMatchObject({ phase: 'create-rollback', requestType: 'Delete', physicalResourceId: create.returnedId, ok: true });
    expect(writes().filter((w) => w.method !== 'PUT')).toEqual([]);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
    expect(ssm.value('/cdk-bedrock-foundation/model-invocation-logging/state')).toBeUndefined();
    expect(r.stranding()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });

  test('Delete succeeds while Bedrock refuses to put the earlier setting back (it is logged to restore by hand)', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const r = make(v1);
    await r.create(v1.props);
    bedrock.onLoggingPut(() => reply.throttle());
    expect((await r.delete()).ok).toBe(true);
    expect(r.overdue()).toEqual([]);
    expect(r.violations()).toEqual([]);
  });
});
