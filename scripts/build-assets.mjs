#!/usr/bin/env node
// The non-tsc half of `npm run build` (scripts/build.mjs runs it next to tsc; it also runs on its own):
// 1. bundleHandlers: bundles every handler in lambda/<name>/index.ts with esbuild into assets/handlers/<name>/index.js
//    (one minified file per handler, AWS SDK clients bundled and pinned, ESM-first resolution), and fails when a
//    bundle takes in anything from lib/ but the construct↔handler contract (lib/contract, inlined) or any of
//    aws-cdk-lib / constructs / cdk-nag (a handler must stay a small runtime file);
// 2. finishDist: copies the vendored catalog data next to the compiled catalog code (dist/lib/catalog/data) and makes
//    the compiled CLI (dist/bin/cdk-bedrock-check.js) executable; needs tsc's output, so it runs after tsc.
// Constructs load the prebuilt asset with lambda.Code.fromAsset, so consumer synth never runs esbuild.
import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// What a handler may take from this repository's lib/ (everything else there is construct code), and the packages it
// must never pull in.
const ALLOWED_LIB = /^lib\/contract\//;
const FORBIDDEN_PACKAGE = /(^|\/)node_modules\/(aws-cdk-lib|constructs|cdk-nag)\//;

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
  const problems = [];
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
    // Metafile input paths are relative to the working directory; make them relative to the project root.
    const inputs = Object.keys(result.metafile.inputs).map((file) => relative(root, resolve(file)).split(sep).join('/'));
    const bad = inputs.filter((file) => (file.startsWith('lib/') && !ALLOWED_LIB.test(file)) || FORBIDDEN_PACKAGE.test(file));
    if (bad.length) problems.push(`lambda/${name}/index.ts bundles ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}`);
  }));
  if (problems.length) {
    throw new Error(`a handler imports construct code. Handlers may import from lib/ only lib/contract, and never aws-cdk-lib, constructs or cdk-nag:\n- ${problems.join('\n- ')}\nMove what the handler needs into lib/contract (no imports) or lambda/shared.`);
  }
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
  try {
    const sizes = await bundleHandlers();
    finishDist();
    console.log(describeSizes(sizes));
  } catch (e) {
    console.error(`build-assets: ${e.message}`);
    process.exitCode = 1;
  }
}
