import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { BedrockChecks } from '../../lib/nag';
import { EOL, GOOD_PROFILE, LEGACY_FM, NOW_ISO, run, synthCleanAssembly, synthSampleAssembly, tmpDir } from './cli-util';

let assembly: string;
beforeAll(() => {
  assembly = path.join(tmpDir(), 'cdk.out');
  synthSampleAssembly(assembly);
});

describe('cdk-bedrock-check on a cloud assembly', () => {
  test('checks every stack of stages and nested stacks, prints the date, and exits 1 on an error', () => {
    const r = run([assembly, '--now', NOW_ISO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`model lifecycle judged at ${NOW_ISO} (--now)`);
    expect(r.stdout).toMatch(/Checked 3 template\(s\)/);
    expect(r.stdout).toMatch(/Stack Prod\/Svc\/Inner \(Region unknown\)/);
    expect(r.stdout).toMatch(/ERROR\s+Bedrock-InvokeWildcard\s+\S+ \(AWS::IAM::Policy\) at Prod\/Svc\/Inner\/Role\/DefaultPolicy\/Resource/);
    expect(r.stdout).toMatch(new RegExp(`WARNING Bedrock-ModelLegacy\\[${LEGACY_FM.replace(/\./g, '\\.')}\\]\\s+\\S+ \\(AWS::SSM::Parameter\\) at Api/ChatModel/Resource`));
    expect(r.stdout).toMatch(/1 error\(s\), 2 warning\(s\), 1 acknowledged/);
  });

  test('an environment-agnostic stack without --region gets a Region-unknown finding', () => {
    const r = run([assembly, '--now', NOW_ISO, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const f = report.findings.find((x: any) => x.stack === 'Prod/Svc' && x.ruleId === 'Bedrock-ModelRegionUnverified');
    expect(f).toMatchObject({ level: 'warning', region: null, constructPath: 'Prod/Svc/Model/Resource', acknowledgementId: `Bedrock-ModelRegionUnverified[${GOOD_PROFILE}]` });
    expect(f.message).toMatch(/Region unknown/);
  });

  test('--region applies to environment-agnostic stacks only', () => {
    const report = JSON.parse(run([assembly, '--now', NOW_ISO, '--format', 'json', '--region', 'eu-west-1']).stdout);
    expect(report.findings.filter((x: any) => x.ruleId === 'Bedrock-ModelRegionUnverified')).toEqual([]);
    expect(report.findings.find((x: any) => x.stack === 'Prod/Svc' && x.ruleId === 'Bedrock-ModelRegion')).toMatchObject({
      region: 'eu-west-1', acknowledgementId: `Bedrock-ModelRegion[${GOOD_PROFILE}]`,
    });
    expect(report.stacks.find((s: any) => s.name === 'Api').region).toBe('us-east-1');
  });

  test('honours acknowledgements recorded with Validations.of(scope).acknowledge', () => {
    const report = JSON.parse(run([assembly, '--now', NOW_ISO, '--format', 'json']).stdout);
    const eol = report.findings.find((x: any) => x.acknowledgementId === `Bedrock-ModelEndOfLife[${EOL}]`);
    expect(eol.acknowledged).toEqual({ reason: 'removed in release 42', at: 'Api/OldModel' });
    expect(report.summary).toEqual({ errors: 1, warnings: 2, acknowledged: 1, failing: 1 });
  });

  test('an App-level acknowledgement is invisible in cdk.out: the pack passes, the CLI reports it and says why', () => {
    const dir = path.join(tmpDir(), 'cdk.out');
    const app = new App({ outdir: dir, context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
    new ssm.StringParameter(new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } }), 'Old', { stringValue: EOL });
    Validations.of(app).acknowledge({ id: `Bedrock-ModelEndOfLife[${EOL}]`, reason: 'retired with release 42' });
    Validations.of(app).addPlugins(new BedrockChecks());
    app.synth();
    const r = run([dir, '--now', NOW_ISO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`ERROR   Bedrock-ModelEndOfLife[${EOL}]`);
    expect(r.stdout).toContain('Note: acknowledgements made on the App or a Stage are not written to cdk.out, so this check cannot see '
      + 'them (the BedrockChecks pack can); acknowledge on the stack or a construct below it.');
  });

  test('the App/Stage note is not printed for plain templates or when nothing is open', () => {
    const file = path.join(tmpDir(), 'old.template.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: EOL } } } }));
    const plain = run([file, '--region', 'us-east-1', '--now', NOW_ISO]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).not.toContain('acknowledgements made on the App');
    const dir = path.join(tmpDir(), 'cdk.out');
    synthCleanAssembly(dir);
    expect(run([dir, '--now', NOW_ISO]).stdout).not.toContain('acknowledgements made on the App');
  });

  test('judges lifecycle at --now', () => {
    const early = JSON.parse(run([assembly, '--now', '2024-01-01', '--format', 'json']).stdout);
    expect(early.now).toBe('2024-01-01');
    expect(early.findings.some((x: any) => x.ruleId === 'Bedrock-ModelEndOfLife')).toBe(false);
    const late = JSON.parse(run([assembly, '--now', NOW_ISO, '--format', 'json']).stdout);
    expect(late.findings.some((x: any) => x.ruleId === 'Bedrock-ModelEndOfLife')).toBe(true);
  });

  test('defaults to ./cdk.out and to today', () => {
    const r = run([], path.dirname(assembly));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`model lifecycle judged at ${new Date().toISOString().slice(0, 10)} (today; set --now to pin it)`);
  });

  test('accepts the manifest.json path', () => {
    expect(run([path.join(assembly, 'manifest.json'), '--now', NOW_ISO]).code).toBe(1);
  });

  test('takes construct paths from tree.json when the metadata has no logical IDs', () => {
    const copy = path.join(tmpDir(), 'cdk.out');
    fs.cpSync(assembly, copy, { recursive: true });
    for (const file of walk(copy).filter((f) => f.endsWith('.metadata.json'))) {
      const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
      for (const k of Object.keys(meta)) meta[k] = meta[k].filter((e: any) => e.type !== 'aws:cdk:logicalId');
      fs.writeFileSync(file, JSON.stringify(meta));
    }
    const report = JSON.parse(run([copy, '--now', NOW_ISO, '--format', 'json']).stdout);
    const f = report.findings.find((x: any) => x.ruleId === 'Bedrock-InvokeWildcard');
    expect(f.constructPath).toBe('Prod/Svc/Inner/Role/DefaultPolicy/Resource');
  });
});

describe('cdk-bedrock-check exit codes and --fail-on', () => {
  test('exits 0 on a clean assembly', () => {
    const dir = path.join(tmpDir(), 'cdk.out');
    synthCleanAssembly(dir);
    const r = run([dir, '--now', NOW_ISO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 error\(s\), 0 warning\(s\), 0 acknowledged\. Passed\./);
  });

  test('warnings fail only with --fail-on warning', () => {
    const dir = path.join(tmpDir(), 'cdk.out');
    synthCleanAssembly(dir, true);
    expect(run([dir, '--now', NOW_ISO]).code).toBe(0);
    expect(run([dir, '--now', NOW_ISO, '--fail-on', 'warning']).code).toBe(1);
  });

  test('--output writes the report to a file', () => {
    const out = path.join(tmpDir(), 'report.json');
    const r = run([assembly, '--now', NOW_ISO, '--format', 'json', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote json report to ${out}`);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).failOn).toBe('error');
  });

  test('--output into a missing directory exits 2 naming the path and the fix, without a stack trace', () => {
    const missing = path.join(tmpDir(), 'no-such-dir');
    const r = run([assembly, '--now', NOW_ISO, '--format', 'sarif', '--output', path.join(missing, 'bedrock.sarif')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cannot write the report to --output '${path.join(missing, 'bedrock.sarif')}'`);
    expect(r.stderr).toContain(`the directory '${missing}' does not exist; create it first (mkdir -p '${missing}')`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  test('--output naming a directory exits 2', () => {
    const r = run([assembly, '--now', NOW_ISO, '--output', tmpDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/it is a directory; pass a file name/);
  });
});

describe('cdk-bedrock-check usage errors and unreadable input (exit 2)', () => {
  test.each([
    [['--format', 'xml'], /--format is 'xml'; write one of text, json, sarif, junit/],
    [['--fail-on', 'info'], /--fail-on is 'info'; write 'error' or 'warning'/],
    [['--now', '2026-13-45'], /--now is '2026-13-45', which is not a date; write YYYY-MM-DD/],
    [['--now'], /Option --now needs a value/],
    [['--region', 'Mars'], /--region is 'Mars', which is not an AWS Region name/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j', (args, message) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).toContain('Usage: cdk-bedrock-check');
  });

  test('an empty directory', () => {
    const dir = tmpDir();
    const r = run([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${dir}' has no manifest.json (the directory is empty), so it is not a cloud assembly`);
  });

  test('a directory without manifest.json', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'Stack.template.json'), '{"Resources":{}}');
    const r = run([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no manifest\.json, so it is not a cloud assembly\. Run 'cdk synth' first/);
  });

  test('a path that does not exist', () => {
    const r = run(['/nonexistent/cdk.out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Input '/nonexistent/cdk.out' does not exist");
  });

  test('malformed JSON template', () => {
    const file = path.join(tmpDir(), 'bad.json');
    fs.writeFileSync(file, '{"Resources": {"A": ');
    const r = run([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Template '${file}' is not valid JSON`);
  });

  test('malformed YAML template', () => {
    const file = path.join(tmpDir(), 'bad.yaml');
    fs.writeFileSync(file, 'Resources:\n  A: [unclosed\n  B: !Ref\n');
    const r = run([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Template '${file}' is neither valid JSON nor valid YAML`);
  });

  test('a JSON file that is not a template', () => {
    const file = path.join(tmpDir(), 'list.json');
    fs.writeFileSync(file, '{"Parameters": {}}');
    const r = run([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${file}' is not a CloudFormation template: it has no 'Resources' section`);
  });

  test('a malformed manifest and a manifest naming a missing template', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"version": ');
    expect(run([dir]).stderr).toContain(`Cloud assembly manifest '${path.join(dir, 'manifest.json')}' is not valid JSON`);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: { S: { type: 'aws:cloudformation:stack', environment: 'aws://1/us-east-1', properties: { templateFile: 'S.template.json' } } } }));
    const r = run([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cannot read Template '${path.join(dir, 'S.template.json')}': it does not exist`);
  });

  test('an assembly without stacks', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: {} }));
    const r = run([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No stacks found/);
  });
});

describe('cdk-bedrock-check on plain CloudFormation templates', () => {
  const fixtures = path.join(__dirname, '..', 'fixtures', 'nag');

  test('YAML with short-form tags and JSON together, Region from --region', () => {
    const r = run([
      path.join(fixtures, 'ModelRegion', 'noncompliant-cross-region-arn.yaml'),
      path.join(fixtures, 'InvokeWildcard', 'noncompliant-star.json'),
      '--region', 'us-east-1', '--now', NOW_ISO, '--format', 'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.stacks.map((s: any) => [s.name, s.region, s.regionSource])).toEqual([
      ['noncompliant-cross-region-arn', 'us-east-1', 'option'],
      ['noncompliant-star', 'us-east-1', 'option'],
    ]);
    const rules = new Set(report.findings.map((f: any) => f.ruleId));
    expect(rules).toEqual(new Set(['Bedrock-ModelRegion', 'Bedrock-InvokeWildcard']));
    const yamlFinding = report.findings.find((f: any) => f.ruleId === 'Bedrock-ModelRegion');
    expect(yamlFinding).toMatchObject({ logicalId: 'Policy', line: 8 });
  });

  test('honours cdk-nag rules_to_suppress metadata in a template', () => {
    const file = path.join(tmpDir(), 't.json');
    fs.writeFileSync(file, JSON.stringify({
      Resources: {
        P: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Type: 'String', Value: EOL },
          Metadata: { cdk_nag: { rules_to_suppress: [{ id: `Bedrock-ModelEndOfLife[${EOL}]`, reason: 'decommissioned stack' }] } },
        },
      },
    }));
    const r = run([file, '--region', 'us-east-1', '--now', NOW_ISO, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0].acknowledged).toEqual({ reason: 'decommissioned stack', at: 'P Metadata.cdk_nag' });
  });

  test('a 5 MB template', () => {
    const resources: Record<string, unknown> = {};
    let i = 0;
    let size = 0;
    const padding = 'x'.repeat(400);
    while (size < 5 * 1024 * 1024) {
      const r = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: GOOD_PROFILE, Description: padding } };
      resources[`Param${i}`] = r;
      size += JSON.stringify(r).length + 16;
      i++;
    }
    resources.Old = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: EOL } };
    const file = path.join(tmpDir(), 'big.template.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: resources }, null, 1));
    expect(fs.statSync(file).size).toBeGreaterThan(5 * 1024 * 1024);
    const r = run([file, '--region', 'us-east-1', '--now', NOW_ISO, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.stacks[0].resources).toBe(i + 1);
    expect(report.findings.map((f: any) => [f.logicalId, f.acknowledgementId])).toEqual([['Old', `Bedrock-ModelEndOfLife[${EOL}]`]]);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines[report.findings[0].line - 1]).toContain('"Old"');
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
