import { main } from '../../../lib/cli/main';
import { OPT_IN_RULES } from '../../../lib/nag/rules';
import { coreIds, NOW_ISO, ruleFixtures } from '../util';

const fixtures = ruleFixtures();

function cliIds(file: string, ruleId: string, region?: string): string[] {
  let out = '';
  const optIn = OPT_IN_RULES.some((r) => r.id === ruleId) ? ['--opt-in', ruleId] : [];
  const code = main([file, '--format', 'json', '--now', NOW_ISO, ...(region ? ['--region', region] : []), ...optIn], {
    stdout: (s) => { out += s; },
    stderr: () => undefined,
    cwd: process.cwd(),
  });
  expect([0, 1]).toContain(code);
  const report = JSON.parse(out);
  return [...new Set<string>(report.findings.filter((f: any) => f.ruleId === ruleId).map((f: any) => f.acknowledgementId))].sort();
}

describe('rule fixtures', () => {
  test('every rule has compliant and noncompliant fixtures', () => {
    const rules = [...new Set(fixtures.map((f) => f.rule))];
    expect(rules.sort()).toEqual(['ApplicationProfileUntagged', 'GuardrailDraft', 'GuardrailProfileRegion', 'InvocationLoggingMissing', 'InvokeWildcard', 'ModelEndOfLife', 'ModelIdKnown', 'ModelIdPinned', 'ModelLegacy', 'ModelRegion',
      'ModelRegionUnverified', 'ProfileGrantCondition', 'ServiceRoleSourceAccount']);
    for (const rule of rules) {
      const names = fixtures.filter((f) => f.rule === rule).map((f) => f.name);
      expect(names.some((n) => n.startsWith('compliant'))).toBe(true);
      expect(names.some((n) => n.startsWith('noncompliant'))).toBe(true);
    }
  });

  test.each(fixtures.map((f) => [`${f.rule}/${f.name}`, f] as const))('%s: the rule core reports exactly the expected findings', (_n, f) => {
    if (f.name.startsWith('compliant')) expect(f.expect).toEqual([]);
    else expect(f.expect.length).toBeGreaterThan(0);
    expect(coreIds(f.template, `Bedrock-${f.rule}`, f.region)).toEqual(f.expect);
  });

  test.each(fixtures.map((f) => [`${f.rule}/${f.name}`, f] as const))('%s: the CLI reports the same findings as the core', (_n, f) => {
    expect(cliIds(f.file, `Bedrock-${f.rule}`, f.region)).toEqual(f.expect);
  });
});
