/**
 * Model invocation logging: the handler of the `ModelInvocationLogging` custom resource, whose ServiceToken is this
 * function. `onEvent` receives the CloudFormation event and returns `{ PhysicalResourceId, Data }`, or throws to fail
 * the resource; `handler` (lambda/shared/cfn-response.ts) answers CloudFormation with the outcome.
 *
 * Bedrock keeps ONE model invocation logging configuration per account and Region (GET/PUT/DELETE
 * /logging/modelinvocations; shapes from @aws-sdk/client-bedrock 3.1161.0). This resource must not wipe a
 * configuration that was there before it, nor one that a later resource put. So the handler keeps a small ledger in an
 * SSM String parameter (one per account and Region, like the setting itself; env LOGGING_STATE_PARAMETER):
 *
 *   { version: 1, entries: [ { id, applied, previous, ... }, ... ] }   (oldest first; the last entry is the "head")
 *
 * Each entry is one resource (its PhysicalResourceId): `applied` is the configuration it put, `previous` the one that
 * was in force when it took over (null: none). CloudFormation sends Delete with the resource's properties only (no
 * Data), and a physical ID (1 KB) cannot hold a configuration, so the ledger is where Delete finds what to restore.
 *
 * - Create: read the configuration in force (GetModelInvocationLoggingConfiguration), append an entry with it as
 *   `previous` (written BEFORE the Put, so no crash can leave our setting without a record), then Put. When the Put
 *   fails, the entry is removed and, if the setting changed anyway (an answer lost after the call took effect), the
 *   previous configuration is put back; then the Create fails. (After a failed Create, lambda/shared/cfn-response.ts
 *   answers CloudFormation's Delete itself, so the Create must clean up after itself.)
 * - Update: Put the new configuration; the entry's `applied` follows. A failed Put reverts the entry, so the rollback
 *   Update (old properties) puts the old configuration back. An Update of a resource that is no longer the head (a
 *   later resource took over) takes the setting back and records what it replaces.
 * - Delete (never fails): if the entry is the head and the configuration in force is still the one it put, restore
 *   `previous` (Put it, or DeleteModelInvocationLoggingConfiguration when it was none); if the configuration was
 *   changed by someone else since, leave it. If the entry is not the head (a replacement: the new resource was created
 *   before the old one is deleted), leave the setting alone and hand the old entry's `previous` to the entry above
 *   it, so the last one deleted restores what was there before either. Errors are logged (with the configuration to
 *   restore by hand) and the Delete succeeds.
 *
 * Bounded time: every call is retried on throttling and transient errors with capped equal-jitter backoff, at most
 * LOGGING_MAX_ATTEMPTS attempts, and never past a deadline derived from the Lambda's remaining time. A Put that Bedrock
 * rejects with "Failed to validate permissions" (the role or bucket policy just created is not visible yet: IAM is
 * eventually consistent) is retried for up to LOGGING_PERMISSION_RETRY_MS.
 */
import { createHash } from 'node:crypto';
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
  type LoggingConfig,
} from '@aws-sdk/client-bedrock';
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { customResourceHandler, type CustomResourceEvent } from '../shared/cfn-response';

export { setClock } from '../shared/clock';

export interface InvocationLoggingEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: { readonly LoggingConfig?: unknown; readonly ServiceToken?: string };
  readonly OldResourceProperties?: { readonly LoggingConfig?: unknown };
  readonly PhysicalResourceId?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
}

export interface InvocationLoggingResult {
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, string>;
}

interface LambdaContextLike { getRemainingTimeInMillis?: () => number }

/** One resource's record in the ledger. */
export interface LedgerEntry {
  /** PhysicalResourceId of the resource. */
  readonly id: string;
  /** The configuration this resource put. */
  applied: LoggingConfig;
  /** The configuration in force when it took over (null: none). */
  previous: LoggingConfig | null;
  readonly stackId?: string;
  readonly logicalResourceId?: string;
  updatedAt: string;
}

export interface Ledger { version: 1; entries: LedgerEntry[] }

export const DEFAULT_STATE_PARAMETER = '/cdk-bedrock-foundation/model-invocation-logging/state';
const FLAGS = ['textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled', 'videoDataDeliveryEnabled',
  'audioDataDeliveryEnabled'] as const;

