import { CustomResource, Duration, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { IConstruct } from 'constructs';
import type { CustomResourceFunction } from '../../private/custom-resource-function';
import { sharedHandlerProvider } from './handler-provider';
import { BedrockValidationError } from '../../private/errors';
import { grantStackStatus } from '../../private/stack-status';
import { SyncOnDeployOptions } from '../types';

/*
 * Bounds of the wait (syncOnDeploy.waitForCompletion). CloudFormation gives a custom resource at most 3600 s
 * (AWS::CloudFormation::CustomResource ServiceTimeout: "The value must be an integer from 1 to 3600"). The wait starts
 * after the start step (StartIngestionJob, bounded by SYNC_START_TIMEOUT in the handler, KB_SYNC_START_TIMEOUT_MS), so
 * it may use at most 3600 s minus that. The handler polls every queryInterval (whole seconds) until totalTimeout, on its
 * own clock, continuing in fresh invocations of its function when one invocation's time runs short.
 */
const CFN_CUSTOM_RESOURCE_MAX_SECONDS = 3600;
/** The start step's bound (the handler's KB_SYNC_START_TIMEOUT_MS). */
const SYNC_START_TIMEOUT = Duration.minutes(2);
const MAX_SYNC_TIMEOUT_SECONDS = CFN_CUSTOM_RESOURCE_MAX_SECONDS - SYNC_START_TIMEOUT.toSeconds();
/** ServiceTimeout of a sync that does not wait: the start step's bound plus a minute. */
const SYNC_SERVICE_TIMEOUT = SYNC_START_TIMEOUT.plus(Duration.minutes(1));
/**
 * Timeout of the one sync function of a stack: Lambda's maximum (15 minutes), so that one invocation polls a wait as long
 * as it can before handing over to the next. A sync that does not wait answers after its start step.
 */
const SYNC_FUNCTION_TIMEOUT = Duration.minutes(15);
const DEFAULT_SYNC_TIMEOUT = Duration.minutes(30);
const DEFAULT_QUERY_INTERVAL = Duration.seconds(30);
/** Construct ID of the stack's sync function (both modes). */
const SYNC_PROVIDER_ID = 'CdkBedrockFoundationKbSync';

/** What the deploy-time sync needs of its Knowledge Base (the construct itself: the sync resource is its child). */
export interface SyncTarget extends IConstruct {
  readonly knowledgeBaseId: string;
  readonly dataSourceId: string;
  readonly cfnDataSource: bedrock.CfnDataSource;
  grantStartIngestion(grantee: iam.IGrantable): iam.Grant;
}

/**
 * The sync custom resource of one Knowledge Base: starts an ingestion job (and with `waitForCompletion` waits for it)
 * whenever the data source or the content of its content deployments changes. Not a construct of its own: the
 * resource is a direct child of the Knowledge Base (`Sync` / `SyncWait<total><interval>`), so its logical ID stays.
 */
export class KnowledgeBaseSync {
  /** The custom resource. */
  public readonly resource: CustomResource;
  private readonly contentDeployments: s3deploy.BucketDeployment[] = [];

  constructor(private readonly kb: SyncTarget, options: SyncOnDeployOptions) {
    const wait = options.waitForCompletion ?? false;
    const totalTimeout = options.totalTimeout ?? DEFAULT_SYNC_TIMEOUT;
    const queryInterval = options.queryInterval ?? DEFAULT_QUERY_INTERVAL;
    const mode = wait ? `Wait${waitModeId(totalTimeout, queryInterval)}` : '';
    if (options.failOnDocumentFailures && !wait) {
      throw new BedrockValidationError('FailOnDocumentFailuresWithoutWait', 'syncOnDeploy.failOnDocumentFailures is set '
        + 'without waitForCompletion: a sync that does not wait never sees the job\'s document failures. Set '
        + 'waitForCompletion: true as well, or remove failOnDocumentFailures.', kb);
    }
    const provider = sharedHandlerProvider(Stack.of(kb), {
      id: SYNC_PROVIDER_ID,
      handler: 'kb-sync',
      description: 'Starts (and optionally waits for) Bedrock Knowledge Base ingestion jobs on deployment',
      timeout: SYNC_FUNCTION_TIMEOUT,
    });
    const grant = kb.grantStartIngestion(provider.handlerRole);
    // The handler tells a rollback Update from a normal one by the stack's status (this stack only), so that a sync
    // never fails a rollback.
    grantStackStatus(provider.handlerRole);
    // A wait longer than one invocation continues in a fresh asynchronous invocation of the same function: its role
    // may invoke that one function (its own ARN, no versions or aliases). A policy of its own, so that the function
    // (which depends on its role and the role's default policy) does not depend on a policy naming the function.
    const selfInvoke = wait ? selfInvokePolicy(provider) : undefined;
    // The mode stays in the logical ID (`Sync`, `SyncWait30m30s`) as in earlier versions: switching modes creates a new
    // sync resource, which starts a job, and deletes the old one (a no-op).
    const sync = new CustomResource(kb, `Sync${mode}`, {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::BedrockKnowledgeBaseSync',
      // Bounded: the start step's bound plus, when waiting, totalTimeout (at most MAX_SYNC_TIMEOUT_SECONDS, so the
      // whole wait stays inside CloudFormation's one-hour limit).
      serviceTimeout: wait ? Duration.seconds(CFN_CUSTOM_RESOURCE_MAX_SECONDS) : SYNC_SERVICE_TIMEOUT,
      properties: {
        ...(options.failOnDocumentFailures ? { FailOnDocumentFailures: 'true' } : {}),
        KnowledgeBaseId: kb.knowledgeBaseId,
        DataSourceId: kb.dataSourceId,
        WaitForCompletion: wait ? 'true' : 'false',
        ...(wait ? { TotalTimeoutSeconds: String(totalTimeout.toSeconds()), QueryIntervalSeconds: String(queryInterval.toSeconds()) } : {}),
        ContentHash: options.contentHash ?? '',
        // Source object keys of a BucketDeployment are content hashes: new content -> new keys -> a new sync.
        // Lazy, so that addContentDeployment() after the constructor still counts.
        ContentObjectKeys: Lazy.list({
          produce: () => this.contentDeployments.map((d) => Fn.join(',', d.objectKeys)),
        }),
      },
    });
    sync.node.addDependency(provider.handlerRole); // DataSourceId references the data source
    if (selfInvoke) sync.node.addDependency(selfInvoke);
    grant.applyBefore(sync);
    this.resource = sync;
    for (const d of options.contentDeployments ?? []) this.addContentDeployment(d);
  }

  /** Runs the sync after `deployment` too, and again whenever its content changes. Idempotent. */
  public addContentDeployment(deployment: s3deploy.BucketDeployment): void {
    checkContentDeployment(this.kb, deployment);
    if (this.contentDeployments.includes(deployment)) return;
    this.contentDeployments.push(deployment);
    this.resource.node.addDependency(deployment);
  }
}

/** The stack's one self-invoke policy of the sync function (created on first use by a sync that waits). */
function selfInvokePolicy(provider: CustomResourceFunction): iam.Policy {
  const existing = provider.node.tryFindChild('SelfInvoke');
  if (existing) return existing as iam.Policy;
  return new iam.Policy(provider, 'SelfInvoke', {
    roles: [provider.handlerRole],
    statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [provider.handler.functionArn] })],
  });
}

