/**
 * Runs the BUNDLED access-check handler (assets/handlers/access-check/index.js, built by
 * `node scripts/build-assets.mjs`) in-process against a fake Bedrock control plane on 127.0.0.1, with the real
 * @aws-sdk/client-bedrock client inside the bundle (endpoint from AWS_ENDPOINT_URL_BEDROCK).
 */
import { loadBundledHandler, outerRealm } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockControlPlane, reply } from '../utils/fake-bedrock-control-plane';
import { FakeCloudFormation } from '../utils/fake-cloudformation';
import { settledFlag, turns, until, useVirtualClock, type ClockedBundle } from '../utils/virtual-clock';

type Handler = (event: unknown, context?: { getRemainingTimeInMillis: () => number }) => Promise<{
  PhysicalResourceId?: string; Data?: Record<string, string>;
}>;
const LOG_GROUP = 'Stack-CdkBedrockFoundationModelAccessCheckProviderHandlerLogs1A2B3C4D-abcdefGHIJKL';
// The bundle as shipped, loaded in the worker's outer realm (see utils/bundled-handler.ts), whose process.env is set
// below. Its logs are silent; the tests about what it logs use a second copy that logs, with its output captured.
// `onEvent` is the handler's logic (result or thrown failure); the Lambda entry point `handler` wraps it in the
// CloudFormation response protocol (lambda/shared/cfn-response.ts, driven in test/lifecycle).
type Bundle = ClockedBundle & {
  onEvent: Handler; retryDelayMs: (s: { backoffBaseMs: number; backoffMaxMs: number }, attempt: number, retryAfterMs?: number, random?: () => number) => number;
};
const bundle = loadBundledHandler<Bundle>('access-check');
const { onEvent: handler, retryDelayMs } = bundle;
const logging = loadBundledHandler<Bundle>('access-check', { logLevel: 'INFO' });
const outerEnv = outerRealm().process.env;

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const COHERE = 'cohere.command-r-plus-v1:0';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
const CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

const haiku = {
  ModelId: HAIKU, FoundationModelId: HAIKU, Provider: 'anthropic',
  OnDemandRegions: ['us-east-1', 'eu-west-1', 'ap-northeast-1'],
  Profiles: [
    { Id: `eu.${HAIKU}`, SourceRegions: ['eu-west-1', 'eu-central-1'] },
    { Id: `us.${HAIKU}`, SourceRegions: ['us-east-1', 'us-west-2'] },
  ],
};
const nova = { ModelId: NOVA, FoundationModelId: NOVA, Provider: 'amazon', OnDemandRegions: ['us-east-1'], Profiles: [] };
const cohere = { ModelId: COHERE, FoundationModelId: COHERE, Provider: 'cohere', OnDemandRegions: ['us-east-1', 'eu-west-1'] };

function event(models: unknown[], opts: { type?: 'Create' | 'Update' | 'Delete'; failOnMissingAgreement?: string; physicalId?: string } = {}) {
  return {
    RequestType: opts.type ?? 'Create',
    StackId: STACK_ID,
    RequestId: 'req-1',
    LogicalResourceId: 'AccessCheck',
    ...(opts.physicalId ? { PhysicalResourceId: opts.physicalId } : {}),
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
      Models: models,
      FailOnMissingAgreement: opts.failOnMissingAgreement ?? 'false',
    },
  };
}

const ctx = (ms = 60000) => ({ getRemainingTimeInMillis: () => ms });

