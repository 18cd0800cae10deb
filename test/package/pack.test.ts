/**
 * Proves the published package works for a consumer: `npm pack` once, install the tarball once into a fresh project
 * (npm installs its dependencies and its bin) next to aws-cdk-lib and constructs (no cdk-nag), synthesize a stack
 * that imports the constructs and check it with the bin; then add cdk-nag, import the `cdk-bedrock-foundation/nag`
 * subpath, and type-check a consumer under each TypeScript module resolution a CDK app uses. Needs the build output
 * (`npm test` builds first when the sources changed) and the npm registry or cache for the package's dependencies.
 *
 * The peer dependencies are not downloaded again: the consumer links the copies this repository tests with
 * (the same pinned versions), which is also how a consumer's node_modules resolves them (the package's own requires
 * go up to the consumer's node_modules, never to this repository's).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Links a package this repository has installed into the consumer's node_modules. */
function linkPeer(consumer: string, name: string): void {
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules', name)), path.join(consumer, 'node_modules', name), 'dir');
}

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
      dependencies: { 'cdk-bedrock-foundation': `file:${tarball}` },
    }));
    // --legacy-peer-deps: npm installs the tarball and its dependencies, not its peers: they are linked below.
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=optional', '--legacy-peer-deps'],
      { cwd: consumer, stdio: 'pipe' });
    for (const peer of ['aws-cdk-lib', 'constructs']) linkPeer(consumer, peer);
    const versions = Object.fromEntries(['aws-cdk-lib', 'constructs'].map((peer) =>
      [peer, JSON.parse(fs.readFileSync(path.join(consumer, 'node_modules', peer, 'package.json'), 'utf8')).version]));
    expect(versions).toEqual({ 'aws-cdk-lib': pkg.devDependencies['aws-cdk-lib'], constructs: pkg.devDependencies.constructs });
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

  test('the tarball holds README.md and every docs/ page it links to', () => {
    const list = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const linked = [...new Set([...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]))];
    expect(linked).toEqual(expect.arrayContaining(['docs/access.md', 'docs/checks.md', 'docs/invokers.md', 'docs/knowledge-base.md']));
    expect(linked.filter((doc) => !list.includes(`package/${doc}`))).toEqual([]);
    expect(list).toContain('package/README.md');
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

  describe('with cdk-nag installed', () => {
    beforeAll(() => linkPeer(path.join(work, 'consumer'), 'cdk-nag'));

    test('the consumer imports BedrockChecks from cdk-bedrock-foundation/nag and it reports findings', () => {
      const consumer = path.join(work, 'consumer');
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
    });

    // `cdk init` generates `module: commonjs` (node10 resolution, which ignores `exports`: package.json
    // `typesVersions` maps the subpath there); the others read `exports`.
    const resolutions: Record<string, ts.CompilerOptions> = {
      node10: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
      node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
      nodenext: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
      bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
    };
    // The programs share parsed declaration files (aws-cdk-lib's are about 50 MB): parsed once, not four times.
    const parsed = new Map<string, ts.SourceFile | undefined>();

    test.each(Object.keys(resolutions))('a TypeScript consumer type-checks against both entry points under %s module resolution', (name) => {
      const consumer = path.join(work, 'consumer');
      const file = path.join(consumer, 'app.ts');
      fs.writeFileSync(file, [
        "import { App, Stack, Validations } from 'aws-cdk-lib';",
        "import { BedrockModel, PinnedModelConfig } from 'cdk-bedrock-foundation';",
        "import { BedrockChecks } from 'cdk-bedrock-foundation/nag';",
        'const app = new App();',
        "const stack = new Stack(app, 'Consumer', { env: { region: 'us-east-1' } });",
        "new PinnedModelConfig(stack, 'Models', { models: { chat: BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0') } });",
        'Validations.of(app).addPlugins(new BedrockChecks());',
        '// The declarations are real types, not `any`: this is the one error.',
        'export const notAPlugin: number = new BedrockChecks();',
        '',
      ].join('\n'));
      const options: ts.CompilerOptions = {
        ...resolutions[name], target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [], strict: true, skipLibCheck: true, noEmit: true,
      };
      const installed = path.join(consumer, 'node_modules', 'cdk-bedrock-foundation', 'dist', 'lib');
      const resolved = (id: string) => ts.resolveModuleName(id, file, options, ts.sys).resolvedModule?.resolvedFileName;
      expect({ main: resolved('cdk-bedrock-foundation'), nag: resolved('cdk-bedrock-foundation/nag') })
        .toEqual({ main: path.join(installed, 'index.d.ts'), nag: path.join(installed, 'nag', 'index.d.ts') });

      const host = ts.createCompilerHost(options);
      host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
      const getSourceFile = host.getSourceFile;
      host.getSourceFile = (f, lv, ...rest) => {
        if (f === file) return getSourceFile.call(host, f, lv, ...rest);
        const key = `${f}|${typeof lv === 'object' ? `${lv.languageVersion}|${lv.impliedNodeFormat}` : lv}`;
        if (!parsed.has(key)) parsed.set(key, getSourceFile.call(host, f, lv, ...rest));
        return parsed.get(key);
      };
      const program = ts.createProgram([file], options, host);
      const source = program.getSourceFile(file)!;
      const diagnostics = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      expect(diagnostics.map((d) => ({ line: d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') })))
        .toEqual([{ line: 8, code: 2322, message: "Type 'BedrockChecks' is not assignable to type 'number'." }]);
    }, 120_000);
  });
});