/** A content deployment must output its object keys: the sync re-runs when they change. */
function checkContentDeployment(scope: IConstruct, deployment: s3deploy.BucketDeployment): void {
  const cfn = deployment.node.tryFindChild('CustomResource')?.node.defaultChild;
  const props = (cfn as unknown as { _cfnProperties?: Record<string, unknown> } | undefined)?._cfnProperties;
  if (props?.OutputObjectKeys === false) {
    throw new BedrockValidationError('ContentDeploymentWithoutKeys', `content deployment ${deployment.node.path} `
      + 'has outputObjectKeys: false; the Knowledge Base sync reads its SourceObjectKeys to re-run when the content '
      + 'changes. Remove outputObjectKeys: false from that BucketDeployment (or leave it out of the sync and pass '
      + 'syncOnDeploy.contentHash instead).', scope);
  }
}

/** Pushes one error per syncOnDeploy option that does not fit the others or the wait's bounds. */
export function checkSync(errors: string[], sync: SyncOnDeployOptions | undefined): void {
  if (!sync) return;
  if (sync.totalTimeout && !sync.waitForCompletion) {
    errors.push('syncOnDeploy.totalTimeout only applies with waitForCompletion: true; set waitForCompletion or drop '
      + 'totalTimeout.');
  }
  if (sync.queryInterval && !sync.waitForCompletion) {
    errors.push('syncOnDeploy.queryInterval only applies with waitForCompletion: true; set waitForCompletion or drop '
      + 'queryInterval.');
  }
  if (!sync.waitForCompletion) return;
  const total = sync.totalTimeout ?? DEFAULT_SYNC_TIMEOUT;
  const interval = sync.queryInterval ?? DEFAULT_QUERY_INTERVAL;
  const maxHuman = Duration.seconds(MAX_SYNC_TIMEOUT_SECONDS).toHumanString();
  const totalOk = isResolvedDuration(total) && checkWholeSeconds(errors, 'totalTimeout', total,
    `whole seconds from 1 second to ${maxHuman}, e.g. Duration.minutes(30)`);
  const intervalOk = isResolvedDuration(interval) && checkWholeSeconds(errors, 'queryInterval', interval,
    'whole seconds of at least 1 second, e.g. Duration.seconds(30)');
  if (totalOk && total.toSeconds() > MAX_SYNC_TIMEOUT_SECONDS) {
    errors.push(`syncOnDeploy.totalTimeout: ${total.toHumanString()} is too long; CloudFormation gives a custom `
      + `resource at most ${CFN_CUSTOM_RESOURCE_MAX_SECONDS} seconds (1 hour) and the start step may take up to `
      + `${SYNC_START_TIMEOUT.toHumanString()} of it, so the wait may be at most ${maxHuman} `
      + `(Duration.minutes(${MAX_SYNC_TIMEOUT_SECONDS / 60})). For longer ingestions use waitForCompletion: false.`);
  }
  if (totalOk && intervalOk) {
    const t = total.toSeconds();
    const q = interval.toSeconds();
    if (q > t) {
      errors.push(`syncOnDeploy.queryInterval: ${interval.toHumanString()} is longer than totalTimeout `
        + `(${total.toHumanString()}); use an interval of at most totalTimeout that divides it evenly.`);
    } else if (t % q !== 0) {
      errors.push(`syncOnDeploy.queryInterval: ${interval.toHumanString()} does not divide totalTimeout `
        + `(${total.toHumanString()} = ${t} s) evenly, so the number of polls is not whole; use a divisor of ${t} s `
        + `(e.g. ${nearDivisors(t, q).map((d) => `Duration.seconds(${d})`).join(' or ')}) or change totalTimeout.`);
    }
  }
}

