/**
 * Fake Agents for Amazon Bedrock control plane (restJson1 over HTTP/1.1, as @aws-sdk/client-bedrock-agent sends it)
 * on 127.0.0.1. Point the real client at it with AWS_ENDPOINT_URL_BEDROCK_AGENT=fake.url.
 *
 * Implements StartIngestionJob (PUT /knowledgebases/{kb}/datasources/{ds}/ingestionjobs/, 202) and GetIngestionJob
 * (GET .../ingestionjobs/{id}); checks that requests carry a SigV4 Authorization header for service `bedrock`.
 * Like Bedrock, it runs one ingestion job per data source at a time: StartIngestionJob answers ConflictException while
 * another job of the same data source is STARTING or IN_PROGRESS (a job stays STARTING until GetIngestionJob reports
 * a terminal status for it, or `finish(id)` is called).
 * Scripting: `conflictNext(n)` answers the next n StartIngestionJob calls with ConflictException (a job is running),
 * `failStartNext(status, type, message)` fails the next StartIngestionJob with that error, `statuses(id, ...)` sets the
 * successive statuses GetIngestionJob reports for a job.
 */
import * as http from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

export interface AgentRequest {
  readonly method: string;
  readonly path: string;
  readonly body: any;
  /** Credential scope service of the SigV4 Authorization header. */
  readonly signingService?: string;
}

export class FakeBedrockAgent {
  static async start(): Promise<FakeBedrockAgent> {
    const f = new FakeBedrockAgent();
    f.http = await LoopbackHttpServer.start((req, body, res) => f.handle(req, body, res));
    return f;
  }

  public readonly requests: AgentRequest[] = [];
  /** Started jobs by ID. */
  public readonly jobs = new Map<string, { knowledgeBaseId: string; dataSourceId: string; clientToken?: string }>();
  private readonly statusScript = new Map<string, string[]>();
  private readonly failureReasons = new Map<string, string[]>();
  /** The status each job last had (STARTING at creation, then what GetIngestionJob last reported). */
  private readonly current = new Map<string, string>();
  private conflicts = 0;
  private readonly failedDocs = new Map<string, number>();
  private readonly getErrors: Array<{ status: number; type: string; message: string }> = [];
  private readonly startErrors: Array<{ status: number; type: string; message: string }> = [];
  private counter = 0;
  private http!: LoopbackHttpServer;

  private constructor() {}

  get url(): string { return this.http.url; }

  conflictNext(n: number): this { this.conflicts += n; return this; }

  /** The next StartIngestionJob call fails with this error (after any scripted conflicts). */
  failStartNext(status: number, type: string, message: string): this { this.startErrors.push({ status, type, message }); return this; }

  /** Successive statuses GetIngestionJob returns for `jobId` (the last one repeats). */
  statuses(jobId: string, ...statuses: string[]): this { this.statusScript.set(jobId, statuses); return this; }

  failWith(jobId: string, ...reasons: string[]): this { this.failureReasons.set(jobId, reasons); return this; }

  /** When `jobId` is COMPLETE, `n` of its documents failed (numberOfDocumentsFailed; scanned grows by n). */
  failedDocuments(jobId: string, n: number): this { this.failedDocs.set(jobId, n); return this; }

  /** The next GetIngestionJob call fails with this error. */
  failGetNext(status: number, type: string, message: string): this { this.getErrors.push({ status, type, message }); return this; }

  /** Ends a job (COMPLETE by default) as if it had finished on its own. */
  finish(jobId: string, status = 'COMPLETE'): this { this.current.set(jobId, status); return this; }

  /** The job of this data source that is STARTING or IN_PROGRESS, if any. */
  runningJob(knowledgeBaseId: string, dataSourceId: string): string | undefined {
    for (const [id, j] of this.jobs) {
      if (j.knowledgeBaseId === knowledgeBaseId && j.dataSourceId === dataSourceId
        && ['STARTING', 'IN_PROGRESS'].includes(this.current.get(id) ?? '')) return id;
    }
    return undefined;
  }

  reset(): void {
    this.requests.length = 0;
    this.jobs.clear();
    this.statusScript.clear();
    this.failureReasons.clear();
    this.current.clear();
    this.conflicts = 0;
    this.startErrors.length = 0;
    this.failedDocs.clear();
    this.getErrors.length = 0;
    this.counter = 0;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const auth = String(req.headers.authorization ?? '');
    const signingService = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
    let body: any = {};
    try { body = raw ? JSON.parse(raw) : {}; } catch { /* recorded raw below */ }
    this.requests.push({ method: req.method ?? '', path, body, signingService });
    const send = (status: number, payload: unknown, type?: string) => {
      const text = JSON.stringify(payload);
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
      if (type) headers['x-amzn-errortype'] = type;
      res.writeHead(status, headers);
      res.end(text);
    };
    if (signingService !== 'bedrock') {
      send(403, { message: 'missing or wrong SigV4 signature' }, 'AccessDeniedException');
      return;
    }
    const start = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)\/ingestionjobs\/$/.exec(path);
    const get = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)\/ingestionjobs\/([^/]+)$/.exec(path);
    if (req.method === 'PUT' && start) {
      const scripted = this.conflicts === 0 ? this.startErrors.shift() : undefined;
      if (scripted) {
        send(scripted.status, { message: scripted.message }, scripted.type);
        return;
      }
      const running = this.runningJob(start[1], start[2]);
      if (this.conflicts > 0 || running) {
        if (!running) this.conflicts--;
        send(409, { message: `An ingestion job is already running for this data source${running ? ` (${running})` : ''}.` }, 'ConflictException');
        return;
      }
      const id = `JOB${++this.counter}`;
      this.jobs.set(id, { knowledgeBaseId: start[1], dataSourceId: start[2], clientToken: body.clientToken });
      this.current.set(id, 'STARTING');
      send(202, { ingestionJob: this.job(id, 'STARTING') });
      return;
    }
    if (req.method === 'GET' && get) {
      const scripted = this.getErrors.shift();
      if (scripted) {
        send(scripted.status, { message: scripted.message }, scripted.type);
        return;
      }
      const job = this.jobs.get(get[3]);
      if (!job || job.knowledgeBaseId !== get[1] || job.dataSourceId !== get[2]) {
        send(404, { message: `Ingestion job ${get[3]} not found` }, 'ResourceNotFoundException');
        return;
      }
      const script = this.statusScript.get(get[3]) ?? ['COMPLETE'];
      const status = script.length > 1 ? script.shift()! : script[0];
      this.current.set(get[3], status);
      send(200, { ingestionJob: this.job(get[3], status) });
      return;
    }
    send(404, { message: `unknown route ${req.method} ${path}` }, 'ResourceNotFoundException');
  }

  private job(id: string, status: string) {
    const j = this.jobs.get(id)!;
    return {
      knowledgeBaseId: j.knowledgeBaseId,
      dataSourceId: j.dataSourceId,
      ingestionJobId: id,
      status,
      startedAt: '2026-11-25T12:00:00Z',
      updatedAt: '2026-11-25T12:01:00Z',
      statistics: status === 'COMPLETE'
        ? { numberOfDocumentsScanned: 3 + (this.failedDocs.get(id) ?? 0), numberOfNewDocumentsIndexed: 2, numberOfModifiedDocumentsIndexed: 1, numberOfDocumentsFailed: this.failedDocs.get(id) ?? 0 }
        : { numberOfDocumentsScanned: 0 },
      failureReasons: this.failureReasons.get(id),
    };
  }
}
