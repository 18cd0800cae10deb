/**
 * Deploy-time Bedrock model access check: the handler of the `ModelAccessCheck` custom resource, whose ServiceToken is
 * this function. `onEvent` receives the CloudFormation event and returns `{ PhysicalResourceId, Data }`, or throws to
 * fail the resource; `handler` (lambda/shared/cfn-response.ts) answers CloudFormation with the outcome.
 *
 * For each model it calls `GetFoundationModelAvailability` (GET /foundation-model-availability/{modelId}) in the
 * deploying Region with the foundation-model ID (for an inference profile, the profile's model), then applies:
 *   regionAvailability NOT_AVAILABLE        -> fail; name the Regions / inference profiles that would work
 *   authorizationStatus NOT_AUTHORIZED      -> fail; Anthropic: one-time use-case form (PutUseCaseForModelAccess);
 *                                              others: check SCPs and permissions
 *   agreementAvailability.status != AVAILABLE -> warning (fail with FailOnMissingAgreement=true): Bedrock subscribes a
 *                                              Marketplace model on first invocation when the invoking role may
 *   entitlementAvailability NOT_AVAILABLE   -> warning (meaning not documented by AWS)
 * Every unusable model is reported in ONE error message. Delete always succeeds.
 *
 * Rollback: when an update fails, CloudFormation re-sends this resource's Update with the OLD properties. If that
 * check fails too (the old model is no longer usable, Bedrock throttles), failing it would leave the stack in
 * UPDATE_ROLLBACK_FAILED. So when an Update's check would fail, the handler asks CloudFormation (DescribeStacks on the
 * event's StackId) whether the stack is in UPDATE_ROLLBACK_IN_PROGRESS; if so it succeeds and reports the failures
 * as warnings. If DescribeStacks itself fails, the check keeps failing and the message says so.
 *
 * Bounded time: SDK retries (throttling, 5xx, timeouts) with a capped exponential backoff that has a deterministic
 * floor (half the cap) and honours Retry-After, per-request connection / request timeouts, and an overall deadline
 * derived from the Lambda's remaining time; when the deadline passes, outstanding calls are aborted and the check
 * fails with a message saying so.
 *
 * Sources: docs.aws.amazon.com/bedrock/latest/userguide/model-access.html (stored copy fetched 2026-09-26,
 * `sourceCatalog:AWS_DOC_MODEL_ACCESS`); response shape from @aws-sdk/client-bedrock 3.1161.0.
 */
import { createHash } from 'node:crypto';
import { BedrockClient, GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { clock } from '../shared/clock';
import { ENV, envInt, envString } from '../shared/env';
import { createLogger, errorSummary } from '../shared/log';
import { backoffDelayMs, DeadlineRetryStrategy, type Backoff } from '../shared/retry';
import { stackRollbackStatus } from '../shared/stack-status';
import { customResourceHandler, type CustomResourceEvent } from '../shared/cfn-response';

export { setClock } from '../shared/clock';

const logger = createLogger('access-check');

/** One model as the construct passes it (ResourceProperties.Models[]). */
export interface ModelToCheck {
  /** The ID as written in the app (FM ID, profile ID or ARN). */
  readonly ModelId: string;
  /** The foundation-model ID to ask about. */
  readonly FoundationModelId?: string;
  /** Provider prefix, e.g. `anthropic`. */
  readonly Provider?: string;
  /** Regions where the vendored catalog lists the model on demand (computed at synth). */
  readonly OnDemandRegions?: string[];
  /** System-defined inference profiles of the model with the Regions they can be called from. */
  readonly Profiles?: Array<{ readonly Id: string; readonly SourceRegions?: string[] }>;
}

export interface AccessCheckProperties {
  readonly Models: ModelToCheck[];
  /** `'true'` / `'false'` (CloudFormation passes custom-resource properties as strings). */
  readonly FailOnMissingAgreement?: string | boolean;
  readonly CatalogGeneratedAt?: string;
}

export interface AccessCheckEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: AccessCheckProperties & { ServiceToken?: string };
  readonly OldResourceProperties?: unknown;
  readonly PhysicalResourceId?: string;
  readonly StackId?: string;
  readonly RequestId?: string;
  readonly LogicalResourceId?: string;
}

