/**
 * Compliance measurements shared by the compliance tests and runnable on its own:
 *
 *   npx tsx test/compliance/measure.ts            # the default sample, a larger app and the strict sample, as a table
 *   npx tsx test/compliance/measure.ts --json     # the same as JSON
 *
 * - Control Tower proactive controls: the Guard rules shipped in `@cdklabs/cdk-validator-cfnguard` (its bundled
 *   cfn-guard binary), run on the synthesized templates. Control Tower evaluates them as CloudFormation hooks at deploy
 *   time, where CDK acknowledgements do not exist, so every failure counts: nothing is filtered.
 * - cdk-nag v3 packs (AwsSolutions, HIPAA Security, NIST 800-53 rev5, PCI DSS 3.2.1) through `validateScope`, which
 *   honours `Validations.of(...).acknowledge` on the resource or its scopes: what remains is open.
 *
 * Needs the handler bundles (`npm run build`): the sample apps create functions from them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, NagPack, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One failing rule and the resources it fails on (construct paths, sorted). */
export interface RuleFindings {
  readonly rule: string;
  readonly paths: string[];
}

/** What one checker reports on an app. */
export interface CheckerResult {
  readonly checker: string;
  /** Failing rules (distinct rule IDs), sorted by rule. */
  readonly rules: RuleFindings[];
  /** Sum over the rules of the resources each fails on. */
  readonly resourceFindings: number;
}

/** The cdk-nag packs the issue names, in report order. */
export const NAG_PACKS: ReadonlyArray<[string, () => NagPack]> = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['HIPAA.Security', () => new HIPAASecurityChecks()],
  ['NIST.800.53.R5', () => new NIST80053R5Checks()],
  ['PCI.DSS.321', () => new PCIDSS321Checks()],
];

