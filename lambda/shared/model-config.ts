/**
 * Runtime model configuration (schemaVersion 1) for the invoker handlers.
 *
 * Source, in order: env `MODEL_CONFIG` (the JSON itself, set by a construct built from a `model`), else the SSM
 * String parameter named by env `MODEL_CONFIG_PARAMETER` (the `<prefix>/<role>/config` companion written by
 * PinnedModelConfig).
 *
 * The SSM parameter is read once per execution environment and then again after CONFIG_MAX_AGE_SECONDS (24 h)
 * (`ssm:GetParameter`, the only call: PinnedModelConfig's bindToFunction grants exactly that on the `/config`
 * parameter). Only a value that parses and validates is kept; concurrent requests share one read in flight. That is
 * safe because the construct that wires a function to the configuration also puts `MODEL_CONFIG_HASH` (sha256 of the
 * JSON) in the function's environment: a deploy that changes the configuration changes the environment, which makes
 * Lambda start new execution environments that read the new value, while IAM moves to the new model ARN in the same
 * deploy. Editing the parameter by hand is drift: it is seen by environments started after the edit and by warm ones once
 * their copy is 24 h old (or at once when their last read failed), and the
 * helper logs a warning naming the parameter when the JSON's sha256 differs from `MODEL_CONFIG_HASH`.
 *
 * Bounded time: the SSM client has a connection timeout and a request timeout (env `MODEL_CONFIG_CONNECT_TIMEOUT_MS`,
 * default 1000; `MODEL_CONFIG_REQUEST_TIMEOUT_MS`, default 3000), and `getModelConfig({ abortSignal })` lets the
 * caller stop waiting for the read (at its deadline); when no request waits for the read any more, the SSM call and
 * its retries are aborted.
 */
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as z from 'zod/mini';
import {
  configHashInput, GUARDRAIL_TRACE_VALUES, INVOCATION_FORMS, RUNTIME_CONFIG_SCHEMA_VERSION, type InferenceParameters, type RuntimeModelConfig,
} from '../../lib/contract';
import { ENV, envInt, envString } from './env';
import { configTimeout, InvokerError } from './errors';
import { clock } from './clock';
import { logger } from './observability';
import { inRequestScope, requestState, type RequestState } from './request-scope';
import { clientOptions, withinDeadline, type Deadline } from './sdk';
import { describeIssue, issuePath, schemaFor } from './validation';

export type { InferenceParameters, RuntimeModelConfig };

/** 24 hours, in seconds (Powertools `maxAge` unit). */
export const CONFIG_MAX_AGE_SECONDS = 24 * 60 * 60;

/** A field the contract allows to be null may be left out: it then reads as null. */
const orNull = <T extends z.ZodMiniType>(schema: T) => z._default(z.nullable(schema), null);

/** The Converse inference parameters (also what a text-invoker request may override). */
export const inferenceParametersSchema = schemaFor<InferenceParameters>()(z.object({
  maxTokens: z.optional(z.int().check(z.gte(1))),
  temperature: z.optional(z.number().check(z.gte(0), z.lte(1))),
  topP: z.optional(z.number().check(z.gte(0), z.lte(1))),
  stopSequences: z.optional(z.array(z.string().check(z.minLength(1)))),
}));

/**
 * The run-time configuration as the constructs write it (lib/contract `RuntimeModelConfig`, checked at compile time
 * by `schemaFor`): every field the contract requires is required, except that a field the contract allows to be null
 * may be left out.
 */
export const runtimeModelConfigSchema = schemaFor<RuntimeModelConfig>()(z.object({
  schemaVersion: z.literal(RUNTIME_CONFIG_SCHEMA_VERSION),
  role: z.optional(z.string()),
  modelId: z.string().check(z.minLength(1)),
  foundationModelId: orNull(z.string()),
  invocationForm: z.enum(INVOCATION_FORMS),
  inferenceParameters: z.optional(inferenceParametersSchema),
  contextWindow: orNull(z.int().check(z.gte(1))),
  maxOutputTokens: orNull(z.int().check(z.gte(1))),
  embedding: orNull(z.object({
    dimensions: z.array(z.int().check(z.gte(1))),
    default: orNull(z.int().check(z.gte(1))),
  })),
  price: orNull(z.object({
    inputPer1M: z.number().check(z.gte(0)),
    outputPer1M: z.nullable(z.number().check(z.gte(0))),
    currency: z.string(),
    rateBasis: z.string(),
    asOf: orNull(z.string()),
    approximate: z.boolean(),
    source: z.array(z.string()),
  })),
  catalogGeneratedAt: z.string(),
  guardrail: z.optional(z.object({
    guardrailIdentifier: z.string().check(z.minLength(1)),
    guardrailVersion: z.string().check(z.regex(/^(([1-9][0-9]{0,7})|(DRAFT))$/)),
    trace: z.enum(GUARDRAIL_TRACE_VALUES),
  })),
}));

