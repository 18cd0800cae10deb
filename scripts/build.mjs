#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so by `npm ci` and by a git-dependency install): the TypeScript compile
// (scripts/compile.ts: what `tsc -p tsconfig.json` does, type-checking lib/, bin/, lambda/, test/ and scripts/ and
// emitting dist/, then the README type-check over the same parsed files, writing dist/.typecheck/readme.json) next to
// the esbuild handler bundles (scripts/build-assets.mjs), then the catalog data and the CLI's execute bit, then a
// build stamp: a hash of the sources the build reads.
// scripts/build-if-stale.mjs compares that stamp with the sources, so `npm test` and `npx cdk synth` build only when
// something changed since the last successful build (a failed or interrupted build leaves no stamp).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHandlers, describeSizes, finishDist } from './build-assets.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the stamp lives, relative to the project root (inside dist/, so deleting dist/ forces a build). */
export const STAMP = join('dist', '.build-stamp');
/** What the build reads: the source folders and the files that configure the build. */
const HASHED_DIRS = ['lib', 'lambda', 'bin', 'scripts'];
// README.md and the snippet helpers: scripts/typecheck-readme.ts compiles the README's snippets during the build.
const HASHED_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md',
  'test/readme/snippets.ts', 'test/readme/mistakes.ts', 'test/readme/typecheck-report.ts'];

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(full, out);
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}

/** A content hash of every file the build reads (paths and bytes), in a stable order. */
export function sourceHash(root = repoRoot) {
  const files = HASHED_FILES.map((f) => join(root, f)).filter((f) => existsSync(f));
  for (const dir of HASHED_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir), files);
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(root, f).split('\\').join('/')).sort()) {
    const bytes = readFileSync(join(root, file));
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

/** The stamp of the last successful build, or undefined. */
export function readStamp(root = repoRoot) {
  const file = join(root, STAMP);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const COMPILE = join(dirname(fileURLToPath(import.meta.url)), 'compile.ts');

/**
 * scripts/compile.ts on `root`: tsc's type-check and emit through the compiler API, then (when `root` has it) the README
 * type-check over the same parsed files, writing dist/.typecheck/readme.json for test/readme/snippets.test.ts (a
 * snippet that does not compile is reported there, not a build failure). Resolves to its exit code.
 * Not incremental: --incremental made a fresh build (what `npm ci` runs) about 20% slower for a faster rebuild.
 */
function runCompile(root) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [tsxCli, COMPILE, root], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

/** Builds `root`; resolves to the exit code (0 on success, with the stamp written). */
export async function build(root = repoRoot) {
  rmSync(join(root, STAMP), { force: true });
  const hash = sourceHash(root); // before reading any source: an edit made during the build makes the stamp stale
  // The compiler is single-threaded; esbuild uses the other core meanwhile.
  const [tsc, bundles] = await Promise.allSettled([runCompile(root), bundleHandlers(root)]);
  if (bundles.status === 'rejected') {
    console.error(`build: bundling the handlers failed: ${bundles.reason?.message ?? bundles.reason}`);
    return 1;
  }
  if (tsc.status === 'rejected' || tsc.value !== 0) {
    console.error(`build: the TypeScript compile (scripts/compile.ts, as tsc -p tsconfig.json) failed${tsc.status === 'rejected' ? `: ${tsc.reason?.message}` : ''} (the errors are above).`);
    return tsc.status === 'rejected' ? 1 : tsc.value;
  }
  finishDist(root);
  mkdirSync(dirname(join(root, STAMP)), { recursive: true });
  writeFileSync(join(root, STAMP), hash + '\n');
  console.error(describeSizes(bundles.value));
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await build(process.argv[2] ? resolve(process.argv[2]) : repoRoot);
}
