/**
 * A model of how CloudFormation drives one custom resource, for the lifecycle harness. It sends the requests
 * CloudFormation sends, in the order it sends them, to a bundled handler (as the aws-cdk-lib provider framework
 * calls it: the handler's return value is the SUCCESS response, a thrown error the FAILED one), and records every
 * request, its outcome and how long it took on the handler's virtual clock.
 *
 * Sources for the sequences (AWS CloudFormation User Guide):
 * - Update request (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html):
 *   an Update carries the new `ResourceProperties`, the previous `OldResourceProperties` and the current
 *   `PhysicalResourceId`; "If the value returned is different, AWS CloudFormation recognizes the update as a
 *   replacement and sends a delete request to the old resource" (Delete request page, same guide,
 *   crpg-ref-requesttypes-delete.html). That Delete comes in the cleanup phase, after the stack update succeeded
 *   (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS), or after a rollback for the resource created during the failed update
 *   (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS).
 * - Rollback: when a stack update fails, CloudFormation returns each updated resource to its previous template: for a
 *   custom resource an Update with the old and new properties swapped and the current physical ID; a rollback that
 *   fails leaves the stack in UPDATE_ROLLBACK_FAILED (ContinueUpdateRollback, CloudFormation API Reference:
 *   "A stack goes into the UPDATE_ROLLBACK_FAILED state when CloudFormation can't roll back all changes after a failed
 *   stack update").
 * - A failed Create: the stack rolls back (ROLLBACK_IN_PROGRESS) and CloudFormation sends Delete to the resource whose
 *   Create failed; the aws-cdk-lib provider framework answers a failed Create with the physical ID
 *   `AWSCDK::CustomResourceProviderFramework::CREATE_FAILED` and skips the handler for that Delete; a resource whose
 *   Create succeeded before the failure gets an ordinary Delete.
 * - ServiceTimeout (AWS::CloudFormation::CustomResource, Template Reference): "The maximum time, in seconds, that can
 *   elapse before a custom resource operation times out. The value must be an integer from 1 to 3600. The default
 *   value is 3600 seconds (1 hour)."
 */
import type { VirtualClock } from '../utils/virtual-clock';

export type Props = Record<string, unknown>;
export type RequestType = 'Create' | 'Update' | 'Delete';

export interface HandlerResult { PhysicalResourceId?: string; Data?: Record<string, unknown> }
export type Handler = (event: any, context?: { getRemainingTimeInMillis: () => number }) => Promise<HandlerResult | undefined>;

/** The provider framework's physical ID for a Create that failed (aws-cdk-lib custom-resources framework). */
export const CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

export interface Sent {
  readonly phase: string;
  readonly requestType: RequestType;
  readonly physicalResourceId?: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly returnedId?: string;
  /** Virtual milliseconds the handler took. */
  readonly elapsedMs: number;
}

export interface DriverOptions {
  readonly handler: Handler;
  readonly clock: VirtualClock;
  readonly resourceType: string;
  /** The resource's ServiceTimeout in seconds (from the synthesized template). */
  readonly serviceTimeoutSeconds: number;
  /** The handler function's timeout (what getRemainingTimeInMillis starts from). */
  readonly lambdaTimeoutMs: number;
  readonly stackId?: string;
  /** Called before each request with its phase: e.g. to set the stack status DescribeStacks reports. */
  readonly beforeSend?: (phase: string) => void;
}

let requestCounter = 0;

/** One custom resource in one stack, driven through CloudFormation's request sequences. */
export class CfnResource {
  public readonly sent: Sent[] = [];
  /** Physical ID CloudFormation holds for the resource; undefined before a successful Create. */
  public physicalId?: string;
  public props?: Props;
  /** Physical IDs replaced during an update, deleted at cleanup. */
  private readonly replaced: { id: string; props: Props }[] = [];

  constructor(private readonly o: DriverOptions) {}