/**
 * Parses and validates the configuration JSON. `origin` names where it came from (env var or SSM parameter) so
 * the error says what to fix.
 */
export function parseModelConfig(raw: string, origin: string): RuntimeModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new InvokerError('ConfigError', 500,
      `Model configuration in ${origin} is not valid JSON (${(e as Error).message}); value starts with ${JSON.stringify(raw.slice(0, 40))}. Redeploy the stack that owns it (editing it by hand is drift).`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvokerError('ConfigError', 500, `Model configuration in ${origin} must be a JSON object (what PinnedModelConfig writes), got `
      + `${JSON.stringify(raw.slice(0, 40))}. Redeploy the stack that owns it (editing it by hand is drift).`);
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  if (version !== RUNTIME_CONFIG_SCHEMA_VERSION) {
    throw new InvokerError('ConfigError', 500,
      `Model configuration in ${origin} has schemaVersion ${JSON.stringify(version)}; this handler reads schemaVersion ${RUNTIME_CONFIG_SCHEMA_VERSION}. Deploy matching versions of the configuration and the invoker.`,
      { field: 'schemaVersion' });
  }
  const result = runtimeModelConfigSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issuePath(issue.path);
    throw new InvokerError('ConfigError', 500,
      `Model configuration in ${origin}: field "${field}" ${describeIssue(issue as never)}. Redeploy the stack that owns it (editing it by hand is drift).`,
      { field });
  }
  return result.data;
}

let sdkClient: SSMClient | undefined;
let envCache: { raw: string; config: RuntimeModelConfig } | undefined;
/** The last configuration read from SSM that parsed and validated, and when it was read (clock()). */
let ssmCache: { name: string; raw: string; config: RuntimeModelConfig; readAt: number } | undefined;
/** The SSM read in flight, shared by every request that needs it (see `sharedRead`). */
let inflight: SharedRead | undefined;
let driftWarned: string | undefined;

const connectTimeoutMs = () => envInt('MODEL_CONFIG_CONNECT_TIMEOUT_MS', 1000);
const requestTimeoutMs = () => envInt('MODEL_CONFIG_REQUEST_TIMEOUT_MS', 3000);

function ssmClient(): SSMClient {
  // An explicit http.Agent: NodeHttpHandler otherwise loads node:http with a dynamic import() the first time it
  // talks to an http:// endpoint (only ever a loopback test endpoint), which a jest VM context cannot run.
  // In Lambda the SSM endpoint is https and this agent is never used.
  sdkClient ??= new SSMClient({
    ...clientOptions(),
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true }),
      connectionTimeout: connectTimeoutMs(),
      requestTimeout: requestTimeoutMs(),
      throwOnRequestTimeout: true,
    }),
  });
  return sdkClient;
}

/** The AbortError for a read the caller's signal abandoned (marked so that ssmError does not blame the request timeout). */
function callerAbort(signal: AbortSignal): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'the caller aborted the read';
  return Object.assign(new Error(reason), { name: 'AbortError', callerAborted: true });
}

/**
 * One GetParameter call (with the SDK's retries) shared by all the requests waiting for it: 50 cold requests at once
 * make one call. Each waiter may stop waiting (its deadline); when the last one has stopped, the call is aborted, its
 * retries included, so nothing keeps running for a request that has returned. The call runs in a request scope of
 * its own: its retries stop at the latest deadline of the requests still waiting.
 */
interface SharedRead {
  readonly name: string;
  readonly result: Promise<RuntimeModelConfig>;
  readonly controller: AbortController;
  /** The deadline (clock() ms) of each request waiting for it, by waiter. */
  readonly waiters: Map<number, number>;
}

let waiterIds = 0;

