#!/usr/bin/env node
// Builds (scripts/build.mjs) only when the sources changed since the last successful build: `npm test` and
// `npx cdk synth` run it first, so a fresh `npm ci` (whose `prepare` just built) is not built twice, while a
// developer's edit to lib/, lambda/, bin/ or scripts/ is always compiled, type-checked and bundled before it is
// tested or synthesized. Usage: node scripts/build-if-stale.mjs [project root]
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, readStamp, sourceHash } from './build.mjs';

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = readStamp(root);
const current = sourceHash(root);
const bundles = join(root, 'assets', 'handlers', 'sizes.json');
if (stamp === current && existsSync(bundles)) {
  console.error('build-if-stale: the build is up to date (sources unchanged since the last build)');
} else {
  const why = stamp === undefined ? 'no build stamp (no build yet, or the last one failed)' : stamp !== current ? 'sources changed since the last build' : 'handler bundles missing';
  console.error(`build-if-stale: ${why}: building`);
  process.exitCode = await build(root);
}
