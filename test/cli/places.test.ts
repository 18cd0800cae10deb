import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { NOW_ISO, run, tmpDir } from './cli-util';

const EOL_NO_REGIONS = 'anthropic.claude-3-5-haiku-20241022-v1:0';

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  const { id, $schema: _draft, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ $id: id, ...rest });
}

/** Seven functions with the same end-of-life model and one with two places of another: the noise of issue 23. */
function noisyTemplate(): string {
  const lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'Transform: AWS::Serverless-2016-10-31', 'Resources:'];
  for (let i = 1; i <= 7; i++) {
    lines.push(`  Fn${i}:`, '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: python3.12', '      Handler: app.handler',
      '      CodeUri: src/', '      Environment:', '        Variables:', `          MODEL_ID: ${EOL_NO_REGIONS}`);
  }
  lines.push('  Config:', '    Type: AWS::SSM::Parameter', '    Properties:', '      Type: String',
    `      Value: '{"chat":"cohere.command-r-plus-v1:0","fallback":"cohere.command-r-plus-v1:0","owner":"x"}'`);
  const file = path.join(tmpDir(), 'noisy.yaml');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('issue 23: every place of a finding, structured, at the line of its property', () => {
  const file = noisyTemplate();
  const text = fs.readFileSync(file, 'utf8').split('\n');

  test('one finding per value and resource, no redundant "Region cannot be checked" companion, property lines', () => {
    const report = JSON.parse(run([file, '--region', 'us-east-1', '--now', NOW_ISO, '--format', 'json']).stdout);
    expect(report.findings.map((f: any) => [f.acknowledgementId, f.logicalId])).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => [`Bedrock-ModelEndOfLife[${EOL_NO_REGIONS}]`, `Fn${i}`]),
      ['Bedrock-ModelEndOfLife[cohere.command-r-plus-v1:0]', 'Config'],
    ]);
    for (const f of report.findings) {
      for (const p of f.places) expect(text[p.line - 1]).toMatch(p.logicalId === 'Config' ? /^\s+Value:/ : /^\s+MODEL_ID:/);
      expect(text[f.line - 1]).toBe(`  ${f.logicalId}:`);
    }
    const config = report.findings.find((f: any) => f.logicalId === 'Config');
    expect(config.places.map((p: any) => [p.property, p.code, p.path])).toEqual([
      ['Value.chat', 'EndOfLife', ['Properties', 'Value']],
      ['Value.fallback', 'EndOfLife', ['Properties', 'Value']],
    ]);
    expect(config.message).not.toMatch(/more places/);
  });

  test('--group-by-value: one finding for the repeated value, every place listed in JSON, SARIF and text', () => {
    const json = JSON.parse(run([file, '--region', 'us-east-1', '--now', NOW_ISO, '--format', 'json', '--group-by-value']).stdout);
    const eol = json.findings.filter((f: any) => f.acknowledgementId === `Bedrock-ModelEndOfLife[${EOL_NO_REGIONS}]`);
    expect(eol).toHaveLength(1);
    expect(eol[0].places.map((p: any) => [p.logicalId, p.line])).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => [`Fn${i}`, 3 + 9 * i]));
    expect(json.summary.errors).toBe(2);

    const sarif = JSON.parse(run([file, '--region', 'us-east-1', '--now', NOW_ISO, '--format', 'sarif', '--group-by-value']).stdout);
    const validate = sarifValidator();
    expect(validate(sarif)).toBe(true);
    const result = sarif.runs[0].results.find((r: any) => r.properties.acknowledgementId === `Bedrock-ModelEndOfLife[${EOL_NO_REGIONS}]`);
    expect(result.locations.map((l: any) => [l.logicalLocations[0].name, l.physicalLocation.region.startLine])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((i) => [`Fn${i}`, 3 + 9 * i]));
    expect(result.locations.every((l: any) => /^Environment\.Variables\.MODEL_ID \('anthropic/.test(l.message.text))).toBe(true);

    const out = run([file, '--region', 'us-east-1', '--now', NOW_ISO, '--group-by-value']).stdout;
    for (let i = 1; i <= 7; i++) expect(out).toContain(`noisy.yaml:${3 + 9 * i} Fn${i} Environment.Variables.MODEL_ID`);
    expect(out).toContain('Fn1 (AWS::Serverless::Function) and 6 more resource(s)');
  });

  test('--group-by-value takes no value', () => {
    const r = run([file, '--group-by-value=yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--group-by-value takes no value; write '--group-by-value'.");
  });

  test('plain templates get template remedies: no construct advice, acknowledgement through Metadata.cdk_nag', () => {
    const plain = path.join(tmpDir(), 'plain.json');
    fs.writeFileSync(plain, JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'amazon.nova-pro-v9:0' } } } }, null, 1));
    const out = run([plain, '--region', 'us-east-1', '--now', NOW_ISO]).stdout;
    expect(out).not.toMatch(/BedrockModel|Validations\.of/);
    expect(out).toContain("acknowledge the finding in the resource's metadata: Metadata: { cdk_nag: { rules_to_suppress: [{ id: 'Bedrock-ModelIdKnown[amazon.nova-pro-v9:0]'");
    expect(out).toContain("or acknowledge each with the resource's Metadata: { cdk_nag: { rules_to_suppress: [{ id: '<ID shown above>', reason: '...' }] } } in a template.");
  });
});
