import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { largeApp, sampleApp } from './apps';

/*
 * cfn-lint over every synthesized sample and test app, in ONE cfn-lint process (it loads its schemas once).
 * cfn-lint 1.51.0 is on this machine image; a machine without it fails here, it never skips.
 */
const CFN_LINT = process.env.CFN_LINT ?? 'cfn-lint';
const INSTALL = 'pip install cfn-lint==1.51.0';

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path: (string | number)[] };
}

/**
 * Warnings acknowledged on purpose, each with its reason. Only findings that cannot be fixed at their source belong
 * here; each matches by rule, resource logical ID and the finding's message.
 */
const ACKNOWLEDGED: { readonly rule: string; readonly resource: RegExp; readonly message: RegExp; readonly reason: string }[] = [
  {
    rule: 'W3005',
    // Every AWS::Lambda::Function (invokers and the custom-resource handlers, which back their resources directly: no
    // provider-framework functions or waiter state machine any more): the DependsOn names the execution role the Role
    // property already GetAtts.
    resource: /(Function|Handler|OnEvent)[0-9A-F]{8}$/,
    message: /^'\w*(Role)[0-9A-F]{8}' dependency already enforced by a 'GetAtt' at 'Resources\/\w+\/Properties\/Role'$/,
    reason: 'aws-cdk-lib adds it: lambda.Function calls node.addDependency(role) so that the role\'s DefaultPolicy exists '
      + 'before the function runs; the same DependsOn list carries that policy, which no reference implies. The role entry '
      + 'is redundant but harmless, and removing it would mean overriding aws-cdk-lib internals on every function.',
  },
];

function writeTemplates(dir: string, apps: App[]): string[] {
  const files: string[] = [];
  for (const app of apps) {
    for (const stack of app.synth().stacks) {
      const file = path.join(dir, `${stack.stackName}.template.json`);
      fs.writeFileSync(file, JSON.stringify(stack.template, null, 1));
      files.push(file);
    }
  }
  return files;
}

describe('cfn-lint', () => {
  let findings: Finding[];
  let files: string[];

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    try {
      files = writeTemplates(dir, [sampleApp(), largeApp()]);
      const run = spawnSync(CFN_LINT, ['--format', 'json', '--', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
      // Exit codes 0, 2 (errors), 4 (warnings), 8 (informational) and their sums come with the JSON findings; a
      // missing or broken cfn-lint (spawn error, Python traceback) prints none. Only then is `--version` asked, to say
      // which (one Python start-up less on every run).
      let parsed: unknown;
      try { parsed = run.error ? undefined : JSON.parse(run.stdout || '[]'); } catch { parsed = undefined; }
      if (!Array.isArray(parsed)) {
        const probe = spawnSync(CFN_LINT, ['--version'], { encoding: 'utf8' });
        if (probe.error || probe.status !== 0) {
          throw new Error(`cfn-lint is not installed or does not run ('${CFN_LINT} --version' failed: `
            + `${probe.error?.message ?? probe.stderr}). Install it with '${INSTALL}' (or set CFN_LINT to its path).`);
        }
        throw new Error(`cfn-lint printed no JSON (exit ${run.status}): ${run.stderr}${run.stdout}`);
      }
      findings = parsed as Finding[];
      findings = findings.map(f => ({ ...f, Filename: path.basename(f.Filename) }));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  const describeFinding = (f: Finding) => `${f.Rule.Id} ${f.Filename} ${f.Location.Path.join('/')}: ${f.Message}`;
  const matches = (a: typeof ACKNOWLEDGED[number], f: Finding) =>
    a.rule === f.Rule.Id && a.resource.test(String(f.Location.Path[1])) && a.message.test(f.Message);
  const acknowledged = (f: Finding) => ACKNOWLEDGED.some(a => matches(a, f));

  test('lints the sample app and the larger app', () => {
    expect(files.map(f => path.basename(f))).toEqual(['BedrockFoundationSample.template.json', 'BedrockFoundationLarge.template.json']);
  });

  test('reports no errors', () => {
    expect(findings.filter(f => f.Level === 'Error').map(describeFinding)).toEqual([]);
  });

  test('reports no warnings but the acknowledged ones', () => {
    expect(findings.filter(f => f.Level === 'Warning' && !acknowledged(f)).map(describeFinding)).toEqual([]);
  });

  test('every acknowledged warning still occurs (remove stale acknowledgements)', () => {
    for (const a of ACKNOWLEDGED) {
      expect({ rule: a.rule, resource: String(a.resource), found: findings.some(f => matches(a, f)) })
        .toEqual({ rule: a.rule, resource: String(a.resource), found: true });
    }
  });
});
