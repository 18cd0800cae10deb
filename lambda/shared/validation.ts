import type * as z from 'zod/mini';
import { InvokerError } from './errors';

interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly expected?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly values?: readonly unknown[];
  readonly origin?: string;
  readonly keys?: readonly string[];
  readonly message?: string;
}

/** T with `readonly` removed all the way down (zod's output types are mutable; the contract's are readonly). */
export type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[]
  : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

/**
 * `true` when A and B are the same type, `readonly` aside: the same fields, each as optional, as nullable and of the
 * same type, at every depth (TypeScript's own identity check, so a field optional on one side only also differs).
 */
export type SameShape<A, B> = (<G>() => G extends Writable<A> ? 1 : 2) extends (<G>() => G extends Writable<B> ? 1 : 2) ? true : false;

/** What the compiler reports when a schema tied with `schemaFor<T>()` does not produce T. */
export interface SchemaDoesNotMatch<Output, Expected> {
  readonly 'the schema output differs from the contract type': { readonly schemaOutput: Output; readonly contract: Expected };
}

/**
 * Ties a zod schema to the type it must produce: `schemaFor<RuntimeModelConfig>()(z.object({...}))` compiles only when
 * the schema's output type is the same shape as T (SameShape), so a field added to, dropped from or retyped in either
 * the contract (lib/contract) or the schema fails `tsc` (`npm run build`); see test/contract/schema-tie.ts.
 */
export function schemaFor<T>() {
  return <S extends z.ZodMiniType>(schema: S & (SameShape<z.output<S>, T> extends true ? unknown : SchemaDoesNotMatch<z.output<S>, T>)): S => schema;
}

/** `messages[0].content` style path for an issue. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(event)';
}

/** A readable reason for one zod issue (zod/mini ships no locale, so the messages are built here). */
export function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type': return `expected ${issue.expected}`;
    case 'too_small': return issue.origin === 'string' ? `must have at least ${issue.minimum} character(s)`
      : issue.origin === 'array' ? `must have at least ${issue.minimum} item(s)` : `must be >= ${issue.minimum}`;
    case 'too_big': return issue.origin === 'string' ? `must have at most ${issue.maximum} character(s)`
      : issue.origin === 'array' ? `must have at most ${issue.maximum} item(s)` : `must be <= ${issue.maximum}`;
    case 'invalid_value': return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys': return `unknown field(s) ${(issue.keys ?? []).join(', ')}`;
    default: return issue.message && issue.message !== 'Invalid input' ? issue.message : issue.code;
  }
}

/**
 * Parses `value` with a zod/mini schema; on failure throws an InvokerError (code `InvalidRequest`) naming the
 * first offending field and the value received.
 */
export function parseInput<T>(schema: z.ZodMiniType<T>, value: unknown, what = 'request'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as unknown as Issue;
  const field = issuePath(issue.path);
  const received = valueAt(value, issue.path);
  const shown = received === undefined ? 'missing' : `got ${preview(received)}`;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : '';
  throw new InvokerError('InvalidRequest', 400, `Invalid ${what}: field "${field}" ${describeIssue(issue)} (${shown})${more}.`, { field });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = value;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