export interface AccessCheckResult {
  /** Omitted only for a Delete that carried none (the framework then keeps CloudFormation's). */
  readonly PhysicalResourceId?: string;
  readonly Data?: Record<string, string>;
}

interface LambdaContextLike { getRemainingTimeInMillis?: () => number }

const AGREEMENT = ['AVAILABLE', 'ERROR', 'NOT_AVAILABLE', 'PENDING'];
const AUTHORIZATION = ['AUTHORIZED', 'NOT_AUTHORIZED'];
const AVAILABILITY = ['AVAILABLE', 'NOT_AVAILABLE'];
const PROFILE_PREFIXES = ['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au', 'in', 'ca'];
/** Providers whose models have no AWS Marketplace product ID (model-access.html): no subscription happens. */
const NO_MARKETPLACE_PRODUCT = ['amazon', 'deepseek', 'mistral', 'meta', 'qwen'];

interface Settings {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly deadlineMs: number;
  readonly safetyMarginMs: number;
  readonly concurrency: number;
}

function settings(): Settings {
  return {
    maxAttempts: envInt(ENV.ACCESS_CHECK_MAX_ATTEMPTS, 8, 1),
    backoffBaseMs: envInt(ENV.ACCESS_CHECK_BACKOFF_BASE_MS, 500),
    backoffMaxMs: envInt(ENV.ACCESS_CHECK_BACKOFF_MAX_MS, 10000),
    connectTimeoutMs: envInt(ENV.ACCESS_CHECK_CONNECT_TIMEOUT_MS, 3000, 1),
    requestTimeoutMs: envInt(ENV.ACCESS_CHECK_REQUEST_TIMEOUT_MS, 5000, 1),
    deadlineMs: envInt(ENV.ACCESS_CHECK_DEADLINE_MS, 120000, 1),
    safetyMarginMs: envInt(ENV.ACCESS_CHECK_SAFETY_MARGIN_MS, 10000),
    concurrency: envInt('ACCESS_CHECK_CONCURRENCY', 4, 1),
  };
}

/**
 * The check's backoff: "equal jitter" exponential backoff, i.e. uniformly between half the cap and the cap, where the
 * cap is `backoffBaseMs * 2^(attempt-1)` bounded by `backoffMaxMs`. The floor of half the cap keeps retries spaced
 * (full jitter can pick ~0 ms and burn every attempt at once).
 */
function backoff(s: Pick<Settings, 'backoffBaseMs' | 'backoffMaxMs'>): Backoff {
  return { baseMs: s.backoffBaseMs, maxMs: s.backoffMaxMs, jitter: 'equal' };
}

/**
 * The delay before retry number `attempt` (1-based) under the check's backoff; a Retry-After hint from the service
 * raises it (never above `backoffMaxMs`).
 */
export function retryDelayMs(s: Pick<Settings, 'backoffBaseMs' | 'backoffMaxMs'>, attempt: number, retryAfterMs?: number, random = Math.random): number {
  return backoffDelayMs(backoff(s), attempt, retryAfterMs, random);
}

/**
 * Retries throttling and transient errors (429, 500/502/503/504, timeouts, connection resets) with the check's
 * backoff, at most `maxAttempts` attempts, never past the deadline, keeping a request timeout for the last attempt.
 */
function retryStrategy(s: Settings, deadline: number, signal?: AbortSignal): DeadlineRetryStrategy {
  return new DeadlineRetryStrategy({ maxAttempts: s.maxAttempts, backoff: backoff(s), reserveMs: s.requestTimeoutMs, deadline, signal });
}

/** Strips a geo/global profile prefix or a foundation-model / inference-profile ARN down to the FM ID. */
export function foundationModelIdOf(id: string): string {
  const arn = /^arn:[a-z-]+:bedrock:[a-z0-9-]*:[0-9]*:(foundation-model|inference-profile)\/(.+)$/.exec(id);
  const rest = arn ? arn[2] : id;
  const dot = rest.indexOf('.');
  if (dot > 0 && PROFILE_PREFIXES.includes(rest.slice(0, dot)) && rest.indexOf('.', dot + 1) > dot) return rest.slice(dot + 1);
  return rest;
}

