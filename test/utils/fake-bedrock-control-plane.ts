/**
 * A fake Amazon Bedrock control plane (`bedrock.<region>.amazonaws.com`, REST-JSON) on 127.0.0.1 for tests that use
 * the real `@aws-sdk/client-bedrock` client. Point the client at `fake.endpoint` (client option `endpoint`, or env
 * `AWS_ENDPOINT_URL_BEDROCK`) with fake credentials.
 *
 * Wire shapes follow the SDK's own schema (@aws-sdk/client-bedrock 3.1161.0, dist-cjs/index.js):
 * - ListFoundationModels: `GET /foundation-models` (query byProvider, byCustomizationType, byOutputModality,
 *   byInferenceType) -> `{ modelSummaries: FoundationModelSummary[] }`, no pagination. FoundationModelSummary:
 *   modelArn, modelId, modelName, providerName, inputModalities, outputModalities, responseStreamingSupported,
 *   customizationsSupported, inferenceTypesSupported, modelLifecycle { status, startOfLifeTime, endOfLifeTime,
 *   legacyTime, publicExtendedAccessTime }. The lifecycle times are timestamps with the `date-time` format
 *   (schema code 5), i.e. ISO-8601 strings on the wire.
 * - ListInferenceProfiles: `GET /inference-profiles` (query maxResults, nextToken, type) ->
 *   `{ inferenceProfileSummaries: InferenceProfileSummary[], nextToken? }`. InferenceProfileSummary:
 *   inferenceProfileName, inferenceProfileArn, models [{ modelArn }], inferenceProfileId, status, type,
 *   description, createdAt, updatedAt.
 * - GetFoundationModelAvailability: `GET /foundation-model-availability/{modelId}` -> `{ modelId,
 *   agreementAvailability { status, errorMessage? }, authorizationStatus, entitlementAvailability,
 *   regionAvailability }`.
 * - GetModelInvocationLoggingConfiguration: `GET /logging/modelinvocations` -> `{ loggingConfig? }` (no
 *   `loggingConfig` member when logging is not configured). PutModelInvocationLoggingConfiguration:
 *   `PUT /logging/modelinvocations` with body `{ loggingConfig }` -> `{}`. DeleteModelInvocationLoggingConfiguration:
 *   `DELETE /logging/modelinvocations` -> `{}`. LoggingConfig: cloudWatchConfig { logGroupName, roleArn,
 *   largeDataDeliveryS3Config? { bucketName, keyPrefix? } }, s3Config { bucketName, keyPrefix? },
 *   textDataDeliveryEnabled, imageDataDeliveryEnabled, embeddingDataDeliveryEnabled, videoDataDeliveryEnabled,
 *   audioDataDeliveryEnabled (booleans). One configuration per Region (the SigV4 scope's), kept as sent.
 * - Errors: HTTP status + `x-amzn-errortype: <Code>` header (read first by the SDK's loadRestJsonErrorCode) +
 *   `{ "message": ... }` body, e.g. 429 ThrottlingException.
 *
 * The Region of a request is read from the SigV4 credential scope of its Authorization header, so one fake serves
 * several Regions. Every request is recorded (`requests`).
 */
import * as http from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

/** One scripted reply. `delayMs` delays the reply (use it to provoke client timeouts). */
export type FakeReply =
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number; readonly delayMs?: number }
  | { readonly kind: 'error'; readonly status: number; readonly code: string; readonly message?: string; readonly delayMs?: number;
    /** Sent as the `Retry-After` header (seconds), which the SDK passes to the retry strategy as `retryAfterHint`. */
    readonly retryAfterSeconds?: number }
  | { readonly kind: 'raw'; readonly body: string; readonly status?: number; readonly contentType?: string; readonly delayMs?: number }
  /** Never answers (the connection is closed when the fake closes). */
  | { readonly kind: 'hang' };

export interface RecordedRequest {
  readonly method: string;
  /** Decoded path, e.g. `/foundation-model-availability/anthropic.claude-3-haiku-20240307-v1:0`. */
  readonly path: string;
  readonly rawPath: string;
  readonly query: Record<string, string>;
  readonly headers: http.IncomingHttpHeaders;
  /** Region from the SigV4 credential scope, if the request was signed. */
  readonly region?: string;
  readonly signed: boolean;
  /** When the request arrived (Date.now()). */
  readonly at: number;
  /** The request body as received ('' when none). */
  readonly body: string;
}

/**
 * Decides a PutModelInvocationLoggingConfiguration before it is stored: return a reply to reject it (nothing is
 * stored), or undefined to accept it. The hook may also change the stored configuration itself (e.g. store it and then
 * return an error, as a call that took effect but whose answer was lost).
 */
