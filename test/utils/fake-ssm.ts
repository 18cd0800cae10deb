/**
 * Fake AWS Systems Manager Parameter Store (awsJson1_1 over HTTP/1.1: @aws-sdk/client-ssm uses NodeHttpHandler) on
 * 127.0.0.1 for the real SSM client. Point it at the fake with AWS_ENDPOINT_URL_SSM=fake.url.
 * Supports `AmazonSSM.GetParameter` (X-Amz-Target), counts calls, and scripts errors
 * (`{"__type": "ParameterNotFound"}`, `ThrottlingException`, ...), slow answers (`delayNext`, to provoke client timeouts)
 * and answers held until the test releases them (`holdNext`, to act while a request is in flight without sleeping).
 */
import * as http from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

export interface SsmError { readonly status: number; readonly type: string; readonly message?: string }

/** A request whose answer waits for the test (FakeSsm.holdNext). */
export interface HeldAnswer {
  /** Resolves when the request has arrived. */
  readonly received: Promise<void>;
  /** Sends the answer now. */
  release(): void;
  /** Resolves when the answer has been written (or the connection is gone). */
  readonly answered: Promise<void>;
}

interface Hold extends HeldAnswer { arrived(): void; wait: Promise<void>; done(): void }

export class FakeSsm {
  static async start(): Promise<FakeSsm> {
    const f = new FakeSsm();
    f.http = await LoopbackHttpServer.start((req, body, res) => f.receive(req, body, res));
    return f;
  }

  /** Parameter values by name. */
  public readonly parameters = new Map<string, string>();
  /** Every request: target and parsed body. */
  public readonly requests: { target: string; body: any }[] = [];
  private readonly errors: SsmError[] = [];
  private readonly delays: number[] = [];
  private readonly holds: Hold[] = [];
  private http!: LoopbackHttpServer;

  private constructor() {}

  private receive(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const hold = this.holds.shift();
    const delay = hold ? 0 : this.delays.shift() ?? 0;
    const run = () => { if (!res.destroyed) this.handle(String(req.headers['x-amz-target'] ?? ''), body, res); };
    if (hold) {
      res.on('close', () => hold.done());
      hold.arrived();
      void hold.wait.then(run);
    } else if (delay > 0) {
      setTimeout(run, delay).unref();
    } else {
      run();
    }
  }

  /** The next request is answered only when the test calls `release()` on what this returns. */
  holdNext(): HeldAnswer {
    let arrived!: () => void;
    let release!: () => void;
    let done!: () => void;
    const received = new Promise<void>((r) => { arrived = r; });
    const wait = new Promise<void>((r) => { release = r; });
    const answered = new Promise<void>((r) => { done = r; });
    const hold: Hold = { received, release, answered, arrived, wait, done };
    this.holds.push(hold);
    return hold;
  }

  get url(): string { return this.http.url; }

  /** GetParameter calls received. */
  get getParameterCalls(): number {
    return this.requests.filter((r) => r.target === 'AmazonSSM.GetParameter').length;
  }

  /** The next calls fail with these errors, in order. */
  failNext(...errors: SsmError[]): this {
    this.errors.push(...errors);
    return this;
  }

  /** The next answers are sent after these delays (ms), in order. */
  delayNext(...delaysMs: number[]): this {
    this.delays.push(...delaysMs);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.errors.length = 0;
    this.delays.length = 0;
    this.holds.length = 0;
    this.parameters.clear();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private handle(target: string, raw: string, res: http.ServerResponse): void {
    let body: any;
    try { body = JSON.parse(raw || '{}'); } catch { body = undefined; }
    this.requests.push({ target, body });
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `fake-ssm-${this.requests.length}` });
      res.end(JSON.stringify(obj));
    };
    const err = this.errors.shift();
    if (err) return send(err.status, { __type: err.type, message: err.message ?? err.type });
    if (target !== 'AmazonSSM.GetParameter') return send(400, { __type: 'UnknownOperationException', message: `fake: ${target}` });
    const name: string = body?.Name;
    const value = this.parameters.get(name);
    if (value === undefined) return send(400, { __type: 'ParameterNotFound', message: '' });
    return send(200, {
      Parameter: {
        Name: name, Type: 'String', Value: value, Version: 1, DataType: 'text',
        LastModifiedDate: 1764000000, ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`,
      },
    });
  }
}