function parseProperties(p: AccessCheckEvent['ResourceProperties'] | undefined): { models: ModelToCheck[]; failOnMissingAgreement: boolean } {
  const models = p?.Models;
  if (!Array.isArray(models) || models.length === 0 || models.some((m) => !m || typeof m.ModelId !== 'string' || m.ModelId === '')) {
    throw new Error(`ModelAccessCheck: malformed resource properties (Models must be a non-empty list of { ModelId }); got ${JSON.stringify(p?.Models)}. `
      + 'This is a bug in cdk-bedrock-foundation or a hand-edited template.');
  }
  const flag = p!.FailOnMissingAgreement;
  return { models, failOnMissingAgreement: flag === true || flag === 'true' };
}

/** Stable physical ID: the Region and the sorted set of checked foundation models. */
export function physicalIdFor(region: string, models: readonly ModelToCheck[]): string {
  const ids = [...new Set(models.map((m) => m.FoundationModelId || foundationModelIdOf(m.ModelId)))].sort();
  const hash = createHash('sha256').update(`${region}\n${ids.join('\n')}`).digest('hex').slice(0, 16);
  return `bedrock-model-access-${region}-${hash}`;
}

type Outcome =
  | { kind: 'ok'; response: Record<string, unknown> }
  | { kind: 'apiError'; error: unknown };

interface Report {
  readonly errors: string[];
  readonly warnings: string[];
}

function alternatives(m: ModelToCheck, region: string): string {
  const profiles = (m.Profiles ?? []).filter((p) => p.Id !== m.ModelId && (!p.SourceRegions || p.SourceRegions.includes(region)));
  const regions = (m.OnDemandRegions ?? []).filter((r) => r !== region);
  const parts: string[] = [];
  if (profiles.length) parts.push(`use the inference profile ${profiles.map((p) => p.Id).join(' or ')} (callable from ${region})`);
  if (regions.length) parts.push(`deploy to a Region where the model is offered on demand: ${regions.join(', ')}`);
  if (parts.length === 0) {
    return 'The vendored catalog lists no alternative Region or inference profile for it; see the model\'s card and the Bedrock '
      + '"Regional availability by models" page for where it is offered.';
  }
  return `Would work (per the vendored catalog): ${parts.join('; or ')}.`;
}

function describeModel(m: ModelToCheck, fmId: string): string {
  return fmId === m.ModelId ? m.ModelId : `${m.ModelId} (foundation model ${fmId})`;
}

