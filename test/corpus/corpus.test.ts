/**
 * The regression corpus: CloudFormation and SAM templates written for it, each modelled on what real Bedrock
 * applications do, with the exact findings expected in `<name>.expected.json` (rule and value, level, resource, and each
 * place: property, line, code, and the Region it was judged in and why). Every template runs through the CLI's `main`
 * and, included in a CDK stack with `CfnInclude`, through the `BedrockChecks` pack. See README.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { main } from '../../lib/cli/main';
import { BedrockChecks } from '../../lib/nag';

const NOW_ISO = '2026-11-25';
const DIR = __dirname;

interface ExpectedPlace {
  readonly resource: string;
  readonly property: string;
  readonly line: number;
  readonly code: string;
  readonly region?: string;
  readonly regionSource?: string;
}
interface ExpectedFinding {
  readonly id: string;
  readonly level: 'error' | 'warning';
  readonly resource: string;
  readonly places: ExpectedPlace[];
}
interface Expected {
  readonly region: string | null;
  readonly findings: ExpectedFinding[];
  readonly grouped?: ExpectedFinding[];
  readonly messages?: Array<{ id: string; resource: string; contains?: string[]; excludes?: string[] }>;
  /** Why the pack cannot see this template's pattern (the pack comparison is skipped). */
  readonly packSkip?: string;
}

const cases = fs.readdirSync(DIR)
  .filter((f) => /\.(json|yaml)$/.test(f) && !f.endsWith('.expected.json'))
  .sort()
  .map((file) => {
    const expected = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.(json|yaml)$/, '.expected.json')), 'utf8')) as Expected;
    return [file, expected] as const;
  });

function cli(file: string, expected: Expected, ...extra: string[]): { code: number; out: string } {
  let out = '';
  const code = main([path.join(DIR, file), ...(expected.region ? ['--region', expected.region] : []), '--now', NOW_ISO, ...extra], {
    stdout: (s) => { out += s; },
    stderr: () => undefined,
    cwd: DIR,
  });
  return { code, out };
}

function cliFindings(file: string, expected: Expected, ...extra: string[]): any[] {
  const { code, out } = cli(file, expected, '--format', 'json', ...extra);
  expect([0, 1]).toContain(code);
  return JSON.parse(out).findings;
}

function shape(findings: any[]): ExpectedFinding[] {
  return findings.map((f) => ({
    id: f.acknowledgementId,
    level: f.level,
    resource: f.logicalId,
    places: f.places.map((p: any) => ({
      resource: p.logicalId,
      property: p.property,
      line: p.line,
      code: p.code,
      ...(p.region ? { region: p.region, regionSource: p.regionSource } : {}),
    })),
  }));
}

const sortKey = (f: { id: string; resource: string }) => `${f.resource}\u0000${f.id}`;
const sorted = <T extends { id: string; resource: string }>(list: T[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

describe('regression corpus', () => {
  test('has a template for every pattern of issue 23', () => {
    expect(cases.map(([f]) => f)).toEqual(expect.arrayContaining([
      'env-json-regions.yaml', 'env-region-variables.json', 'profile-grant.json', 'wildcards.yaml', 'stepfunctions.json',
      'agents-kb.yaml', 'json-arrays.json', 'ssm-json.yaml', 'repeated-value.yaml', 'env-agnostic.json', 'sam-globals.yaml',
      'caller-region-grants.yaml',
    ]));
  });

  describe.each(cases)('%s', (file, expected) => {
    test('the CLI reports exactly the expected findings, each place at the line of its property', () => {
      expect(sorted(shape(cliFindings(file, expected)))).toEqual(sorted(expected.findings));
    });

    test('the exit code follows the levels (1 on an error, with --fail-on warning also on a warning)', () => {
      const hasError = expected.findings.some((f) => f.level === 'error');
      expect(cli(file, expected).code).toBe(hasError ? 1 : 0);
      expect(cli(file, expected, '--fail-on', 'warning').code).toBe(expected.findings.length > 0 ? 1 : 0);
    });

    test('messages say what was found and where it was judged, with no marker, placeholder Region or construct-only advice', () => {
      const findings = cliFindings(file, expected);
      for (const m of expected.messages ?? []) {
        const f = findings.find((x) => x.acknowledgementId === m.id && x.logicalId === m.resource);
        expect({ id: m.id, found: !!f }).toEqual({ id: m.id, found: true });
        for (const s of m.contains ?? []) expect(f.message).toContain(s);
        for (const s of m.excludes ?? []) expect(f.message).not.toContain(s);
      }
      for (const f of findings) {
        for (const text of [f.message, ...f.places.map((p: any) => p.message)]) {
          expect(text).not.toMatch(/[\uE000-\uE0FF]|:R::|BedrockModel\.|ModelCatalog\./);
        }
      }
    });

    test('SARIF carries one location per place, at the property lines', () => {
      const sarif = JSON.parse(cli(file, expected, '--format', 'sarif').out);
      const results = sarif.runs[0].results;
      expect(results).toHaveLength(expected.findings.length);
      const lines = (list: Array<{ places: ExpectedPlace[] }>) => list.map((f) => f.places.map((p) => p.line)).sort();
      expect(lines(results.map((r: any) => ({ places: r.locations.map((l: any) => ({ line: l.physicalLocation.region.startLine })) }))))
        .toEqual(lines(expected.findings));
    });

    if (expected.grouped) {
      test('--group-by-value reports the value once, listing every place', () => {
        expect(shape(cliFindings(file, expected, '--group-by-value'))).toEqual(expected.grouped);
      });
    }

    (expected.packSkip ? test.skip : test)('the pack reports the same findings at the same properties (template included in a CDK stack)', () => {
      const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
      const stack = new Stack(app, 'Corpus', expected.region ? { env: { account: '111111111111', region: expected.region } } : {});
      new CfnInclude(stack, 'Template', { templateFile: path.join(DIR, file) });
      const report = new BedrockChecks().validateScope(app);
      const packFindings = report.violations.flatMap((v) => v.violatingResources.map((r) => ({
        id: v.ruleName,
        level: v.severity,
        resource: r.constructPath!.split('/').pop()!,
        locations: [...r.locations].sort(),
      })));
      const cliPaths = new Map(cliFindings(file, expected).map((f) => [`${f.logicalId}\u0000${f.acknowledgementId}`,
        [...new Set<string>(f.places.map((p: any) => p.path.join('.')))].sort()]));
      expect(sorted(packFindings)).toEqual(sorted(expected.findings.map((f) => ({
        id: f.id,
        level: f.level,
        resource: f.resource,
        locations: cliPaths.get(`${f.resource}\u0000${f.id}`)!,
      }))));
      expect(report.success).toBe(!expected.findings.some((f) => f.level === 'error'));
    });
  });
});
