#!/usr/bin/env node
// The non-tsc half of `npm run build` (scripts/build.mjs runs it next to tsc; it also runs on its own):
// 1. bundleHandlers: bundles every handler in lambda/<name>/index.ts with esbuild into assets/handlers/<name>/index.js
//    (one minified file per handler, AWS SDK clients bundled and pinned, ESM-first resolution);
// 2. finishDist: copies the vendored catalog data next to the compiled catalog code (dist/lib/catalog/data) and makes
//    the compiled CLI (dist/bin/cdk-bedrock-check.js) executable; needs tsc's output, so it runs after tsc.
// Constructs load the prebuilt asset with lambda.Code.fromAsset, so consumer synth never runs esbuild.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles every handler of `root`; returns the size in bytes of each bundle. */
export async function bundleHandlers(root = repoRoot) {
  const lambdaDir = join(root, 'lambda');
  const outRoot = join(root, 'assets', 'handlers');
  const handlers = existsSync(lambdaDir)
    ? readdirSync(lambdaDir).filter((name) => !name.startsWith('_') && name !== 'shared'
        && statSync(join(lambdaDir, name)).isDirectory() && existsSync(join(lambdaDir, name, 'index.ts')))
    : [];

  // Rebuild in place (esbuild overwrites each bundle), removing only bundles whose handler source is gone, so that
  // a rebuild never leaves a window in which a running test finds no bundle.
  if (existsSync(outRoot)) {
    for (const entry of readdirSync(outRoot)) {
      if (statSync(join(outRoot, entry)).isDirectory() && !handlers.includes(entry)) rmSync(join(outRoot, entry), { recursive: true, force: true });
    }
  }
  const sizes = {};
  await Promise.all(handlers.map(async (name) => {
    const outdir = join(outRoot, name);
    mkdirSync(outdir, { recursive: true });
    const result = await build({
      entryPoints: [join(lambdaDir, name, 'index.ts')],
      outfile: join(outdir, 'index.js'),
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      // ESM-first resolution: take each package's ES module build, which tree-shakes the SDK far better.
      mainFields: ['module', 'main'],
      conditions: ['module', 'import', 'node'],
      legalComments: 'external',
      metafile: true,
      logLevel: 'warning',
    });
    const out = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('index.js'));
    sizes[name] = out ? out[1].bytes : 0;
  }));
  mkdirSync(outRoot, { recursive: true });
  writeFileSync(join(outRoot, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  return sizes;
}

/** After tsc: the catalog data next to the compiled catalog, and the compiled CLI executable. */
export function finishDist(root = repoRoot) {
  // tsc writes files without the execute bit; the CLI is the package's `bin` and is also run straight from the repo
  // (`npx cdk-bedrock-check` in this checkout), so make it executable (npm does the same when it installs the package).
  const cli = join(root, 'dist', 'bin', 'cdk-bedrock-check.js');
  if (existsSync(cli)) chmodSync(cli, 0o755);

  const dataSrc = join(root, 'lib', 'catalog', 'data');
  const dataDst = join(root, 'dist', 'lib', 'catalog', 'data');
  if (existsSync(dataSrc) && existsSync(join(root, 'dist'))) {
    mkdirSync(dataDst, { recursive: true });
    cpSync(dataSrc, dataDst, { recursive: true });
  }
}

export function describeSizes(sizes) {
  return `built ${Object.keys(sizes).length} handler(s): ${Object.entries(sizes).map(([n, b]) => `${n} ${(b / 1024).toFixed(1)} KB`).join(', ') || 'none'}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = await bundleHandlers();
  finishDist();
  console.log(describeSizes(sizes));
}
