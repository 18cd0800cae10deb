/**
 * Reading the handler environment: the one place handlers turn `process.env` into values. The names a construct sets
 * come from the construct↔handler contract (`ENV`, lib/contract, inlined by esbuild); tuning knobs only the handlers
 * read (e.g. `BEDROCK_RETRY_BASE_DELAY_MS`) are named where they are read.
 */
export { ENV } from '../../lib/contract';

/** The variable's value, or undefined when it is unset or empty. */
export function envString(name: string): string | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * A whole number of at least `min` (default 0) from the environment, or `fallback` when the variable is unset or
 * empty. Anything else is a misconfiguration and throws, naming the variable, the value and what to write instead.
 */
export function envInt<F extends number | undefined>(name: string, fallback: F, min = 0): number | F {
  const raw = envString(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`Environment variable ${name} must be a whole number >= ${min}, got ${JSON.stringify(raw)}; `
      + `set a whole number, or unset it for the default${fallback === undefined ? '' : ` (${fallback})`}.`);
  }
  return n;
}

/** `true` for `'true'`, `false` for any other value, undefined when unset or empty. */
export function envBool(name: string): boolean | undefined {
  const raw = envString(name);
  return raw === undefined ? undefined : raw === 'true';
}