function startRead(name: string): SharedRead {
  const controller = new AbortController();
  const waiters = new Map<number, number>();
  const scope: RequestState = {
    get deadline() { return waiters.size ? Math.max(...waiters.values()) : Number.POSITIVE_INFINITY; },
    set deadline(_v: number) { /* fixed by the waiters */ },
    signal: controller.signal,
  };
  const read: SharedRead = {
    name, controller, waiters,
    result: inRequestScope(async () => {
      try {
        let raw: string | undefined;
        try {
          const out = await ssmClient().send(new GetParameterCommand({ Name: name }), { abortSignal: controller.signal });
          raw = out.Parameter?.Value;
        } catch (e) {
          throw ssmError(controller.signal.aborted ? callerAbort(controller.signal) : e, name);
        }
        if (raw === undefined) throw ssmError({ name: 'ParameterNotFound' }, name);
        // Parsed before it is cached: a value that does not parse or validate is never cached, so once the parameter
        // is fixed the next request reads it.
        const config = ssmCache?.name === name && ssmCache.raw === raw ? ssmCache.config : parseModelConfig(raw, `SSM parameter ${name}`);
        ssmCache = { name, raw, config, readAt: clock().now() };
        warnOnDrift(name, raw);
        return config;
      } finally {
        if (inflight === read) inflight = undefined;
      }
    }, scope),
  };
  read.result.catch(() => undefined); // a read nobody waits for any more must not be an unhandled rejection
  return read;
}

/** Waits for `read` as one waiter, until `signal` aborts; the read is aborted when its last waiter stops. */
function waitFor(read: SharedRead, signal: AbortSignal | undefined): Promise<RuntimeModelConfig> {
  const id = ++waiterIds;
  read.waiters.set(id, requestState()?.deadline ?? Number.POSITIVE_INFINITY);
  const leave = () => {
    read.waiters.delete(id);
    if (read.waiters.size === 0 && inflight === read) {
      inflight = undefined;
      read.controller.abort(signal?.reason);
    }
  };
  if (!signal) return read.result.finally(leave);
  return new Promise<RuntimeModelConfig>((resolve, reject) => {
    const onAbort = () => { leave(); reject(ssmError(callerAbort(signal), read.name)); };
    if (signal.aborted) { onAbort(); return; }
    signal.addEventListener('abort', onAbort, { once: true });
    read.result.then((v) => { signal.removeEventListener('abort', onAbort); leave(); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); leave(); reject(e); });
  });
}

/** Options of `getModelConfig`. */
export interface GetModelConfigOptions {
  /** Stops waiting for the SSM read when it aborts: `getModelConfig` then rejects with a `ConfigTimeout` error. */
  readonly abortSignal?: AbortSignal;
}

/**
 * Returns the configuration. From SSM: a configuration that parsed and validated is kept for CONFIG_MAX_AGE_SECONDS
 * (24 h) and then read again; requests that need a read while one is in flight share it; a failed read (SSM error,
 * invalid JSON or schema) is not cached, so the next request reads SSM again.
 */
export async function getModelConfig(options: GetModelConfigOptions = {}): Promise<RuntimeModelConfig> {
  const inline = envString(ENV.MODEL_CONFIG);
  if (inline !== undefined) {
    if (envCache?.raw !== inline) envCache = { raw: inline, config: parseModelConfig(inline, `environment variable ${ENV.MODEL_CONFIG}`) };
    return envCache.config;
  }
  const name = envString(ENV.MODEL_CONFIG_PARAMETER);
  if (name === undefined) {
    throw new InvokerError('ConfigError', 500,
      `No model configuration: set environment variable ${ENV.MODEL_CONFIG} (JSON) or ${ENV.MODEL_CONFIG_PARAMETER} (SSM parameter name). The invoker constructs set one of them.`);
  }
  if (ssmCache?.name === name && clock().now() - ssmCache.readAt < CONFIG_MAX_AGE_SECONDS * 1000) return ssmCache.config;
  // An already-aborted signal sends no request at all.
  if (options.abortSignal?.aborted) throw ssmError(callerAbort(options.abortSignal), name);
  if (inflight?.name !== name) inflight = startRead(name);
  return waitFor(inflight, options.abortSignal);
}

/**
 * The configuration, read no longer than the invocation's deadline: past it, a `ConfigTimeout` naming the parameter
 * (and the shared read is aborted once no other request waits for it).
 */
