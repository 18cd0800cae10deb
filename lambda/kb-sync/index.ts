/**
 * Custom resource handler that starts a Bedrock Knowledge Base ingestion job on deployment, and with
 * `WaitForCompletion: 'true'` waits for it. One function for both modes; it backs the resource directly (ServiceToken =
 * its ARN) and answers CloudFormation itself through lambda/shared/cfn-response.ts. Two steps, exported for the tests:
 * - `onEvent` (the start step): Create/Update start an ingestion job of the data source and return its ID;
 *   Delete does nothing (and never fails). Bedrock runs one ingestion job per data source at a time: while another job
 *   of the data source is running, StartIngestionJob answers ConflictException. The handler retries with bounded
 *   backoff (KB_SYNC_CONFLICT_WAIT_MS, 60 s); if the other job is still running then, it **succeeds without starting
 *   a job** (Data.Status = ALREADY_RUNNING, logged): the running job reads the data source's current content (or can
 *   be re-run), and failing here would fail the update, or worse the rollback Update CloudFormation sends after a
 *   failed update (the stack would end in UPDATE_ROLLBACK_FAILED).
 *   Rollback: CloudFormation marks nothing in the Update it sends while rolling back, so on an Update the handler asks
 *   DescribeStacks (this stack only) whether the stack is UPDATE_ROLLBACK_IN_PROGRESS when it matters: before waiting
 *   (wait mode: the job is started but not waited for, so a failed or slow ingestion cannot fail the rollback) and
 *   when StartIngestionJob fails for another reason (the failure is logged and the rollback continues). If
 *   DescribeStacks fails, the Update may be a rollback and is treated as one (never failed by the probe).
 *   The start step gets KB_SYNC_START_TIMEOUT_MS (2 minutes, what its own Lambda timeout was before).
 * - `isComplete` (one poll of the wait): GetIngestionJob; COMPLETE ends the wait, FAILED/STOPPED fail the deployment
 *   with the job's failure reasons; a transient error (throttling, 5xx, network) polls again. When the start step
 *   started no job (ALREADY_RUNNING, STARTED_NOT_WAITED, NOT_STARTED, UNCHANGED) there is nothing to wait for.
 * The wait polls every `QueryIntervalSeconds` on the handler's clock until `TotalTimeoutSeconds` after the start step.
 * A Lambda invocation lasts at most the function's timeout, shorter than a long wait: when the invocation's remaining
 * time (context.getRemainingTimeInMillis) would not cover another interval and poll (KB_SYNC_CONTINUE_RESERVE_MS), the
 * handler queues the same request, with the wait's state (`CdkBedrockFoundationWait`: the start step's result and the
 * absolute deadline), as an asynchronous invocation of its own function (lambda/shared/lambda-invoke.ts; its role may
 * invoke only this function) and returns without answering; the last invocation answers CloudFormation. A
 * continuation that cannot be queued fails the request with the reason.
 */
import { BedrockAgentClient, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clock } from '../shared/clock';
import { envInt, envString } from '../shared/env';
import { createLogger } from '../shared/log';
import { RetriesExhausted, retryUntilDeadline } from '../shared/retry';
import { stackRollbackStatus } from '../shared/stack-status';
import { customResourceHandler, RESPONSE_DEFERRED, type CustomResourceEvent, type LambdaContextLike } from '../shared/cfn-response';
import { invokeAsync } from '../shared/lambda-invoke';

export { setClock } from '../shared/clock';

const logger = createLogger('kb-sync');

interface SyncProps {
  readonly KnowledgeBaseId: string;
  readonly DataSourceId: string;
  readonly WaitForCompletion?: string;
  readonly ContentHash?: string;
  readonly ContentObjectKeys?: unknown;
  /** 'true': a completed job with failed documents fails the deployment (otherwise a warning). */
  readonly FailOnDocumentFailures?: string;
  /** Wait mode: the most the wait may take after the start step, in seconds. */
  readonly TotalTimeoutSeconds?: string | number;
  /** Wait mode: seconds between two polls. */
  readonly QueryIntervalSeconds?: string | number;
}

