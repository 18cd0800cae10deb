/**
 * A fake AWS Lambda Invoke API on 127.0.0.1: `POST /2015-03-31/functions/{FunctionName}/invocations` (Lambda API
 * Reference, Invoke), restJson. An asynchronous invocation (`X-Amz-Invocation-Type: Event`) is queued and answered
 * `202` with an empty body, as Lambda does ("If the function is invoked asynchronously ... status code 202"); the
 * lifecycle harness (test/lifecycle/cfn-driver.ts) then plays the queued invocation as Lambda would. Point a handler at
 * it with AWS_ENDPOINT_URL_LAMBDA=fake.url. Requests must be SigV4-signed for `lambda`.
 */
import { LoopbackHttpServer } from './loopback-http';

export interface QueuedInvocation {
  /** The function name or ARN from the path (URL-decoded). */
  readonly functionName: string;
  readonly payload: any;
  readonly invocationType: string;
  /** Region from the SigV4 credential scope. */
  readonly region?: string;
}

export class FakeLambda {
  static async start(): Promise<FakeLambda> {
    const f = new FakeLambda();
    f.http = await LoopbackHttpServer.start((req, body, res) => {
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
      const auth = String(req.headers.authorization ?? '');
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/lambda\/aws4_request/.exec(auth);
      const reply = (status: number, json?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `fake-lambda-${f.requests}` });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      f.requests++;
      const scripted = f.errors.shift();
      if (scripted) return reply(scripted.status, { Type: 'User', message: scripted.message ?? scripted.code, __type: scripted.code });
      if (req.method !== 'POST' || !m) return reply(404, { message: `fake: ${req.method} ${req.url}`, __type: 'ResourceNotFoundException' });
      if (!scope) return reply(403, { message: 'fake: request not signed for lambda', __type: 'AccessDeniedException' });
      let payload: unknown;
      try { payload = JSON.parse(body); } catch { return reply(400, { message: 'fake: payload is not JSON', __type: 'InvalidRequestContentException' }); }
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      f.queue.push({ functionName: decodeURIComponent(m[1]), payload, invocationType, region: scope[1] });
      reply(invocationType === 'Event' ? 202 : 200);
    });
    return f;
  }

  /** Invocations received and not yet taken by the harness, in order. */
  public readonly queue: QueuedInvocation[] = [];
  public requests = 0;
  private readonly errors: Array<{ status: number; code: string; message?: string }> = [];
  private http!: LoopbackHttpServer;

  private constructor() {}

  get url(): string { return this.http.url; }

  /** The next requests fail with these errors, in order. */
  failNext(...errors: Array<{ status: number; code: string; message?: string }>): this {
    this.errors.push(...errors);
    return this;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
