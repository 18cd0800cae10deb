import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Aws, IAspect, CfnMapping, CfnParameter, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BedrockChecks } from '../../../lib/nag';
import { BedrockModel } from '../../../lib/models/bedrock-model';
import { main } from '../../../lib/cli/main';
import { NOW_ISO, packViolations, testStack } from '../util';

const EOL = 'anthropic.claude-3-haiku-20240307-v1:0';

describe('BedrockChecks', () => {
  test('is a cdk-nag pack named Bedrock whose rule IDs start with Bedrock-', () => {
    const pack = new BedrockChecks();
    expect(pack.name).toBe('Bedrock');
    expect(pack.readPackName).toBe('Bedrock');
  });

  test('added as an aspect by mistake, it fails synth with the way to register it', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'Model', { stringValue: EOL });
    // TypeScript rejects this line (test/readme checks that); JavaScript does not, and gets the fix at synth.
    Aspects.of(app).add(new BedrockChecks() as unknown as IAspect);
    expect(() => app.synth()).toThrow(/not an aspect[\s\S]*Validations\.of\(app\)\.addPlugins\(new BedrockChecks\(\)\)/);
  });

  test('added as an aspect to a stack, the message names where it was added', () => {
    const { app, stack } = testStack();
    Aspects.of(stack).add(new BedrockChecks() as unknown as IAspect);
    let error: any;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: 'BedrockValidationError', code: 'NagPackAddedAsAspect' });
    expect(error.message).toMatch(/Aspects\.of\('TestStack'\)\.add[\s\S]*Validations\.of\(app\)\.addPlugins\(new BedrockChecks\(\)\)[\s\S]*\(at TestStack\)$/);
  });

  test('fails synth as a validation plugin, naming the rule, the model and the construct', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'Model', { stringValue: EOL });
    Validations.of(app).addPlugins(new BedrockChecks());
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`Bedrock-ModelEndOfLife[${EOL}]`);
    expect(message).toContain('TestStack/Model/Resource');
    expect(message).toMatch(/reached end of life/);
  });

  test.each([
    [`Bedrock-ModelEndOfLife[${EOL}]`],
    [`Bedrock::Bedrock-ModelEndOfLife[${EOL}]`],
  ])('an acknowledgement %s lets synth pass', (id) => {
    const { app, stack } = testStack();
    const p = new ssm.StringParameter(stack, 'Model', { stringValue: EOL });
    Validations.of(p).acknowledge({ id, reason: 'migration to Claude Haiku 4.5 tracked in JIRA-123' });
    Validations.of(app).addPlugins(new BedrockChecks());
    expect(() => app.synth()).not.toThrow();
  });

  test('a granular model finding is not covered by the plain rule ID', () => {
    const { app, stack } = testStack();
    const p = new ssm.StringParameter(stack, 'Model', { stringValue: EOL });
    Validations.of(p).acknowledge({ id: 'Bedrock-ModelEndOfLife', reason: 'too broad' });
    expect(packViolations(app)).toEqual([`Bedrock-ModelEndOfLife[${EOL}]`]);
  });

  test('an acknowledgement on a parent construct covers resources below it', () => {
    const { app, stack } = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
    expect(packViolations(app)).toEqual(['Bedrock-InvokeWildcard']);
    Validations.of(stack).acknowledge({ id: 'Bedrock-InvokeWildcard', reason: 'sandbox account' });
    expect(packViolations(app)).toEqual([]);
  });

  test('resources in nested stacks are judged in the parent stack Region', () => {
    const { app, stack } = testStack('eu-west-1');
    const nested = new NestedStack(stack, 'Nested');
    new ssm.StringParameter(nested, 'P', { stringValue: 'amazon.nova-pro-v1:0' });
    expect(packViolations(app)).toEqual(['Bedrock-ModelRegion[amazon.nova-pro-v1:0]']);
  });

  test('reads the lifecycle date from the context key cdk-bedrock-foundation:now', () => {
    const early = new App({ context: { 'cdk-bedrock-foundation:now': '2024-06-01' } });
    new ssm.StringParameter(new Stack(early, 'S', { env: { region: 'us-east-1', account: '111111111111' } }), 'P', { stringValue: EOL });
    expect(packViolations(early, 'Bedrock-ModelEndOfLife')).toEqual([]);
    const late = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
    new ssm.StringParameter(new Stack(late, 'S', { env: { region: 'us-east-1', account: '111111111111' } }), 'P', { stringValue: EOL });
    expect(packViolations(late, 'Bedrock-ModelEndOfLife')).toEqual([`Bedrock-ModelEndOfLife[${EOL}]`]);
  });

  test('uses template parameter defaults referenced by Ref', () => {
    const { app, stack } = testStack();
    const { CfnParameter } = require('aws-cdk-lib');
    const param = new CfnParameter(stack, 'ModelId', { type: 'String', default: EOL });
    new ssm.StringParameter(stack, 'P', { stringValue: param.valueAsString });
    expect(packViolations(app)).toEqual([`Bedrock-ModelEndOfLife[${EOL}]`]);
  });
});

