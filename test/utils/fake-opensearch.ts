/**
 * Fake OpenSearch Serverless collection endpoint (HTTP/1.1 on 127.0.0.1) for the oss-index handler.
 *
 * - Verifies every request's SigV4 signature for service `aoss`: it recomputes the signature with the shared fake
 *   credentials (same algorithm as AWS: @smithy/signature-v4 over the received method, path, signed headers and the
 *   body hash) and answers 403 `{"message":"signature mismatch"}` when it differs, or when the
 *   `x-amz-content-sha256` header is not the SHA-256 of the body. Each request records whether it verified.
 * - Index API subset: PUT /<index> (create; 400 resource_already_exists_exception when present), HEAD /<index>
 *   (200/404), GET /<index>/_mapping (`{ <index>: { mappings } }` / 404), DELETE /<index> (200/404).
 * - Scripting: `forbidNext(n)` answers the next n requests 403 (the data-access-policy propagation race),
 *   `failNext(status, body)` scripts arbitrary answers, `stallNext(n)` never answers the next n requests (timeouts).
 */
import * as http from 'node:http';
import { LoopbackHttpServer } from './loopback-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The SigV4 signature verified against the fake credentials and service `aoss`. */
  readonly signatureValid: boolean;
  /** Credential scope from the Authorization header (`<date>/<region>/<service>/aws4_request`). */
  readonly credentialScope?: string;
}

export interface FakeOpenSearchOptions {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

type Scripted = { kind: 'status'; status: number; body: string } | { kind: 'stall' };

export class FakeOpenSearch {
  static async start(options: FakeOpenSearchOptions): Promise<FakeOpenSearch> {
    const f = new FakeOpenSearch(options);
    f.http = await LoopbackHttpServer.start((req, body, res) => { void f.handle(req, body, res); });
    return f;
  }

  /** Index name -> creation body. */
  public readonly indexes = new Map<string, any>();
  public readonly requests: RecordedRequest[] = [];
  private readonly script: Scripted[] = [];
  private readonly stalled: http.ServerResponse[] = [];
  private http!: LoopbackHttpServer;

  private constructor(private readonly options: FakeOpenSearchOptions) {}

  get url(): string { return this.http.url; }

  /** The next `n` requests are answered 403 as while a data-access policy propagates. */
  forbidNext(n: number): this {
    for (let i = 0; i < n; i++) {
      this.script.push({ kind: 'status', status: 403, body: JSON.stringify({ status: 403, request_id: 'fake', error: { reason: '403 Forbidden', type: 'security_exception' } }) });
    }
    return this;
  }

  /** The next request gets this answer. */
  failNext(status: number, body: string): this {
    this.script.push({ kind: 'status', status, body });
    return this;
  }

  /** The next `n` requests never get an answer (the client's timeout must fire). */
  stallNext(n: number): this {
    for (let i = 0; i < n; i++) this.script.push({ kind: 'stall' });
    return this;
  }

  reset(): void {
    this.indexes.clear();
    this.requests.length = 0;
    this.script.length = 0;
  }

  async close(): Promise<void> {
    for (const r of this.stalled) r.destroy();
    await this.http.close();
  }

  private async verify(req: http.IncomingMessage, body: string): Promise<{ valid: boolean; scope?: string }> {
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(auth);
    if (!m) return { valid: false };
    const [, keyId, scope, signedHeaders, signature] = m;
    const [, region, service] = scope.split('/');
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (keyId !== this.options.accessKeyId || service !== 'aoss' || region !== this.options.region || !amzDate) {
      return { valid: false, scope };
    }
    const bodyHash = new Sha256();
    bodyHash.update(body);
    const expectedSha = Buffer.from(await bodyHash.digest()).toString('hex');
    if (req.headers['x-amz-content-sha256'] !== expectedSha) return { valid: false, scope };
    const headers: Record<string, string> = {};
    for (const h of signedHeaders.split(';')) headers[h] = String(req.headers[h] ?? '');
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const request = new HttpRequest({
      method: req.method, protocol: 'http:', hostname: '127.0.0.1', port: Number(new URL(this.http.url).port), path: url.pathname, headers, body,
    });
    const signer = new SignatureV4({
      service: 'aoss', region,
      credentials: { accessKeyId: this.options.accessKeyId, secretAccessKey: this.options.secretAccessKey },
      sha256: Sha256,
    });
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const resigned = await signer.sign(request, { signingDate, unsignableHeaders: new Set(), signableHeaders: new Set(Object.keys(headers)) });
    const expected = /Signature=([0-9a-f]+)/.exec(String(resigned.headers.authorization))?.[1];
    return { valid: expected === signature, scope };
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    const { valid, scope } = await this.verify(req, body);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body, signatureValid: valid, credentialScope: scope });
    const send = (status: number, payload?: unknown) => {
      const text = payload === undefined ? '' : (typeof payload === 'string' ? payload : JSON.stringify(payload));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    const scripted = this.script.shift();
    if (scripted?.kind === 'stall') { this.stalled.push(res); return; }
    if (scripted) { send(scripted.status, scripted.body); return; }
    if (!valid) { send(403, { message: 'signature mismatch' }); return; }

    const mapping = /^\/([^/]+)\/_mapping$/.exec(path);
    if (req.method === 'GET' && mapping) {
      const index = this.indexes.get(mapping[1]);
      if (index === undefined) send(404, { error: { type: 'index_not_found_exception' }, status: 404 });
      else send(200, { [mapping[1]]: { mappings: index.mappings ?? {} } });
      return;
    }
    const name = path.replace(/^\//, '');
    switch (req.method) {
      case 'PUT':
        if (this.indexes.has(name)) {
          send(400, { error: { type: 'resource_already_exists_exception', reason: `index [${name}] already exists` }, status: 400 });
          return;
        }
        try {
          this.indexes.set(name, JSON.parse(body));
        } catch {
          send(400, { error: { type: 'parse_exception' }, status: 400 });
          return;
        }
        send(200, { acknowledged: true, shards_acknowledged: true, index: name });
        return;
      case 'HEAD':
        send(this.indexes.has(name) ? 200 : 404);
        return;
      case 'DELETE':
        if (!this.indexes.delete(name)) {
          send(404, { error: { type: 'index_not_found_exception' }, status: 404 });
          return;
        }
        send(200, { acknowledged: true });
        return;
      default:
        send(405, { error: 'method not allowed' });
    }
  }
}