export function getModelConfigWithin(deadline: Deadline): Promise<RuntimeModelConfig> {
  return withinDeadline(getModelConfig({ abortSignal: deadline.signal }), deadline, () => configTimeout(deadline.budgetMs));
}

/** Logs (once per value) when the parameter's JSON is not what the deploy wrote: someone edited it by hand. */
function warnOnDrift(name: string, raw: string): void {
  const expected = envString(ENV.MODEL_CONFIG_HASH);
  if (!expected) return; // an imported configuration: this app could not know the hash
  const actual = deployedHash(raw);
  if (actual === expected || driftWarned === `${name}\n${actual}`) return;
  driftWarned = `${name}\n${actual}`;
  logger.warn(`Model configuration drift: SSM parameter ${name} does not hold what the stack deployed (sha256 ${actual}, `
    + `${ENV.MODEL_CONFIG_HASH} ${expected}); it was probably edited by hand. Using the parameter's value; redeploy the stack that owns it `
    + '(PinnedModelConfig) to restore the reviewed configuration, or make the change there.', { parameter: name, sha256: actual, expectedSha256: expected });
}

/** `MODEL_CONFIG_HASH` of a deployed value (lib/contract `configHashInput`; the raw sha256 without a guardrail). */
function deployedHash(raw: string): string {
  const { json, suffix } = configHashInput(JSON.parse(raw) as RuntimeModelConfig);
  // Without deploy-time values the hash is of the stored text itself.
  return `${createHash('sha256').update(suffix ? json : raw).digest('hex')}${suffix}`;
}

function ssmError(e: unknown, name: string): InvokerError {
  const err = e as { name?: string; message?: string; cause?: { name?: string; message?: string }; $metadata?: { attempts?: number } };
  // Powertools wraps SDK errors in GetParameterError with the SDK error as `cause`.
  const inner = err.cause && typeof err.cause === 'object' ? err.cause : err;
  const code = inner.name ?? err.name ?? 'Error';
  const attempts = (inner as typeof err).$metadata?.attempts;
  if (code === 'ParameterNotFound') {
    return new InvokerError('ConfigNotFound', 500,
      `SSM parameter ${name} not found: deploy PinnedModelConfig with this role in this account and Region, or fix ${ENV.MODEL_CONFIG_PARAMETER}.`, { cause: e });
  }
  if (code === 'AccessDeniedException') {
    return new InvokerError('ConfigAccessDenied', 500,
      `Access denied reading SSM parameter ${name}: grant the function ssm:GetParameter on it (PinnedModelConfig.grantRead or bindToFunction).`, { cause: e });
  }
  if (code === 'ThrottlingException') {
    return new InvokerError('Throttled', 429,
      `SSM throttled reading parameter ${name}${attempts ? ` after ${attempts} attempts` : ''}; the next invocation retries.`, { cause: e, attempts });
  }
  if ((err as { callerAborted?: boolean }).callerAborted) {
    return new InvokerError('ConfigTimeout', 504,
      `Reading SSM parameter ${name} was abandoned before it completed (${err.message}); the next invocation retries.`, { cause: e });
  }
  if (code === 'TimeoutError' || code === 'AbortError' || code === 'RequestTimeout') {
    return new InvokerError('ConfigTimeout', 504,
      `Reading SSM parameter ${name} did not complete (${code}${inner.message ? `: ${inner.message}` : ''}; request timeout `
      + `${requestTimeoutMs()} ms); the next invocation retries. If it persists, check that the function can reach the SSM endpoint (in a VPC: `
      + 'an interface endpoint for ssm or a NAT gateway).', { cause: e, attempts });
  }
  return new InvokerError('ConfigError', 500,
    `Reading SSM parameter ${name} failed (${code}${inner.message ? `: ${inner.message}` : ''}); the next invocation retries. If it persists, `
    + 'check that the parameter exists in this account and Region, that the function may call ssm:GetParameter on it '
    + '(PinnedModelConfig.bindToFunction) and that the SSM endpoint is reachable.', { cause: e, attempts });
}

/** Test hook: forget the cached configuration (a new execution environment). */
export function resetModelConfigCache(): void {
  inflight?.controller.abort();
  sdkClient?.destroy();
  sdkClient = undefined; inflight = undefined; envCache = undefined; ssmCache = undefined; driftWarned = undefined;
}
