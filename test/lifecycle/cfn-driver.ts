/**
 * A model of how CloudFormation drives one custom resource, for the lifecycle harness. It sends the requests
 * CloudFormation sends, in the order it sends them, to a bundled handler as Lambda invokes it for CloudFormation
 * (asynchronously, with a context whose getRemainingTimeInMillis runs on the handler's virtual clock), serves the
 * request's ResponseURL on loopback HTTP and reads the response the handler PUTs there (crpg-ref-responses.html: Status,
 * Reason, PhysicalResourceId, StackId, RequestId, LogicalResourceId, Data; at most 4096 bytes). It plays the
 * asynchronous invocations a handler queues for its own function through the Lambda Invoke API (FakeLambda), as
 * Lambda would run them, until a response arrives; and it records every request, its outcome and how long it took on
 * the virtual clock, from the first invocation to the response.
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
 *   Create failed, with the physical ID the failed response carried (the handler's own: lambda/shared/cfn-response.ts
 *   answers that Delete without calling the service); a resource whose Create succeeded before the failure gets an
 *   ordinary Delete.
 * - Invocation: "CloudFormation invokes your Lambda function asynchronously with an event that includes a callback URL"
 *   (Lambda Developer Guide, services-cloudformation.html); "If no response is received before the timeout period
 *   expires, the request is considered unsuccessful" (CloudFormation User Guide, crpg-ref.html). An invocation that
 *   throws is a function error, which Lambda would retry (the library's functions set 0 retries): the harness records it
 *   as a protocol violation. A request with no response is a failure after the ServiceTimeout.
 * - ServiceTimeout (AWS::CloudFormation::CustomResource, Template Reference): "The maximum time, in seconds, that can
 *   elapse before a custom resource operation times out. The value must be an integer from 1 to 3600. The default
 *   value is 3600 seconds (1 hour)."
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeLambda } from '../utils/fake-lambda';
import type { VirtualClock } from '../utils/virtual-clock';

export type Props = Record<string, unknown>;
export type RequestType = 'Create' | 'Update' | 'Delete';

/** A context as Lambda passes it (what the handlers read of it). */
export interface HarnessContext { getRemainingTimeInMillis: () => number; invokedFunctionArn: string; awsRequestId: string }
/** The bundled function's exported `handler`, as Lambda calls it. */
export type Handler = (event: any, context: HarnessContext) => Promise<unknown>;

/** The documented limit of a response body (crpg-ref-responses.html). */
const MAX_RESPONSE_BYTES = 4096;

export interface Sent {
  readonly phase: string;
  readonly requestType: RequestType;
  readonly physicalResourceId?: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly returnedId?: string;
  readonly data?: Record<string, unknown>;
  /** Virtual milliseconds from the first invocation to the response (the ServiceTimeout when none came). */
  readonly elapsedMs: number;
  /** Lambda invocations the request took (more than one when the handler continued in a fresh invocation). */
  readonly invocations: number;
  /** Ways the handler broke the protocol (threw, overran its function timeout, a malformed or oversized response). */
  readonly violations: string[];
}

export interface DriverOptions {
  readonly handler: Handler;
  readonly clock: VirtualClock;
  readonly resourceType: string;
  /** The resource's ServiceTimeout in seconds (from the synthesized template). */
  readonly serviceTimeoutSeconds: number;
  /** The handler function's timeout (what getRemainingTimeInMillis starts from in each invocation). */
  readonly lambdaTimeoutMs: number;
  /** The function's ARN (the ServiceToken). */
  readonly functionArn?: string;
  /** The loopback Lambda Invoke API the handler's own asynchronous invocations go to (AWS_ENDPOINT_URL_LAMBDA). */
  readonly lambda?: FakeLambda;
  readonly stackId?: string;
  readonly logicalResourceId?: string;
  /** Called before each request with its phase: e.g. to set the stack status DescribeStacks reports. */
  readonly beforeSend?: (phase: string) => void;
}

