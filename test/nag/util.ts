import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { parseTemplate } from '../../lib/cli/load';
import { checkTemplate } from '../../lib/nag/core/check';
import { acknowledgementId, CfnTemplateJson, CoreFinding } from '../../lib/nag/core/types';
import { ALL_RULES, OPT_IN_RULES } from '../../lib/nag/rules';
import { BedrockChecks } from '../../lib/nag';

/** The date every test judges lifecycle at. */
export const NOW_ISO = '2026-11-25';
export const NOW = new Date(`${NOW_ISO}T00:00:00Z`);

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nag');

export interface Fixture {
  readonly rule: string;
  readonly file: string;
  readonly name: string;
  readonly template: CfnTemplateJson;
  readonly region?: string;
  readonly expect: string[];
}

/** Every rule fixture with its expectation (template Metadata.TestExpectation). */
export function ruleFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const rule of fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory())) {
    for (const name of fs.readdirSync(path.join(FIXTURES, rule)).sort()) {
      const file = path.join(FIXTURES, rule, name);
      const { template } = parseTemplate(fs.readFileSync(file, 'utf8'), file);
      const exp = (template.Metadata as any)?.TestExpectation;
      if (!exp || !Array.isArray(exp.Expect)) throw new Error(`${file} has no Metadata.TestExpectation.Expect`);
      out.push({ rule, file, name, template, region: exp.Region, expect: [...exp.Expect].sort() });
    }
  }
  return out;
}

/** Distinct acknowledgement IDs a rule reports on a template (core; opt-in rules included). */
export function coreIds(template: CfnTemplateJson, ruleId: string, region?: string): string[] {
  return [...new Set(checkTemplate(template, { region, now: NOW, rules: [...ALL_RULES, ...OPT_IN_RULES] })
    .filter((f: CoreFinding) => f.ruleId === ruleId)
    .map(acknowledgementId))]
    .sort();
}

/** An app whose lifecycle date is pinned, and a stack in it (`null` Region = environment-agnostic). */
export function testStack(region: string | null = 'us-east-1'): { app: App; stack: Stack } {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new Stack(app, 'TestStack', region ? { env: { account: '111111111111', region } } : {});
  return { app, stack };
}

/** Violation rule names (acknowledgement IDs) of the Bedrock pack for a scope, optionally only of one rule. */
export function packViolations(app: App, ruleId?: string, optInRules?: string[]): string[] {
  const report = new BedrockChecks(undefined, { optInRules }).validateScope(app);
  return report.violations
    .map((v) => v.ruleName)
    .filter((n) => !ruleId || n === ruleId || n.startsWith(`${ruleId}[`))
    .sort();
}
