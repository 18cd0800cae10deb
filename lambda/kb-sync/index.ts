/**
 * Custom resource handler that starts a Bedrock Knowledge Base ingestion job on deployment.
 *
 * One bundle, two roles (env HANDLER_KIND):
 * - `onEvent` (cr.Provider onEventHandler): Create/Update start an ingestion job of the data source and return its ID;
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
 *   DescribeStacks fails, the handler behaves as outside a rollback.
 * - `isComplete` (cr.Provider isCompleteHandler, only for waitForCompletion): polls GetIngestionJob; COMPLETE ends
 *   the wait, FAILED/STOPPED fail the deployment with the job's failure reasons. The provider's totalTimeout bounds
 *   the whole wait. When onEvent started no job (ALREADY_RUNNING) there is nothing to wait for: complete at once.
 */
import { BedrockAgentClient, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { stackRollbackStatus } from '../shared/stack-status';

interface SyncProps {
  readonly KnowledgeBaseId: string;
  readonly DataSourceId: string;
  readonly WaitForCompletion?: string;
  readonly ContentHash?: string;
}

interface SyncEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId?: string;
  readonly StackId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: SyncProps;
  /** isComplete only: what onEvent returned. */
  readonly Data?: Record<string, string>;
}

const envMs = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
};

// Bounded requests: a stalled connection must not run the handler into its Lambda timeout (which would fail the
// deployment, or a rollback, without a clear reason).
const requestHandler = () => new NodeHttpHandler({
  connectionTimeout: envMs('KB_SYNC_CONNECT_TIMEOUT_MS', 3_000),
  requestTimeout: envMs('KB_SYNC_REQUEST_TIMEOUT_MS', 10_000),
  throwOnRequestTimeout: true,
});

let client: BedrockAgentClient | undefined;
const agent = () => (client ??= new BedrockAgentClient({ maxAttempts: 4, requestHandler: requestHandler() }));

const log = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ msg, ...extra }));

let cfnClient: CloudFormationClient | undefined;
const cloudFormation = () => (cfnClient ??= new CloudFormationClient({ maxAttempts: 3, requestHandler: requestHandler() }));

/**
 * Whether CloudFormation is rolling back an update of this stack (so this Update restores the old properties).
 * Never throws: when DescribeStacks fails the answer is "no" and the handler behaves as outside a rollback.
 */
async function rollingBack(event: SyncEvent): Promise<boolean> {
  if (event.RequestType !== 'Update' || !event.StackId) return false;
  const answer = await stackRollbackStatus(cloudFormation(), event.StackId);
  if (answer.error === undefined) {
    log('stack status', { stackId: event.StackId, status: answer.status });
  } else {
    const e = answer.error as Error;
    log('DescribeStacks failed; treating the Update as a normal update', { stackId: event.StackId, error: `${e?.name}: ${e?.message}` });
  }
  return answer.rollingBack;
}

export async function handler(event: SyncEvent): Promise<Record<string, unknown>> {
  return process.env.HANDLER_KIND === 'isComplete' ? isComplete(event) : onEvent(event);
}