/** The loopback ResponseURL endpoint: stores each PUT body under its path. */
class ResponseEndpoint {
  static async start(): Promise<ResponseEndpoint> {
    const bodies = new Map<string, { body: string; contentType: unknown; method: string }>();
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.set(req.url ?? '', { body: Buffer.concat(chunks).toString('utf8'), contentType: req.headers['content-type'], method: req.method ?? '' });
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    return new ResponseEndpoint(server, bodies);
  }
  private constructor(readonly server: http.Server, readonly bodies: Map<string, { body: string; contentType: unknown; method: string }>) {}
  url(path: string): string { return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`; }
}

let endpoint: Promise<ResponseEndpoint> | undefined;
const responseEndpoint = () => (endpoint ??= ResponseEndpoint.start());

/** Closes the loopback ResponseURL endpoint (afterAll of a lifecycle test file). */
export async function closeResponseEndpoint(): Promise<void> {
  if (!endpoint) return;
  const e = await endpoint;
  endpoint = undefined;
  e.server.closeAllConnections();
  await new Promise<void>((resolve) => e.server.close(() => resolve()));
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

  private get functionArn(): string {
    return this.o.functionArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:handler';
  }

  private async send(phase: string, requestType: RequestType, props: Props, extra: Record<string, unknown>): Promise<Sent> {
    const stackId = this.o.stackId ?? 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/11111111-2222-3333-4444-555555555555';
    const requestId = `0f5c8d2e-4b1a-4c3d-9e8f-${String(++requestCounter).padStart(12, '0')}`;
    const responses = await responseEndpoint();
    const path = `/cloudformation-custom-resource-response/${requestId}`;
    const event: Record<string, unknown> = {
      RequestType: requestType,
      RequestId: requestId,
      StackId: stackId,
      LogicalResourceId: this.o.logicalResourceId ?? 'Resource',
      ResourceType: this.o.resourceType,
      ResponseURL: responses.url(path),
      ServiceToken: this.functionArn,
      ResourceProperties: { ServiceToken: this.functionArn, ...props },
      ...extra,
    };
    this.o.beforeSend?.(phase);
    const start = this.o.clock.now();
    const violations: string[] = [];
    const queue: unknown[] = [event];
    let invocations = 0;
    while (queue.length > 0 && !responses.bodies.has(path)) {
      const payload = queue.shift();
      invocations++;
      const invStart = this.o.clock.now();
      const context: HarnessContext = {
        getRemainingTimeInMillis: () => this.o.lambdaTimeoutMs - (this.o.clock.now() - invStart),
        invokedFunctionArn: this.functionArn,
        awsRequestId: `invocation-${invocations}-${requestId}`,
      };
      try {
        await this.o.handler(JSON.parse(JSON.stringify(payload)), context);
      } catch (e) {
        violations.push(`invocation ${invocations} threw (Lambda would retry it): ${String((e as Error).message ?? e)}`);
      }
      const took = this.o.clock.now() - invStart;
      if (took > this.o.lambdaTimeoutMs) violations.push(`invocation ${invocations} ran ${took} ms, past the function timeout of ${this.o.lambdaTimeoutMs} ms`);
      // Lambda runs what the handler queued for its own function (asynchronous invocations, in order).
      const own = this.o.lambda?.queue.splice(0).filter((q) => {
        if (q.functionName !== this.functionArn) violations.push(`asynchronous invocation of ${q.functionName}, not of the function itself`);
        if (q.invocationType !== 'Event') violations.push(`invocation of type ${q.invocationType}, not Event`);
        return q.functionName === this.functionArn;
      }) ?? [];
      queue.push(...own.map((q) => q.payload));
    }
    const got = responses.bodies.get(path);
    responses.bodies.delete(path);
    let record: Sent;
    const base = { phase, requestType, physicalResourceId: event.PhysicalResourceId as string | undefined, invocations, violations };
    if (!got) {
      record = { ...base, ok: false, error: 'no response: CloudFormation fails the request after its ServiceTimeout', elapsedMs: this.o.serviceTimeoutSeconds * 1000 };
    } else {
      const elapsedMs = this.o.clock.now() - start;
      if (got.method !== 'PUT') violations.push(`response sent with ${got.method}, not PUT`);
      if (Buffer.byteLength(got.body) > MAX_RESPONSE_BYTES) violations.push(`response body of ${Buffer.byteLength(got.body)} bytes, over ${MAX_RESPONSE_BYTES}`);
      let r: Record<string, any> = {};
      try { r = JSON.parse(got.body); } catch { violations.push('response body is not JSON'); }
      for (const k of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
        if (r[k] !== event[k]) violations.push(`response ${k} ${JSON.stringify(r[k])} is not the request's ${JSON.stringify(event[k])}`);
      }
      if (typeof r.PhysicalResourceId !== 'string' || r.PhysicalResourceId === '') violations.push('response has no PhysicalResourceId');
      if (r.Status !== 'SUCCESS' && r.Status !== 'FAILED') violations.push(`response Status ${JSON.stringify(r.Status)}`);
      if (r.Status === 'FAILED' && !r.Reason) violations.push('FAILED response without a Reason');
      if (requestType !== 'Create' && r.Status === 'FAILED' && r.PhysicalResourceId !== event.PhysicalResourceId) {
        violations.push(`failed ${requestType} answered with physical ID ${r.PhysicalResourceId}, not the current ${event.PhysicalResourceId}`);
      }
      record = r.Status === 'SUCCESS'
        ? { ...base, ok: true, returnedId: r.PhysicalResourceId, data: r.Data, elapsedMs }
        : { ...base, ok: false, error: String(r.Reason ?? ''), returnedId: r.PhysicalResourceId, elapsedMs };
    }
    this.sent.push(record);
    return record;
  }

  /** Stack create: Create; on failure the stack rolls back and CloudFormation sends Delete with the failed physical ID. */
  async create(props: Props): Promise<Sent> {
    const r = await this.send('create', 'Create', props, {});
    if (r.ok) {
      this.physicalId = r.returnedId;
      this.props = props;
    } else if (r.returnedId) {
      // ROLLBACK_IN_PROGRESS: CloudFormation deletes the resource whose Create failed, under the physical ID the
      // failed response gave it.
      await this.send('create-rollback', 'Delete', props, { PhysicalResourceId: r.returnedId });
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

  /** Every protocol violation of every request, with its phase. */
  violations(): string[] {
    return this.sent.flatMap((s) => s.violations.map((v) => `${s.phase} ${s.requestType}: ${v}`));
  }
}

/** What the harness reads of one custom resource in a synthesized template. */
export interface TemplateFacts {
  readonly logicalId: string;
  /** Properties as CloudFormation sends them (without ServiceToken and ServiceTimeout). */
  readonly props: Props;
  readonly serviceTimeoutSeconds: number;
  /** Logical ID of the function the ServiceToken names. */
  readonly functionLogicalId: string;
  /** That function's Timeout, in milliseconds. */
  readonly lambdaTimeoutMs: number;
  /** That function's environment variables. */
  readonly environment: Record<string, unknown>;
  /** That function's asynchronous-invocation retry attempts (AWS::Lambda::EventInvokeConfig), if configured. */
  readonly maximumRetryAttempts?: number;
}

/**
 * The custom resources of `type` in a synthesized template, each with its ServiceTimeout and the Lambda timeout of the
 * function its ServiceToken names (which must be a function's Arn: the resource is backed by the function directly).
 */
export function customResourcesIn(template: { Resources?: Record<string, any> }, type: string): TemplateFacts[] {
  const resources = template.Resources ?? {};
  return Object.entries(resources).filter(([, r]) => r.Type === type).map(([logicalId, r]) => {
    const { ServiceToken, ServiceTimeout, ...props } = r.Properties;
    const fnId = ServiceToken?.['Fn::GetAtt']?.[0] as string | undefined;
    const fn = fnId ? resources[fnId] : undefined;
    if (!fn || fn.Type !== 'AWS::Lambda::Function' || ServiceToken['Fn::GetAtt'][1] !== 'Arn') {
      throw new Error(`${logicalId}: ServiceToken ${JSON.stringify(ServiceToken)} is not the Arn of a function in the template`);
    }
    const invokeConfig = Object.values(resources).find((x: any) => x.Type === 'AWS::Lambda::EventInvokeConfig'
      && x.Properties.FunctionName?.Ref === fnId);
    return {
      logicalId,
      props,
      serviceTimeoutSeconds: ServiceTimeout === undefined ? 3600 : Number(ServiceTimeout),
      functionLogicalId: fnId!,
      lambdaTimeoutMs: (fn.Properties.Timeout ?? 3) * 1000,
      environment: fn.Properties.Environment?.Variables ?? {},
      maximumRetryAttempts: invokeConfig?.Properties.MaximumRetryAttempts,
    };
  });
}

