/**
 * Runs the BUNDLED invocation-logging handler (assets/handlers/invocation-logging/index.js, built by `npm run build`)
 * in-process against the loopback fakes: the Bedrock control plane (GET/PUT/DELETE /logging/modelinvocations,
 * restJson) and an SSM parameter store (awsJson1_1) holding the handler's ledger, with the real SDK clients inside
 * the bundle, through its `onEvent` (the CloudFormation protocol around it is driven in test/lifecycle).
 */
import { FakeBedrockControlPlane, reply } from '../utils/fake-bedrock-control-plane';
import { fakeAwsEnv, loadBundledHandler, outerRealm, setEnv } from '../utils/bundled-handler';
import { FakeParameterStore } from '../logging/fake-parameter-store';

type Result = { PhysicalResourceId?: string; Data?: Record<string, string> };
type Handler = (event: unknown, context?: { getRemainingTimeInMillis: () => number }) => Promise<Result>;

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const STATE = '/cdk-bedrock-foundation/model-invocation-logging/state';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/app/11111111-2222-3333-4444-555555555555`;
const CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/** Ours, as the construct sends it (CloudFormation turns booleans into strings). */
const OURS = {
  cloudWatchConfig: { logGroupName: 'app-InvocationLogs-abc', roleArn: `arn:aws:iam::${ACCOUNT}:role/app-BedrockLogging-abc` },
  s3Config: { bucketName: 'app-invocationlogs-bucket-abc', keyPrefix: 'bedrock' },
  textDataDeliveryEnabled: 'true', imageDataDeliveryEnabled: 'false', embeddingDataDeliveryEnabled: 'false', videoDataDeliveryEnabled: 'false',
};
/** What Bedrock receives for OURS. */
const OURS_WIRE = {
  cloudWatchConfig: OURS.cloudWatchConfig,
  s3Config: OURS.s3Config,
  textDataDeliveryEnabled: true, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false, videoDataDeliveryEnabled: false,
};
const OURS_V2 = { ...OURS, s3Config: undefined, imageDataDeliveryEnabled: 'true' };
const OURS_V2_WIRE = { cloudWatchConfig: OURS.cloudWatchConfig, textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: false, videoDataDeliveryEnabled: false };
/** Another team's setting, made in the console before our stack (audio switch included: it must come back as it was). */
const THEIRS = {
  s3Config: { bucketName: 'security-team-bedrock-logs', keyPrefix: 'all-accounts' },
  textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: true,
  audioDataDeliveryEnabled: true,
};
const OTHER = { cloudWatchConfig: { logGroupName: 'other-team', roleArn: `arn:aws:iam::${ACCOUNT}:role/other` }, textDataDeliveryEnabled: true };

let requestCounter = 0;
function event(type: 'Create' | 'Update' | 'Delete', config: unknown, opts: { physicalId?: string; old?: unknown; logicalId?: string } = {}) {
  requestCounter += 1;
  return {
    RequestType: type,
    StackId: STACK_ID,
    RequestId: `req-${requestCounter}`,
    LogicalResourceId: opts.logicalId ?? 'InvocationLogging',
    ...(opts.physicalId ? { PhysicalResourceId: opts.physicalId } : {}),
    ResourceProperties: { ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:provider`, LoggingConfig: config },
    ...(opts.old !== undefined ? { OldResourceProperties: { ServiceToken: 'x', LoggingConfig: opts.old } } : {}),
  };
}
const ctx = (ms = 60000) => ({ getRemainingTimeInMillis: () => ms });