interface Settings {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly permissionRetryMs: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly deadlineMs: number;
  readonly safetyMarginMs: number;
  readonly stateParameter: string;
}

function intEnv(name: string, dflt: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  return Number.isFinite(n) && n >= min ? Math.floor(n) : dflt;
}

function settings(): Settings {
  return {
    maxAttempts: intEnv('LOGGING_MAX_ATTEMPTS', 6, 1),
    backoffBaseMs: intEnv('LOGGING_BACKOFF_BASE_MS', 500, 0),
    backoffMaxMs: intEnv('LOGGING_BACKOFF_MAX_MS', 8000, 0),
    permissionRetryMs: intEnv('LOGGING_PERMISSION_RETRY_MS', 60000, 0),
    connectTimeoutMs: intEnv('LOGGING_CONNECT_TIMEOUT_MS', 3000, 1),
    requestTimeoutMs: intEnv('LOGGING_REQUEST_TIMEOUT_MS', 10000, 1),
    deadlineMs: intEnv('LOGGING_DEADLINE_MS', 150000, 1),
    safetyMarginMs: intEnv('LOGGING_SAFETY_MARGIN_MS', 10000, 0),
    stateParameter: process.env.LOGGING_STATE_PARAMETER || DEFAULT_STATE_PARAMETER,
  };
}

function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') console.error(line);
  else if (level === 'WARN') console.warn(line);
  else console.log(line);
}

/**
 * The delay before retry `attempt` (1-based): uniformly between half the cap and the cap, the cap being
 * `backoffBaseMs * 2^(attempt-1)` bounded by `backoffMaxMs` ("equal jitter": retries stay spaced).
 */
export function retryDelayMs(s: Pick<Settings, 'backoffBaseMs' | 'backoffMaxMs'>, attempt: number, random = Math.random): number {
  const cap = Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** (attempt - 1));
  return Math.floor(cap / 2 + random() * (cap / 2));
}

interface ErrorSummary { name: string; message: string; status?: number }

function summary(error: unknown): ErrorSummary {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    status: e?.$metadata?.httpStatusCode,
  };
}

function describe(error: unknown): string {
  const e = summary(error);
  return `${e.name}: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`;
}

type ErrorKind = 'throttling' | 'transient' | 'permission' | 'final';

function classify(error: unknown): ErrorKind {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const name = e?.name ?? '';
  const status = e?.$metadata?.httpStatusCode;
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException' || name === 'ThrottledException'
    || status === 429 || e?.$retryable?.throttling) return 'throttling';
  if (name === 'ValidationException' && /failed to validate permissions/i.test(e?.message ?? '')) return 'permission';
  if ((status !== undefined && status >= 500) || name === 'InternalServerException' || name === 'ServiceUnavailableException'
    || name === 'InternalServerError' || name === 'TimeoutError' || name === 'RequestTimeout'
    || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(e?.code ?? '')
    || /socket hang up|timed? ?out/i.test(e?.message ?? '')) return 'transient';
  return 'final';
}

class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** Clients, settings and the deadline of one invocation. */
class Run {
  public readonly bedrock: BedrockClient;
  public readonly ssm: SSMClient;
  constructor(public readonly s: Settings, public readonly region: string, public readonly deadline: number) {
    const common = () => ({
      region,
      maxAttempts: 1, // retries are ours (bounded, deadline-aware)
      requestHandler: new NodeHttpHandler({
        connectionTimeout: s.connectTimeoutMs,
        requestTimeout: s.requestTimeoutMs,
        throwOnRequestTimeout: true,
      }),
    });
    this.bedrock = new BedrockClient(common());
    this.ssm = new SSMClient(common());
  }

  public remaining(): number {
    return this.deadline - Date.now();
  }