interface SyncEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId?: string;
  readonly StackId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: SyncProps;
  readonly OldResourceProperties?: SyncProps;
  /** isComplete only: what onEvent returned. */
  readonly Data?: Record<string, string>;
  /** A continuation of the wait (queued by an earlier invocation of this function). */
  readonly CdkBedrockFoundationWait?: WaitState;
}

/** What a continuation carries from one invocation to the next. */
interface WaitState {
  /** The start step's result. */
  readonly Started: { PhysicalResourceId: string; Data: Record<string, string> };
  /** Epoch milliseconds after which the wait fails. */
  readonly Deadline: number;
  /** Number of this invocation in the wait (1: the one CloudFormation made). */
  readonly Invocation: number;
}

/** Most a wait between two StartIngestionJob attempts grows to. */
const CONFLICT_RETRY_MAX_MS = 30_000;

// Bounded requests: a stalled connection must not run the handler into its Lambda timeout (which would fail the
// deployment, or a rollback, without a clear reason).
const requestHandler = () => new NodeHttpHandler({
  connectionTimeout: envInt('KB_SYNC_CONNECT_TIMEOUT_MS', 3_000),
  requestTimeout: envInt('KB_SYNC_REQUEST_TIMEOUT_MS', 10_000),
  throwOnRequestTimeout: true,
});

let client: BedrockAgentClient | undefined;
const agent = () => (client ??= new BedrockAgentClient({ maxAttempts: 4, requestHandler: requestHandler() }));

let cfnClient: CloudFormationClient | undefined;
const cloudFormation = () => (cfnClient ??= new CloudFormationClient({ maxAttempts: 3, requestHandler: requestHandler() }));

/**
 * Whether this Update may be CloudFormation rolling back an update of this stack (so it restores the old properties).
 * Never throws. The rule: a request that may be a rollback never fails on what a rollback forgives, so when
 * DescribeStacks fails the answer is "maybe", treated as yes (the job is started but not waited for, and a failed
 * start is logged instead of failing the request).
 */
async function rollingBack(event: SyncEvent): Promise<boolean> {
  if (event.RequestType !== 'Update' || !event.StackId) return false;
  const answer = await stackRollbackStatus(cloudFormation(), event.StackId);
  if (answer.error === undefined) {
    logger.info('stack status', { stackId: event.StackId, status: answer.status });
  } else {
    const e = answer.error as Error;
    logger.warn('DescribeStacks failed; treating the Update as a possible rollback', { stackId: event.StackId, error: `${e?.name}: ${e?.message}` });
    return true;
  }
  return answer.rollingBack;
}

/** Statuses of the start step after which there is nothing to wait for. */
const NOTHING_TO_WAIT_FOR = ['ALREADY_RUNNING', 'STARTED_NOT_WAITED', 'NOT_STARTED', 'UNCHANGED'];

/** A whole number of seconds >= 1 from a property (CloudFormation sends numbers as strings), else the fallback. */
function seconds(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

/** Resolves `work`, or rejects with `message` after `ms` on the handler's clock. */
async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let cancel: () => void = () => undefined;
  const timeout = new Promise<never>((_, reject) => { cancel = clock().setTimer(ms, () => reject(new Error(message))); });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    cancel();
  }
}

/** One request, from CloudFormation or from a continuation: the start step and, in wait mode, the wait. */
async function run(event: SyncEvent & CustomResourceEvent, context: LambdaContextLike): Promise<Record<string, unknown> | typeof RESPONSE_DEFERRED> {
  if (event.CdkBedrockFoundationWait) return wait(event, event.CdkBedrockFoundationWait, context);
  const startMs = envInt('KB_SYNC_START_TIMEOUT_MS', 120_000, 1);
  const started = await within(onEvent(event), startMs, `The Knowledge Base sync's start step (StartIngestionJob) did not finish within `
    + `${Math.round(startMs / 1000)} s; retry the deployment (see the function's log).`) as { PhysicalResourceId: string; Data?: Record<string, string> };
  if (event.RequestType === 'Delete' || event.ResourceProperties.WaitForCompletion !== 'true') return started;
  const data = started.Data ?? {};
  if (NOTHING_TO_WAIT_FOR.includes(data.Status)) {
    logger.info('nothing to wait for', { status: data.Status, note: data.Note });
    return started;
  }
  const totalMs = seconds(event.ResourceProperties.TotalTimeoutSeconds, 30 * 60) * 1000;
  return wait(event, { Started: { PhysicalResourceId: started.PhysicalResourceId, Data: data }, Deadline: clock().now() + totalMs, Invocation: 1 }, context);
}

