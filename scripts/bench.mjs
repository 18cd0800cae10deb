#!/usr/bin/env node
// `npm run bench`: builds the library (when the sources changed since the last build), then runs every
// scripts/bench-*.mjs and prints its figures.
// Performance targets live here, never in timed tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
if (!process.env.BENCH_SKIP_BUILD) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const scripts = readdirSync(join(root, 'scripts'))
  .filter((f) => /^bench-.+\.mjs$/.test(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n== ${script} ==`);
  const r = spawnSync(process.execPath, [join(root, 'scripts', script)], { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_SKIP_BUILD: '1' } });
  if (r.status !== 0) { failed++; console.log(`(${script} exited ${r.status})`); }
}
if (!existsSync(join(root, 'dist'))) console.log('note: dist/ missing; run npm run build');
process.exit(failed ? 1 : 0);