  /** Runs `fn`, retrying throttling / transient errors (and, with `permissionRetry`, permission propagation). */
  public async call<T>(what: string, fn: () => Promise<T>, options: { permissionRetry?: boolean } = {}): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      if (this.remaining() <= 0) throw new DeadlineError(`${what}: no time left before the handler's deadline`);
      try {
        return await fn();
      } catch (error) {
        const kind = classify(error);
        const retryable = kind === 'throttling' || kind === 'transient'
          ? attempt < this.s.maxAttempts
          : kind === 'permission' && options.permissionRetry === true && Date.now() - started < this.s.permissionRetryMs;
        const delay = retryDelayMs(this.s, Math.min(attempt, 30));
        if (!retryable || delay >= this.remaining()) {
          if (error && typeof error === 'object') Object.assign(error, { attempts: attempt });
          throw error;
        }
        log('WARN', `${what} failed; retrying`, { attempt, kind, delayMs: delay, error: summary(error) });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  public destroy(): void {
    this.bedrock.destroy();
    this.ssm.destroy();
  }
}

function attemptsOf(error: unknown): number | undefined {
  return (error as { attempts?: number } | undefined)?.attempts;
}

// ---------------------------------------------------------------------------------------------------------------
// Configurations

function asBool(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

function s3ConfigOf(v: unknown, where: string): { bucketName: string; keyPrefix?: string } | undefined {
  if (v === undefined || v === null) return undefined;
  const o = v as { bucketName?: unknown; keyPrefix?: unknown };
  if (typeof o !== 'object' || typeof o.bucketName !== 'string' || o.bucketName === '') {
    throw new Error(`${where}.bucketName is missing; the ModelInvocationLogging construct always sets it (was the resource edited by hand?).`);
  }
  return { bucketName: o.bucketName, ...(typeof o.keyPrefix === 'string' && o.keyPrefix !== '' ? { keyPrefix: o.keyPrefix } : {}) };
}

/**
 * The configuration the resource asks for (ResourceProperties.LoggingConfig; CloudFormation passes booleans as
 * strings). Throws when it has no destination.
 */
export function desiredConfig(raw: unknown): LoggingConfig {
  const c = (raw ?? {}) as Record<string, unknown>;
  const out: LoggingConfig = {};
  const cw = c.cloudWatchConfig as Record<string, unknown> | undefined;
  if (cw !== undefined && cw !== null) {
    if (typeof cw.logGroupName !== 'string' || !cw.logGroupName || typeof cw.roleArn !== 'string' || !cw.roleArn) {
      throw new Error('LoggingConfig.cloudWatchConfig needs logGroupName and roleArn; the ModelInvocationLogging construct always sets both.');
    }
    const large = s3ConfigOf(cw.largeDataDeliveryS3Config, 'LoggingConfig.cloudWatchConfig.largeDataDeliveryS3Config');
    out.cloudWatchConfig = { logGroupName: cw.logGroupName, roleArn: cw.roleArn, ...(large ? { largeDataDeliveryS3Config: large } : {}) };
  }
  const s3 = s3ConfigOf(c.s3Config, 'LoggingConfig.s3Config');
  if (s3) out.s3Config = s3;
  if (!out.cloudWatchConfig && !out.s3Config) {
    throw new Error('LoggingConfig has neither cloudWatchConfig nor s3Config; model invocation logging needs at least one destination.');
  }
  for (const f of FLAGS) {
    const b = asBool(c[f]);
    if (b !== undefined) out[f] = b;
  }
  return out;
}

/**
 * A configuration as Get returned it (a copy), or null when logging is off. A configuration without any destination
 * logs nowhere, so it counts as none (restoring it means deleting the configuration).
 */
function cleanConfig(c: LoggingConfig | undefined | null): LoggingConfig | null {
  if (!c || (!c.cloudWatchConfig && !c.s3Config)) return null;
  return JSON.parse(JSON.stringify(c)) as LoggingConfig;
}

function destinationKey(c: LoggingConfig): string {
  const s3 = (x?: { bucketName?: string; keyPrefix?: string }) => (x ? [x.bucketName ?? '', x.keyPrefix ?? ''] : null);
  return JSON.stringify([
    c.cloudWatchConfig ? [c.cloudWatchConfig.logGroupName ?? '', c.cloudWatchConfig.roleArn ?? '', s3(c.cloudWatchConfig.largeDataDeliveryS3Config)] : null,
    s3(c.s3Config),
  ]);
}

/**
 * Whether `current` (as Bedrock reports it) is the configuration `recorded` describes: the same destinations, and each
 * data-type switch that `recorded` sets has the same value (a switch Bedrock leaves out counts as false).
 */
export function sameConfig(current: LoggingConfig | null | undefined, recorded: LoggingConfig | null | undefined): boolean {
  if (!current || !recorded) return !current && !recorded;
  if (destinationKey(current) !== destinationKey(recorded)) return false;
  return FLAGS.every((f) => recorded[f] === undefined || (current[f] ?? false) === recorded[f]);
}

// ---------------------------------------------------------------------------------------------------------------
// Bedrock and the ledger

async function getConfig(run: Run): Promise<LoggingConfig | null> {
  const out = await run.call('GetModelInvocationLoggingConfiguration',
    () => run.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({})));
  return cleanConfig(out.loggingConfig);
}

async function putConfig(run: Run, config: LoggingConfig): Promise<void> {
  await run.call('PutModelInvocationLoggingConfiguration',
    () => run.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: config })), { permissionRetry: true });
}