describe('BedrockChecks on the library\'s own grants', () => {
  const grantee = (stack: Stack) => new iam.Role(stack, 'Fn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  test.each([
    ['anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['global.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['amazon.titan-embed-text-v2:0'],
  ])('grantInvoke of %s in us-east-1 has no findings', (id) => {
    const { app, stack } = testStack('us-east-1');
    BedrockModel.of(id).grantInvoke(grantee(stack));
    expect(packViolations(app)).toEqual([]);
  });

  test('grantInvoke of an EU profile in eu-west-1 has no findings', () => {
    const { app, stack } = testStack('eu-west-1');
    BedrockModel.of('eu.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(grantee(stack));
    expect(packViolations(app)).toEqual([]);
  });

  test('grantInvoke in an environment-agnostic stack gives only Region-unknown warnings', () => {
    const { app, stack } = testStack(null);
    BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').grantInvoke(grantee(stack));
    const report = new BedrockChecks().validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(['Bedrock-ModelRegionUnverified[us.anthropic.claude-haiku-4-5-20251001-v1:0]']);
    expect(report.violations.every((v) => v.severity === 'warning')).toBe(true);
  });
});

describe('BedrockChecks and cdk-bedrock-check evaluate a stack the same way', () => {
  /** Acknowledgement IDs the pack reports for an app, and those the CLI reports over the same app's cdk.out. */
  function packAndCli(build: (stack: Stack) => void): { pack: string[]; cli: string[] } {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bedrock-parity-'));
    try {
      const app = new App({ outdir, context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
      build(new Stack(app, 'Parity', { env: { account: '111111111111', region: 'us-east-1' } }));
      const pack = [...new Set(new BedrockChecks().validateScope(app).violations.map((v) => v.ruleName))].sort();
      app.synth();
      let out = '';
      const code = main([outdir, '--format', 'json', '--now', NOW_ISO], { stdout: (s) => { out += s; }, stderr: () => undefined, cwd: outdir });
      expect([0, 1]).toContain(code);
      const cli = [...new Set<string>(JSON.parse(out).findings.map((f: { acknowledgementId: string }) => f.acknowledgementId))].sort();
      return { pack, cli };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  test('a model ID read from a CfnMapping with Fn::FindInMap is reported by both', () => {
    const { pack, cli } = packAndCli((stack) => {
      const map = new CfnMapping(stack, 'Models', { mapping: { chat: { id: 'anthropic.claude-3-5-sonnet-latest' } } });
      new ssm.StringParameter(stack, 'Chat', { stringValue: map.findInMap('chat', 'id') });
    });
    expect(pack).toEqual(['Bedrock-ModelIdPinned[anthropic.claude-3-5-sonnet-latest]']);
    expect(cli).toEqual(pack);
  });

  test('a mapping keyed by a pseudo parameter and a parameter default are reported by both', () => {
    const { pack, cli } = packAndCli((stack) => {
      const map = new CfnMapping(stack, 'ByRegion', { mapping: { 'us-east-1': { model: EOL } } });
      new ssm.StringParameter(stack, 'Chat', { stringValue: map.findInMap(Aws.REGION, 'model') });
      const param = new CfnParameter(stack, 'EmbedModel', { type: 'String', default: 'amazon.titan-embed-text' });
      new ssm.StringParameter(stack, 'Embed', { stringValue: param.valueAsString });
    });
    expect(pack).toEqual([`Bedrock-ModelEndOfLife[${EOL}]`, 'Bedrock-ModelIdPinned[amazon.titan-embed-text]']);
    expect(cli).toEqual(pack);
  });
});

describe('issue 23: warnings do not fail cdk synth unless asked', () => {
  /** An app whose only findings are warnings: a legacy model, and an environment-agnostic stack (Region unknown). */
  function warningsOnlyApp(outdir: string, props?: ConstructorParameters<typeof BedrockChecks>[1]): App {
    const app = new App({ outdir, context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
    const { stack } = { stack: new Stack(app, 'Legacy', { env: { account: '111111111111', region: 'us-east-1' } }) };
    new ssm.StringParameter(stack, 'Chat', { stringValue: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' });
    new ssm.StringParameter(new Stack(app, 'Agnostic'), 'Model', { stringValue: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    Validations.of(app).addPlugins(new BedrockChecks(undefined, props));
    return app;
  }

  test('a warnings-only result passes a real app.synth(), and the warnings are in the validation report', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bedrock-warnings-'));
    try {
      const app = warningsOnlyApp(outdir);
      const errors: string[] = [];
      const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { errors.push(args.join(' ')); });
      try {
        expect(() => app.synth()).not.toThrow();
      } finally {
        spy.mockRestore();
      }
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
      const bedrock = report.pluginReports.find((r: any) => r.pluginName === 'Bedrock');
      expect(bedrock.conclusion).toBe('success');
      expect(bedrock.violations.map((v: any) => [v.ruleName, v.severity]).sort()).toEqual([
        ['Bedrock-ModelLegacy[anthropic.claude-sonnet-4-5-20250929-v1:0]', 'warning'],
        ['Bedrock-ModelRegionUnverified[us.anthropic.claude-haiku-4-5-20251001-v1:0]', 'warning'],
      ]);
      expect(errors.join('\n')).toContain('Bedrock-ModelLegacy[anthropic.claude-sonnet-4-5-20250929-v1:0]');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('with failOnWarnings: true the same app fails synth', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bedrock-warnings-'));
    try {
      const app = warningsOnlyApp(outdir, { failOnWarnings: true });
      expect(() => app.synth()).toThrow(/Bedrock-ModelLegacy\[anthropic\.claude-sonnet-4-5-20250929-v1:0\]/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('an error still fails synth, also when a warning of the same rule comes first', () => {
    const { app, stack } = testStack();
    const role = new iam.Role(stack, 'A', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-*'] }));
    const other = new iam.Role(stack, 'B', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    other.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
    const report = new BedrockChecks().validateScope(app);
    expect(report.violations.map((v) => [v.ruleName, v.severity, v.violatingResources.map((r) => r.constructPath)])).toEqual([
      ['Bedrock-InvokeWildcard', 'warning', ['TestStack/A/DefaultPolicy/Resource']],
      ['Bedrock-InvokeWildcard', 'error', ['TestStack/B/DefaultPolicy/Resource']],
    ]);
    expect(report.success).toBe(false);
    Validations.of(app).addPlugins(new BedrockChecks());
    expect(() => app.synth()).toThrow(/Bedrock-InvokeWildcard/);
  });

  test('each violating resource lists the property paths of its findings', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'Model', { stringValue: EOL });
    const v = new BedrockChecks().validateScope(app).violations.find((x) => x.ruleName === `Bedrock-ModelEndOfLife[${EOL}]`)!;
    expect(v.violatingResources).toEqual([{ constructPath: 'TestStack/Model/Resource', locations: ['Properties.Value'] }]);
  });
});
