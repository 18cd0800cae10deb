/**
 * Runtime model configuration (schemaVersion 1) for the invoker handlers.
 *
 * Source, in order: env `MODEL_CONFIG` (the JSON itself, set by a construct built from a `model`), else the SSM
 * String parameter named by env `MODEL_CONFIG_PARAMETER` (the `<prefix>/<role>/config` companion written by
 * PinnedModelConfig).
 *
 * The SSM parameter is read ONCE per execution environment (`ssm:GetParameter`, the only call: PinnedModelConfig's
 * bindToFunction grants exactly that on the `/config` parameter): Powertools parameters caches it for
 * CONFIG_MAX_AGE_SECONDS (24 h; Powertools' own default would be 5 s). That is
 * safe because the construct that wires a function to the configuration also puts `MODEL_CONFIG_HASH` (sha256 of the
 * JSON) in the function's environment: a deploy that changes the configuration changes the environment, which makes
 * Lambda start new execution environments that read the new value, while IAM moves to the new model ARN in the same
 * deploy. Editing the parameter by hand is drift: it is only seen by environments started after the edit, and the
 * helper logs a warning naming the parameter when the JSON's sha256 differs from `MODEL_CONFIG_HASH`.
 *
 * Bounded time: the SSM client has a connection timeout and a request timeout (env `MODEL_CONFIG_CONNECT_TIMEOUT_MS`,
 * default 1000; `MODEL_CONFIG_REQUEST_TIMEOUT_MS`, default 3000), and `getModelConfig({ abortSignal })` lets the
 * caller stop waiting for the read (e.g. at its own deadline; Powertools takes no AbortSignal, so the request itself
 * is still bounded by the request timeout, and a value it returns later is cached for the next invocation).
 */
import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as z from 'zod/mini';
import {
  configHashInput, GUARDRAIL_TRACE_VALUES, INVOCATION_FORMS, RUNTIME_CONFIG_SCHEMA_VERSION, type InferenceParameters, type RuntimeModelConfig,
} from '../../lib/contract';
import { ENV, envInt, envString } from './env';
import { configTimeout, InvokerError } from './errors';
import { logger } from './observability';
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

let provider: SSMProvider | undefined;
let sdkClient: SSMClient | undefined;
let envCache: { raw: string; config: RuntimeModelConfig } | undefined;
let ssmCache: { name: string; raw: string; config: RuntimeModelConfig } | undefined;
let driftWarned: string | undefined;

const connectTimeoutMs = () => envInt('MODEL_CONFIG_CONNECT_TIMEOUT_MS', 1000);
const requestTimeoutMs = () => envInt('MODEL_CONFIG_REQUEST_TIMEOUT_MS', 3000);

function ssmProvider(): SSMProvider {
  // An explicit http.Agent: NodeHttpHandler otherwise loads node:http with a dynamic import() the first time it
  // talks to an http:// endpoint (only ever a loopback test endpoint), which a jest VM context cannot run.
  // In Lambda the SSM endpoint is https and this agent is never used.
  if (provider) return provider;
  sdkClient = new SSMClient({
    ...clientOptions(),
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true }),
      connectionTimeout: connectTimeoutMs(),
      requestTimeout: requestTimeoutMs(),
      throwOnRequestTimeout: true,
    }),
  });
  provider = new SSMProvider({ awsSdkV3Client: sdkClient });
  return provider;
}

/** The AbortError for a read the caller's signal abandoned (marked so that ssmError does not blame the request timeout). */
function callerAbort(signal: AbortSignal): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'the caller aborted the read';
  return Object.assign(new Error(reason), { name: 'AbortError', callerAborted: true });
}

/** Settles with `p`, or rejects with an AbortError as soon as `signal` aborts (p's later outcome is ignored). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  const abortError = () => callerAbort(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => { p.catch(() => undefined); reject(abortError()); };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}

/** Options of `getModelConfig`. */
export interface GetModelConfigOptions {
  /** Stops waiting for the SSM read when it aborts: `getModelConfig` then rejects with a `ConfigTimeout` error. */
  readonly abortSignal?: AbortSignal;
}

/**
 * Returns the configuration, reading SSM at most once per execution environment (cached by Powertools for
 * CONFIG_MAX_AGE_SECONDS). A failed read is not cached, so the next invocation tries again.
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
  let raw: string | undefined;
  try {
    // An already-aborted signal sends no request at all.
    if (options.abortSignal?.aborted) throw callerAbort(options.abortSignal);
    raw = await untilAborted(ssmProvider().get(name, { maxAge: CONFIG_MAX_AGE_SECONDS }), options.abortSignal);
  } catch (e) {
    throw ssmError(e, name);
  }
  if (raw === undefined) throw ssmError({ name: 'ParameterNotFound' }, name);
  if (ssmCache?.name !== name || ssmCache.raw !== raw) {
    ssmCache = { name, raw, config: parseModelConfig(raw, `SSM parameter ${name}`) };
    warnOnDrift(name, raw);
  }
  return ssmCache.config;
}

/**
 * The configuration, read no longer than the invocation's deadline: past it, a `ConfigTimeout` naming the parameter
 * (the read itself is left to settle; its outcome is ignored). What the handlers call.
 */
export function getModelConfigWithin(deadline: Deadline): Promise<RuntimeModelConfig> {
  return withinDeadline(getModelConfig(), deadline, () => configTimeout(deadline.budgetMs));
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
  const parsed = JSON.parse(raw) as RuntimeModelConfig;
  if (!parsed.guardrail) return createHash('sha256').update(raw).digest('hex');
  const { json, suffix } = configHashInput(parsed);
  return `${createHash('sha256').update(json).digest('hex')}${suffix}`;
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
  sdkClient?.destroy();
  sdkClient = undefined; provider = undefined; envCache = undefined; ssmCache = undefined; driftWarned = undefined;
}