async function deleteConfig(run: Run): Promise<void> {
  await run.call('DeleteModelInvocationLoggingConfiguration',
    () => run.bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({})));
}

/** Sets the configuration to `config`, or deletes it when null. */
async function restore(run: Run, config: LoggingConfig | null): Promise<void> {
  if (config) await putConfig(run, config);
  else await deleteConfig(run);
}

async function readLedger(run: Run): Promise<Ledger> {
  let value: string | undefined;
  try {
    const out = await run.call('ssm:GetParameter', () => run.ssm.send(new GetParameterCommand({ Name: run.s.stateParameter })));
    value = out.Parameter?.Value;
  } catch (error) {
    if (summary(error).name === 'ParameterNotFound') return { version: 1, entries: [] };
    throw error;
  }
  if (!value) return { version: 1, entries: [] };
  let parsed: Ledger | undefined;
  try {
    parsed = JSON.parse(value) as Ledger;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.version !== 1 || !Array.isArray(parsed.entries)) {
    throw new Error(`the ledger in SSM parameter ${run.s.stateParameter} is not one this handler wrote (not JSON, or an unknown version). `
      + 'If it was edited by hand, put the earlier value back (the parameter keeps its versions); if nothing else uses it, delete it '
      + `(aws ssm delete-parameter --name ${run.s.stateParameter}) and lose its records of earlier configurations`);
  }
  return parsed;
}

async function writeLedger(run: Run, ledger: Ledger): Promise<void> {
  if (ledger.entries.length === 0) {
    try {
      await run.call('ssm:DeleteParameter', () => run.ssm.send(new DeleteParameterCommand({ Name: run.s.stateParameter })));
    } catch (error) {
      if (summary(error).name !== 'ParameterNotFound') throw error;
    }
    return;
  }
  await run.call('ssm:PutParameter', () => run.ssm.send(new PutParameterCommand({
    Name: run.s.stateParameter,
    Value: JSON.stringify(ledger),
    Type: 'String',
    Overwrite: true,
    // Standard (4 KB) while it fits; Advanced only when a long chain of records needs it.
    Tier: 'Intelligent-Tiering',
    Description: 'cdk-bedrock-foundation ModelInvocationLogging: the configurations to restore on Delete (do not edit)',
  })));
}

/** Removes entry `i`; when it is not the head, the entry above inherits what it would have restored. */
function unlink(ledger: Ledger, i: number): void {
  const entry = ledger.entries[i];
  const above = ledger.entries[i + 1];
  if (above && sameConfig(above.previous, entry.applied)) above.previous = entry.previous;
  ledger.entries.splice(i, 1);
}

function physicalIdFor(event: InvocationLoggingEvent, region: string): string {
  const h = createHash('sha256').update(`${event.StackId ?? ''}|${event.LogicalResourceId ?? ''}|${event.RequestId ?? ''}`).digest('hex').slice(0, 16);
  return `bedrock-invocation-logging-${region}-${h}`;
}

function describeConfig(c: LoggingConfig | null): string {
  if (!c) return 'none (logging off)';
  const parts: string[] = [];
  if (c.cloudWatchConfig) parts.push(`CloudWatch Logs ${c.cloudWatchConfig.logGroupName}`);
  if (c.s3Config) parts.push(`S3 s3://${c.s3Config.bucketName}/${c.s3Config.keyPrefix ?? ''}`);
  return parts.join(' and ') || JSON.stringify(c);
}