describe('invocation-logging handler (bundled) against fake Bedrock and SSM', () => {
  let bedrock: FakeBedrockControlPlane;
  let ssm: FakeParameterStore;
  let restoreEnv: () => void;
  let handler: Handler;
  let logs: string[];

  beforeEach(async () => {
    bedrock = await FakeBedrockControlPlane.start();
    ssm = await FakeParameterStore.start();
    restoreEnv = setEnv({
      ...fakeAwsEnv(),
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_BEDROCK: bedrock.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      LOGGING_STATE_PARAMETER: STATE,
      LOGGING_MAX_ATTEMPTS: '3',
      LOGGING_BACKOFF_BASE_MS: '2',
      LOGGING_BACKOFF_MAX_MS: '10',
      LOGGING_PERMISSION_RETRY_MS: '150',
      LOGGING_REQUEST_TIMEOUT_MS: '400',
      LOGGING_CONNECT_TIMEOUT_MS: '400',
      LOGGING_SAFETY_MARGIN_MS: '0',
    });
    // `onEvent` is the handler's logic (result or thrown failure); the Lambda entry point `handler` wraps it in the
    // CloudFormation response protocol (lambda/shared/cfn-response.ts, driven in test/lifecycle).
    handler = loadBundledHandler<{ onEvent: Handler }>('invocation-logging').onEvent;
    logs = [];
    const outer = outerRealm();
    for (const level of ['log', 'warn', 'error'] as const) {
      jest.spyOn(outer.console, level).mockImplementation((...args: unknown[]) => { logs.push(String(args[0])); });
    }
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    restoreEnv();
    await bedrock.close();
    await ssm.close();
  });

  const ledger = () => {
    const v = ssm.value(STATE);
    return v === undefined ? undefined : JSON.parse(v) as { version: number; entries: Array<{ id: string; applied: unknown; previous: unknown }> };
  };
  const writes = () => bedrock.requests.filter((r) => r.method !== 'GET' && r.path === '/logging/modelinvocations');

  test('Create with no earlier setting puts ours (wire shape, signed for the Region) and records "none" to restore', async () => {
    const out = await handler(event('Create', OURS), ctx());
    expect(out.PhysicalResourceId).toMatch(/^bedrock-invocation-logging-eu-west-1-[0-9a-f]{16}$/);
    expect(out.Data).toEqual({ Region: REGION, PreviousConfiguration: 'none' });
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    const put = bedrock.requestsTo('PUT /logging/modelinvocations');
    expect(put).toHaveLength(1);
    expect(JSON.parse(put[0].body)).toEqual({ loggingConfig: OURS_WIRE });
    expect(bedrock.requests.every((r) => r.signed && r.region === REGION)).toBe(true);
    // The Get came first, and the ledger was written before the Put.
    expect(bedrock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /logging/modelinvocations', 'PUT /logging/modelinvocations']);
    expect(ledger()).toEqual({ version: 1, entries: [expect.objectContaining({ id: out.PhysicalResourceId, applied: OURS_WIRE, previous: null, stackId: STACK_ID })] });
    const put0 = ssm.requests.find((r) => r.operation === 'PutParameter')!;
    expect(put0.body).toMatchObject({ Name: STATE, Type: 'String', Overwrite: true, Tier: 'Intelligent-Tiering' });
  });

  test('Delete when the earlier setting was none deletes the configuration and the ledger', async () => {
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    const out = await handler(event('Delete', OURS, { physicalId: PhysicalResourceId }), ctx());
    expect(out).toEqual({ PhysicalResourceId });
    expect(bedrock.loggingConfiguration(REGION)).toBeUndefined();
    expect(bedrock.requestsTo('DELETE /logging/modelinvocations')).toHaveLength(1);
    expect(ssm.value(STATE)).toBeUndefined();
    expect(ssm.calls('DeleteParameter')).toBe(1);
  });

  test('Delete restores the setting that was there before Create, exactly as it was', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const created = await handler(event('Create', OURS), ctx());
    expect(created.Data?.PreviousConfiguration).toBe('recorded');
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    await handler(event('Delete', OURS, { physicalId: created.PhysicalResourceId }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
    expect(JSON.parse(bedrock.requestsTo('PUT /logging/modelinvocations').pop()!.body)).toEqual({ loggingConfig: THEIRS });
    expect(bedrock.requestsTo('DELETE /logging/modelinvocations')).toHaveLength(0);
    expect(ssm.value(STATE)).toBeUndefined();
  });

  test('Update puts the new configuration in place (same physical ID); Delete still restores the setting from before Create', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    const updated = await handler(event('Update', OURS_V2, { physicalId: PhysicalResourceId, old: OURS }), ctx());
    expect(updated.PhysicalResourceId).toBe(PhysicalResourceId);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_V2_WIRE);
    expect(ledger()!.entries).toEqual([expect.objectContaining({ id: PhysicalResourceId, applied: OURS_V2_WIRE, previous: THEIRS })]);
    await handler(event('Delete', OURS_V2, { physicalId: PhysicalResourceId }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
  });

  test('a failed Update changes nothing, and the rollback Update (old properties) leaves the old configuration in force', async () => {
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    bedrock.onLoggingPut(() => reply.error(400, 'ValidationException', 'The specified log group does not exist.'));
    await expect(handler(event('Update', OURS_V2, { physicalId: PhysicalResourceId, old: OURS }), ctx()))
      .rejects.toThrow(/did not accept the updated model invocation logging configuration in eu-west-1 \(PutModelInvocationLoggingConfiguration: ValidationException: The specified log group does not exist\. \(HTTP 400\)\)\. The configuration in force was not changed/);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    expect(ledger()!.entries).toEqual([expect.objectContaining({ id: PhysicalResourceId, applied: OURS_WIRE, previous: null })]);
    bedrock.onLoggingPut(undefined);
    // CloudFormation rolls back: Update with the old properties.
    await handler(event('Update', OURS, { physicalId: PhysicalResourceId, old: OURS_V2 }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    // ... and the record still restores "none" on Delete.
    await handler(event('Delete', OURS, { physicalId: PhysicalResourceId }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toBeUndefined();
  });

  test('an Update that succeeded and is rolled back (another resource failed) puts the old configuration back', async () => {
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    await handler(event('Update', OURS_V2, { physicalId: PhysicalResourceId, old: OURS }), ctx());
    await handler(event('Update', OURS, { physicalId: PhysicalResourceId, old: OURS_V2 }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    expect(ledger()!.entries[0].applied).toEqual(OURS_WIRE);
  });

  test('throttling is retried with backoff: Create succeeds after throttled Get, ledger write and Put', async () => {
    bedrock.enqueue('GET /logging/modelinvocations', reply.throttle(), reply.throttle());
    bedrock.enqueue('PUT /logging/modelinvocations', reply.throttle());
    ssm.failNext('PutParameter', { type: 'ThrottlingException', message: 'Rate exceeded' });
    const out = await handler(event('Create', OURS), ctx());
    expect(out.PhysicalResourceId).toBeDefined();
    expect(bedrock.requestsTo('GET /logging/modelinvocations')).toHaveLength(3);
    expect(bedrock.requestsTo('PUT /logging/modelinvocations')).toHaveLength(2);
    expect(ssm.calls('PutParameter')).toBe(2);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
  });

  test('throttling is bounded: after LOGGING_MAX_ATTEMPTS the Create fails, saying so, and nothing was changed', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    bedrock.enqueue('GET /logging/modelinvocations', reply.throttle(), reply.throttle(), reply.throttle(), reply.throttle());
    await expect(handler(event('Create', OURS), ctx())).rejects.toThrow(
      /ModelInvocationLogging: Create failed in eu-west-1: ThrottlingException: Too many requests.*after 3 attempts\. Nothing was changed in Bedrock; retry the deployment/);
    expect(bedrock.requestsTo('GET /logging/modelinvocations')).toHaveLength(3);
    expect(writes()).toHaveLength(0);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
    expect(ssm.value(STATE)).toBeUndefined();
  });

  test('a Create whose Put is rejected fails, leaves the earlier setting, keeps no record; the framework\'s Delete after it changes nothing', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    bedrock.onLoggingPut(() => reply.error(400, 'ValidationException', 'The specified log group does not exist.'));
    await expect(handler(event('Create', OURS), ctx())).rejects.toThrow(
      /did not accept the model invocation logging configuration in eu-west-1 .*The configuration in force was left as it was: S3 s3:\/\/security-team-bedrock-logs\/all-accounts\./);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
    expect(ssm.value(STATE)).toBeUndefined();
    bedrock.onLoggingPut(undefined);
    const before = bedrock.requests.length;
    // After a failed Create the provider framework reports this physical ID; CloudFormation then sends Delete.
    await expect(handler(event('Delete', OURS, { physicalId: CREATE_FAILED }), ctx())).resolves.toEqual({ PhysicalResourceId: CREATE_FAILED });
    expect(bedrock.requests.slice(before).filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
  });

  test('a Create whose Put took effect but whose answer was lost puts the earlier setting back before failing', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    // The Create's 3 attempts are stored, then answered with a 500; later Puts (the restore) succeed.
    let lost = 3;
    bedrock.onLoggingPut((cfg, region, fake) => {
      if (lost-- <= 0) return undefined;
      fake.setLoggingConfiguration(region!, cfg);
      return reply.serverError(500);
    });
    let message = '';
    await handler(event('Create', OURS), ctx()).catch((e: Error) => { message = e.message; });
    expect(message).toMatch(/InternalServerException: Internal server error \(HTTP 500\) after 3 attempts\)\. The call took effect anyway, so the earlier configuration was put back: S3 s3:\/\/security-team-bedrock-logs\/all-accounts\./);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
    expect(ssm.value(STATE)).toBeUndefined();
  });

  test('when Bedrock keeps failing, a failed Create says the earlier setting could not be checked and how to restore it', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    bedrock.onLoggingPut((cfg, region, fake) => {
      fake.setLoggingConfiguration(region!, cfg);
      return reply.serverError(500);
    });
    // The restore's Get fails too.
    bedrock.enqueue((r) => r.method === 'GET' && bedrock.requestsTo('PUT').length > 0, ...Array.from({ length: 3 }, () => reply.serverError(503, 'ServiceUnavailableException', 'Service unavailable')));
    await expect(handler(event('Create', OURS), ctx())).rejects.toThrow(
      /Whether the earlier configuration \(S3 s3:\/\/security-team-bedrock-logs\/all-accounts\) is still in force could not be checked \(ServiceUnavailableException: Service unavailable \(HTTP 503\)\); if not, restore it with: aws bedrock put-model-invocation-logging-configuration --region eu-west-1 --logging-config '\{"s3Config":\{"bucketName":"security-team-bedrock-logs"/);
    expect(ssm.value(STATE)).toBeUndefined();
  });

  test('a Create whose Put failed after taking effect, with no earlier setting, deletes the configuration again', async () => {
    let calls = 0;
    bedrock.onLoggingPut((cfg, region, fake) => {
      calls++;
      fake.setLoggingConfiguration(region!, cfg);
      return reply.error(400, 'ValidationException', 'something else went wrong');
    });
    await expect(handler(event('Create', OURS), ctx())).rejects.toThrow(/put back: none \(logging off\)/);
    expect(calls).toBe(1); // a ValidationException that is not about permissions is not retried
    expect(bedrock.loggingConfiguration(REGION)).toBeUndefined();
  });

  test('"Failed to validate permissions" right after the role was created is retried until IAM catches up', async () => {
    let rejections = 2;
    bedrock.onLoggingPut(() => (rejections-- > 0
      ? reply.error(400, 'ValidationException', `Failed to validate permissions for log group: app-InvocationLogs-abc, with role: ${OURS.cloudWatchConfig.roleArn}. Verify the IAM role permissions are correct.`)
      : undefined));
    await handler(event('Create', OURS), ctx());
    expect(bedrock.requestsTo('PUT /logging/modelinvocations')).toHaveLength(3);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
  });

  test('"Failed to validate permissions" that persists fails the Create with what to check', async () => {
    bedrock.onLoggingPut(() => reply.error(400, 'ValidationException',
      `Failed to validate permissions for log group: app-InvocationLogs-abc, with role: ${OURS.cloudWatchConfig.roleArn}. Verify the IAM role permissions are correct.`));
    await expect(handler(event('Create', OURS), ctx())).rejects.toThrow(
      /Check: the role arn:aws:iam::123456789012:role\/app-BedrockLogging-abc must trust bedrock\.amazonaws\.com .*log-group:app-InvocationLogs-abc:log-stream:aws\/bedrock\/modelinvocations; the bucket policy of app-invocationlogs-bucket-abc must allow bedrock\.amazonaws\.com s3:PutObject/);
    expect(bedrock.requestsTo('PUT /logging/modelinvocations').length).toBeGreaterThan(1);
    expect(bedrock.loggingConfiguration(REGION)).toBeUndefined();
  });

  test('replacement (Create new, then Delete old): the old resource\'s Delete leaves the new setting, and the last Delete restores the original', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const a = await handler(event('Create', OURS, { logicalId: 'LoggingA' }), ctx());
    const b = await handler(event('Create', OURS_V2, { logicalId: 'LoggingB' }), ctx());
    expect(b.PhysicalResourceId).not.toBe(a.PhysicalResourceId);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_V2_WIRE);
    const writesBefore = writes().length;
    await handler(event('Delete', OURS, { physicalId: a.PhysicalResourceId, logicalId: 'LoggingA' }), ctx());
    expect(writes()).toHaveLength(writesBefore); // no Put, no Delete
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_V2_WIRE);
    // B inherited what A would have restored.
    expect(ledger()!.entries).toEqual([expect.objectContaining({ id: b.PhysicalResourceId, applied: OURS_V2_WIRE, previous: THEIRS })]);
    await handler(event('Delete', OURS_V2, { physicalId: b.PhysicalResourceId, logicalId: 'LoggingB' }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
  });

  test('a replacement rolled back (Delete of the new resource first) puts the old resource\'s setting back', async () => {
    const a = await handler(event('Create', OURS, { logicalId: 'LoggingA' }), ctx());
    const b = await handler(event('Create', OURS_V2, { logicalId: 'LoggingB' }), ctx());
    await handler(event('Delete', OURS_V2, { physicalId: b.PhysicalResourceId, logicalId: 'LoggingB' }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    await handler(event('Delete', OURS, { physicalId: a.PhysicalResourceId, logicalId: 'LoggingA' }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toBeUndefined();
  });

  test('a setting changed outside the stack after Create is left alone by Delete', async () => {
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    bedrock.setLoggingConfiguration(REGION, OTHER);
    await handler(event('Delete', OURS, { physicalId: PhysicalResourceId }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OTHER);
    expect(writes().filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/no longer the one this resource put/);
    expect(ssm.value(STATE)).toBeUndefined();
  });

  test('an Update of a resource another one took over from takes the setting back and records what it replaces', async () => {
    const a = await handler(event('Create', OURS, { logicalId: 'LoggingA' }), ctx());
    const b = await handler(event('Create', { s3Config: { bucketName: 'b-bucket' }, textDataDeliveryEnabled: 'true' }, { logicalId: 'LoggingB' }), ctx());
    await handler(event('Update', OURS_V2, { physicalId: a.PhysicalResourceId, old: OURS, logicalId: 'LoggingA' }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_V2_WIRE);
    expect(ledger()!.entries.map((e) => e.id)).toEqual([b.PhysicalResourceId, a.PhysicalResourceId]);
    await handler(event('Delete', OURS_V2, { physicalId: a.PhysicalResourceId, logicalId: 'LoggingA' }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual({ s3Config: { bucketName: 'b-bucket' }, textDataDeliveryEnabled: true });
    await handler(event('Delete', {}, { physicalId: b.PhysicalResourceId, logicalId: 'LoggingB' }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toBeUndefined();
  });

  test('Delete never fails: Bedrock throttling past the retries is logged with the command to restore by hand', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    bedrock.enqueue('PUT /logging/modelinvocations', reply.throttle(), reply.throttle(), reply.throttle());
    await expect(handler(event('Delete', OURS, { physicalId: PhysicalResourceId }), ctx())).resolves.toEqual({ PhysicalResourceId });
    expect(bedrock.requestsTo('PUT /logging/modelinvocations')).toHaveLength(1 + 3);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    const error = logs.find((l) => l.includes('could not restore the earlier configuration'))!;
    expect(JSON.parse(error).restoreWith).toBe(
      `aws bedrock put-model-invocation-logging-configuration --region eu-west-1 --logging-config '${JSON.stringify(THEIRS)}'`);
  });

  test('Delete never fails: an unreachable ledger (SSM errors) leaves the setting and succeeds', async () => {
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    ssm.failNext('GetParameter', ...Array.from({ length: 3 }, () => ({ type: 'InternalServerError', status: 500 })));
    await expect(handler(event('Delete', OURS, { physicalId: PhysicalResourceId }), ctx())).resolves.toEqual({ PhysicalResourceId });
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    expect(logs.join('\n')).toMatch(/could not read the ledger/);
  });

  test('Delete never fails: a Bedrock call that hangs is cut by the request timeout and the deadline', async () => {
    const { PhysicalResourceId } = await handler(event('Create', OURS), ctx());
    bedrock.enqueue('GET /logging/modelinvocations', reply.hang(), reply.hang(), reply.hang());
    const started = Date.now();
    await expect(handler(event('Delete', OURS, { physicalId: PhysicalResourceId }), ctx(1500))).resolves.toEqual({ PhysicalResourceId });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bedrock.loggingConfiguration(REGION)).toEqual(OURS_WIRE);
    expect(logs.join('\n')).toMatch(/could not read the configuration in force/);
  });

  test('a Create repeated for the same request keeps the earlier setting it first recorded (not its own)', async () => {
    bedrock.setLoggingConfiguration(REGION, THEIRS);
    const e = event('Create', OURS);
    const first = await handler(e, ctx());
    const again = await handler(e, ctx());
    expect(again.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(ledger()!.entries).toEqual([expect.objectContaining({ id: first.PhysicalResourceId, previous: THEIRS })]);
    await handler(event('Delete', OURS, { physicalId: first.PhysicalResourceId }), ctx());
    expect(bedrock.loggingConfiguration(REGION)).toEqual(THEIRS);
  });

  test('a ledger it did not write fails Create (saying how to fix it) and is left alone by Delete', async () => {
    ssm.set(STATE, 'not json');
    await expect(handler(event('Create', OURS), ctx())).rejects.toThrow(
      /the ledger in SSM parameter \/cdk-bedrock-foundation\/model-invocation-logging\/state is not one this handler wrote .*aws ssm delete-parameter --name \/cdk-bedrock-foundation\/model-invocation-logging\/state/);
    expect(writes()).toHaveLength(0);
    await expect(handler(event('Delete', OURS, { physicalId: 'bedrock-invocation-logging-eu-west-1-0123456789abcdef' }), ctx()))
      .resolves.toEqual({ PhysicalResourceId: 'bedrock-invocation-logging-eu-west-1-0123456789abcdef' });
    expect(ssm.value(STATE)).toBe('not json');
  });

  test('Create fails with a clear message when the properties carry no destination', async () => {
    await expect(handler(event('Create', { textDataDeliveryEnabled: 'true' }), ctx())).rejects.toThrow(
      /LoggingConfig has neither cloudWatchConfig nor s3Config; model invocation logging needs at least one destination/);
    expect(bedrock.requests).toHaveLength(0);
  });
});
