#!/usr/bin/env node
// Benchmarks of the invoker handlers and constructs (run by `npm run bench`; figures printed, targets noted).
//   1. bundle size per handler (KB, minified, SDK included)                         target <= 500 KB
//   2. cold init: import the bundle in a fresh node process minus bare `node -e 1`  target <= 100 ms (median of 20)
//   3. per-invocation overhead of the handler vs the SDK called directly, same loopback fake (p50, p99), for the text,
//      embedding and RAG (RetrieveAndGenerate) handlers                                target p50 <= 1 ms
//   4. SSM GetParameter calls per container over 100 invocations                    must be 1
//   5. synth of an app with 20 ModelInvokers vs 1, each a whole node process (median of 9, interleaved)
//                                                                                     target ratio <= 1.2
// Every missed target prints a `MISSED:` line (and a summary at the end) and makes the script exit 1.
// Everything is bounded and loopback-only (127.0.0.1 fakes, fake credentials; never AWS).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const HANDLERS = ['text-invoker', 'embedding-invoker', 'rag-invoker'];
const bundle = (name) => join(root, 'assets', 'handlers', name, 'index.js');
const FAKE_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true',
};
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]; };
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const missed = [];
/** 'OK', or 'MISSED' after recording what missed which target (reported at the end; the exit code becomes 1). */
const verdict = (ok, what) => {
  if (ok) return 'OK';
  missed.push(what);
  return 'MISSED';
};

// ------------------------------------------------------------------------------------------------------------
// Child mode: runs inside a fresh node process so that the bundle is a new container and env is set before load.
if (process.argv[2] === '--child-invoke') {
  await childInvoke();
  process.exit(0);
}

function cleanEnv(extra = {}) {
  const env = { ...process.env, ...FAKE_ENV, ...extra };
  delete env.AWS_PROFILE; delete env.AWS_SESSION_TOKEN; delete env.AWS_BEARER_TOKEN_BEDROCK; delete env.NODE_OPTIONS;
  return env;
}

function timeProcess(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const t = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return t;
}

/** Wall time and the child's own CPU time (user+sys, less sensitive to a busy machine than wall time). */
function timeImport(file, env) {
  const code = `${file ? `require(${JSON.stringify(file)});` : ''}const u=process.cpuUsage();process.stdout.write(String((u.user+u.system)/1000))`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', code], { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`import of ${file} failed: ${r.stderr}`);
  return { wall, cpu: Number(r.stdout) };
}