function manualRestore(region: string, c: LoggingConfig | null): string {
  return c
    ? `aws bedrock put-model-invocation-logging-configuration --region ${region} --logging-config '${JSON.stringify(c)}'`
    : `aws bedrock delete-model-invocation-logging-configuration --region ${region}`;
}

function putFailureHelp(error: unknown, config: LoggingConfig): string {
  const e = summary(error);
  const hints: string[] = [];
  if (e.name === 'ValidationException' && /permissions/i.test(e.message)) {
    if (config.cloudWatchConfig) {
      hints.push(`the role ${config.cloudWatchConfig.roleArn} must trust bedrock.amazonaws.com (aws:SourceAccount this account, aws:SourceArn `
        + `arn:<partition>:bedrock:<region>:<account>:*) and allow logs:CreateLogStream and logs:PutLogEvents on log-group:`
        + `${config.cloudWatchConfig.logGroupName}:log-stream:aws/bedrock/modelinvocations`);
    }
    const buckets = [config.s3Config?.bucketName, config.cloudWatchConfig?.largeDataDeliveryS3Config?.bucketName].filter(Boolean);
    if (buckets.length) hints.push(`the bucket policy of ${[...new Set(buckets)].join(', ')} must allow bedrock.amazonaws.com s3:PutObject (see docs/invocation-logging.md)`);
    hints.push('a role, log group or bucket passed in from outside the stack must be in this account and Region');
  } else if (e.name === 'AccessDeniedException' || e.status === 403) {
    hints.push('the handler\'s role was denied; an SCP or permissions boundary may deny bedrock:PutModelInvocationLoggingConfiguration or iam:PassRole to it');
  } else if (classify(error) !== 'final' || error instanceof DeadlineError) {
    hints.push('Bedrock kept failing or throttling; retry the deployment (see the AWS Health Dashboard if it persists)');
  }
  return hints.length ? ` Check: ${hints.join('; ')}.` : '';
}

// ---------------------------------------------------------------------------------------------------------------
// Events

async function onCreate(event: InvocationLoggingEvent, run: Run): Promise<InvocationLoggingResult> {
  const desired = desiredConfig(event.ResourceProperties.LoggingConfig);
  const id = physicalIdFor(event, run.region);
  const current = await getConfig(run);
  const ledger = await readLedger(run);
  // A repeated Create of the same request (same physical ID) keeps what the first attempt recorded: the configuration
  // in force now may already be the one that attempt put.
  const repeated = ledger.entries.find((e) => e.id === id);
  const entry: LedgerEntry = {
    id, applied: desired, previous: repeated ? repeated.previous : current, stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId, updatedAt: new Date().toISOString(),
  };
  ledger.entries = ledger.entries.filter((e) => e.id !== id);
  ledger.entries.push(entry);
  await writeLedger(run, ledger);
  log('INFO', 'recorded the configuration in force before this resource', { id, previous: entry.previous });
  try {
    await putConfig(run, desired);
  } catch (error) {
    const undo = await undoFailedPut(run, id, desired, entry.previous);
    const attempts = attemptsOf(error);
    throw new Error(`ModelInvocationLogging: Bedrock did not accept the model invocation logging configuration in ${run.region} `
      + `(PutModelInvocationLoggingConfiguration: ${describe(error)}${attempts && attempts > 1 ? ` after ${attempts} attempts` : ''}). ${undo}`
      + putFailureHelp(error, desired));
  }
  log('INFO', 'model invocation logging configured', { id, applied: desired });
  return { PhysicalResourceId: id, Data: { Region: run.region, PreviousConfiguration: entry.previous ? 'recorded' : 'none' } };
}

/**
 * After a failed Put: takes this resource's record out of the ledger and, if the configuration in force is the one
 * the failed call tried to set (the call took effect but its answer was lost), puts the earlier one back.
 * Returns a sentence for the error message. Never throws.
 */
