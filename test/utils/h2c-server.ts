/**
 * A plaintext HTTP/2 (h2c, prior knowledge) server on 127.0.0.1 and a random port, for faking AWS services whose
 * SDK clients default to NodeHttp2Handler (bedrock-runtime, bedrock-agent-runtime: see their
 * dist-es/runtimeConfig.js, `NodeHttp2Handler as RequestHandler`). Replies are scripted per operation.
 */
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** Decoded path parameters (e.g. modelId). */
  readonly params: Record<string, string>;
  readonly headers: http2.IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** JSON-parsed body, undefined when not JSON. */
  readonly body: any;
  /** Whether the stream has closed (answered, reset, or cancelled by the client). */
  isClosed(): boolean;
}

export type Reply =
  /** JSON body with status (default 200). */
  | { readonly kind: 'json'; readonly status?: number; readonly body: unknown; readonly delayMs?: number; readonly headers?: Record<string, string> }
  /** An AWS restJson1 error: `x-amzn-errortype` header plus `{ message }` body. */
  | { readonly kind: 'error'; readonly status: number; readonly errorType: string; readonly message?: string }
  /** Raw bytes (e.g. a malformed body). */
  | { readonly kind: 'raw'; readonly status?: number; readonly body: string | Uint8Array; readonly contentType?: string }
  /** Raw bytes written as several frames with the given gaps (event streams). */
  | { readonly kind: 'chunks'; readonly status?: number; readonly contentType: string; readonly chunks: readonly Uint8Array[]; readonly gapMs?: number }
  /** Never answers (the client must give up). */
  | { readonly kind: 'hang' }
  /** Resets the HTTP/2 stream (RST_STREAM with `code`, default NGHTTP2_INTERNAL_ERROR) before any byte of the reply. */
  | { readonly kind: 'reset'; readonly code?: number }
  /**
   * Sends the status, headers and `body` (part of a reply), then, per `then`: resets the stream (`reset`, the code
   * as above) or keeps it open without another byte (`hang`: the body is still arriving when the client gives up).
   */
  | { readonly kind: 'partial'; readonly status?: number; readonly contentType?: string; readonly body: string | Uint8Array; readonly then: 'reset' | 'hang'; readonly code?: number }
  /** Sends `reply` only once `until` resolves (a late reply, released by the test instead of a real delay). */
  | { readonly kind: 'deferred'; readonly until: Promise<unknown>; readonly reply: Reply };

export type Responder = (req: RecordedRequest) => Reply;

export interface Route {
  readonly operation: string;
  readonly method: string;
  /** Path pattern with `{name}` placeholders, e.g. `/model/{modelId}/converse`. */
  readonly pattern: string;
}

function compile(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const re = new RegExp('^' + pattern.replace(/\{(\w+)\}/g, (_m, n: string) => { names.push(n); return '([^/?]+)'; }) + '(?:\\?.*)?$');
  return { re, names };
}

export class H2cFakeServer {
  public readonly requests: RecordedRequest[] = [];
  /** Streams (requests) that have closed, for either side's reason: a client that gives up closes its stream. */
  public closedStreams = 0;
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly queues = new Map<string, Reply[]>();
  private readonly defaults = new Map<string, Responder>();
  private readonly routes: { route: Route; re: RegExp; names: string[] }[];
  private port = 0;

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({ route, ...compile(route.pattern) }));
    this.server = http2.createServer();
    this.server.on('session', (s) => { this.sessions.add(s); s.on('close', () => this.sessions.delete(s)); });
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string { return `http://127.0.0.1:${this.port}`; }

  /** Queues one-shot replies for an operation (used in order, before the default responder). */
  enqueue(operation: string, ...replies: Reply[]): this {
    const q = this.queues.get(operation) ?? [];
    q.push(...replies);
    this.queues.set(operation, q);
    return this;
  }

  /** Sets the responder used when the operation's queue is empty. */
  setDefault(operation: string, responder: Responder): this {
    this.defaults.set(operation, responder);
    return this;
  }

  /** Requests recorded for one operation. */
  calls(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  reset(): void {
    this.requests.length = 0;
    this.closedStreams = 0;
    this.queues.clear();
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => undefined);
    let closed = false;
    stream.on('close', () => { closed = true; this.closedStreams += 1; });
    stream.on('end', () => {
      const method = String(headers[':method']);
      const path = String(headers[':path']);
      const match = this.routes.map((r) => ({ r, m: r.route.method === method ? r.re.exec(path) : null })).find((x) => x.m);
      const rawBody = Buffer.concat(chunks);
      let body: unknown;
      try { body = rawBody.length ? JSON.parse(rawBody.toString('utf8')) : undefined; } catch { body = undefined; }
      if (!match) {
        stream.respond({ ':status': 404, 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
        stream.end(JSON.stringify({ message: `fake: no route for ${method} ${path}` }));
        return;
      }
      const params: Record<string, string> = {};
      match.r.names.forEach((n, i) => { params[n] = decodeURIComponent(match.m![i + 1]); });
      const req: RecordedRequest = { operation: match.r.route.operation, method, path, params, headers, rawBody, body, isClosed: () => closed };
      this.requests.push(req);
      const queued = this.queues.get(req.operation)?.shift();
      const responder = this.defaults.get(req.operation);
      const reply = queued ?? responder?.(req) ?? { kind: 'error', status: 500, errorType: 'InternalServerException', message: `fake: no reply scripted for ${req.operation}` };
      void this.send(stream, reply);
    });
  }

  private async send(stream: http2.ServerHttp2Stream, reply: Reply): Promise<void> {
    if (stream.destroyed) return;
    const base = { 'x-amzn-requestid': `fake-${this.requests.length}` };
    switch (reply.kind) {
      case 'hang':
        return;
      case 'reset':
        stream.close(reply.code ?? http2.constants.NGHTTP2_INTERNAL_ERROR);
        return;
      case 'partial':
        stream.respond({ ':status': reply.status ?? 200, 'content-type': reply.contentType ?? 'application/json', ...base });
        stream.write(Buffer.from(reply.body));
        if (reply.then === 'reset') setImmediate(() => { if (!stream.destroyed) stream.close(reply.code ?? http2.constants.NGHTTP2_INTERNAL_ERROR); });
        return;
      case 'deferred':
        await reply.until;
        return this.send(stream, reply.reply);
      case 'json':
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (stream.destroyed) return;
        stream.respond({ ':status': reply.status ?? 200, 'content-type': 'application/json', ...base, ...reply.headers });
        stream.end(JSON.stringify(reply.body));
        return;
      case 'error':
        stream.respond({ ':status': reply.status, 'content-type': 'application/json', 'x-amzn-errortype': reply.errorType, ...base });
        stream.end(JSON.stringify({ message: reply.message ?? reply.errorType }));
        return;
      case 'raw':
        stream.respond({ ':status': reply.status ?? 200, 'content-type': reply.contentType ?? 'application/json', ...base });
        stream.end(Buffer.from(reply.body));
        return;
      case 'chunks':
        stream.respond({ ':status': reply.status ?? 200, 'content-type': reply.contentType, ...base });
        for (const c of reply.chunks) {
          if (stream.destroyed) return;
          stream.write(Buffer.from(c));
          if (reply.gapMs) await new Promise((r) => setTimeout(r, reply.gapMs));
        }
        stream.end();
        return;
    }
  }
}