/** Applies the decision table to one model's availability answer. */
function judge(m: ModelToCheck, fmId: string, outcome: Outcome, region: string, failOnMissingAgreement: boolean, report: Report): void {
  const who = describeModel(m, fmId);
  const provider = (m.Provider || fmId.split('.')[0] || '').toLowerCase();
  if (outcome.kind === 'apiError') {
    const e = errorSummary(outcome.error);
    const what = `${e.name}: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}${e.attempts && e.attempts > 1 ? ` after ${e.attempts} attempts` : ''}`;
    if (e.name === 'ResourceNotFoundException' || e.name === 'ValidationException') {
      report.errors.push(`${who}: Bedrock does not recognise this model in ${region} (${what}). ${alternatives(m, region)}`);
    } else if (e.name === 'AccessDeniedException') {
      report.errors.push(`${who}: the access check itself was denied GetFoundationModelAvailability (${what}). `
        + 'An SCP or permissions boundary may deny bedrock:GetFoundationModelAvailability to the check\'s role; allow it, or remove the ModelAccessCheck.');
    } else if (e.name === 'AbortError' || /deadline/i.test(e.message)) {
      report.errors.push(`${who}: could not be checked before the check's deadline (${what}); the model's access is unknown. `
        + 'Retry the deployment; if Bedrock\'s control plane keeps timing out, see the AWS Health Dashboard.');
    } else {
      report.errors.push(`${who}: could not be checked (${what}); the model's access is unknown. `
        + 'Retry the deployment; if Bedrock keeps failing or throttling, see the AWS Health Dashboard or remove the ModelAccessCheck temporarily.');
    }
    return;
  }

  const r = outcome.response;
  const agreement = (r.agreementAvailability ?? {}) as { status?: unknown; errorMessage?: unknown };
  const bad: string[] = [];
  if (!AVAILABILITY.includes(r.regionAvailability as string)) bad.push(`regionAvailability=${JSON.stringify(r.regionAvailability)}`);
  if (!AUTHORIZATION.includes(r.authorizationStatus as string)) bad.push(`authorizationStatus=${JSON.stringify(r.authorizationStatus)}`);
  if (!AVAILABILITY.includes(r.entitlementAvailability as string)) bad.push(`entitlementAvailability=${JSON.stringify(r.entitlementAvailability)}`);
  if (!AGREEMENT.includes(agreement.status as string)) bad.push(`agreementAvailability.status=${JSON.stringify(agreement.status)}`);
  if (bad.length) {
    report.errors.push(`${who}: GetFoundationModelAvailability returned an unexpected response (${bad.join(', ')}); the model's access is unknown. `
      + 'Retry the deployment; if it persists, the Bedrock API changed and cdk-bedrock-foundation needs an update.');
    return;
  }

  if (r.regionAvailability === 'NOT_AVAILABLE') {
    const viaProfile = m.ModelId !== fmId && !m.ModelId.includes(':foundation-model/');
    if (!viaProfile) {
      report.errors.push(`${who}: not available in ${region} (regionAvailability NOT_AVAILABLE). ${alternatives(m, region)}`);
    } else {
      // Invoked through a cross-Region inference profile: many models are served in a source Region only through their
      // profiles (e.g. Claude Sonnet 4.6 in us-east-1), and AWS does not document how GetFoundationModelAvailability
      // reports such a model. Failing here would fail legitimate deployments; synth already checked the profile's
      // geography against the Region, so this is a warning.
      report.warnings.push(`${who}: the foundation model reports regionAvailability NOT_AVAILABLE in ${region}; it is invoked through the `
        + `inference profile ${m.ModelId}, which routes to the profile's destination Regions, so the deployment is not failed. If invocations `
        + `fail with a ValidationException or AccessDeniedException, ${alternatives(m, region).replace(/^Would work/, 'these would work')}`);
    }
  }
  if (r.authorizationStatus === 'NOT_AUTHORIZED') {
    report.errors.push(provider === 'anthropic'
      ? `${who}: this account is not authorized to use it in ${region} (authorizationStatus NOT_AUTHORIZED). Anthropic requires a one-time `
        + 'use-case form per account (or once at the AWS Organization\'s management account, inherited by member accounts): submit it '
        + 'in the Bedrock console (open the Anthropic model in the model catalog) or with `aws bedrock put-use-case-for-model-access '
        + '--form-data <base64 JSON>` (PutUseCaseForModelAccess); access is granted right after submission. Then redeploy.'
      : `${who}: this account is not authorized to use it in ${region} (authorizationStatus NOT_AUTHORIZED). Check the AWS Organizations `
        + 'Service Control Policies and IAM policies that restrict Bedrock model access for this account, and (AWS GovCloud) the '
        + 'Bedrock console\'s Model access page. Then redeploy.');
  }
  if (agreement.status !== 'AVAILABLE') {
    const detail = typeof agreement.errorMessage === 'string' && agreement.errorMessage ? ` (${agreement.errorMessage})` : '';
    let msg = `${who}: the account has no active Marketplace agreement for it yet (agreementAvailability ${agreement.status}${detail}). `;
    if (agreement.status === 'PENDING') {
      msg += 'A subscription is in progress; it can take up to 15 minutes. ';
    } else if (agreement.status === 'ERROR') {
      msg += 'The last subscription attempt failed; fix its cause (missing aws-marketplace permissions on the invoking role, or no valid payment method). ';
    }
    const noProduct = NO_MARKETPLACE_PRODUCT.includes(provider);
    msg += noProduct
      ? `AWS documents no Marketplace product for ${provider} models, so Bedrock does not subscribe the account to it and aws-marketplace `
        + 'permissions do not change this status. '
      : 'Bedrock enables serverless models by default and subscribes the account on the model\'s first invocation when the invoking role has '
        + 'aws-marketplace:Subscribe, aws-marketplace:Unsubscribe and aws-marketplace:ViewSubscriptions (ModelAccessCheck.grantMarketplaceSubscribe) '
        + 'and the account has a valid payment method; the first calls can fail until the subscription completes. ';
    if (failOnMissingAgreement) {
      report.errors.push(msg + (noProduct
        ? 'Failing because failOnMissingAgreement is true. This status is not one a subscription can fix: check the model in the Bedrock '
          + `console's model catalog for this account and ${region}; if the model can be invoked, redeploy with failOnMissingAgreement: false `
          + '(the status is then reported as a warning).'
        : 'Failing because failOnMissingAgreement is true: invoke the model once with a role that has those permissions (or subscribe in the '
          + 'Bedrock console\'s model catalog), wait for the agreement to become AVAILABLE, then redeploy; or set failOnMissingAgreement: false '
          + 'to let the first invocation subscribe.'));
    } else {
      report.warnings.push(msg + 'Not failing (set failOnMissingAgreement: true to fail instead).');
    }
  }
  if (r.entitlementAvailability === 'NOT_AVAILABLE') {
    report.warnings.push(`${who}: entitlementAvailability is NOT_AVAILABLE in ${region}. AWS does not document what this means for serverless `
      + 'models; the check does not fail on it. If invocations fail with AccessDeniedException, check model access in the Bedrock console.');
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/**
 * Asks CloudFormation whether the stack is rolling back an update. Bounded by `deadline` with the same retry policy
 * as the Bedrock calls. Never throws: a failure is returned as `error` (the caller treats the Update as a possible
 * rollback).
 */
async function isRollingBack(stackId: string | undefined, config: Record<string, unknown>, s: Settings, deadline: number):
  Promise<{ rollingBack: boolean; status?: string; error?: string }> {
  const remaining = deadline - clock().now();
  if (stackId && remaining <= 0) return { rollingBack: false, error: 'no time left before the check\'s deadline' };
  const abort = new AbortController();
  const cfn = new CloudFormationClient({ ...config, retryStrategy: retryStrategy(s, deadline, abort.signal) });
  const cancelTimer = clock().setTimer(Math.max(remaining, 0), () => abort.abort(new Error(`deadline reached after ${remaining} ms`)));
  try {
    const answer = await stackRollbackStatus(cfn, stackId, abort.signal);
    if (answer.error === undefined) {
      logger.info('stack status', { stackId, status: answer.status });
      return { rollingBack: answer.rollingBack, status: answer.status };
    }
    const e = errorSummary(answer.error);
    logger.warn('DescribeStacks failed', { stackId, error: e });
    return { rollingBack: false, error: `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}${e.status ? ` (HTTP ${e.status})` : ''}${e.attempts && e.attempts > 1 ? ` after ${e.attempts} attempts` : ''}` };
  } finally {
    cancelTimer();
    cfn.destroy();
  }
}

function accountOf(stackId?: string): string | undefined {
  return stackId ? /^arn:[a-z-]+:cloudformation:[a-z0-9-]+:(\d{12}):/.exec(stackId)?.[1] : undefined;
}

export async function onEvent(event: AccessCheckEvent, context?: LambdaContextLike): Promise<AccessCheckResult> {
  logger.info('event', { requestType: event.RequestType, physicalResourceId: event.PhysicalResourceId, logicalResourceId: event.LogicalResourceId, properties: event.ResourceProperties });
  if (event.RequestType === 'Delete') {
    // Nothing to clean up; always succeed and keep the ID CloudFormation sent (the framework rejects a changed one).
    // After a failed Create, lambda/shared/cfn-response.ts answers the Delete itself (and the framework's marker of
    // earlier versions); this keeps any other ID.
    return event.PhysicalResourceId ? { PhysicalResourceId: event.PhysicalResourceId } : {};
  }

  const { models, failOnMissingAgreement } = parseProperties(event.ResourceProperties);
  const region = envString('AWS_REGION') ?? envString('AWS_DEFAULT_REGION') ?? '';
  if (!region) throw new Error('ModelAccessCheck: AWS_REGION is not set in the handler environment; cannot tell which Region to check.');
  const s = settings();
  const started = clock().now();
  const remaining = context?.getRemainingTimeInMillis?.();
  const budget = Math.max(1000, Math.min(s.deadlineMs, remaining !== undefined ? remaining - s.safetyMarginMs : s.deadlineMs));
  const deadline = started + budget;
  // An Update may be a rollback whose check must not fail: keep time for one DescribeStacks after the Bedrock calls.
  const rollbackReserve = event.RequestType === 'Update' ? Math.min(s.requestTimeoutMs + s.connectTimeoutMs, Math.floor(budget / 4)) : 0;
  const checkBudget = budget - rollbackReserve;
  const abort = new AbortController();
  const cancelTimer = clock().setTimer(checkBudget, () => abort.abort(new Error(`deadline of ${checkBudget} ms reached`)));

  const clientConfig = () => ({
    region,
    maxAttempts: s.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: s.connectTimeoutMs,
      requestTimeout: s.requestTimeoutMs,
      throwOnRequestTimeout: true,
    }),
  });
  const client = new BedrockClient({ ...clientConfig(), retryStrategy: retryStrategy(s, started + checkBudget, abort.signal) });

  const fmIds = models.map((m) => m.FoundationModelId || foundationModelIdOf(m.ModelId));
  const unique = [...new Set(fmIds)];
  const outcomes = new Map<string, Outcome>();
  try {
    await mapLimit(unique, s.concurrency, async (fmId) => {
      if (abort.signal.aborted) {
        outcomes.set(fmId, { kind: 'apiError', error: Object.assign(new Error(`deadline of ${checkBudget} ms reached before the call started`), { name: 'AbortError' }) });
        return;
      }
      try {
        const out = await client.send(new GetFoundationModelAvailabilityCommand({ modelId: fmId }), { abortSignal: abort.signal });
        const { $metadata, ...response } = out as unknown as Record<string, unknown>;
        logger.info('availability', { modelId: fmId, response, attempts: ($metadata as { attempts?: number } | undefined)?.attempts });
        outcomes.set(fmId, { kind: 'ok', response });
      } catch (error) {
        const e = abort.signal.aborted
          ? Object.assign(new Error(`deadline of ${checkBudget} ms reached (${errorSummary(error).message})`), { name: 'AbortError' })
          : error;
        logger.warn('availability call failed', { modelId: fmId, error: errorSummary(error) });
        outcomes.set(fmId, { kind: 'apiError', error: e });
      }
    });
  } finally {
    cancelTimer();
    client.destroy();
  }

  const report: Report = { errors: [], warnings: [] };
  const seen = new Set<string>();
  models.forEach((m, i) => {
    const key = `${m.ModelId}|${fmIds[i]}`;
    if (seen.has(key)) return;
    seen.add(key);
    judge(m, fmIds[i], outcomes.get(fmIds[i])!, region, failOnMissingAgreement, report);
  });

  const account = accountOf(event.StackId);
  const where = `${region}${account ? `, account ${account}` : ''}`;
  const physicalResourceId = physicalIdFor(region, models);
  const logGroup = envString(ENV.ACCESS_CHECK_LOG_GROUP) ?? envString('AWS_LAMBDA_LOG_GROUP_NAME');
  const more = logGroup ? `the full report is in the access-check handler's log group ${logGroup}` : 'the full report is in the access-check handler\'s log group';
  if (report.errors.length > 0 && event.RequestType === 'Update') {
    // The rule: a request that may be a rollback never fails on a condition a rollback is forgiven. An Update is
    // possibly a rollback unless DescribeStacks says otherwise, so a failing probe counts as "maybe" (failing the
    // rollback Update would leave the stack in UPDATE_ROLLBACK_FAILED).
    const rollback = await isRollingBack(event.StackId, clientConfig(), s, deadline);
    if (rollback.rollingBack || rollback.error) {
      const why = rollback.rollingBack
        ? 'During the stack\'s rollback (UPDATE_ROLLBACK_IN_PROGRESS) this check of the previous models is not failed, so that the rollback can complete'
        : `Could not tell whether this Update is a rollback (DescribeStacks on the stack failed: ${rollback.error}), so this check is not failed, `
          + 'so that a rollback can complete; fix the problem below before the next deployment';
      report.warnings.unshift(...report.errors.map((e) => `${why}: ${e}`));
      logger.warn('access check failed during a possible rollback; succeeding so the rollback can complete', { errors: report.errors, probeError: rollback.error });
      report.errors.length = 0;
    }
  }
  if (report.errors.length > 0) {
    const note = 'Note: this check sees the account\'s model access, not the IAM permissions or SCPs of the roles that will invoke the models.';
    const items = [
      ...report.errors.map((e, i) => `${i + 1}. ${e}`),
      ...(report.warnings.length ? ['Warnings (not failing):', ...report.warnings.map((w) => `- ${w}`)] : []),
    ];
    const message = fitLines(
      `Bedrock model access check failed (${where}): ${report.errors.length} problem(s) with ${models.length} model(s) checked.`,
      items, note, MAX_REASON_CHARS, more);
    logger.error('access check failed', { errors: report.errors, warnings: report.warnings });
    throw reportError(message);
  }
  for (const w of report.warnings) logger.warn('access check warning', { warning: w });
  logger.info('access check passed', { region, models: fmIds, warnings: report.warnings.length });
  return {
    PhysicalResourceId: physicalResourceId,
    Data: {
      Region: region,
      CheckedModels: fitList(unique, MAX_MODELS_CHARS),
      WarningCount: String(report.warnings.length),
      Warnings: report.warnings.length ? fitLines('', report.warnings, '', MAX_WARNINGS_CHARS, more).trim() : '',
    },
  };
}

