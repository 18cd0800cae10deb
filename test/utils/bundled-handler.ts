/**
 * Loads a bundled handler (assets/handlers/<name>/index.js, built by `node scripts/build-assets.mjs`) in-process,
 * as shipped, with the real SDK clients inside it.
 *
 * The bundle is loaded with Node's own `require` in the jest worker's outer realm, not jest's module sandbox: the
 * bundled SDK loads `node:http` with a dynamic `import()` the first time it talks to an http:// endpoint (our
 * loopback SSM fake), and jest's sandbox rejects dynamic imports without --experimental-vm-modules. So the
 * environment variables, stdout and the `awslambda` global the bundle sees are the outer realm's: use `setEnv`,
 * `outerRealm()` and the helpers in emf.ts / lambda-streaming.ts, which all target that realm.
 * Each `loadBundledHandler` call drops the module from the require cache first: a fresh "execution environment".
 * Its logger is silent unless the test asks for a log level (`{ logLevel: 'INFO' }`), and it writes no metric records
 * unless the test asks for them (`{ metrics: true }`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vm from 'node:vm';

/** The jest worker's real global object (outside the test sandbox). */
export function outerRealm(): typeof globalThis {
  return vm.runInThisContext('globalThis') as typeof globalThis;
}

function nodeRequire(file: string): NodeJS.Require {
  const main = (outerRealm().process as unknown as { mainModule?: NodeJS.Module }).mainModule;
  if (!main) throw new Error('cannot reach Node\'s own require from the jest worker');
  const Module = main.constructor as unknown as { createRequire(path: string): NodeJS.Require };
  return Module.createRequire(file);
}

export function bundlePath(name: string): string {
  return join(__dirname, '..', '..', 'assets', 'handlers', name, 'index.js');
}

/** Options of loadBundledHandler. */
export interface LoadOptions {
  /**
   * The handler's log level (Powertools `POWERTOOLS_LOG_LEVEL`, read when the bundle loads). Tests that assert on log
   * lines capture them (emf.ts StdoutCapture) and ask for the level they need.
   * @default 'SILENT' - handler logs stay out of the test output
   */
  readonly logLevel?: 'SILENT' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
  /**
   * Whether the handler writes its CloudWatch embedded-metric-format records (Powertools `POWERTOOLS_METRICS_DISABLED`,
   * read when the bundle loads and by each request's Metrics instance: it stays set until the next load). Tests that assert on metrics capture them (emf.ts StdoutCapture) and ask for them.
   * @default false - metric records stay out of the test output
   */
  readonly metrics?: boolean;
}

export function loadBundledHandler<T = any>(name: string, options: LoadOptions = {}): T {
  const file = bundlePath(name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`node scripts/build-assets.mjs\` (npm test does it through npm run build).`);
  }
  const req = nodeRequire(file);
  delete req.cache[req.resolve(file)];
  // Not restored after the load: the handlers also create a Metrics instance per request, which reads it then.
  setEnv({ POWERTOOLS_METRICS_DISABLED: options.metrics ? 'false' : 'true' });
  const restore = setEnv({ POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT', AWS_LAMBDA_LOG_LEVEL: undefined });
  try {
    return req(file) as T;
  } finally {
    restore();
  }
}

/** Fake credentials and Region for the real SDK clients (never real AWS: endpoints point at 127.0.0.1). */
export function fakeAwsEnv(): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Unset: when present (even empty) the bedrock-runtime client prefers bearer-token auth over SigV4.
    AWS_BEARER_TOKEN_BEDROCK: undefined,
    AWS_PROFILE: undefined,
  };
}

/** Sets env vars in both realms, returning a function that restores the previous values. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const envs = [...new Set([process.env, outerRealm().process.env])];
  const before = envs.map((env) => Object.fromEntries(Object.keys(vars).map((k) => [k, env[k]])));
  const apply = (env: NodeJS.ProcessEnv, values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) { if (v === undefined) delete env[k]; else env[k] = v; }
  };
  envs.forEach((env) => apply(env, vars));
  return () => envs.forEach((env, i) => apply(env, before[i]));
}