function isResolvedDuration(d: Duration): boolean {
  return !d.isUnresolved();
}

/** Pushes an error unless `d` is a whole number of seconds of at least 1 second; returns whether it is. */
function checkWholeSeconds(errors: string[], prop: string, d: Duration, allowed: string): boolean {
  const ms = d.toMilliseconds({ integral: false });
  if (ms >= 1000 && ms % 1000 === 0) return true;
  errors.push(`syncOnDeploy.${prop}: ${ms} milliseconds (${d.toHumanString()}) is not allowed; use ${allowed}.`);
  return false;
}

/** The divisors of `total` closest to `wanted` (below and above). */
function nearDivisors(total: number, wanted: number): number[] {
  let below = 1;
  let above = total;
  for (let d = 1; d <= total; d++) {
    if (total % d !== 0) continue;
    if (d <= wanted) below = d;
    if (d >= wanted) { above = d; break; }
  }
  return below === above ? [below] : [below, above];
}

/** Provider ID suffix of a wait mode: `30m30s` (total in minutes when whole, else seconds; interval in seconds). */
function waitModeId(total: Duration, interval: Duration): string {
  const t = total.toSeconds();
  return `${t % 60 === 0 ? `${t / 60}m` : `${t}s`}${interval.toSeconds()}s`;
}