  private async send(phase: string, requestType: RequestType, props: Props, extra: Record<string, unknown>): Promise<Sent> {
    const stackId = this.o.stackId ?? 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
    const event: Record<string, unknown> = {
      RequestType: requestType,
      RequestId: `req-${++requestCounter}`,
      StackId: stackId,
      LogicalResourceId: 'Resource',
      ResourceType: this.o.resourceType,
      ResponseURL: 'https://cloudformation-custom-resource-response.example/',
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', ...props },
      ...extra,
    };
    this.o.beforeSend?.(phase);
    const start = this.o.clock.now();
    const context = { getRemainingTimeInMillis: () => this.o.lambdaTimeoutMs - (this.o.clock.now() - start) };
    let record: Sent;
    try {
      const res = await this.o.handler(event, context);
      record = { phase, requestType, physicalResourceId: event.PhysicalResourceId as string | undefined, ok: true,
        returnedId: res?.PhysicalResourceId ?? (event.PhysicalResourceId as string | undefined), elapsedMs: this.o.clock.now() - start };
    } catch (e) {
      record = { phase, requestType, physicalResourceId: event.PhysicalResourceId as string | undefined, ok: false,
        error: String((e as Error).message ?? e), elapsedMs: this.o.clock.now() - start };
    }
    this.sent.push(record);
    return record;
  }

  /** Stack create: Create; on failure the stack rolls back and CloudFormation sends Delete. */
  async create(props: Props): Promise<Sent> {
    const r = await this.send('create', 'Create', props, {});
    if (r.ok) {
      this.physicalId = r.returnedId;
      this.props = props;
    } else {
      // ROLLBACK_IN_PROGRESS: the provider framework answers the failed Create with CREATE_FAILED as physical ID and
      // does not call the handler for its Delete. Recorded so that the rollback's outcome is visible.
      this.sent.push({ phase: 'create-rollback', requestType: 'Delete', physicalResourceId: CREATE_FAILED, ok: true, elapsedMs: 0 });
    }
    return r;
  }

  /**
   * Stack update that changes this resource's properties. `stackFailsLater`: another resource of the same update
   * fails afterwards, so CloudFormation rolls this one back. Returns the update's Sent record.
   */
  async update(props: Props, opts: { stackFailsLater?: boolean } = {}): Promise<{ update: Sent; rollback?: Sent }> {
    if (!this.physicalId || !this.props) throw new Error('update before a successful create');
    const oldId = this.physicalId;
    const oldProps = this.props;
    const update = await this.send('update', 'Update', props, { PhysicalResourceId: oldId, OldResourceProperties: oldProps });
    if (update.ok && !opts.stackFailsLater) {
      if (update.returnedId !== oldId) this.replaced.push({ id: oldId, props: oldProps });
      this.physicalId = update.returnedId;
      this.props = props;
      return { update };
    }
    // UPDATE_ROLLBACK_IN_PROGRESS: the previous template comes back as an Update with old and new swapped. When the
    // update failed, the resource is still the old one; when it succeeded (another resource failed), it has the ID
    // the update returned.
    const currentId = update.ok ? update.returnedId! : oldId;
    const rollback = await this.send('rollback', 'Update', oldProps, { PhysicalResourceId: currentId, OldResourceProperties: props });
    if (rollback.ok) {
      // UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: a physical resource created by the failed update is deleted.
      if (update.ok && update.returnedId !== oldId && rollback.returnedId !== update.returnedId) {
        await this.send('rollback-cleanup', 'Delete', props, { PhysicalResourceId: update.returnedId });
      }
      this.physicalId = rollback.returnedId;
    }
    return { update, rollback };
  }

  /** UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: Delete of every physical resource an update replaced. */
  async cleanup(): Promise<Sent[]> {
    const out: Sent[] = [];
    for (const { id, props } of this.replaced.splice(0)) {
      out.push(await this.send('cleanup', 'Delete', props, { PhysicalResourceId: id }));
    }
    return out;
  }

  /** Stack delete, or the resource removed from the template. */
  async delete(): Promise<Sent> {
    if (!this.physicalId || !this.props) throw new Error('delete before a successful create');
    return this.send('delete', 'Delete', this.props, { PhysicalResourceId: this.physicalId });
  }

  /** Requests that failed where CloudFormation cannot continue: a rollback, a cleanup or a Delete. */
  stranding(): Sent[] {
    return this.sent.filter((s) => !s.ok && (s.phase !== 'create' && s.phase !== 'update'));
  }

  /** Requests that took longer than the ServiceTimeout. */
  overdue(): Sent[] {
    return this.sent.filter((s) => s.elapsedMs > this.o.serviceTimeoutSeconds * 1000);
  }
}
