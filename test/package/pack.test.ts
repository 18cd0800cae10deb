/**
 * Proves the published package works for a consumer: `npm pack`, install the tarball into a fresh project next to
 * aws-cdk-lib and constructs (no cdk-nag), synthesize a stack that imports the constructs and check it with the bin;
 * then add cdk-nag and import the `cdk-bedrock-foundation/nag` subpath. Needs the build
 * output (`npm test` builds first) and the npm registry or cache for aws-cdk-lib/constructs.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('npm pack', () => {
  let work: string;
  let tarball: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cbf-pack-'));
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
    tarball = path.join(work, JSON.parse(out)[0].filename);
    const consumer = path.join(work, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({
      name: 'consumer', version: '1.0.0', private: true,
      dependencies: {
        'cdk-bedrock-foundation': `file:${tarball}`,
        'aws-cdk-lib': pkg.devDependencies['aws-cdk-lib'],
        constructs: pkg.devDependencies.constructs,
      },
    }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=optional', '--legacy-peer-deps'], { cwd: consumer, stdio: 'pipe' });
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds compiled JS, type declarations, the vendored catalog with its sources, and prebuilt handlers; no TypeScript sources or tests', () => {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(list).toContain('package/dist/lib/index.js');
    expect(list).toContain('package/dist/lib/index.d.ts');
    expect(list).toContain('package/dist/lib/catalog/data/bedrock-models.json');
    expect(list).toContain('package/dist/lib/catalog/data/SOURCES.md');
    expect(list.some((f) => /^package\/assets\/handlers\/[a-z-]+\/index\.js$/.test(f))).toBe(true);
    expect(list.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(list.some((f) => f.startsWith('package/dist/test/'))).toBe(false);
    expect(list.some((f) => f.startsWith('package/lambda/'))).toBe(false);
  });

  test('a consumer without cdk-nag synthesizes a stack that imports the constructs, with the prebuilt handler asset', () => {
    const consumer = path.join(work, 'consumer');
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'cdk-nag'))).toBe(false);
    const app = `
      const { App, Stack } = require('aws-cdk-lib');
      const lib = require('cdk-bedrock-foundation');
      const app = new App({ outdir: 'cdk.out', context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
      const stack = new Stack(app, 'Consumer', { env: { region: 'us-east-1' } });
      const chat = lib.BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
      const embed = lib.BedrockModel.of('amazon.titan-embed-text-v2:0');
      new lib.PinnedModelConfig(stack, 'Models', { models: { chat, embed } });
      new lib.ModelAccessCheck(stack, 'Access', { models: [chat] });
      new lib.KnowledgeBase(stack, 'Kb', { embeddingModel: embed });
      const selected = lib.ModelCatalog.default().select({ inputTokens: 1000, outputTokens: 100, region: 'us-east-1' }).selected;
      app.synth();
      console.log(JSON.stringify({ selected: selected && selected.modelId }));
    `;
    fs.writeFileSync(path.join(consumer, 'app.js'), app);
    const r = spawnSync(process.execPath, ['app.js'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).selected).toEqual(expect.any(String));
    const template = JSON.parse(fs.readFileSync(path.join(consumer, 'cdk.out', 'Consumer.template.json'), 'utf8'));
    const params = Object.values(template.Resources).filter((x: any) => x.Type === 'AWS::SSM::Parameter');
    expect(params.map((p: any) => p.Properties.Name)).toEqual(expect.arrayContaining(['/bedrock/models/chat', '/bedrock/models/chat/config']));
    const assets = fs.readdirSync(path.join(consumer, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    expect(assets.some((a) => fs.existsSync(path.join(consumer, 'cdk.out', a, 'index.js')))).toBe(true);
  });

  test('a consumer with an alias model fails synthesis with the policy message', () => {
    const consumer = path.join(work, 'consumer');
    fs.writeFileSync(path.join(consumer, 'bad.js'), `
      const { App, Stack } = require('aws-cdk-lib');
      const iam = require('aws-cdk-lib/aws-iam');
      const { BedrockModel } = require('cdk-bedrock-foundation');
      const app = new App({ outdir: 'cdk.out.bad' });
      const stack = new Stack(app, 'Bad', { env: { region: 'us-east-1' } });
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      BedrockModel.of('anthropic.claude-3-5-sonnet-latest').grantInvoke(role);
      app.synth();
    `);
    const r = spawnSync(process.execPath, ['bad.js'], { cwd: consumer, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/'anthropic\.claude-3-5-sonnet-latest' is an alias/);
  });

  test('the cdk-bedrock-check bin runs from the installed package without cdk-nag and passes the clean consumer cdk.out', () => {
    const consumer = path.join(work, 'consumer');
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'cdk-nag'))).toBe(false);
    const bin = path.join(consumer, 'node_modules', '.bin', 'cdk-bedrock-check');
    expect(fs.existsSync(bin)).toBe(true);
    const r = spawnSync(bin, ['cdk.out', '--now', '2026-11-25'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/2026-11-25/);
    expect({ status: r.status, report: r.stdout + r.stderr }).toEqual({ status: 0, report: expect.stringMatching(/0 error\(s\), 0 warning\(s\)/) });
  });

  test('with cdk-nag installed, the consumer imports BedrockChecks from cdk-bedrock-foundation/nag and it reports findings', () => {
    const consumer = path.join(work, 'consumer');
    execFileSync('npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps',
      `cdk-nag@${pkg.devDependencies['cdk-nag']}`], { cwd: consumer, stdio: 'pipe' });
    fs.writeFileSync(path.join(consumer, 'nag.js'), `
      const { App, Stack } = require('aws-cdk-lib');
      const ssm = require('aws-cdk-lib/aws-ssm');
      const nag = require('cdk-bedrock-foundation/nag');
      const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
      const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
      new ssm.StringParameter(stack, 'Alias', { stringValue: 'anthropic.claude-3-5-sonnet-latest' });
      new ssm.StringParameter(stack, 'Pinned', { stringValue: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
      const report = new nag.BedrockChecks().validateScope(app);
      console.log(JSON.stringify({
        rules: nag.ALL_RULES.map((r) => r.id),
        resolved: require.resolve('cdk-bedrock-foundation/nag'),
        violations: report.violations.map((v) => v.ruleName),
      }));
    `);
    const r = spawnSync(process.execPath, ['nag.js'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.resolved).toBe(path.join(consumer, 'node_modules', 'cdk-bedrock-foundation', 'dist', 'lib', 'nag', 'index.js'));
    expect(out.rules).toContain('Bedrock-ModelIdPinned');
    expect(out.violations).toEqual(['Bedrock-ModelIdPinned[anthropic.claude-3-5-sonnet-latest]']);
  }, 120_000);
});