/** Polls the started job until it ends, the deadline passes, or this invocation must hand over to a fresh one. */
async function wait(event: SyncEvent & CustomResourceEvent, state: WaitState, context: LambdaContextLike): Promise<Record<string, unknown> | typeof RESPONSE_DEFERRED> {
  const intervalMs = seconds(event.ResourceProperties.QueryIntervalSeconds, 30) * 1000;
  const reserveMs = envInt('KB_SYNC_CONTINUE_RESERVE_MS', 90_000);
  const { KnowledgeBaseId: knowledgeBaseId } = event.ResourceProperties;
  const ingestionJobId = state.Started.Data.IngestionJobId;
  for (;;) {
    const poll = await isComplete({ ...event, Data: state.Started.Data });
    if (poll.IsComplete) return { PhysicalResourceId: state.Started.PhysicalResourceId, Data: poll.Data ?? state.Started.Data };
    if (clock().now() + intervalMs > state.Deadline) {
      const total = seconds(event.ResourceProperties.TotalTimeoutSeconds, 30 * 60);
      throw new Error(`Ingestion job ${ingestionJobId} of Knowledge Base ${knowledgeBaseId} did not complete within `
        + `syncOnDeploy.totalTimeout (${total} s); it may still be running (GetIngestionJob). Raise totalTimeout (at most 58 minutes), `
        + 'or set waitForCompletion: false to deploy without waiting for the ingestion.');
    }
    // Time this invocation can still wait before it must hand over (the reserve covers a poll and the hand-over). An
    // interval longer than an invocation holds is slept in parts, handing over in between.
    const room = (context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) - reserveMs;
    const remaining = room + reserveMs;
    if (room < Math.min(intervalMs, 60_000)) {
      const functionArn = context.invokedFunctionArn ?? envString('AWS_LAMBDA_FUNCTION_NAME');
      if (!functionArn) throw new Error('The wait cannot continue: the Lambda context names no function to invoke.');
      const next: WaitState = { ...state, Invocation: state.Invocation + 1 };
      try {
        await invokeAsync(functionArn, { ...event, CdkBedrockFoundationWait: next });
      } catch (e) {
        throw new Error(`Ingestion job ${ingestionJobId} is still running, and the wait could not continue in a new invocation of `
          + `${functionArn}: ${(e as Error).message}. Check that the function's role may invoke the function itself `
          + '(lambda:InvokeFunction, granted by the construct), then deploy again.');
      }
      logger.info('the wait continues in a new invocation of this function', { ingestionJobId, invocation: next.Invocation, remainingMs: remaining });
      return RESPONSE_DEFERRED;
    }
    await clock().sleep(Math.min(intervalMs, room));
  }
}

/** The Lambda handler: CloudFormation's request (or a continuation of the wait) in; the response PUT to its ResponseURL. */
export const handler = customResourceHandler<SyncEvent & CustomResourceEvent>((event, context) => run(event, context));