async function main() {
  const missing = HANDLERS.filter((h) => !existsSync(bundle(h)));
  if (missing.length) {
    console.log(`bundles missing (${missing.join(', ')}): run \`node scripts/build-assets.mjs\` first`);
    process.exit(1);
  }

  console.log('1. bundle size (minified, AWS SDK bundled; target <= 500 KB)');
  for (const h of HANDLERS) {
    const kb = statSync(bundle(h)).size / 1024;
    console.log(`   ${h.padEnd(18)} ${kb.toFixed(1).padStart(6)} KB  ${verdict(kb <= 500, `bundle size ${h}: ${kb.toFixed(1)} KB (target <= 500 KB)`)}`);
  }

  console.log('2. cold init: require(bundle) in a fresh process minus `node -e 1` (median of 20, interleaved; target <= 100 ms)');
  const runs = Object.fromEntries(['bare', ...HANDLERS].map((k) => [k, []]));
  const env = cleanEnv();
  for (let i = 0; i < 20; i++) {
    runs.bare.push(timeImport(undefined, env));
    for (const h of HANDLERS) runs[h].push(timeImport(bundle(h), env));
  }
  const bareWall = median(runs.bare.map((r) => r.wall));
  const bareCpu = median(runs.bare.map((r) => r.cpu));
  const load = (await import('node:os')).loadavg()[0];
  console.log(`   bare node           wall ${ms(bareWall)}, CPU ${ms(bareCpu)} (1-min load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs)`);
  for (const h of HANDLERS) {
    const d = median(runs[h].map((r) => r.wall)) - bareWall;
    const c = median(runs[h].map((r) => r.cpu)) - bareCpu;
    console.log(`   ${h.padEnd(18)} wall ${ms(d).padStart(9)}  CPU ${ms(c).padStart(9)}  ${verdict(d <= 100, `cold init ${h}: ${ms(d)} wall (target <= 100 ms)`)}`);
  }

  console.log('3./4. per-invocation overhead vs the SDK called directly, and SSM calls per container (fresh process)');
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child-invoke'], { env: cleanEnv(), encoding: 'utf8', timeout: 300_000 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    console.log(`   child failed (exit ${r.status}): ${(r.stderr ?? '').slice(0, 2000)}`);
    missed.push('per-invocation overhead / SSM calls: the measuring child process failed');
  } else {
    const res = JSON.parse(line.slice(7));
    for (const o of res.overhead) {
      console.log(`   ${o.name.padEnd(18)} handler p50 ${ms(o.handlerP50)} p99 ${ms(o.handlerP99)} | SDK p50 ${ms(o.sdkP50)} p99 ${ms(o.sdkP99)} | `
        + `overhead p50 ${ms(o.handlerP50 - o.sdkP50)} p99 ${ms(o.handlerP99 - o.sdkP99)} (n=${o.n})  `
        + `${verdict(o.handlerP50 - o.sdkP50 <= 1, `overhead ${o.name}: p50 ${ms(o.handlerP50 - o.sdkP50)} (target <= 1 ms)`)}`);
    }
    console.log(`   SSM GetParameter calls over ${res.ssm.invocations} invocations of one container: ${res.ssm.calls}  `
      + `${verdict(res.ssm.calls === 1, `SSM GetParameter calls per container: ${res.ssm.calls} (must be 1)`)}`);
  }

  console.log('5. synth: app with 20 ModelInvokers vs 1, whole node process each (median of 9, interleaved; target ratio <= 1.2)');
  const app1 = join(root, 'scripts', 'bench-apps', 'app-1-invoker.mjs');
  const app20 = join(root, 'scripts', 'bench-apps', 'app-20-invokers.mjs');
  if (!existsSync(join(root, 'dist', 'lib', 'invokers', 'model-invoker.js')) || !existsSync(join(root, 'dist', 'lib', 'catalog', 'data', 'bedrock-models.json'))) {
    console.log('   skipped: dist/ is not built (npm run build)');
    missed.push('synth ratio: not measured (dist/ is not built)');
    report();
    return;
  }
  for (const [label, extra] of [['default (aws-cdk-lib built-in CloudFormation validation on)', {}], ['CDK_VALIDATION=false (construct cost only)', { CDK_VALIDATION: 'false' }]]) {
    const e = cleanEnv(extra);
    const one = []; const twenty = [];
    // 9 runs: with 5, run-to-run noise (about +-0.05 on the ratio on a quiet 2-CPU machine) flipped the verdict.
    for (let i = 0; i < 9; i++) { one.push(timeProcess([app1], e)); twenty.push(timeProcess([app20], e)); }
    const ratio = median(twenty) / median(one);
    console.log(`   ${label}: 1 invoker ${ms(median(one))}, 20 invokers ${ms(median(twenty))}, ratio ${ratio.toFixed(2)}  `
      + `${verdict(ratio <= 1.2, `synth ratio 20 vs 1 invokers, ${label}: ${ratio.toFixed(2)} (target <= 1.2)`)}`);
  }
  report();
}

/** Prints one MISSED line per missed target and sets the exit code. */
function report() {
  if (missed.length === 0) { console.log('all targets met'); return; }
  for (const m of missed) console.log(`MISSED: ${m}`);
  process.exitCode = 1;
}