async function onEvent(event: SyncEvent): Promise<Record<string, unknown>> {
  if (event.RequestType === 'Delete') {
    log('delete: nothing to do (ingested vectors belong to the data source)');
    return { PhysicalResourceId: event.PhysicalResourceId ?? 'none' };
  }
  const { KnowledgeBaseId: knowledgeBaseId, DataSourceId: dataSourceId } = event.ResourceProperties;
  if (!knowledgeBaseId || !dataSourceId) {
    throw new Error(`KnowledgeBaseId ('${knowledgeBaseId}') and DataSourceId ('${dataSourceId}') are required.`);
  }
  const physicalResourceId = `${knowledgeBaseId}/${dataSourceId}`;
  const deadline = Date.now() + envMs('KB_SYNC_CONFLICT_WAIT_MS', 60_000);
  let delay = envMs('KB_SYNC_RETRY_BASE_MS', 2_000);
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await agent().send(new StartIngestionJobCommand({
        knowledgeBaseId,
        dataSourceId,
        // Idempotent per CloudFormation request: a retried invocation does not start a second job.
        clientToken: event.RequestId && event.RequestId.length >= 33 ? event.RequestId : undefined,
        description: `cdk-bedrock-foundation sync on ${event.RequestType}`,
      }));
      const job = res.ingestionJob;
      if (!job?.ingestionJobId) throw new Error('StartIngestionJob returned no ingestionJobId.');
      log('ingestion job started', { knowledgeBaseId, dataSourceId, ingestionJobId: job.ingestionJobId, status: job.status });
      if (event.ResourceProperties.WaitForCompletion === 'true' && await rollingBack(event)) {
        // Do not make the rollback wait for (and depend on) the ingestion: it runs on in the background.
        log('rollback in progress: not waiting for the ingestion job', { ingestionJobId: job.ingestionJobId });
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
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'ConflictException' && Date.now() + delay <= deadline) {
        log('another ingestion job is running; retrying', { attempt, delayMs: delay });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
        continue;
      }
      const rollback = await rollingBack(event);
      if (name === 'ConflictException' && rollback) {
        // Never block a rollback on a job that is already running: it ingests the data source as it is now.
        const note = `Another ingestion job of data source ${dataSourceId} (Knowledge Base ${knowledgeBaseId}) was `
          + `still running after ${attempt} attempts during the stack's rollback; no new job was started, and the rollback `
          + 'continues. Once the stack is stable, start a job if the content changed (StartIngestionJob, or change '
          + 'syncOnDeploy.contentHash).';
        log('sync skipped during a rollback: an ingestion job is already running', {
          knowledgeBaseId, dataSourceId, requestType: event.RequestType, attempts: attempt, error: (e as Error).message,
        });
        return {
          PhysicalResourceId: physicalResourceId,
          Data: { IngestionJobId: '', Status: 'ALREADY_RUNNING', Note: note },
        };
      }
      if (rollback) {
        log('StartIngestionJob failed during a stack rollback; not failing the rollback', {
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
}

async function isComplete(event: SyncEvent): Promise<Record<string, unknown>> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  if (event.Data?.Status && ['ALREADY_RUNNING', 'STARTED_NOT_WAITED', 'NOT_STARTED'].includes(event.Data.Status)) {
    log('nothing to wait for', { status: event.Data.Status, note: event.Data.Note });
    return { IsComplete: true, Data: event.Data };
  }
  const { KnowledgeBaseId: knowledgeBaseId, DataSourceId: dataSourceId } = event.ResourceProperties;
  const ingestionJobId = event.Data?.IngestionJobId;
  if (!ingestionJobId) throw new Error('isComplete: the onEvent result carries no IngestionJobId.');
  const res = await agent().send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId }));
  const job = res.ingestionJob;
  const status = job?.status ?? 'UNKNOWN';
  const stats = job?.statistics ?? {};
  log('ingestion job status', { ingestionJobId, status, statistics: stats });
  if (status === 'COMPLETE') {
    return {
      IsComplete: true,
      Data: {
        IngestionJobId: ingestionJobId,
        Status: status,
        DocumentsScanned: String(stats.numberOfDocumentsScanned ?? 0),
        DocumentsIndexed: String((stats.numberOfNewDocumentsIndexed ?? 0) + (stats.numberOfModifiedDocumentsIndexed ?? 0)),
        DocumentsFailed: String(stats.numberOfDocumentsFailed ?? 0),
      },
    };
  }
  if (status === 'FAILED' || status === 'STOPPED') {
    const reasons = (job?.failureReasons ?? []).join('; ') || 'no reason given';
    throw new Error(`Ingestion job ${ingestionJobId} of Knowledge Base ${knowledgeBaseId} ended ${status}: ${reasons}`);
  }
  return { IsComplete: false };
}