export async function onEvent(event: SyncEvent): Promise<Record<string, unknown>> {
  if (event.RequestType === 'Delete') {
    logger.info('delete: nothing to do (ingested vectors belong to the data source)');
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'none' };
  }
  const { KnowledgeBaseId: knowledgeBaseId, DataSourceId: dataSourceId } = event.ResourceProperties;
  if (!knowledgeBaseId || !dataSourceId) {
    throw new Error(`KnowledgeBaseId ('${knowledgeBaseId}') and DataSourceId ('${dataSourceId}') are required.`);
  }
  const physicalResourceId = `${knowledgeBaseId}/${dataSourceId}`;
  if (event.RequestType === 'Update' && event.OldResourceProperties && sameContent(event.OldResourceProperties, event.ResourceProperties)) {
    // Only settings of the resource itself changed (ServiceTimeout, FailOnDocumentFailures, the service token): the
    // data source and its content are as ingested, so no job is started.
    logger.info('update without a content change: no ingestion job started', { knowledgeBaseId, dataSourceId });
    return { PhysicalResourceId: physicalResourceId, Data: { IngestionJobId: '', Status: 'UNCHANGED' } };
  }
  const deadline = clock().now() + envInt('KB_SYNC_CONFLICT_WAIT_MS', 60_000);
  const backoff = { baseMs: envInt('KB_SYNC_RETRY_BASE_MS', 2_000), maxMs: CONFLICT_RETRY_MAX_MS, jitter: 'none' } as const;
  let attempt = 0;
  try {
    // Only a ConflictException (another job of the data source is running) is retried here; the SDK retries the rest.
    const job = await retryUntilDeadline({
      backoff,
      deadline,
      onRetry: (r) => logger.info('another ingestion job is running; retrying', { attempt: r.attempt, delayMs: r.delayMs }),
    }, async (n) => {
      attempt = n;
      try {
        const res = await agent().send(new StartIngestionJobCommand({
          knowledgeBaseId,
          dataSourceId,
          // Idempotent per CloudFormation request: a retried invocation does not start a second job.
          clientToken: event.RequestId && event.RequestId.length >= 33 ? event.RequestId : undefined,
          description: `cdk-bedrock-foundation sync on ${event.RequestType}`,
        }));
        return { done: true, value: res.ingestionJob };
      } catch (e) {
        if ((e as { name?: string }).name === 'ConflictException') return { done: false, reason: (e as Error).message, error: e };
        throw e;
      }
    });
    if (!job?.ingestionJobId) throw new Error('StartIngestionJob returned no ingestionJobId.');
    logger.info('ingestion job started', { knowledgeBaseId, dataSourceId, ingestionJobId: job.ingestionJobId, status: job.status });
    if (event.ResourceProperties.WaitForCompletion === 'true' && await rollingBack(event)) {
      // Do not make the rollback wait for (and depend on) the ingestion: it runs on in the background.
      logger.info('rollback in progress: not waiting for the ingestion job', { ingestionJobId: job.ingestionJobId });
      return {
        PhysicalResourceId: physicalResourceId,
        Data: {
          IngestionJobId: job.ingestionJobId,
          Status: 'STARTED_NOT_WAITED',
          Note: `Ingestion job ${job.ingestionJobId} was started during a stack rollback and is not waited for, so `
            + 'the rollback cannot fail on it; check its outcome with GetIngestionJob.',
        },
      };
    }
    return {
      PhysicalResourceId: physicalResourceId,
      Data: { IngestionJobId: job.ingestionJobId, Status: job.status ?? '' },
    };
  } catch (caught) {
    // Retries of a ConflictException ran out of time: go on with the last ConflictException.
    const e = caught instanceof RetriesExhausted ? caught.lastError : caught;
    const name = (e as { name?: string }).name;
    const rollback = await rollingBack(event);
    if (name === 'ConflictException' && rollback) {
      // Never block a rollback on a job that is already running: it ingests the data source as it is now.
      const note = `Another ingestion job of data source ${dataSourceId} (Knowledge Base ${knowledgeBaseId}) was `
        + `still running after ${attempt} attempts during the stack's rollback; no new job was started, and the rollback `
        + 'continues. Once the stack is stable, start a job if the content changed (StartIngestionJob, or change '
        + 'syncOnDeploy.contentHash).';
      logger.warn('sync skipped during a rollback: an ingestion job is already running', {
        knowledgeBaseId, dataSourceId, requestType: event.RequestType, attempts: attempt, error: (e as Error).message,
      });
      return {
        PhysicalResourceId: physicalResourceId,
        Data: { IngestionJobId: '', Status: 'ALREADY_RUNNING', Note: note },
      };
    }
    if (rollback) {
      logger.warn('StartIngestionJob failed during a stack rollback; not failing the rollback', {
        knowledgeBaseId, dataSourceId, error: `${name}: ${(e as Error).message}`,
      });
      return {
        PhysicalResourceId: physicalResourceId,
        Data: {
          IngestionJobId: '',
          Status: 'NOT_STARTED',
          Note: `StartIngestionJob failed during a stack rollback (${name}: ${(e as Error).message.slice(0, 500)}); `
            + 'the rollback continues. Start a job once the stack is stable.',
        },
      };
    }
    if (name === 'ConflictException') {
      throw new Error(`Another ingestion job of data source ${dataSourceId} (Knowledge Base ${knowledgeBaseId}) was still `
        + `running after ${attempt} attempts, so this deployment could not start one for its content. Wait until that job `
        + 'has finished (GetIngestionJob, or the Bedrock console), then deploy again. '
        + `(${(e as Error).message})`);
    }
    throw e;
  }
}