// ------------------------------------------------------------------------------------------------------------
async function childInvoke() {
  const MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
  const EMBED = 'amazon.titan-embed-text-v2:0';
  const converseBody = JSON.stringify({
    output: { message: { role: 'assistant', content: [{ text: 'a short fixed answer' }] } },
    stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 }, metrics: { latencyMs: 1 },
  });
  const vec = Array.from({ length: 256 }, (_, i) => (i % 7) / 7);
  const embedBody = JSON.stringify({ embedding: vec, inputTextTokenCount: 3, embeddingsByType: { float: vec } });
  const ragBody = JSON.stringify({
    output: { text: 'a short fixed answer' }, sessionId: 'bench-session',
    citations: [{
      generatedResponsePart: { textResponsePart: { text: 'a short fixed answer', span: { start: 0, end: 19 } } },
      retrievedReferences: [{ content: { text: 'chunk one' }, location: { type: 'S3', s3Location: { uri: 's3://bench/doc.txt' } }, metadata: { k: 'v' } }],
    }],
  });
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      const path = String(headers[':path']);
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(path.endsWith('/converse') ? converseBody : path.endsWith('/retrieveAndGenerate') ? ragBody : embedBody);
    });
  });
  await new Promise((r) => h2.listen(0, '127.0.0.1', r));
  let ssmCalls = 0;
  const config = {
    schemaVersion: 1, role: 'chat', modelId: MODEL, foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', invocationForm: 'geo-profile',
    inferenceParameters: { maxTokens: 256 }, contextWindow: 200000, maxOutputTokens: 64000, embedding: null,
    price: { inputPer1M: 1.1, outputPer1M: 5.5, currency: 'USD', rateBasis: 'bench', asOf: '2026-10-05', approximate: false, source: ['bench'] },
    catalogGeneratedAt: '2026-11-25',
  };
  const ssm = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ssmCalls += 1;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Parameter: { Name: '/bench/chat/config', Type: 'String', Value: JSON.stringify(config), Version: 1 } }));
    });
  });
  await new Promise((r) => ssm.listen(0, '127.0.0.1', r));
  const url = (s) => `http://127.0.0.1:${s.address().port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url(h2), AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: url(h2), AWS_ENDPOINT_URL_SSM: url(ssm),
    // The hash bindToFunction deploys (sha256 of the parameter's JSON): the read is not reported as drift.
    MODEL_CONFIG_PARAMETER: '/bench/chat/config', MODEL_CONFIG_HASH: createHash('sha256').update(JSON.stringify(config)).digest('hex'), POWERTOOLS_SERVICE_NAME: 'bench',
  });
  const realWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // logs and EMF are produced (their cost is measured) but not printed
  let remaining = 30_000;
  const ctx = () => ({ awsRequestId: `bench-${remaining}`, functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench', memoryLimitInMB: '512', getRemainingTimeInMillis: () => remaining });
  const text = require(bundle('text-invoker'));
  const SSM_INVOCATIONS = 100;
  for (let i = 0; i < SSM_INVOCATIONS; i++) await text.handler({ prompt: `hello ${i}` }, ctx());

  const { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } = require('@aws-sdk/client-bedrock-runtime');
  const sdk = new BedrockRuntimeClient({});
  const enc = new TextEncoder();
  const cases = [
    {
      name: 'text-invoker', handler: (i) => text.handler({ prompt: `bench prompt ${i}` }, ctx()),
      direct: (i) => sdk.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text: `bench prompt ${i}` }] }], inferenceConfig: { maxTokens: 256 } })),
    },
  ];
  // The embedding invoker, inline configuration (no SSM).
  process.env.MODEL_CONFIG = JSON.stringify({ ...config, role: undefined, modelId: EMBED, foundationModelId: EMBED, invocationForm: 'in-region', inferenceParameters: undefined, embedding: { dimensions: [256, 512, 1024], default: 256 }, price: { ...config.price, inputPer1M: 0.02, outputPer1M: null } });
  const embed = require(bundle('embedding-invoker'));
  cases.push({
    name: 'embedding-invoker', handler: (i) => embed.handler({ texts: [`bench text ${i}`] }, ctx()),
    direct: (i) => sdk.send(new InvokeModelCommand({ modelId: EMBED, contentType: 'application/json', accept: 'application/json', body: enc.encode(JSON.stringify({ inputText: `bench text ${i}`, dimensions: 256 })) })).then((o) => JSON.parse(new TextDecoder().decode(o.body))),
  });
  // The RAG invoker (RetrieveAndGenerate; its configuration is environment variables set by RagInvoker).
  const KB = 'BENCHKB123';
  const MODEL_ARN = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${MODEL}`;
  Object.assign(process.env, { KNOWLEDGE_BASE_ID: KB, MODEL_ARN, MODEL_ID: MODEL, NUMBER_OF_RESULTS: '5' });
  const rag = require(bundle('rag-invoker'));
  const { BedrockAgentRuntimeClient, RetrieveAndGenerateCommand } = require('@aws-sdk/client-bedrock-agent-runtime');
  const agent = new BedrockAgentRuntimeClient({});
  cases.push({
    name: 'rag-invoker', handler: (i) => rag.handler({ query: `bench question ${i}` }, ctx()),
    direct: (i) => agent.send(new RetrieveAndGenerateCommand({
      input: { text: `bench question ${i}` },
      retrieveAndGenerateConfiguration: { type: 'KNOWLEDGE_BASE', knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: MODEL_ARN, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } } } },
    })),
  });
  const WARMUP = 50; const ROUNDS = 400;
  const overhead = [];
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) { await c.handler(i); await c.direct(i); }
    const hs = []; const ds = [];
    for (let i = 0; i < ROUNDS; i++) {
      // alternate the order each round so neither side always runs on a warmer connection pool
      const first = i % 2 === 0;
      for (const side of first ? ['h', 'd'] : ['d', 'h']) {
        const t0 = performance.now();
        if (side === 'h') await c.handler(i); else await c.direct(i);
        (side === 'h' ? hs : ds).push(performance.now() - t0);
      }
    }
    overhead.push({ name: c.name, n: ROUNDS, handlerP50: pct(hs, 50), handlerP99: pct(hs, 99), sdkP50: pct(ds, 50), sdkP99: pct(ds, 99) });
  }
  process.stdout.write = realWrite;
  console.log('RESULT ' + JSON.stringify({ ssm: { invocations: SSM_INVOCATIONS, calls: ssmCalls }, overhead }));
  h2.close(); ssm.close();
}

await main();
