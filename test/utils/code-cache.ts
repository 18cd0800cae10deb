/**
 * A V8 code cache for the modules jest compiles, kept per jest worker (process) for the whole run.
 *
 * jest gives every test file its own module registry, so each of a worker's test files compiles aws-cdk-lib's modules
 * (and ours) again: in the suites that build CDK apps that compilation was about a fifth of the CPU time. jest-runtime
 * compiles each module with `vm.compileFunction` from `node:vm`, which accepts V8 code cache data (`cachedData`) and
 * produces it (`produceCachedData`; Node.js vm documentation). The first compile of a source in a worker produces the
 * data; later compiles of the same source (same file, same wrapper parameters, same bytes) start from it. V8 rejects
 * data that does not fit (`cachedDataRejected`), and the source is then compiled as before. What runs is unchanged:
 * only the parsing and compiling is shared.
 */
import { createHash } from 'node:crypto';

// The real `node:vm` module object (an `import * as` would give the transpiler's copy of its namespace).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vm = require('node:vm') as typeof import('node:vm');

type CompileFunction = typeof vm.compileFunction;
/** Sources shorter than this are compiled directly: hashing them costs about what compiling does. */
const MIN_LENGTH = 2048;
const INSTALLED = Symbol.for('cdk-bedrock-foundation.test.code-cache');

export function installCodeCache(): void {
  const holder = vm as unknown as Record<symbol, boolean>;
  if (holder[INSTALLED]) return; // once per worker: setup files run for every test file
  holder[INSTALLED] = true;
  const original: CompileFunction = vm.compileFunction;
  const cache = new Map<string, Buffer>();
  const patched = function (this: unknown, code: string, params?: string[], options?: Parameters<CompileFunction>[2]) {
    if (!options?.filename || code.length < MIN_LENGTH || options.cachedData || options.produceCachedData) {
      return original.call(this, code, params, options);
    }
    const key = `${options.filename}\0${(params ?? []).join(',')}\0${createHash('sha1').update(code).digest('base64')}`;
    const data = cache.get(key);
    if (data) {
      const fn = original.call(this, code, params, { ...options, cachedData: data }) as ReturnType<CompileFunction> & { cachedDataRejected?: boolean };
      if (!fn.cachedDataRejected) return fn;
    }
    const fn = original.call(this, code, params, { ...options, produceCachedData: true }) as ReturnType<CompileFunction> & { cachedData?: Buffer };
    if (fn.cachedData) cache.set(key, fn.cachedData);
    return fn;
  };
  vm.compileFunction = patched as CompileFunction;
}