/**
 * The error thrown for a failed check. The Lambda runtime reports `trace: error.stack.split('\n')`, and the provider
 * framework (aws-cdk-lib custom-resources, runtime/framework.js) sends CloudFormation the reason
 * `[errorMessage, '', 'Logs: /aws/lambda/<fn>', '', ...trace.slice(1)]`. A default stack repeats every line of a
 * multi-line message after the first, which would double the reason past CloudFormation's 4096-byte response limit;
 * so the stack is the first line only (the handler's log has the full report, and this error is not a bug).
 */
function reportError(message: string): Error {
  const e = new Error(message);
  e.stack = `${e.name}: ${message.split('\n')[0]}`;
  return e;
}

/*
 * CloudFormation accepts custom-resource responses of at most 4096 bytes (status reason + Data + IDs), and the provider
 * framework adds the stack trace and the log group to the reason. Longer reports are cut at whole lines with a pointer
 * to the handler's log group, which always has the full report.
 */
const MAX_REASON_CHARS = 2800;
const MAX_WARNINGS_CHARS = 2200;
const MAX_MODELS_CHARS = 600;

/** Joins header, as many whole items as fit, and footer within `max` characters (UTF-8 bytes approximated by length). */
export function fitLines(header: string, items: readonly string[], footer: string, max: number,
  more = 'the full report is in the access-check handler\'s log group'): string {
  const out: string[] = header ? [header] : [];
  let used = header.length + footer.length + more.length + 60;
  let i = 0;
  for (; i < items.length; i++) {
    const item = items[i].length > 900 ? `${items[i].slice(0, 897)}...` : items[i];
    if (used + item.length + 1 > max) break;
    out.push(item);
    used += item.length + 1;
  }
  if (i < items.length) out.push(`... and ${items.length - i} more line(s): ${more}.`);
  if (footer) out.push(footer);
  return out.join('\n');
}

function fitList(ids: readonly string[], max: number): string {
  const joined = ids.join(',');
  if (joined.length <= max) return joined;
  const kept: string[] = [];
  let used = 0;
  for (const id of ids) {
    if (used + id.length + 30 > max) break;
    kept.push(id);
    used += id.length + 1;
  }
  return `${kept.join(',')},... (${ids.length - kept.length} more)`;
}

/** The Lambda handler: CloudFormation's request in, the response PUT to its ResponseURL (never throws). */
export const handler = customResourceHandler<AccessCheckEvent & CustomResourceEvent>((event, context) => onEvent(event, context));
