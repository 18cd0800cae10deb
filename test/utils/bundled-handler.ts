/**
 * Loads a bundled handler (assets/handlers/<name>/index.js, built by `node scripts/build-assets.mjs`) in a fresh
 * module registry: each call is a new "execution environment" (module-level clients and caches start empty).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function bundlePath(name: string): string {
  return join(__dirname, '..', '..', 'assets', 'handlers', name, 'index.js');
}

export function loadBundledHandler<T = any>(name: string): T {
  const file = bundlePath(name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`node scripts/build-assets.mjs\` (npm test does it through npm run build).`);
  }
  let mod: T | undefined;
  jest.isolateModules(() => { mod = require(file); });
  return mod!;
}

/** Fake credentials and Region for the real SDK clients (never real AWS: endpoints point at 127.0.0.1). */
export function fakeAwsEnv(): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Unset: when present (even empty) the bedrock-runtime client prefers bearer-token auth over SigV4.
    AWS_BEARER_TOKEN_BEDROCK: undefined,
    AWS_PROFILE: undefined,
  };
}

/** Sets env vars, returning a function that restores the previous values. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const before: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    before[k] = process.env[k];
    if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  return () => { for (const [k, v] of Object.entries(before)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; } };
}
