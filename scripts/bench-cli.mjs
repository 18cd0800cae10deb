#!/usr/bin/env node
// CLI throughput of cdk-bedrock-check over a generated cloud assembly of 200 stacks (templates/s).
// Run through `npm run bench` (which builds dist/ first) or `node scripts/bench-cli.mjs` after `npm run build`.
// Figures are printed, never asserted: performance targets do not belong in tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'bin', 'cdk-bedrock-check.js');
const mainJs = join(root, 'dist', 'lib', 'cli', 'main.js');
if (!existsSync(bin) || !existsSync(mainJs)) {
  console.error('bench-cli: dist/ is missing; run `npm run build` first (npm run bench does).');
  process.exit(2);
}

const STACKS = Number(process.env.BENCH_STACKS ?? 200);
const RESOURCES_PER_STACK = Number(process.env.BENCH_RESOURCES ?? 60);
const MODELS = [
  'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  'anthropic.claude-haiku-4-5-20251001-v1:0',
  'amazon.titan-embed-text-v2:0',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0', // legacy at the bench date: warnings
  'cohere.embed-english-v3',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'unknown-region'];

const join2 = (...parts) => ({ 'Fn::Join': ['', parts] });
const ref = (r) => ({ Ref: r });

function template(s) {
  const resources = {};
  const metadata = { [`/Stack${s}`]: [{ type: 'aws:cdk:templateFile', data: `Stack${s}.template.json` }] };
  for (let i = 0; i < RESOURCES_PER_STACK; i++) {
    const model = MODELS[(s + i) % MODELS.length];
    const id = `Res${i}`;
    let res;
    switch (i % 6) {
      case 0:
        res = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: JSON.stringify({ schemaVersion: 1, modelId: model }) } };
        break;
      case 1:
        res = { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Role: { 'Fn::GetAtt': [`Res${i + 1}`, 'Arn'] }, Environment: { Variables: { MODEL_ID: model, TABLE: ref('Table'), LOG_LEVEL: 'INFO' } } } };
        break;
      case 2:
        res = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] } } };
        break;
      case 3:
        res = {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: id,
            Roles: [ref(`Res${i - 1}`)],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: join2('arn:', ref('AWS::Partition'), ':bedrock:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0') },
                { Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Condition: { StringEquals: { 'bedrock:InferenceProfileArn': join2('arn:', ref('AWS::Partition'), ':bedrock:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0') } },
                  Resource: ['us-east-1', 'us-east-2', 'us-west-2'].map((r) => join2('arn:', ref('AWS::Partition'), `:bedrock:${r}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0`)) },
                { Effect: 'Allow', Action: 'bedrock:RetrieveAndGenerate', Resource: '*' },
              ],
            },
          },
        };
        break;
      case 4:
        res = { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] }, Tags: [{ Key: 'model', Value: model }] } };
        break;
      default:
        res = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } };
    }
    res.Metadata = { 'aws:cdk:path': `Stack${s}/Construct${i}/Resource` };
    resources[id] = res;
    metadata[`/Stack${s}/Construct${i}/Resource`] = [{ type: 'aws:cdk:logicalId', data: id }];
  }
  metadata[`/Stack${s}/Construct0`] = [{ type: 'aws:cdk:acknowledged-rules', data: { 'Annotation::Bedrock-ModelLegacy[anthropic.claude-sonnet-4-5-20250929-v1:0]': 'bench' } }];
  return { template: { Resources: resources, Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' } } }, metadata };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
const out = join(dir, 'cdk.out');
mkdirSync(out);
const artifacts = {};
let bytes = 0;
for (let s = 0; s < STACKS; s++) {
  const { template: t, metadata } = template(s);
  const file = `Stack${s}.template.json`;
  const text = JSON.stringify(t, null, 1);
  bytes += text.length;
  writeFileSync(join(out, file), text);
  writeFileSync(join(out, `Stack${s}.metadata.json`), JSON.stringify(metadata));
  artifacts[`Stack${s}`] = {
    type: 'aws:cloudformation:stack',
    environment: `aws://111111111111/${REGIONS[s % REGIONS.length]}`,
    properties: { templateFile: file },
    additionalMetadataFile: `Stack${s}.metadata.json`,
    displayName: `Stack${s}`,
  };
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));

const require = createRequire(import.meta.url);
const { main } = require(mainJs);
const quiet = { stdout: () => {}, stderr: () => {}, cwd: dir };

// Warm-up (module loading, catalog parse), then timed in-process runs per format.
main([out, '--now', '2026-11-25', '--format', 'json'], quiet);
const results = [];
for (const format of ['text', 'json', 'sarif', 'junit']) {
  const runs = 3;
  const t0 = process.hrtime.bigint();
  let code = 0;
  for (let i = 0; i < runs; i++) code = main([out, '--now', '2026-11-25', '--format', format], quiet);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  results.push({ format, ms, code });
}

// One cold run as a separate process (what CI sees), including Node start-up.
const t0 = process.hrtime.bigint();
const proc = spawnSync(process.execPath, [bin, out, '--now', '2026-11-25', '--format', 'sarif', '--output', join(dir, 'report.sarif')], { encoding: 'utf8' });
const coldMs = Number(process.hrtime.bigint() - t0) / 1e6;

console.log(`cdk-bedrock-check over a generated cloud assembly: ${STACKS} stacks x ${RESOURCES_PER_STACK} resources, `
  + `${(bytes / 1024 / 1024).toFixed(1)} MB of templates`);
for (const r of results) {
  console.log(`  in-process --format ${r.format.padEnd(5)}: ${r.ms.toFixed(0).padStart(6)} ms/run  ${(STACKS / (r.ms / 1000)).toFixed(0).padStart(6)} templates/s  (exit ${r.code})`);
}
console.log(`  cold process --format sarif: ${coldMs.toFixed(0)} ms  ${(STACKS / (coldMs / 1000)).toFixed(0)} templates/s  (exit ${proc.status}, `
  + `report ${(statSync(join(dir, 'report.sarif')).size / 1024).toFixed(0)} KiB)`);
if (proc.status !== 0 && proc.status !== 1) console.log(proc.stderr);
rmSync(dir, { recursive: true, force: true });