describe('access-check handler (bundled) against a fake Bedrock control plane', () => {
  let fake: FakeBedrockControlPlane;
  let cfn: FakeCloudFormation;
  const env = { ...outerEnv };
  const setEnv = (vars: Record<string, string>) => Object.assign(outerEnv, vars);

  beforeEach(async () => {
    fake = await FakeBedrockControlPlane.start();
    cfn = await FakeCloudFormation.start();
    setEnv({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_BEDROCK: fake.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      ACCESS_CHECK_LOG_GROUP: LOG_GROUP,
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      ACCESS_CHECK_MAX_ATTEMPTS: '3',
      ACCESS_CHECK_BACKOFF_BASE_MS: '20',
      ACCESS_CHECK_BACKOFF_MAX_MS: '50',
      ACCESS_CHECK_REQUEST_TIMEOUT_MS: '300',
      ACCESS_CHECK_CONNECT_TIMEOUT_MS: '300',
      ACCESS_CHECK_SAFETY_MARGIN_MS: '0',
    });
    delete outerEnv.AWS_PROFILE;
  });
  afterEach(async () => {
    bundle.setClock(undefined);
    for (const k of Object.keys(outerEnv)) if (!(k in env)) delete outerEnv[k];
    Object.assign(outerEnv, env);
    await fake.close();
    await cfn.close();
  });

  test('passes when every model is usable, with a stable physical ID and signed requests to the deploying Region', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU)).setAvailability(NOVA, reply.availability(NOVA));
    const a = await handler(event([haiku, nova]), ctx());
    expect(a.Data).toEqual({ Region: 'eu-west-1', CheckedModels: `${HAIKU},${NOVA}`, WarningCount: '0', Warnings: '' });
    expect(a.PhysicalResourceId).toMatch(/^bedrock-model-access-eu-west-1-[0-9a-f]{16}$/);
    // Same models in another order (and an Update) keep the ID; another model set changes it.
    const b = await handler(event([nova, haiku], { type: 'Update', physicalId: a.PhysicalResourceId }), ctx());
    expect(b.PhysicalResourceId).toBe(a.PhysicalResourceId);
    const c = await handler(event([nova]), ctx());
    expect(c.PhysicalResourceId).not.toBe(a.PhysicalResourceId);
    const reqs = fake.requestsTo('GET /foundation-model-availability/');
    expect(reqs.map((r) => r.path)).toContain(`/foundation-model-availability/${HAIKU}`);
    expect(reqs.every((r) => r.signed && r.region === 'eu-west-1')).toBe(true);
  });

  test('checks the foundation model of an inference profile', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { authorization: 'NOT_AUTHORIZED' }));
    const profile = { ...haiku, ModelId: `eu.${HAIKU}` };
    await expect(handler(event([profile]), ctx())).rejects.toThrow(
      new RegExp(`eu\\.anthropic\\.claude-haiku-4-5-20251001-v1:0 \\(foundation model ${HAIKU.replace(/\./g, '\\.')}\\): this account is not authorized`));
    expect(fake.requestsTo('GET /foundation-model-availability/').map((r) => r.path)).toEqual([`/foundation-model-availability/${HAIKU}`]);
  });

  test('a model used through an inference profile whose foundation model is not in-Region warns instead of failing', async () => {
    // Profile-only models (e.g. Claude Sonnet 4.6 in us-east-1) must not fail legitimate deployments.
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { region: 'NOT_AVAILABLE' }));
    const out = await handler(event([{ ...haiku, ModelId: `eu.${HAIKU}` }]), ctx());
    expect(out.Data?.WarningCount).toBe('1');
    expect(out.Data?.Warnings).toMatch(/reports regionAvailability NOT_AVAILABLE in eu-west-1; it is invoked through the inference profile eu\.anthropic/);
    // The same answer for the foundation-model ID itself fails.
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(/not available in eu-west-1 \(regionAvailability NOT_AVAILABLE\)/);
  });

  describe('decision table: every availability combination', () => {
    const regions = ['AVAILABLE', 'NOT_AVAILABLE'];
    const auths = ['AUTHORIZED', 'NOT_AUTHORIZED'];
    const agreements = ['AVAILABLE', 'NOT_AVAILABLE', 'PENDING', 'ERROR'];
    const entitlements = ['AVAILABLE', 'NOT_AVAILABLE'];
    const combos: Array<[string, string, string, string, boolean]> = [];
    for (const r of regions) for (const a of auths) for (const g of agreements) for (const e of entitlements) for (const f of [false, true]) combos.push([r, a, g, e, f]);

    test.each(combos)('region %s, authorization %s, agreement %s, entitlement %s, failOnMissingAgreement %s', async (region, auth, agreement, entitlement, failOnMissing) => {
      fake.setAvailability(HAIKU, reply.availability(HAIKU, { region, authorization: auth, agreement, entitlement, agreementErrorMessage: agreement === 'ERROR' ? 'Payment instrument missing' : undefined }));
      // The table of issue 10: Region and authorization fail; agreement warns unless failOnMissingAgreement; entitlement warns.
      const shouldFail = region === 'NOT_AVAILABLE' || auth === 'NOT_AUTHORIZED' || (failOnMissing && agreement !== 'AVAILABLE');
      const expectedWarnings = (!failOnMissing && agreement !== 'AVAILABLE' ? 1 : 0) + (entitlement === 'NOT_AVAILABLE' ? 1 : 0);
      const run = handler(event([haiku], { failOnMissingAgreement: String(failOnMissing) }), ctx());
      if (!shouldFail) {
        const out = await run;
        expect(out.Data?.WarningCount).toBe(String(expectedWarnings));
        if (agreement !== 'AVAILABLE') expect(out.Data?.Warnings).toMatch(new RegExp(`agreementAvailability ${agreement}.*Not failing \\(set failOnMissingAgreement: true`));
        if (entitlement === 'NOT_AVAILABLE') expect(out.Data?.Warnings).toMatch(/entitlementAvailability is NOT_AVAILABLE in eu-west-1/);
        return;
      }
      const message = await run.then(() => 'resolved', (e: Error) => e.message);
      expect(message).toMatch(/^Bedrock model access check failed \(eu-west-1, account 123456789012\)/);
      expect(/not available in eu-west-1 \(regionAvailability NOT_AVAILABLE\)/.test(message)).toBe(region === 'NOT_AVAILABLE');
      expect(/authorizationStatus NOT_AUTHORIZED\).*PutUseCaseForModelAccess/.test(message)).toBe(auth === 'NOT_AUTHORIZED');
      expect(/Failing because failOnMissingAgreement is true/.test(message)).toBe(failOnMissing && agreement !== 'AVAILABLE');
      if (agreement === 'ERROR') expect(message).toContain('Payment instrument missing');
      expect(message).toMatch(/not the IAM permissions or SCPs of the roles that will invoke the models/);
    });
  });

  test('names the inference profiles and Regions that would work when the model is not in the Region', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { region: 'NOT_AVAILABLE' }));
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(
      `use the inference profile eu.${HAIKU} (callable from eu-west-1); or deploy to a Region where the model is offered on demand: us-east-1, ap-northeast-1`);
  });

  test('says when the catalog knows no alternative', async () => {
    fake.setAvailability(NOVA, reply.availability(NOVA, { region: 'NOT_AVAILABLE' }));
    setEnv({ AWS_REGION: 'us-east-1' });
    await expect(handler(event([{ ...nova, OnDemandRegions: ['us-east-1'] }]), ctx())).rejects.toThrow(/lists no alternative Region or inference profile/);
  });

  test('tells non-Anthropic models to check SCPs and permissions when not authorized', async () => {
    fake.setAvailability(COHERE, reply.availability(COHERE, { authorization: 'NOT_AUTHORIZED' }));
    const message = await handler(event([cohere]), ctx()).then(() => '', (e: Error) => e.message);
    expect(message).toMatch(/cohere\.command-r-plus-v1:0: this account is not authorized to use it in eu-west-1 .*Service Control Policies/);
    expect(message).not.toMatch(/PutUseCaseForModelAccess/);
  });

  test('reports every unusable model in one message, with warnings for the rest', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { authorization: 'NOT_AUTHORIZED' }))
      .setAvailability(COHERE, reply.availability(COHERE, { region: 'NOT_AVAILABLE' }))
      .setAvailability(NOVA, reply.availability(NOVA, { agreement: 'NOT_AVAILABLE' }));
    const message = await handler(event([haiku, cohere, nova]), ctx()).then(() => '', (e: Error) => e.message);
    expect(message).toMatch(/2 problem\(s\) with 3 model\(s\) checked/);
    expect(message).toMatch(new RegExp(`\\n1\\. ${HAIKU.replace(/\./g, '\\.')}: this account is not authorized`));
    expect(message).toMatch(new RegExp(`\\n2\\. ${COHERE.replace(/\./g, '\\.')}: not available in eu-west-1`));
    expect(message).toMatch(/Warnings \(not failing\):\n- amazon\.nova-pro-v1:0: the account has no active Marketplace agreement.*AWS documents no Marketplace product for amazon models/);
  });

  test('keeps the failure reason and the response Data within CloudFormation\'s 4096-byte response limit', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `anthropic.test-model-${i}-20260101-v1:0`);
    for (const id of many) fake.setAvailability(id, reply.availability(id, { region: 'NOT_AVAILABLE' }));
    const models = many.map((id) => ({ ...haiku, ModelId: id, FoundationModelId: id }));
    const logs = new StdoutCapture().start();
    const error = await logging.onEvent(event(models), ctx()).then(() => undefined, (e: Error) => e).finally(() => logs.stop());
    const message = error!.message;
    // The body the provider framework would PUT to CloudFormation (aws-cdk-lib 2.276.0 custom-resources
    // runtime/framework.js + cfn-response.js): the Lambda runtime reports trace = error.stack.split('\n'); the framework
    // builds reason [errorMessage, '', 'Logs: /aws/lambda/<fn>', '', ...trace.slice(1)] and sends it as the stack.
    const trace = String(error!.stack).split('\n');
    const fnName = 'Stack-CdkBedrockFoundationModelAccessC-Handler886CB40B-a1B2c3D4e5F6g7H8'.slice(0, 64);
    const reasonMessage = [message, '', `Logs: /aws/lambda/${fnName}`, ''].join('\n');
    const reason = [reasonMessage, ...trace.slice(1)].join('\n');
    const body = JSON.stringify({
      Status: 'FAILED', Reason: reason, StackId: STACK_ID, RequestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      PhysicalResourceId: CREATE_FAILED, LogicalResourceId: 'ModelAccessCheckResourceABCDEF12',
    });
    expect(Buffer.byteLength(body)).toBeLessThan(4096);
    // The stack does not repeat the multi-line report (a default stack would double it past 4096 bytes).
    expect(reason.split(many[1]).length - 1).toBe(1);
    expect(message).toMatch(/^Bedrock model access check failed \(eu-west-1, account 123456789012\): 12 problem\(s\) with 12 model\(s\) checked\.\n1\. anthropic\.test-model-0-/);
    expect(message).toMatch(new RegExp(`\\.\\.\\. and \\d+ more line\\(s\\): the full report is in the access-check handler's log group ${LOG_GROUP}\\.`));
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(2800);
    // The log has every problem.
    const logged = logs.logs().filter((l) => l.level === 'ERROR' && l.message === 'access check failed').map((l) => JSON.stringify(l)).join('\n');
    for (const id of many) expect(logged).toContain(id);

    for (const id of many) fake.setAvailability(id, reply.availability(id, { agreement: 'NOT_AVAILABLE' }));
    const out = await handler(event(models), ctx());
    expect(out.Data?.WarningCount).toBe('12');
    expect(out.Data?.Warnings).toMatch(new RegExp(`more line\\(s\\): the full report is in the access-check handler's log group ${LOG_GROUP}`));
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThan(4096 - 1000);
  });

  test('the agreement warning says how Bedrock subscribes on first invocation', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { agreement: 'NOT_AVAILABLE' }));
    const logs = new StdoutCapture().start();
    const out = await logging.onEvent(event([haiku]), ctx()).finally(() => logs.stop());
    expect(out.Data?.Warnings).toMatch(/subscribes the account on the model's first invocation when the invoking role has aws-marketplace:Subscribe, aws-marketplace:Unsubscribe and aws-marketplace:ViewSubscriptions/);
    expect(out.Data?.Warnings).toMatch(/valid payment method/);
    expect(logs.logs()).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'access check warning', warning: expect.stringContaining('no active Marketplace agreement') }));
  });

  test('retries throttling with backoff, then succeeds', async () => {
    fake.setAvailability(HAIKU, reply.throttle(), reply.throttle(), reply.availability(HAIKU));
    const out = await handler(event([haiku]), ctx());
    expect(out.Data?.WarningCount).toBe('0');
    const reqs = fake.requestsTo('GET /foundation-model-availability/');
    expect(reqs).toHaveLength(3);
    // Equal-jitter backoff (base 20 ms, cap 50 ms): retry 1 waits >= 10 ms, retry 2 >= 20 ms. Without a backoff (or
    // with a full jitter that can pick 0 ms) the gaps would be ~0 ms.
    expect(reqs[1].at - reqs[0].at).toBeGreaterThanOrEqual(10);
    expect(reqs[2].at - reqs[1].at).toBeGreaterThanOrEqual(20);
  });

  test('honours Retry-After (up to the backoff cap)', async () => {
    // A virtual clock: the handler's one-second wait takes no real time, and is recorded.
    const clock = useVirtualClock(bundle);
    setEnv({ ACCESS_CHECK_BACKOFF_MAX_MS: '1500' });
    fake.setAvailability(HAIKU, reply.throttle(undefined, 1), reply.availability(HAIKU));
    await expect(handler(event([haiku]), ctx())).resolves.toMatchObject({ Data: { WarningCount: '0' } });
    const reqs = fake.requestsTo('GET /foundation-model-availability/');
    expect(reqs).toHaveLength(2);
    // Retry-After: 1 (second) raises the backoff (at most 20 ms for the first retry) to ~1 s, below the 1.5 s cap.
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(950);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(1500);
  });

  test('a malformed ACCESS_CHECK_* setting fails the check naming it, and never a Delete', async () => {
    setEnv({ ACCESS_CHECK_MAX_ATTEMPTS: '0' });
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(
      'Environment variable ACCESS_CHECK_MAX_ATTEMPTS must be a whole number >= 1, got "0"; set a whole number, or unset it for the default (8).');
    await expect(handler(event([haiku], { type: 'Delete', physicalId: 'id-1' }), ctx())).resolves.toEqual({ PhysicalResourceId: 'id-1' });
    expect(fake.requestsTo('GET /foundation-model-availability/')).toHaveLength(0);
  });

  test('the backoff has a deterministic floor of half its exponential cap, and Retry-After raises it up to the cap', () => {
    const s = { backoffBaseMs: 500, backoffMaxMs: 10000 };
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(s, a, undefined, low))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(s, a, undefined, high))).toEqual([499, 999, 1999, 3999, 7999, 9999, 9999]);
    expect(retryDelayMs(s, 1, 3000, low)).toBe(3000);
    expect(retryDelayMs(s, 1, 60000, low)).toBe(10000);
    // The defaults the construct sets (8 attempts): the retries of one model wait 18-35 s, inside the 100 s deadline.
    const total = (r: () => number) => [1, 2, 3, 4, 5, 6, 7].reduce((sum, a) => sum + retryDelayMs(s, a, undefined, r), 0);
    expect(total(low)).toBe(17750);
    expect(total(high)).toBeLessThan(36000);
  });

  test('fails with a clear message when throttling outlasts the retries', async () => {
    fake.setAvailability(HAIKU, reply.throttle());
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(
      /could not be checked \(ThrottlingException: Too many requests, please wait before trying again\. \(HTTP 429\) after 3 attempts\); the model's access is unknown\. Retry the deployment/);
    expect(fake.requestsTo('GET /foundation-model-availability/')).toHaveLength(3);
  });

  test('retries a 503 and succeeds; fails naming the error when 5xx persists', async () => {
    fake.setAvailability(HAIKU, reply.serverError(503, 'ServiceUnavailableException', 'Service unavailable'), reply.availability(HAIKU));
    await expect(handler(event([haiku]), ctx())).resolves.toMatchObject({ Data: { WarningCount: '0' } });
    fake.setAvailability(NOVA, reply.serverError(500));
    await expect(handler(event([nova]), ctx())).rejects.toThrow(/amazon\.nova-pro-v1:0: could not be checked \(InternalServerException: Internal server error \(HTTP 500\) after 3 attempts\)/);
  });

  test('times out a slow response per request and fails instead of hanging', async () => {
    setEnv({ ACCESS_CHECK_REQUEST_TIMEOUT_MS: '100' }); // a real socket timeout: keep it short
    fake.setAvailability(HAIKU, reply.delayed(5000, reply.availability(HAIKU)));
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(/could not be checked \(TimeoutError: .*requestTimeout/);
    expect(fake.requestsTo('GET /foundation-model-availability/')).toHaveLength(3);
  });

  test('answers within the deadline taken from the Lambda remaining time when Bedrock never answers', async () => {
    const clock = useVirtualClock(bundle); // the deadline passes when the test says so
    fake.setAvailability(HAIKU, reply.hang());
    setEnv({ ACCESS_CHECK_REQUEST_TIMEOUT_MS: '60000' });
    const run = handler(event([haiku]), ctx(1500));
    const settled = settledFlag(run);
    await until(() => fake.requestsTo('GET /foundation-model-availability/').length === 1, 'the availability request');
    clock.advance(1499);
    await turns(50);
    expect(settled()).toBe(false); // still waiting 1 ms before the deadline ...
    clock.advance(1); // ... and not after it
    await expect(run).rejects.toThrow(/could not be checked before the check's deadline \(AbortError: deadline of 1500 ms reached/);
  });

  test('fails on a malformed (non-JSON) response', async () => {
    fake.setAvailability(HAIKU, reply.malformed());
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(new RegExp(`${HAIKU.replace(/\./g, '\\.')}: could not be checked \\(`));
  });

  test('fails on a response with missing or unknown fields', async () => {
    fake.setAvailability(HAIKU, reply.json({ modelId: HAIKU, authorizationStatus: 'MAYBE', regionAvailability: 'AVAILABLE' }));
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(
      /unexpected response \(authorizationStatus="MAYBE", entitlementAvailability=undefined, agreementAvailability.status=undefined\)/);
  });

  test('an unknown model ID fails with alternatives; a denied check names the missing permission', async () => {
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(/Bedrock does not recognise this model in eu-west-1 \(ResourceNotFoundException: .*\(HTTP 404\)\)\. Would work/);
    fake.setAvailability(NOVA, reply.error(403, 'AccessDeniedException', 'not authorized to perform: bedrock:GetFoundationModelAvailability with an explicit deny in a service control policy'));
    await expect(handler(event([nova]), ctx())).rejects.toThrow(/the access check itself was denied GetFoundationModelAvailability .*allow it, or remove the ModelAccessCheck/);
  });

  test('Delete always succeeds without calling Bedrock, including Delete after a failed Create', async () => {
    fake.setAvailability(HAIKU, reply.availability(HAIKU, { region: 'NOT_AVAILABLE' }));
    await expect(handler(event([haiku]), ctx())).rejects.toThrow(/not available/);
    const calls = fake.requests.length;
    // After a failed Create the provider framework returns its marker as the physical ID; CloudFormation deletes with it.
    await expect(handler(event([haiku], { type: 'Delete', physicalId: CREATE_FAILED }), ctx())).resolves.toEqual({ PhysicalResourceId: CREATE_FAILED });
    await expect(handler(event([haiku], { type: 'Delete', physicalId: 'bedrock-model-access-eu-west-1-0123456789abcdef' }), ctx()))
      .resolves.toEqual({ PhysicalResourceId: 'bedrock-model-access-eu-west-1-0123456789abcdef' });
    // Even with garbage properties.
    await expect(handler({ RequestType: 'Delete', PhysicalResourceId: 'x', ResourceProperties: {} }, ctx())).resolves.toEqual({ PhysicalResourceId: 'x' });
    expect(fake.requests.length).toBe(calls);
  });

  test('fails on malformed resource properties', async () => {
    await expect(handler(event([]), ctx())).rejects.toThrow(/malformed resource properties \(Models must be a non-empty list of \{ ModelId \}\); got \[\]/);
  });

  describe('rollback: an Update whose check fails', () => {
    const failing = () => fake.setAvailability(HAIKU, reply.availability(HAIKU, { authorization: 'NOT_AUTHORIZED' }));
    const update = () => event([haiku], { type: 'Update', physicalId: 'bedrock-model-access-eu-west-1-0123456789abcdef' });

    test('succeeds with the failures as warnings while the stack is in UPDATE_ROLLBACK_IN_PROGRESS', async () => {
      failing();
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      const out = await handler(update(), ctx());
      expect(out.PhysicalResourceId).toMatch(/^bedrock-model-access-eu-west-1-/);
      expect(out.Data?.WarningCount).toBe('1');
      expect(out.Data?.Warnings).toMatch(/During the stack's rollback \(UPDATE_ROLLBACK_IN_PROGRESS\) this check of the previous models is not failed.*this account is not authorized/);
      expect(cfn.requests).toHaveLength(1);
      expect(cfn.requests[0]).toMatchObject({ action: 'DescribeStacks', params: { StackName: STACK_ID, Version: '2010-05-15' }, signed: true, region: 'eu-west-1' });
    });

    test('succeeds during a rollback when Bedrock keeps throttling', async () => {
      fake.setAvailability(HAIKU, reply.throttle());
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      const out = await handler(update(), ctx());
      expect(out.Data?.Warnings).toMatch(/During the stack's rollback.*could not be checked \(ThrottlingException/);
    });

    test('fails as usual when the stack is not rolling back', async () => {
      failing();
      cfn.stacks.set(STACK_ID, 'UPDATE_IN_PROGRESS');
      const message = await handler(update(), ctx()).then(() => '', (e: Error) => e.message);
      expect(message).toMatch(/^Bedrock model access check failed .*\n1\. anthropic\.claude-haiku.*not authorized/);
      expect(message).not.toMatch(/rollback/);
      expect(cfn.requests).toHaveLength(1);
    });

    test('when DescribeStacks fails (denied, or throttled past the retries) the Update may be a rollback: it succeeds, the failures become warnings that say why', async () => {
      // Formerly the check failed here, and a rollback whose probe failed ended in UPDATE_ROLLBACK_FAILED.
      failing();
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      cfn.failNext({ status: 403, code: 'AccessDenied', message: 'not authorized to perform: cloudformation:DescribeStacks' });
      const out = await handler(update(), ctx());
      expect(out.Data?.WarningCount).toBe('1');
      expect(out.Data?.Warnings).toMatch(
        /Could not tell whether this Update is a rollback \(DescribeStacks on the stack failed: AccessDenied: not authorized to perform: cloudformation:DescribeStacks \(HTTP 403\)\), so this check is not failed.*this account is not authorized/s);
      cfn.failNext(...Array.from({ length: 3 }, () => ({ status: 400, code: 'Throttling', message: 'Rate exceeded' })));
      await expect(handler(update(), ctx())).resolves.toMatchObject({
        Data: { Warnings: expect.stringMatching(/DescribeStacks on the stack failed: Throttling: Rate exceeded \(HTTP 400\) after 3 attempts/) },
      });
    });

    test('a Create that fails, and an Update that passes, never ask CloudFormation', async () => {
      failing();
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      await expect(handler(event([haiku]), ctx())).rejects.toThrow(/not authorized/);
      fake.setAvailability(NOVA, reply.availability(NOVA));
      await expect(handler(event([nova], { type: 'Update', physicalId: 'x' }), ctx())).resolves.toMatchObject({ Data: { WarningCount: '0' } });
      expect(cfn.requests).toHaveLength(0);
    });
  });

  test('failOnMissingAgreement with a model that has no Marketplace product: a consistent message that says what to do', async () => {
    fake.setAvailability(NOVA, reply.availability(NOVA, { agreement: 'NOT_AVAILABLE' }));
    const message = await handler(event([nova], { failOnMissingAgreement: 'true' }), ctx()).then(() => '', (e: Error) => e.message);
    expect(message).toMatch(/AWS documents no Marketplace product for amazon models, so Bedrock does not subscribe the account to it/);
    expect(message).toMatch(/Failing because failOnMissingAgreement is true\. This status is not one a subscription can fix: check the model in the Bedrock console's model catalog .*redeploy with failOnMissingAgreement: false/);
    expect(message).not.toMatch(/should be needed|aws-marketplace:Subscribe, aws-marketplace:Unsubscribe/);
    // A Marketplace model's failure says how to get the agreement.
    fake.setAvailability(COHERE, reply.availability(COHERE, { agreement: 'NOT_AVAILABLE' }));
    await expect(handler(event([cohere], { failOnMissingAgreement: 'true' }), ctx())).rejects.toThrow(
      /Failing because failOnMissingAgreement is true: invoke the model once with a role that has those permissions .*wait for the agreement to become AVAILABLE, then redeploy/);
  });
});