export type LoggingPutHook = (loggingConfig: unknown, region: string | undefined, fake: FakeBedrockControlPlane) => FakeReply | undefined;

/** Data one Region serves for the two list operations. */
export interface FakeRegionData {
  /** Wire-format FoundationModelSummary objects (see `foundationModelSummary`). */
  readonly modelSummaries: unknown[];
  /** Wire-format InferenceProfileSummary objects (see `inferenceProfileSummary`). */
  readonly inferenceProfiles?: unknown[];
}

export interface AvailabilityFields {
  readonly agreement?: 'AVAILABLE' | 'ERROR' | 'NOT_AVAILABLE' | 'PENDING' | string;
  readonly agreementErrorMessage?: string;
  readonly authorization?: 'AUTHORIZED' | 'NOT_AUTHORIZED' | string;
  readonly entitlement?: 'AVAILABLE' | 'NOT_AVAILABLE' | string;
  readonly region?: 'AVAILABLE' | 'NOT_AVAILABLE' | string;
}

/** Reply helpers. */
export const reply = {
  json: (body: unknown, delayMs?: number): FakeReply => ({ kind: 'json', body, delayMs }),
  /** 429 ThrottlingException, as Bedrock sends it. */
  throttle: (message = 'Too many requests, please wait before trying again.', retryAfterSeconds?: number): FakeReply =>
    ({ kind: 'error', status: 429, code: 'ThrottlingException', message, retryAfterSeconds }),
  serverError: (status = 500, code = 'InternalServerException', message = 'Internal server error'): FakeReply =>
    ({ kind: 'error', status, code, message }),
  error: (status: number, code: string, message: string): FakeReply => ({ kind: 'error', status, code, message }),
  /** A 200 whose body is not valid JSON (or not the expected shape). */
  malformed: (body = '{"modelId": "truncated', contentType = 'application/json'): FakeReply =>
    ({ kind: 'raw', status: 200, body, contentType }),
  delayed: (delayMs: number, inner: FakeReply): FakeReply => (inner.kind === 'hang' ? inner : { ...inner, delayMs }),
  hang: (): FakeReply => ({ kind: 'hang' }),
  /** A GetFoundationModelAvailability body; every field defaults to the "usable" value. */
  availability: (modelId: string, f: AvailabilityFields = {}): FakeReply => ({
    kind: 'json',
    body: {
      modelId,
      agreementAvailability: {
        status: f.agreement ?? 'AVAILABLE',
        ...(f.agreementErrorMessage !== undefined ? { errorMessage: f.agreementErrorMessage } : {}),
      },
      authorizationStatus: f.authorization ?? 'AUTHORIZED',
      entitlementAvailability: f.entitlement ?? 'AVAILABLE',
      regionAvailability: f.region ?? 'AVAILABLE',
    },
  }),
};

export interface FoundationModelSummaryInput {
  readonly modelId: string;
  readonly region: string;
  readonly providerName?: string;
  readonly modelName?: string;
  readonly inferenceTypesSupported?: string[];
  readonly inputModalities?: string[];
  readonly outputModalities?: string[];
  readonly responseStreamingSupported?: boolean;
  readonly lifecycle?: {
    readonly status: 'ACTIVE' | 'LEGACY' | string;
    /** ISO-8601 date-time strings, as on the wire. */
    readonly startOfLifeTime?: string;
    readonly endOfLifeTime?: string;
    readonly legacyTime?: string;
    readonly publicExtendedAccessTime?: string;
  };
}

/** Builds a wire-format FoundationModelSummary. */
export function foundationModelSummary(i: FoundationModelSummaryInput): Record<string, unknown> {
  return {
    modelArn: `arn:aws:bedrock:${i.region}::foundation-model/${i.modelId}`,
    modelId: i.modelId,
    modelName: i.modelName ?? i.modelId,
    providerName: i.providerName ?? i.modelId.split('.')[0],
    inputModalities: i.inputModalities ?? ['TEXT'],
    outputModalities: i.outputModalities ?? ['TEXT'],
    responseStreamingSupported: i.responseStreamingSupported ?? true,
    customizationsSupported: [],
    inferenceTypesSupported: i.inferenceTypesSupported ?? ['ON_DEMAND'],
    modelLifecycle: i.lifecycle ?? { status: 'ACTIVE' },
  };
}

