// A CDK app with N ModelInvokers (plus one PinnedModelConfig), synthesized to a temp dir. Used by
// scripts/bench-handlers.mjs to time synth of 20 invokers against 1: each invoker must reuse the one prebuilt
// text-invoker asset (no esbuild per function), so the ratio should stay near 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'dist', 'lib');

export function synthApp(n) {
  const cdk = require('aws-cdk-lib');
  const { BedrockModel } = require(join(dist, 'models', 'bedrock-model.js'));
  const { PinnedModelConfig } = require(join(dist, 'config', 'pinned-model-config.js'));
  const { ModelInvoker } = require(join(dist, 'invokers', 'model-invoker.js'));
  const outdir = mkdtempSync(join(tmpdir(), 'bench-invokers-'));
  try {
    const app = new cdk.App({ outdir, context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
    const stack = new cdk.Stack(app, 'Invokers', { env: { region: 'us-east-1', account: '123456789012' } });
    const config = new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0') } });
    for (let i = 0; i < n; i++) new ModelInvoker(stack, `Chat${i}`, { config, role: 'chat' });
    app.synth();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
