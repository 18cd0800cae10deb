/**
 * A fake AWS Systems Manager Parameter Store (awsJson1_1 over HTTP/1.1, the protocol of @aws-sdk/client-ssm) on
 * 127.0.0.1 for the invocation-logging handler, which keeps its state in one String parameter. Point the real SSM
 * client at it with AWS_ENDPOINT_URL_SSM=fake.url.
 *
 * Operations (X-Amz-Target `AmazonSSM.<Operation>`; shapes of @aws-sdk/client-ssm):
 * - GetParameter `{ Name, WithDecryption? }` -> `{ Parameter: { Name, Type, Value, Version, LastModifiedDate, ARN,
 *   DataType } }`; 400 `ParameterNotFound` when absent.
 * - PutParameter `{ Name, Value, Type?, Overwrite?, Tier?, Description? }` -> `{ Version, Tier }`; 400
 *   `ParameterAlreadyExists` when it exists and Overwrite is not true.
 * - DeleteParameter `{ Name }` -> `{}`; 400 `ParameterNotFound` when absent.
 * Errors are `{ "__type": "<Code>", "message": ... }` with status 400, as awsJson1_1 services answer
 * (`ThrottlingException` included). `failNext` scripts errors for the next calls of one operation (or of all).
 */
import * as http from 'node:http';
import { LoopbackHttpServer } from '../utils/loopback-http';

export interface ParameterStoreError { readonly type: string; readonly message?: string; readonly status?: number }

interface Stored { value: string; version: number; tier: string }

export class FakeParameterStore {
  static async start(): Promise<FakeParameterStore> {
    const f = new FakeParameterStore();
    f.http = await LoopbackHttpServer.start((req, body, res) => f.handle(req, body, res));
    return f;
  }

  /** Every request: operation (e.g. `PutParameter`) and parsed body. */
  public readonly requests: Array<{ operation: string; body: any }> = [];
  private readonly params = new Map<string, Stored>();
  private readonly scripted: Array<{ operation?: string; error: ParameterStoreError }> = [];
  private http!: LoopbackHttpServer;

  private constructor() {}

  get url(): string { return this.http.url; }

  /** The value of a parameter, or undefined. */
  value(name: string): string | undefined {
    return this.params.get(name)?.value;
  }

  /** Sets a parameter directly (as if written earlier). */
  set(name: string, value: string): this {
    const prev = this.params.get(name);
    this.params.set(name, { value, version: (prev?.version ?? 0) + 1, tier: 'Standard' });
    return this;
  }

  /** The next calls of `operation` (every operation when undefined) fail with these errors, in order. */
  failNext(operation: string | undefined, ...errors: ParameterStoreError[]): this {
    for (const error of errors) this.scripted.push({ operation, error });
    return this;
  }

  calls(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : target;
    let body: any;
    try { body = JSON.parse(raw || '{}'); } catch { body = undefined; }
    this.requests.push({ operation, body });
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `fake-ssm-${this.requests.length}` });
      res.end(JSON.stringify(obj));
    };
    const fail = (type: string, message: string, status = 400) => send(status, { __type: type, message });
    const i = this.scripted.findIndex((s) => s.operation === undefined || s.operation === operation);
    if (i >= 0) {
      const { error } = this.scripted.splice(i, 1)[0];
      return fail(error.type, error.message ?? error.type, error.status ?? 400);
    }
    if (!body || typeof body.Name !== 'string') return fail('ValidationException', 'fake: Name is required');
    const name: string = body.Name;
    const stored = this.params.get(name);
    switch (operation) {
      case 'GetParameter':
        if (!stored) return fail('ParameterNotFound', '');
        return send(200, {
          Parameter: {
            Name: name, Type: 'String', Value: stored.value, Version: stored.version, DataType: 'text',
            LastModifiedDate: 1764000000, ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`,
          },
        });
      case 'PutParameter': {
        if (typeof body.Value !== 'string' || body.Value.length === 0) return fail('ValidationException', 'fake: Value is required');
        if (stored && body.Overwrite !== true) return fail('ParameterAlreadyExists', 'The parameter already exists.');
        const tier = body.Tier === 'Advanced' || (body.Tier === 'Intelligent-Tiering' && body.Value.length > 4096) ? 'Advanced' : 'Standard';
        if (tier === 'Standard' && body.Value.length > 4096) return fail('ValidationException', 'fake: value too large for the Standard tier');
        const version = (stored?.version ?? 0) + 1;
        this.params.set(name, { value: body.Value, version, tier });
        return send(200, { Version: version, Tier: tier });
      }
      case 'DeleteParameter':
        if (!stored) return fail('ParameterNotFound', '');
        this.params.delete(name);
        return send(200, {});
      default:
        return fail('UnknownOperationException', `fake: ${target}`);
    }
  }
}