/** Builds a wire-format system-defined InferenceProfileSummary. */
export function inferenceProfileSummary(i: {
  readonly profileId: string; readonly sourceRegion: string; readonly account?: string;
  readonly destinationRegions: string[]; readonly foundationModelId: string; readonly status?: string;
}): Record<string, unknown> {
  const account = i.account ?? '123456789012';
  return {
    inferenceProfileName: i.profileId,
    inferenceProfileArn: `arn:aws:bedrock:${i.sourceRegion}:${account}:inference-profile/${i.profileId}`,
    inferenceProfileId: i.profileId,
    description: `Routes requests to ${i.foundationModelId}`,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    status: i.status ?? 'ACTIVE',
    type: 'SYSTEM_DEFINED',
    models: i.destinationRegions.map((r) => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/${i.foundationModelId}` })),
  };
}

type Matcher = (req: RecordedRequest) => boolean;

export class FakeBedrockControlPlane {
  /** Starts a fake on 127.0.0.1 with a random port. */
  public static async start(): Promise<FakeBedrockControlPlane> {
    const fake = new FakeBedrockControlPlane();
    fake.http = await LoopbackHttpServer.start((req, body, res) => fake.handle(req, body, res));
    return fake;
  }

  /** Every request received, in order. */
  public readonly requests: RecordedRequest[] = [];
  /** Page size of ListInferenceProfiles when the client sends no maxResults. */
  public defaultProfilePageSize = 2;

  private http!: LoopbackHttpServer;
  private readonly regions = new Map<string, FakeRegionData>();
  private readonly availability = new Map<string, FakeReply[]>();
  private readonly queued: Array<{ match: Matcher; replies: FakeReply[] }> = [];
  /** Model invocation logging configuration per Region (absent: not configured). */
  private readonly logging = new Map<string, unknown>();
  private loggingPutHook?: LoggingPutHook;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor() {}

  /** `http://127.0.0.1:<port>` */
  public get endpoint(): string {
    return this.http.url;
  }

  /** Sets what ListFoundationModels / ListInferenceProfiles return for requests signed for `region`. */
  public setRegion(region: string, data: FakeRegionData): this {
    this.regions.set(region, data);
    return this;
  }

  /**
   * Scripts GetFoundationModelAvailability for one model ID: the replies are served in order and the last one
   * repeats. Unscripted model IDs get 404 ResourceNotFoundException.
   */
  public setAvailability(modelId: string, ...replies: FakeReply[]): this {
    if (replies.length === 0) throw new Error('setAvailability needs at least one reply');
    this.availability.set(modelId, [...replies]);
    return this;
  }

  /** One-shot replies for requests matching `route` (`'GET /inference-profiles'` prefix or a predicate), served before anything else. */
  public enqueue(route: string | Matcher, ...replies: FakeReply[]): this {
    const match: Matcher = typeof route === 'string'
      ? (r) => `${r.method} ${r.path}`.startsWith(route)
      : route;
    this.queued.push({ match, replies: [...replies] });
    return this;
  }

  /** The model invocation logging configuration of `region` (undefined: not configured), as the service keeps it. */
  public loggingConfiguration(region: string): unknown {
    const c = this.logging.get(region);
    return c === undefined ? undefined : JSON.parse(JSON.stringify(c));
  }

  /** Sets (or, with undefined, deletes) the model invocation logging configuration of `region`, as another team would. */
  public setLoggingConfiguration(region: string, loggingConfig: unknown): this {
    if (loggingConfig === undefined) this.logging.delete(region);
    else this.logging.set(region, JSON.parse(JSON.stringify(loggingConfig)));
    return this;
  }

  /** Installs (or removes) the hook that decides each PutModelInvocationLoggingConfiguration. */
  public onLoggingPut(hook: LoggingPutHook | undefined): this {
    this.loggingPutHook = hook;
    return this;
  }

  /** Requests whose `METHOD path` starts with `prefix`. */
  public requestsTo(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}`.startsWith(prefix));
  }

  public async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.http.close();
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/bedrock\/aws4_request/.exec(auth);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      rawPath: url.pathname,
      path: safeDecode(url.pathname),
      query: Object.fromEntries(url.searchParams.entries()),
      headers: req.headers,
      region: scope?.[1],
      signed: auth.startsWith('AWS4-HMAC-SHA256 '),
      at: Date.now(),
      body,
    };
    this.requests.push(recorded);

    const queued = this.queued.find((q) => q.replies.length > 0 && q.match(recorded));
    if (queued) {
      this.send(res, queued.replies.shift()!);
      return;
    }
    this.send(res, this.route(recorded));
  }

  private route(r: RecordedRequest): FakeReply {
    if (!r.signed) return reply.error(403, 'UnrecognizedClientException', 'Missing Authentication Token');
    const availability = /^\/foundation-model-availability\/(.+)$/.exec(r.path);
    if (r.method === 'GET' && availability) {
      const modelId = availability[1];
      const script = this.availability.get(modelId);
      if (!script) return reply.error(404, 'ResourceNotFoundException', `The model ${modelId} does not exist.`);
      return script.length > 1 ? script.shift()! : script[0];
    }
    if (r.path === '/logging/modelinvocations') return this.routeLogging(r);
    const data = r.region ? this.regions.get(r.region) : undefined;
    if (r.method === 'GET' && r.path === '/foundation-models') {
      if (!data) return reply.error(400, 'ValidationException', `Region ${r.region} is not configured in the fake`);
      let models = data.modelSummaries as Array<Record<string, unknown>>;
      if (r.query.byProvider) {
        models = models.filter((m) => String(m.providerName).toLowerCase() === r.query.byProvider.toLowerCase());
      }
      if (r.query.byInferenceType) {
        models = models.filter((m) => (m.inferenceTypesSupported as string[] | undefined)?.includes(r.query.byInferenceType));
      }
      return reply.json({ modelSummaries: models });
    }
    if (r.method === 'GET' && r.path === '/inference-profiles') {
      if (!data) return reply.error(400, 'ValidationException', `Region ${r.region} is not configured in the fake`);
      let profiles = (data.inferenceProfiles ?? []) as Array<Record<string, unknown>>;
      if (r.query.type) profiles = profiles.filter((p) => p.type === r.query.type);
      const start = r.query.nextToken ? Number(Buffer.from(r.query.nextToken, 'base64').toString('utf8')) : 0;
      if (!Number.isInteger(start) || start < 0 || start > profiles.length) {
        return reply.error(400, 'ValidationException', `Invalid nextToken ${r.query.nextToken}`);
      }
      const size = r.query.maxResults ? Number(r.query.maxResults) : this.defaultProfilePageSize;
      const page = profiles.slice(start, start + size);
      const next = start + size < profiles.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
      return reply.json({ inferenceProfileSummaries: page, ...(next ? { nextToken: next } : {}) });
    }
    return reply.error(404, 'UnknownOperationException', `No route for ${r.method} ${r.path}`);
  }

  private routeLogging(r: RecordedRequest): FakeReply {
    const region = r.region ?? '';
    if (r.method === 'GET') {
      const current = this.logging.get(region);
      return reply.json(current === undefined ? {} : { loggingConfig: current });
    }
    if (r.method === 'DELETE') {
      this.logging.delete(region);
      return reply.json({});
    }
    if (r.method === 'PUT') {
      let parsed: { loggingConfig?: unknown } | undefined;
      try {
        parsed = JSON.parse(r.body || '{}');
      } catch {
        return reply.error(400, 'SerializationException', 'Request body is not valid JSON');
      }
      const loggingConfig = parsed?.loggingConfig;
      if (!loggingConfig || typeof loggingConfig !== 'object') {
        return reply.error(400, 'ValidationException', 'fake: loggingConfig is required');
      }
      const verdict = this.loggingPutHook?.(loggingConfig, r.region, this);
      if (verdict) return verdict;
      this.logging.set(region, loggingConfig);
      return reply.json({});
    }
    return reply.error(405, 'UnknownOperationException', `No route for ${r.method} ${r.path}`);
  }

  private send(res: http.ServerResponse, rep: FakeReply): void {
    if (rep.kind === 'hang') return;
    const write = () => {
      if (res.destroyed) return;
      const requestId = `fake-${this.requests.length}`;
      if (rep.kind === 'json') {
        const body = JSON.stringify(rep.body);
        res.writeHead(rep.status ?? 200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId });
        res.end(body);
      } else if (rep.kind === 'error') {
        res.writeHead(rep.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': `${rep.code}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
          ...(rep.retryAfterSeconds !== undefined ? { 'retry-after': String(rep.retryAfterSeconds) } : {}),
        });
        res.end(JSON.stringify({ message: rep.message ?? rep.code }));
      } else {
        res.writeHead(rep.status ?? 200, { 'content-type': rep.contentType ?? 'application/json', 'x-amzn-requestid': requestId });
        res.end(rep.body);
      }
    };
    if (rep.delayMs && rep.delayMs > 0) {
      const t = setTimeout(() => { this.timers.delete(t); write(); }, rep.delayMs);
      this.timers.add(t);
    } else {
      write();
    }
  }
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
