import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { EOL, NOW_ISO, run, synthSampleAssembly, tmpDir } from './cli-util';

let assembly: string;
beforeAll(() => {
  assembly = path.join(tmpDir(), 'cdk.out');
  synthSampleAssembly(assembly);
});

/** The SARIF 2.1.0 schema (draft-04; see test/fixtures/sarif/SOURCE.md) loaded into Ajv 8. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  const { id, $schema: _draft, ...rest } = schema;
  // unicodeRegExp off: the schema's `language` pattern has a stray ']' that only non-unicode regular expressions accept.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ $id: id, ...rest });
}

describe('SARIF output', () => {
  test('is valid SARIF 2.1.0', () => {
    const r = run([assembly, '--now', NOW_ISO, '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const validate = sarifValidator();
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(sarif.version).toBe('2.1.0');
  });

  test('the schema rejects a broken log (the validator is not vacuous)', () => {
    const sarif = JSON.parse(run([assembly, '--now', NOW_ISO, '--format', 'sarif']).stdout);
    sarif.runs[0].results[0].level = 'fatal';
    delete sarif.runs[0].tool.driver.name;
    expect(sarifValidator()(sarif)).toBe(false);
  });

  test('lists every rule, locates results in the template and marks acknowledged results as suppressed', () => {
    const sarif = JSON.parse(run([assembly, '--now', NOW_ISO, '--format', 'sarif']).stdout);
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.rules.map((r: any) => r.id)).toEqual([
      'Bedrock-ModelIdPinned', 'Bedrock-ModelIdKnown', 'Bedrock-ModelRegion', 'Bedrock-ModelRegionUnverified',
      'Bedrock-ModelEndOfLife', 'Bedrock-ModelLegacy', 'Bedrock-ProfileGrantCondition', 'Bedrock-InvokeWildcard',
      'Bedrock-ServiceRoleSourceAccount', 'Bedrock-GuardrailProfileRegion', 'Bedrock-GuardrailDraft',
    ]);
    const wildcard = run0.results.find((x: any) => x.ruleId === 'Bedrock-InvokeWildcard');
    expect(run0.tool.driver.rules[wildcard.ruleIndex].id).toBe('Bedrock-InvokeWildcard');
    expect(wildcard.level).toBe('error');
    const loc = wildcard.locations[0];
    expect(loc.physicalLocation.artifactLocation.uri).toMatch(/assembly-Prod\/ProdSvc.*nested\.template\.json$/);
    const templateLines = fs.readFileSync(path.join(assembly, 'assembly-Prod', path.basename(loc.physicalLocation.artifactLocation.uri)), 'utf8').split('\n');
    // The location is the line of the property (issue 23: not the resource); the resource's line is kept beside it.
    expect(templateLines[loc.physicalLocation.region.startLine - 1]).toMatch(/^\s*"Resource": "\*"/);
    expect(loc.properties.property).toBe('PolicyDocument.Statement[0].Resource');
    expect(templateLines[loc.properties.resourceLine - 1]).toContain(`"${loc.logicalLocations[0].name}"`);
    expect(loc.logicalLocations[0].fullyQualifiedName).toBe('Prod/Svc/Inner/Role/DefaultPolicy/Resource');
    const eol = run0.results.find((x: any) => x.properties.acknowledgementId === `Bedrock-ModelEndOfLife[${EOL}]`);
    expect(eol.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'removed in release 42 (acknowledged at Api/OldModel)' }]);
    expect(run0.invocations[0].properties.now).toBe(NOW_ISO);
  });
});

/** A strict-enough XML 1.0 reader for the report: elements, attributes, text, entities; throws on malformed input. */
interface XmlEl { name: string; attrs: Record<string, string>; children: XmlEl[]; text: string }
function parseXml(src: string): XmlEl {
  let i = 0;
  const decl = /^<\?xml [^?]*\?>\s*/.exec(src);
  if (!decl) throw new Error('missing XML declaration');
  i = decl[0].length;
  const entity = (s: string) => s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);|&/gi, (m, e) => {
    if (!e) throw new Error(`bare & at ${i}`);
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e] ?? m;
  });
  const element = (): XmlEl => {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(src.slice(i));
    if (!open) throw new Error(`malformed start tag at ${i}: ${src.slice(i, i + 40)}`);
    i += open[0].length;
    const attrs: Record<string, string> = {};
    for (const m of open[2].matchAll(/([A-Za-z_][\w.-]*)="([^"<]*)"/g)) {
      if (m[1] in attrs) throw new Error(`duplicate attribute ${m[1]}`);
      attrs[m[1]] = entity(m[2]);
    }
    const el: XmlEl = { name: open[1], attrs, children: [], text: '' };
    if (open[3]) return el;
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) throw new Error(`unclosed <${el.name}>`);
      el.text += entity(src.slice(i, lt));
      i = lt;
      if (src.startsWith(`</${el.name}>`, i)) {
        i += el.name.length + 3;
        return el;
      }
      if (src.startsWith('</', i)) throw new Error(`mismatched close tag at ${i}: expected </${el.name}>`);
      el.children.push(element());
    }
  };
  const root = element();
  if (src.slice(i).trim() !== '') throw new Error('content after the root element');
  return root;
}

describe('JUnit output', () => {
  test('is well-formed XML whose counts match its test cases', () => {
    const r = run([assembly, '--now', NOW_ISO, '--format', 'junit']);
    expect(r.code).toBe(1);
    const root = parseXml(r.stdout);
    expect(root.name).toBe('testsuites');
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites.map((s) => s.attrs.name).sort()).toEqual(['Api', 'Prod/Svc', 'Prod/Svc/Inner']);
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    for (const s of suites) {
      const cases = s.children.filter((c) => c.name === 'testcase');
      const f = cases.filter((c) => c.children.some((x) => x.name === 'failure')).length;
      const k = cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length;
      expect(Number(s.attrs.tests)).toBe(cases.length);
      expect(Number(s.attrs.failures)).toBe(f);
      expect(Number(s.attrs.skipped)).toBe(k);
      tests += cases.length;
      failures += f;
      skipped += k;
    }
    expect([Number(root.attrs.tests), Number(root.attrs.failures), Number(root.attrs.skipped)]).toEqual([tests, failures, skipped]);
    expect(failures).toBe(1);
    expect(skipped).toBe(1);
    const inner = suites.find((s) => s.attrs.name === 'Prod/Svc/Inner')!.children.find((c) => c.attrs.name?.startsWith('Bedrock-InvokeWildcard'))!;
    expect(inner.children[0].name).toBe('failure');
    expect(inner.children[0].text).toContain('Resource: ');
    expect(inner.children[0].text).toContain('Prod/Svc/Inner/Role/DefaultPolicy/Resource');
  });

  test('warnings below --fail-on are reported but do not fail; with --fail-on warning they do', () => {
    const lenient = parseXml(run([assembly, '--now', NOW_ISO, '--format', 'junit']).stdout);
    const strict = parseXml(run([assembly, '--now', NOW_ISO, '--format', 'junit', '--fail-on', 'warning']).stdout);
    expect(Number(lenient.attrs.failures)).toBe(1);
    expect(Number(strict.attrs.failures)).toBe(3);
  });

  test('escapes markup in messages', () => {
    const file = path.join(tmpDir(), 't.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: { 'A': { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole<&>"', Principal: { Service: 'bedrock.amazonaws.com' } }] } } } } }));
    const out = run([file, '--format', 'junit', '--now', NOW_ISO]).stdout;
    expect(() => parseXml(out)).not.toThrow();
    expect(out).toContain('sts:AssumeRole&lt;&amp;&gt;&quot;');
  });
});