/** Whether two property sets describe the same data source and content (what an ingestion job would read). */
function sameContent(a: SyncProps, b: SyncProps): boolean {
  return a.KnowledgeBaseId === b.KnowledgeBaseId && a.DataSourceId === b.DataSourceId
    && (a.ContentHash ?? '') === (b.ContentHash ?? '') && JSON.stringify(a.ContentObjectKeys ?? []) === JSON.stringify(b.ContentObjectKeys ?? [])
    && (a.WaitForCompletion ?? 'false') === (b.WaitForCompletion ?? 'false');
}

/** Errors of GetIngestionJob worth polling again: throttling, 5xx, network and timeouts (the SDK's retries ran out). */
function isTransient(e: unknown): boolean {
  const err = e as { $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined) return status === 429 || status >= 500;
  // No HTTP status: the request never got an answer (network error, connection or request timeout).
  return true;
}

export async function isComplete(event: SyncEvent): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  if (event.Data?.Status && ['ALREADY_RUNNING', 'STARTED_NOT_WAITED', 'NOT_STARTED', 'UNCHANGED'].includes(event.Data.Status)) {
    logger.info('nothing to wait for', { status: event.Data.Status, note: event.Data.Note });
    return { IsComplete: true, Data: event.Data };
  }
  const { KnowledgeBaseId: knowledgeBaseId, DataSourceId: dataSourceId } = event.ResourceProperties;
  const ingestionJobId = event.Data?.IngestionJobId;
  if (!ingestionJobId) throw new Error('isComplete: the onEvent result carries no IngestionJobId.');
  let res;
  try {
    res = await agent().send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId }));
  } catch (e) {
    // The wait polls again after queryInterval, until its totalTimeout (inside the ServiceTimeout): a transient error
    // must not fail the deployment at once.
    if (!isTransient(e)) throw e;
    logger.warn('GetIngestionJob failed transiently; polling again', { ingestionJobId, error: `${(e as Error).name}: ${(e as Error).message}` });
    return { IsComplete: false };
  }
  const job = res.ingestionJob;
  const status = job?.status ?? 'UNKNOWN';
  const stats = job?.statistics ?? {};
  logger.info('ingestion job status', { ingestionJobId, status, statistics: stats });
  if (status === 'COMPLETE') {
    const failed = stats.numberOfDocumentsFailed ?? 0;
    const data: Record<string, string> = {
      IngestionJobId: ingestionJobId,
      Status: status,
      DocumentsScanned: String(stats.numberOfDocumentsScanned ?? 0),
      DocumentsIndexed: String((stats.numberOfNewDocumentsIndexed ?? 0) + (stats.numberOfModifiedDocumentsIndexed ?? 0)),
      DocumentsFailed: String(failed),
    };
    if (failed > 0) {
      const reasons = (job?.failureReasons ?? []).slice(0, 3).map((r) => r.slice(0, 300));
      const message = `Ingestion job ${ingestionJobId} of Knowledge Base ${knowledgeBaseId} completed, but ${failed} of `
        + `${stats.numberOfDocumentsScanned ?? '?'} scanned document(s) failed${reasons.length ? `; first reasons: ${reasons.join('; ')}` : ''}. `
        + 'Fix or remove those documents and sync again (GetIngestionJob lists the reasons).';
      if (event.ResourceProperties.FailOnDocumentFailures === 'true') {
        throw new Error(`${message} (syncOnDeploy.failOnDocumentFailures is set, so the deployment fails.)`);
      }
      logger.warn('ingestion completed with failed documents', { ingestionJobId, failed, reasons });
      data.Warning = message.slice(0, 1000);
    }
    return { IsComplete: true, Data: data };
  }
  if (status === 'FAILED' || status === 'STOPPED') {
    const reasons = (job?.failureReasons ?? []).join('; ') || 'no reason given';
    throw new Error(`Ingestion job ${ingestionJobId} of Knowledge Base ${knowledgeBaseId} ended ${status}: ${reasons}`);
  }
  return { IsComplete: false };
}
