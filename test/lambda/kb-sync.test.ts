/**
 * The bundled kb-sync handler (assets/handlers/kb-sync/index.js) with the real @aws-sdk/client-bedrock-agent against
 * a fake Agents for Amazon Bedrock endpoint on 127.0.0.1.
 */
import { FakeBedrockAgent } from '../utils/fake-bedrock-agent';
import { FakeCloudFormation } from '../utils/fake-cloudformation';
import { fakeAwsEnv, loadBundledHandler as loadBundle, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { useVirtualClock, type ClockedBundle, type VirtualClock } from '../utils/virtual-clock';

// The bundle as shipped (loaded once, in the worker's outer realm, see utils/bundled-handler.ts: one warm execution
// environment for the file), with a fresh virtual clock per test: the waits between StartIngestionJob attempts take no
// real time, and how many attempts fit in KB_SYNC_CONFLICT_WAIT_MS depends only on the backoff (5, 10, 20 ms ...),
// not on how busy the machine is. Its log lines are captured (and asserted on where it matters).
let bundle: { onEvent: (e: any) => Promise<any>; isComplete: (e: any) => Promise<any> } & ClockedBundle;
let clock: VirtualClock;
const out = new StdoutCapture();
// The bundle exports its two steps, `onEvent` (start the job) and `isComplete` (one poll of the wait); its Lambda entry
// point `handler` runs them in the CloudFormation response protocol (lambda/shared/cfn-response.ts), driven with the
// wait and its continuations in test/lifecycle. Here HANDLER_KIND (set like the function's environment once was) picks
// the step a test calls.
function loadBundledHandler(_name: 'kb-sync'): { handler: (e: any) => Promise<any> } {
  return { handler: (e: any) => (process.env.HANDLER_KIND === 'isComplete' ? bundle.isComplete(e) : bundle.onEvent(e)) };
}

let fake: FakeBedrockAgent;
let cfn: FakeCloudFormation;
let restore: () => void;
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Kb/1b2c3d4e-0000-4000-8000-000000000000';

const props = { ServiceToken: 'x', KnowledgeBaseId: 'KB12345678', DataSourceId: 'DS12345678', WaitForCompletion: 'true', ContentHash: 'abc' };
const requestId = '6f1c2b9e-7a44-4a3e-9a0c-3d2b1e5f7a10-extra';

beforeAll(async () => {
  fake = await FakeBedrockAgent.start();
  cfn = await FakeCloudFormation.start();
  bundle = loadBundle('kb-sync', { logLevel: 'INFO' });
});
afterAll(async () => { await fake.close(); await cfn.close(); });
beforeEach(() => {
  fake.reset();
  cfn.stacks.clear();
  cfn.requests.length = 0;
  cfn.stacks.set(STACK_ID, 'UPDATE_IN_PROGRESS');
  restore = setEnv({ ...fakeAwsEnv(), AWS_ENDPOINT_URL_BEDROCK_AGENT: fake.url, AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url, HANDLER_KIND: 'onEvent', KB_SYNC_RETRY_BASE_MS: '5', KB_SYNC_CONFLICT_WAIT_MS: '2000' });
  clock = useVirtualClock(bundle);
  out.clear();
  out.start();
});
afterEach(() => { out.stop(); bundle.setClock(undefined); restore(); });

describe('kb-sync handler: onEvent', () => {
  test('Create starts an ingestion job of the data source, idempotent per request, signed for bedrock', async () => {
    const { handler } = loadBundledHandler('kb-sync');
    const res = await handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
    expect(res).toEqual({ PhysicalResourceId: 'KB12345678/DS12345678', Data: { IngestionJobId: 'JOB1', Status: 'STARTING' } });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'PUT', path: '/knowledgebases/KB12345678/datasources/DS12345678/ingestionjobs/', signingService: 'bedrock',
    });
    expect(fake.jobs.get('JOB1')!.clientToken).toBe(requestId);
  });

  test('Update (changed content) starts another job', async () => {
    const { handler } = loadBundledHandler('kb-sync');
    await handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
    fake.finish('JOB1');
    const res = await handler({ RequestType: 'Update', RequestId: `${requestId}-2`, PhysicalResourceId: 'KB12345678/DS12345678', ResourceProperties: { ...props, ContentHash: 'def' } });
    expect(res.Data.IngestionJobId).toBe('JOB2');
    expect(fake.jobs.size).toBe(2);
  });

  test('retries while another job is running (ConflictException), then starts', async () => {
    fake.conflictNext(2);
    const { handler } = loadBundledHandler('kb-sync');
    const res = await handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
    expect(res.Data.IngestionJobId).toBe('JOB1');
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
    expect(clock.sleeps).toEqual([5, 10]); // the backoff doubles from KB_SYNC_RETRY_BASE_MS
  });

  test('an Update while another job of the data source is still running fails after the bounded wait, saying what to do', async () => {
    setEnv({ KB_SYNC_CONFLICT_WAIT_MS: '30' });
    const { handler } = loadBundledHandler('kb-sync');
    await handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
    expect(fake.runningJob('KB12345678', 'DS12345678')).toBe('JOB1');
    const update = { RequestType: 'Update', RequestId: `${requestId}-2`, StackId: STACK_ID, PhysicalResourceId: 'KB12345678/DS12345678', ResourceProperties: { ...props, ContentHash: 'new' }, OldResourceProperties: props };
    await expect(handler(update)).rejects.toThrow(
      /Another ingestion job of data source DS12345678 \(Knowledge Base KB12345678\) was still running after \d+ attempts, so this deployment could not start one for its content\. Wait until that job has finished.*then deploy again/);
    expect([...fake.jobs.keys()]).toEqual(['JOB1']);
    // 30 ms allow the waits of 5 and 10 ms; the next (20 ms) would end past it.
    expect(clock.sleeps).toEqual([5, 10]);
    // The stack was asked whether this is a rollback (it is not), and only then did the Update fail.
    expect(cfn.requests.length).toBeGreaterThan(0);
  });

  test('the rollback Update while a job of the data source is still running succeeds without a new job, saying so', async () => {
    setEnv({ KB_SYNC_CONFLICT_WAIT_MS: '30' });
    const { handler } = loadBundledHandler('kb-sync');
    // The deployment's job is still running when CloudFormation rolls back and sends an Update with the old properties.
    await handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
    expect(fake.runningJob('KB12345678', 'DS12345678')).toBe('JOB1');
    cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = { RequestType: 'Update', RequestId: `${requestId}-rb`, StackId: STACK_ID, PhysicalResourceId: 'KB12345678/DS12345678', ResourceProperties: props, OldResourceProperties: { ...props, ContentHash: 'new' } };
    const res = await handler(rollback);
    expect(res).toEqual({
      PhysicalResourceId: 'KB12345678/DS12345678',
      Data: {
        IngestionJobId: '',
        Status: 'ALREADY_RUNNING',
        Note: expect.stringMatching(/^Another ingestion job of data source DS12345678 \(Knowledge Base KB12345678\) was still running after \d+ attempts during the stack's rollback; no new job was started, and the rollback continues\./),
      },
    });
    // It did try (several times, all refused by the fake's one-job-per-data-source rule) and started nothing.
    expect(fake.requests.filter((r) => r.method === 'PUT').length).toBeGreaterThan(2);
    expect([...fake.jobs.keys()]).toEqual(['JOB1']);
    expect(out.logs()).toContainEqual(expect.objectContaining({ message: 'sync skipped during a rollback: an ingestion job is already running', requestType: 'Update', knowledgeBaseId: 'KB12345678' }));

    // In wait mode the waiter has nothing to wait for: complete at once, no GetIngestionJob call.
    const restoreKind = setEnv({ HANDLER_KIND: 'isComplete' });
    const { handler: isComplete } = loadBundledHandler('kb-sync');
    await expect(isComplete({ ...rollback, Data: res.Data })).resolves.toEqual({ IsComplete: true, Data: res.Data });
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    restoreKind();

    // Once the running job has finished, the next Update starts a job again.
    fake.finish('JOB1');
    cfn.stacks.set(STACK_ID, 'UPDATE_IN_PROGRESS');
    const next = await handler({ ...rollback, RequestId: `${requestId}-3` });
    expect(next.Data).toEqual({ IngestionJobId: 'JOB2', Status: 'STARTING' });
  });

  test('a request without the IDs still fails (only a running job is skipped)', async () => {
    const { handler } = loadBundledHandler('kb-sync');
    await expect(handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: { ...props, DataSourceId: '' } }))
      .rejects.toThrow(/KnowledgeBaseId \('KB12345678'\) and DataSourceId \(''\) are required/);
  });

  describe('during a stack rollback (DescribeStacks: UPDATE_ROLLBACK_IN_PROGRESS)', () => {
    const update = { RequestType: 'Update', RequestId: `${requestId}-rb`, StackId: STACK_ID, PhysicalResourceId: 'KB12345678/DS12345678', ResourceProperties: props, OldResourceProperties: { ...props, ContentHash: 'new' } };

    test('wait mode starts the job but does not wait for it, so the rollback cannot fail on it', async () => {
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      const { handler } = loadBundledHandler('kb-sync');
      const res = await handler(update);
      expect(res).toEqual({
        PhysicalResourceId: 'KB12345678/DS12345678',
        Data: { IngestionJobId: 'JOB1', Status: 'STARTED_NOT_WAITED', Note: expect.stringMatching(/^Ingestion job JOB1 was started during a stack rollback and is not waited for/) },
      });
      expect(cfn.requests).toEqual([expect.objectContaining({ action: 'DescribeStacks', params: expect.objectContaining({ StackName: STACK_ID }), signed: true })]);
      // Even a job that will fail does not fail the rollback: isComplete does not poll it.
      fake.statuses('JOB1', 'FAILED');
      const restoreKind = setEnv({ HANDLER_KIND: 'isComplete' });
      await expect(handler({ ...update, Data: res.Data })).resolves.toEqual({ IsComplete: true, Data: res.Data });
      restoreKind();
      expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    });

    test('outside a rollback wait mode waits as usual (and Create never asks CloudFormation)', async () => {
      const { handler } = loadBundledHandler('kb-sync');
      await expect(handler({ ...update, RequestType: 'Create' })).resolves.toMatchObject({ Data: { IngestionJobId: 'JOB1', Status: 'STARTING' } });
      expect(cfn.requests).toHaveLength(0);
      fake.finish('JOB1');
      await expect(handler(update)).resolves.toEqual({ PhysicalResourceId: 'KB12345678/DS12345678', Data: { IngestionJobId: 'JOB2', Status: 'STARTING' } });
      expect(cfn.requests).toHaveLength(1);
    });

    test('another StartIngestionJob error does not fail the rollback, but fails a normal update', async () => {
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      const { handler } = loadBundledHandler('kb-sync');
      fake.failStartNext(400, 'ValidationException', 'The data source is being updated');
      await expect(handler(update)).resolves.toEqual({
        PhysicalResourceId: 'KB12345678/DS12345678',
        Data: { IngestionJobId: '', Status: 'NOT_STARTED', Note: 'StartIngestionJob failed during a stack rollback (ValidationException: The data source is being updated); the rollback continues. Start a job once the stack is stable.' },
      });
      cfn.stacks.set(STACK_ID, 'UPDATE_IN_PROGRESS');
      fake.failStartNext(400, 'ValidationException', 'The data source is being updated');
      await expect(handler(update)).rejects.toThrow(/The data source is being updated/);
    });

    test('when DescribeStacks fails, the Update may be a rollback and is treated as one: a failed start does not fail it', async () => {
      // Formerly the error failed the request, and a rollback whose probe failed ended in UPDATE_ROLLBACK_FAILED.
      cfn.stacks.set(STACK_ID, 'UPDATE_ROLLBACK_IN_PROGRESS');
      cfn.failNext({ status: 403, code: 'AccessDenied', message: 'not authorized to perform cloudformation:DescribeStacks' });
      fake.failStartNext(400, 'ValidationException', 'bad request');
      const { handler } = loadBundledHandler('kb-sync');
      await expect(handler(update)).resolves.toMatchObject({ Data: { Status: 'NOT_STARTED', Note: expect.stringMatching(/bad request/) } });
      expect(cfn.requests).toHaveLength(1);
    });
  });

  test('an Update that changes no content (only ServiceTimeout or FailOnDocumentFailures) starts no job, and waits for none', async () => {
    const { handler } = loadBundledHandler('kb-sync');
    const e = { RequestType: 'Update', RequestId: requestId, StackId: STACK_ID, PhysicalResourceId: 'KB12345678/DS12345678', ResourceProperties: { ...props, FailOnDocumentFailures: 'true' }, OldResourceProperties: props };
    const res = await handler(e);
    expect(res).toEqual({ PhysicalResourceId: 'KB12345678/DS12345678', Data: { IngestionJobId: '', Status: 'UNCHANGED' } });
    expect(fake.requests).toHaveLength(0);
    const restoreKind = setEnv({ HANDLER_KIND: 'isComplete' });
    await expect(handler({ ...e, Data: res.Data })).resolves.toEqual({ IsComplete: true, Data: res.Data });
    restoreKind();
    expect(fake.requests).toHaveLength(0);
  });

  test('Delete does nothing and succeeds', async () => {
    const { handler } = loadBundledHandler('kb-sync');
    await expect(handler({ RequestType: 'Delete', PhysicalResourceId: 'KB12345678/DS12345678', ResourceProperties: props }))
      .resolves.toEqual({ PhysicalResourceId: 'KB12345678/DS12345678' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('kb-sync handler: isComplete', () => {
  beforeEach(() => { setEnv({ HANDLER_KIND: 'isComplete' }); });

  async function started(): Promise<string> {
    const restoreKind = setEnv({ HANDLER_KIND: 'onEvent' });
    const { handler } = loadBundledHandler('kb-sync');
    const res = await handler({ RequestType: 'Create', RequestId: requestId, ResourceProperties: props });
    restoreKind();
    return res.Data.IngestionJobId;
  }

  test('reports not complete while the job runs, then complete with statistics', async () => {
    const jobId = await started();
    fake.statuses(jobId, 'IN_PROGRESS', 'COMPLETE');
    const { handler } = loadBundledHandler('kb-sync');
    const e = { RequestType: 'Create', ResourceProperties: props, PhysicalResourceId: 'KB12345678/DS12345678', Data: { IngestionJobId: jobId } };
    await expect(handler(e)).resolves.toEqual({ IsComplete: false });
    await expect(handler(e)).resolves.toEqual({
      IsComplete: true,
      Data: { IngestionJobId: jobId, Status: 'COMPLETE', DocumentsScanned: '3', DocumentsIndexed: '3', DocumentsFailed: '0' },
    });
    expect(fake.requests.filter((r) => r.method === 'GET').map((r) => r.path))
      .toEqual([`/knowledgebases/KB12345678/datasources/DS12345678/ingestionjobs/${jobId}`, `/knowledgebases/KB12345678/datasources/DS12345678/ingestionjobs/${jobId}`]);
  });

  test('fails the deployment with the failure reasons when the job fails', async () => {
    const jobId = await started();
    fake.statuses(jobId, 'FAILED').failWith(jobId, 'Access denied to s3://docs/a.pdf');
    const { handler } = loadBundledHandler('kb-sync');
    await expect(handler({ RequestType: 'Update', ResourceProperties: props, Data: { IngestionJobId: jobId } }))
      .rejects.toThrow(`Ingestion job ${jobId} of Knowledge Base KB12345678 ended FAILED: Access denied to s3://docs/a.pdf`);
  });

  test('a completed job with failed documents passes with a warning naming the count and first reasons', async () => {
    const jobId = await started();
    fake.failedDocuments(jobId, 2).failWith(jobId, 'a.pdf: file too large', 'b.txt: unsupported encoding');
    const { handler } = loadBundledHandler('kb-sync');
    const res = await handler({ RequestType: 'Create', ResourceProperties: props, Data: { IngestionJobId: jobId } });
    expect(res).toMatchObject({ IsComplete: true, Data: { DocumentsFailed: '2', DocumentsScanned: '5' } });
    expect(res.Data.Warning).toBe(`Ingestion job ${jobId} of Knowledge Base KB12345678 completed, but 2 of 5 scanned document(s) failed; `
      + 'first reasons: a.pdf: file too large; b.txt: unsupported encoding. Fix or remove those documents and sync again (GetIngestionJob lists the reasons).');
    expect(out.logs()).toContainEqual(expect.objectContaining({ message: 'ingestion completed with failed documents', failed: 2 }));
  });

  test('failOnDocumentFailures fails the deployment on a completed job with failed documents', async () => {
    const jobId = await started();
    fake.failedDocuments(jobId, 1).failWith(jobId, 'a.pdf: file too large');
    const { handler } = loadBundledHandler('kb-sync');
    await expect(handler({ RequestType: 'Create', ResourceProperties: { ...props, FailOnDocumentFailures: 'true' }, Data: { IngestionJobId: jobId } }))
      .rejects.toThrow(/completed, but 1 of 4 scanned document\(s\) failed; first reasons: a\.pdf: file too large\..*failOnDocumentFailures is set, so the deployment fails/);
  });

  test('a transient GetIngestionJob error (after the SDK retries) is polled again, not a failed deployment; a permanent one fails', async () => {
    const jobId = await started();
    for (let i = 0; i < 4; i++) fake.failGetNext(503, 'ServiceUnavailableException', 'try later');
    const { handler } = loadBundledHandler('kb-sync');
    const e = { RequestType: 'Create', ResourceProperties: props, Data: { IngestionJobId: jobId } };
    await expect(handler(e)).resolves.toEqual({ IsComplete: false });
    await expect(handler(e)).resolves.toMatchObject({ IsComplete: true, Data: { Status: 'COMPLETE' } });
    fake.failGetNext(403, 'AccessDeniedException', 'not allowed');
    await expect(handler(e)).rejects.toThrow(/not allowed/);
  });

  test('Delete is complete at once', async () => {
    const { handler } = loadBundledHandler('kb-sync');
    await expect(handler({ RequestType: 'Delete', ResourceProperties: props })).resolves.toEqual({ IsComplete: true });
    expect(fake.requests).toHaveLength(0);
  });
});
