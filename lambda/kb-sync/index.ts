/**
 * Custom resource handler that starts a Bedrock Knowledge Base ingestion job on deployment.
 *
 * One bundle, two roles (env HANDLER_KIND):
 * - `onEvent` (cr.Provider onEventHandler): Create/Update start an ingestion job of the data source and return its ID;
 *   Delete does nothing (and never fails). When another job of the data source is still running, StartIngestionJob
 *   answers ConflictException; the handler retries with bounded backoff (KB_SYNC_CONFLICT_WAIT_MS) before failing with
 *   a message that says so.
 * - `isComplete` (cr.Provider isCompleteHandler, only for waitForCompletion): polls GetIngestionJob; COMPLETE ends
 *   the wait, FAILED/STOPPED fail the deployment with the job's failure reasons. The provider's totalTimeout bounds
 *   the whole wait.
 */
import { BedrockAgentClient, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';

interface SyncProps {
  readonly KnowledgeBaseId: string;
  readonly DataSourceId: string;
  readonly WaitForCompletion?: string;
  readonly ContentHash?: string;
}

interface SyncEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly RequestId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: SyncProps;
  /** isComplete only: what onEvent returned. */
  readonly Data?: Record<string, string>;
}

const envMs = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
};

let client: BedrockAgentClient | undefined;
const agent = () => (client ??= new BedrockAgentClient({ maxAttempts: 4 }));

const log = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ msg, ...extra }));

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
      if (name === 'ConflictException') {
        throw new Error(`Could not start an ingestion job for data source ${dataSourceId} of Knowledge Base `
          + `${knowledgeBaseId}: another ingestion job is still running after ${attempt} attempts. Redeploy once it `
          + `has finished, or start a job yourself. (${(e as Error).message})`);
      }
      throw e;
    }
  }
}

async function isComplete(event: SyncEvent): Promise<Record<string, unknown>> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
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