async function undoFailedPut(run: Run, id: string, attempted: LoggingConfig, earlier: LoggingConfig | null): Promise<string> {
  let sentence = `The configuration in force was left as it was: ${describeConfig(earlier)}.`;
  try {
    const now = await getConfig(run);
    if (!sameConfig(now, earlier) && sameConfig(now, attempted)) {
      await restore(run, earlier);
      sentence = `The call took effect anyway, so the earlier configuration was put back: ${describeConfig(earlier)}.`;
    }
  } catch (error) {
    log('ERROR', 'could not verify or restore the configuration after the failed Put', { error: summary(error), restoreWith: manualRestore(run.region, earlier) });
    sentence = `Whether the earlier configuration (${describeConfig(earlier)}) is still in force could not be checked (${describe(error)}); `
      + `if not, restore it with: ${manualRestore(run.region, earlier)}.`;
  }
  try {
    const ledger = await readLedger(run);
    const i = ledger.entries.findIndex((e) => e.id === id);
    if (i >= 0) {
      ledger.entries.splice(i, 1);
      await writeLedger(run, ledger);
    }
  } catch (error) {
    log('ERROR', 'could not remove the failed resource\'s record from the ledger', { id, error: summary(error), parameter: run.s.stateParameter });
  }
  return sentence;
}

async function onUpdate(event: InvocationLoggingEvent, run: Run): Promise<InvocationLoggingResult> {
  const desired = desiredConfig(event.ResourceProperties.LoggingConfig);
  const id = event.PhysicalResourceId ?? physicalIdFor(event, run.region);
  const ledger = await readLedger(run);
  const i = ledger.entries.findIndex((e) => e.id === id);
  const isHead = i >= 0 && i === ledger.entries.length - 1;
  let undo: () => void;
  let previous: LoggingConfig | null;
  if (isHead) {
    const entry = ledger.entries[i];
    const before = { applied: entry.applied, updatedAt: entry.updatedAt };
    entry.applied = desired;
    entry.updatedAt = new Date().toISOString();
    previous = entry.previous;
    undo = () => Object.assign(entry, before);
  } else {
    // Not recorded (the ledger was lost or edited) or no longer the head (another resource took over since): take the
    // setting back and record what it replaces, so Delete restores that.
    const current = await getConfig(run);
    const saved = ledger.entries.map((e) => ({ ...e }));
    if (i >= 0) unlink(ledger, i);
    ledger.entries.push({
      id, applied: desired, previous: current, stackId: event.StackId, logicalResourceId: event.LogicalResourceId,
      updatedAt: new Date().toISOString(),
    });
    previous = current;
    undo = () => { ledger.entries = saved; };
    log('WARN', i >= 0 ? 'this resource is no longer the latest to set the configuration; taking it back' : 'no record of this resource; recording the configuration in force', { id, current });
  }
  await writeLedger(run, ledger);
  try {
    await putConfig(run, desired);
  } catch (error) {
    undo();
    try {
      await writeLedger(run, ledger);
    } catch (e2) {
      log('ERROR', 'could not revert the ledger after the failed Put', { error: summary(e2) });
    }
    const attempts = attemptsOf(error);
    throw new Error(`ModelInvocationLogging: Bedrock did not accept the updated model invocation logging configuration in ${run.region} `
      + `(PutModelInvocationLoggingConfiguration: ${describe(error)}${attempts && attempts > 1 ? ` after ${attempts} attempts` : ''}). `
      + 'The configuration in force was not changed by this update.' + putFailureHelp(error, desired));
  }
  log('INFO', 'model invocation logging updated', { id, applied: desired });
  return { PhysicalResourceId: id, Data: { Region: run.region, PreviousConfiguration: previous ? 'recorded' : 'none' } };
}