function result(checker: string, byRule: Map<string, Set<string>>): CheckerResult {
  const rules = [...byRule.entries()]
    .map(([rule, paths]) => ({ rule, paths: [...paths].sort() }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
  return { checker, rules, resourceFindings: rules.reduce((n, r) => n + r.paths.length, 0) };
}

/**
 * Open errors of one cdk-nag pack (acknowledged findings excluded; warnings left out). Rule IDs are the pack's own,
 * with a granular finding's `[...]` suffix removed so that a rule counts once.
 */
export function nagFindings(app: App, name: string, pack: NagPack): CheckerResult {
  const byRule = new Map<string, Set<string>>();
  for (const v of pack.validateScope(app).violations) {
    if (v.severity !== 'error') continue;
    const rule = v.ruleName.replace(/\[.*\]$/, '');
    const set = byRule.get(rule) ?? new Set<string>();
    for (const r of v.violatingResources) set.add(r.constructPath ?? '?');
    byRule.set(rule, set);
  }
  return result(name, byRule);
}

/** Every CfnElement of the app by `<template file>/<logical ID>`, to name a cfn-guard finding's construct. */
function logicalIdIndex(app: App): Map<string, string> {
  const index = new Map<string, string>();
  const visit = (c: IConstruct) => {
    if (c instanceof CfnElement) {
      const stack = Stack.of(c);
      index.set(`${stack.templateFile}/${stack.getLogicalId(c)}`, c.node.path);
    }
    for (const child of c.node.children) visit(child);
  };
  visit(app);
  return index;
}

/**
 * Failing Control Tower proactive controls on the app's synthesized templates. Rule IDs as Control Tower writes them
 * (`CT.S3.PR.10`); paths are construct paths (the logical ID when no construct has it).
 */
export function controlTowerFindings(app: App, validator?: CfnGuardValidator): CheckerResult {
  const assembly = app.synth();
  const templatePaths = assembly.stacks.map((s) => s.templateFullPath);
  const rules = controlTowerRulesFor(assembly.stacks.map((s) => s.template));
  if (!validator && rules.length === 0) return result('ControlTower', new Map());
  const guard = validator ?? new CfnGuardValidator({ controlTowerRulesEnabled: false, rules });
  const report = guard.validate({ templatePaths, appConstruct: app } as never);
  const index = logicalIdIndex(app);
  const byRule = new Map<string, Set<string>>();
  for (const v of report.violations) {
    const rule = controlTowerId(v.ruleName);
    const set = byRule.get(rule) ?? new Set<string>();
    // cfn-guard sometimes adds an entry without a logical ID next to the resource's own: it names nothing.
    for (const r of v.violatingResources.filter((x, _i, all) => x.resourceLogicalId || all.length === 1)) {
      set.add(index.get(`${path.basename(r.templatePath)}/${r.resourceLogicalId}`) ?? r.resourceLogicalId);
    }
    byRule.set(rule, set);
  }
  return result('ControlTower', byRule);
}

/** The folder of the Control Tower Guard rules the package ships (`<service>/ct-<service>-pr-<n>.guard`). */
export function controlTowerRulesDir(): string {
  return path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
}

/** One Control Tower rule file the package ships: its text, the resource types it names, its rule and Control Tower ID. */
export interface ControlTowerRuleFile {
  readonly file: string;
  readonly text: string;
  /** Its `"AWS::Service::Resource"` literals: the types it can select. */
  readonly types: ReadonlySet<string>;
  /** Its primary Guard rule (`rule <name> when is_cfn_template`) and Control Tower ID (`CT.S3.PR.9`), when it has them. */
  readonly rule?: string;
  readonly id?: string;
}

/** Every Control Tower rule file (`<service>/ct-<service>-pr-<n>.guard`), each read once per process. */
export function controlTowerRuleFiles(): readonly ControlTowerRuleFile[] {
  if (ruleFiles) return ruleFiles;
  const root = controlTowerRulesDir();
  const files: ControlTowerRuleFile[] = [];
  for (const service of fs.readdirSync(root).sort()) {
    for (const name of fs.readdirSync(path.join(root, service)).sort()) {
      const file = path.join(root, service, name);
      const text = fs.readFileSync(file, 'utf8');
      const id = /^ct-(.+)-pr-(\d+)\.guard$/.exec(name);
      const rule = /^rule (\w+) when is_cfn_template/m.exec(text);
      files.push({
        file,
        text,
        types: new Set([...text.matchAll(/["'](AWS::\w+::\w+)["']/g)].map((m) => m[1])),
        rule: rule?.[1],
        id: id ? `CT.${id[1].toUpperCase()}.PR.${id[2]}` : undefined,
      });
    }
  }
  return (ruleFiles = files);
}
let ruleFiles: ControlTowerRuleFile[] | undefined;

/**
 * The Control Tower rule files that can select a resource of these templates. Every rule the package ships selects
 * resources by type (`Resources.*[ Type == %X_TYPE ]`, with `let X_TYPE = "AWS::..."`; checked by
 * compliance-rules.test.ts), so a rule none of whose types occurs in the templates selects nothing and passes: leaving
 * it out changes no result, and spares cfn-guard parsing about 240 rule files on every run (2.9 s against 0.5 s for
 * the sample's template, the same findings). A rule that names no type at all would be kept.
 */
export function controlTowerRulesFor(templates: ReadonlyArray<{ Resources?: Record<string, { Type?: string }> }>): string[] {
  const present = new Set(templates.flatMap((t) => Object.values(t.Resources ?? {}).map((r) => r.Type ?? '')));
  return controlTowerRuleFiles()
    .filter(({ types }) => types.size === 0 || [...types].some((t) => present.has(t)))
    .map(({ file }) => file);
}

let ruleIndex: Map<string, string> | undefined;

/**
 * Guard rule name (`s3_bucket_object_lock_enabled_check`) -> Control Tower ID (`CT.S3.PR.9`), from the rule files
 * the package ships (primary rule first).
 */
export function controlTowerRuleIndex(): Map<string, string> {
  ruleIndex ??= new Map(controlTowerRuleFiles().flatMap((r) => (r.rule && r.id ? [[r.rule, r.id] as [string, string]] : [])));
  return ruleIndex;
}

/** The Control Tower ID of a Guard rule name (the name itself when the package has no such rule). */
export function controlTowerId(ruleName: string): string {
  return controlTowerRuleIndex().get(ruleName) ?? ruleName;
}

/** Control Tower and the four packs on one app (the nag packs run on the same tree, before or after synth alike). */
export function measure(app: App): CheckerResult[] {
  const ct = controlTowerFindings(app);
  return [ct, ...NAG_PACKS.map(([name, pack]) => nagFindings(app, name, pack()))];
}

/** A compact summary: `{ checker: { rule: resourceCount } }`. */
export function summary(results: CheckerResult[]): Record<string, Record<string, number>> {
  return Object.fromEntries(results.map((r) => [r.checker, Object.fromEntries(r.rules.map((f) => [f.rule, f.paths.length]))]));
}

/** Human-readable table of the results. */
export function formatResults(title: string, results: CheckerResult[]): string {
  const lines = [`## ${title}`];
  for (const r of results) {
    lines.push(`${r.checker}: ${r.rules.length} failing rule(s), ${r.resourceFindings} resource finding(s)`);
    for (const f of r.rules) lines.push(`  ${f.rule} (${f.paths.length}): ${f.paths.join(', ')}`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  // Imported here so that importing this module from a test does not build the apps.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { largeApp, sampleApp, strictApp } = require('./apps') as typeof import('./apps');
  const out: Record<string, CheckerResult[]> = {
    'default sample': measure(sampleApp()),
    'larger app (every construct)': measure(largeApp()),
    'strict sample': measure(strictApp()),
  };
  if (json) process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, summary(v)])), null, 2) + '\n');
  else process.stdout.write(Object.entries(out).map(([k, v]) => formatResults(k, v)).join('\n\n') + '\n');
}
