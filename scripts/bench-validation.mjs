#!/usr/bin/env node
// Validation cost per model (µs) of the model-ID policy over the whole catalog, and the sample app's synth time
// (a whole `node dist/bin/app.js` process, median of 5). Uses the compiled library in dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { evaluateModelId, ModelCatalog } = require(join(root, 'dist', 'lib', 'index.js'));

const catalog = ModelCatalog.default();
const ids = catalog.all().map((m) => m.modelId);
const profileIds = catalog.all().flatMap((m) => Object.values(m.inferenceProfiles?.profileIds ?? {}).filter(Boolean));
const bad = ['anthropic.claude-3-sonnet', 'meta.llama3', 'anthropic.claude-3-5-sonnet-latest', 'anthropic.claude-haiku-4-5-20251001-v1:9'];
const inputs = [...ids, ...profileIds, ...bad];
const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
const now = new Date('2026-11-25T00:00:00Z');

// warm-up
for (const id of inputs) evaluateModelId(id, { region: 'us-east-1', now, catalog });
const rounds = 20;
const samples = [];
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (const region of regions) for (const id of inputs) evaluateModelId(id, { region, now, catalog });
  samples.push(Number(process.hrtime.bigint() - t0) / 1000 / (inputs.length * regions.length));
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
const validOnly = [];
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (const id of ids) evaluateModelId(id, { region: 'us-east-1', now, catalog });
  validOnly.push(Number(process.hrtime.bigint() - t0) / 1000 / ids.length);
}
validOnly.sort((a, b) => a - b);
console.log(`validation: ${inputs.length} IDs x ${regions.length} Regions; median ${median.toFixed(1)} µs per model ID `
  + `(catalog IDs only: ${validOnly[Math.floor(validOnly.length / 2)].toFixed(1)} µs; unknown IDs pay for nearest-ID suggestions)`);

const times = [];
for (let i = 0; i < 5; i++) {
  const out = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'dist', 'bin', 'app.js')], { cwd: root, env: { ...process.env, CDK_OUTDIR: out }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  times.push(ms);
}
times.sort((a, b) => a - b);
console.log(`sample app synth (node dist/bin/app.js, whole process): median ${times[2].toFixed(0)} ms of 5 (min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)})`);