/** Never throws: a Delete that fails would block the stack's deletion or rollback. */
async function onDelete(event: InvocationLoggingEvent, run: Run): Promise<InvocationLoggingResult> {
  const id = event.PhysicalResourceId;
  const result: InvocationLoggingResult = id ? { PhysicalResourceId: id } : {};
  if (!id) return result;
  let ledger: Ledger;
  try {
    ledger = await readLedger(run);
  } catch (error) {
    log('ERROR', 'could not read the ledger; the model invocation logging configuration is left as it is', {
      id, parameter: run.s.stateParameter, error: summary(error),
    });
    return result;
  }
  const i = ledger.entries.findIndex((e) => e.id === id);
  if (i < 0) {
    // E.g. the Delete after a failed Create (which cleaned up after itself), or a record removed by hand.
    log('INFO', 'no record of this resource in the ledger; nothing to restore', { id });
    return result;
  }
  const entry = ledger.entries[i];
  if (i === ledger.entries.length - 1) {
    try {
      const current = await getConfig(run);
      if (sameConfig(current, entry.applied)) {
        try {
          await restore(run, entry.previous);
          log('INFO', 'restored the configuration that was in force before this resource', { id, restored: entry.previous });
        } catch (error) {
          log('ERROR', 'could not restore the earlier configuration; the configuration this resource put is left in force. Restore it by hand', {
            id, error: summary(error), previous: entry.previous, restoreWith: manualRestore(run.region, entry.previous),
          });
        }
      } else {
        log('WARN', 'the configuration in force is no longer the one this resource put (it was changed outside this stack); leaving it', {
          id, current, applied: entry.applied,
        });
      }
    } catch (error) {
      log('ERROR', 'could not read the configuration in force; leaving it as it is', {
        id, error: summary(error), previous: entry.previous, restoreWith: manualRestore(run.region, entry.previous),
      });
    }
    ledger.entries.splice(i, 1);
  } else {
    log('INFO', 'a later resource set the configuration since (e.g. this resource was replaced); leaving the setting to it', {
      id, head: ledger.entries[ledger.entries.length - 1].id,
    });
    unlink(ledger, i);
  }
  try {
    await writeLedger(run, ledger);
  } catch (error) {
    log('ERROR', 'could not update the ledger', { id, parameter: run.s.stateParameter, error: summary(error) });
  }
  return result;
}

export async function onEvent(event: InvocationLoggingEvent, context?: LambdaContextLike): Promise<InvocationLoggingResult> {
  log('INFO', 'event', {
    requestType: event.RequestType, physicalResourceId: event.PhysicalResourceId, logicalResourceId: event.LogicalResourceId,
    loggingConfig: event.ResourceProperties?.LoggingConfig,
  });
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  if (!region) {
    if (event.RequestType === 'Delete') {
      log('ERROR', 'AWS_REGION is not set; cannot restore anything', {});
      return event.PhysicalResourceId ? { PhysicalResourceId: event.PhysicalResourceId } : {};
    }
    throw new Error('ModelInvocationLogging: AWS_REGION is not set in the handler environment.');
  }
  const s = settings();
  const remaining = context?.getRemainingTimeInMillis?.();
  const budget = Math.max(1000, Math.min(s.deadlineMs, remaining !== undefined ? remaining - s.safetyMarginMs : s.deadlineMs));
  const run = new Run(s, region, Date.now() + budget);
  try {
    switch (event.RequestType) {
      case 'Create': return await onCreate(event, run);
      case 'Update': return await onUpdate(event, run);
      case 'Delete': return await onDelete(event, run);
      default: throw new Error(`ModelInvocationLogging: unknown RequestType ${JSON.stringify((event as { RequestType?: unknown }).RequestType)}`);
    }
  } catch (error) {
    if (event.RequestType === 'Delete') {
      log('ERROR', 'unexpected error during Delete; succeeding anyway', { error: summary(error) });
      return event.PhysicalResourceId ? { PhysicalResourceId: event.PhysicalResourceId } : {};
    }
    log('ERROR', `${event.RequestType} failed`, { error: summary(error) });
    if (error instanceof Error && error.message.startsWith('ModelInvocationLogging:')) throw error;
    throw new Error(`ModelInvocationLogging: ${event.RequestType} failed in ${region}: ${describe(error)}`
      + `${attemptsOf(error) && attemptsOf(error)! > 1 ? ` after ${attemptsOf(error)} attempts` : ''}. Nothing was changed in Bedrock; `
      + 'retry the deployment (a throttled or unavailable Bedrock or SSM control plane clears up on its own).');
  } finally {
    run.destroy();
  }
}

/** The Lambda handler: CloudFormation's request in, the response PUT to its ResponseURL (never throws). */
export const handler = customResourceHandler<InvocationLoggingEvent & CustomResourceEvent>((event, context) => onEvent(event, context));
