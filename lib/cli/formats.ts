/**
 * Output formats of `cdk-bedrock-check`: text (people), JSON (scripts), SARIF 2.1.0 (code scanning) and JUnit XML
 * (CI test reports).
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ALL_RULES } from '../nag/rules';
import { failing, Report, ReportFinding, ReportPlace } from './report';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'junit';
export const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'junit'];

export const TOOL_NAME = 'cdk-bedrock-check';

export interface RenderOptions {
  /** Base directory for relative file names. */
  readonly cwd: string;
  readonly toolVersion: string;
  /** How the date was chosen, for the header (`--now` or `today`). */
  readonly nowSource: string;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return (r.startsWith('..') || path.isAbsolute(r) ? file : r).split(path.sep).join('/');
}

function counts(report: Report) {
  const open = report.findings.filter((f) => !f.acknowledged);
  return {
    errors: open.filter((f) => f.level === 'error').length,
    warnings: open.filter((f) => f.level === 'warning').length,
    acknowledged: report.findings.length - open.length,
    failing: failing(report).length,
  };
}

export function dateLine(report: Report, opts: RenderOptions): string {
  return `${TOOL_NAME}: model lifecycle judged at ${isoDay(report.now)} (${opts.nowSource})`;
}

export function render(format: OutputFormat, report: Report, opts: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report, opts);
    case 'sarif':
      return renderSarif(report, opts);
    case 'junit':
      return renderJunit(report, opts);
    default:
      return renderText(report, opts);
  }
}

/** Findings per stack (name + template file), in report order. */
function byStack(report: Report): Map<string, ReportFinding[]> {
  const m = new Map<string, ReportFinding[]>();
  for (const f of report.findings) {
    const k = `${f.stack}\u0000${f.templateFile}`;
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(f);
  }
  return m;
}

function where(f: ReportFinding): string {
  const others = new Set(f.places.map((p) => p.logicalId).filter((id) => id !== f.logicalId));
  return `${f.logicalId} (${f.resourceType})${f.constructPath ? ` at ${f.constructPath}` : ''}`
    + (others.size > 0 ? ` and ${others.size} more resource(s)` : '');
}

/** `template.json:42 Fn Environment.Variables.MODEL_ID` */
function placeText(p: ReportPlace, f: ReportFinding, opts: RenderOptions): string {
  return `${rel(f.templateFile, opts.cwd)}${p.line ? `:${p.line}` : ''} ${p.logicalId} ${p.property}`;
}

/** A place as the JSON report writes it. */
function placeJson(p: ReportPlace) {
  return {
    logicalId: p.logicalId,
    resourceType: p.resourceType,
    constructPath: p.constructPath ?? null,
    property: p.property,
    path: p.path,
    line: p.line ?? null,
    resourceLine: p.resourceLine ?? null,
    value: p.value ?? null,
    level: p.level,
    code: p.code ?? null,
    region: p.region ?? null,
    regionSource: p.regionSource ?? null,
    message: p.message,
  };
}

/** Printed under findings of a CDK assembly: CDK writes only construct-level acknowledgements to cdk.out. */
export const APP_STAGE_ACK_NOTE = 'Note: acknowledgements made on the App or a Stage are not written to cdk.out, so this check cannot see '
  + 'them (the BedrockChecks pack can); acknowledge on the stack or a construct below it.';

export function renderText(report: Report, opts: RenderOptions): string {
  const lines: string[] = [];
  const c = counts(report);
  const resources = report.stacks.reduce((n, s) => n + s.resources, 0);
  lines.push(dateLine(report, opts));
  lines.push(`Checked ${report.stacks.length} template(s), ${resources} resource(s); failing on ${report.failOn}s${report.failOn === 'warning' ? ' and errors' : ''}.`);
  const grouped = byStack(report);
  for (const s of report.stacks) {
    const fs = grouped.get(`${s.name}\u0000${s.templateFile}`) ?? [];
    const region = s.region ? `${s.region}${s.regionSource === 'option' ? ' from --region' : ''}` : 'Region unknown';
    if (fs.length === 0) continue;
    lines.push('');
    lines.push(`Stack ${s.name} (${region}) - ${rel(s.templateFile, opts.cwd)}`);
    for (const f of fs) {
      const tag = f.acknowledged ? 'ACKED  ' : f.level === 'error' ? 'ERROR  ' : 'WARNING';
      lines.push(`  ${tag} ${f.acknowledgementId}  ${where(f)}`);
      lines.push(`          ${f.message}`);
      for (const p of f.places) lines.push(`          at ${placeText(p, f, opts)}`);
      if (f.acknowledged) lines.push(`          acknowledged at ${f.acknowledged.at}: ${f.acknowledged.reason}`);
    }
  }
  lines.push('');
  const fromCdk = report.stacks.some((s) => s.fromAssembly);
  const fromTemplates = report.stacks.some((s) => !s.fromAssembly);
  const how = [
    fromCdk ? "Validations.of(scope).acknowledge({ id: '<ID shown above>', reason: '...' }) in the CDK app" : '',
    fromTemplates ? "the resource's Metadata: { cdk_nag: { rules_to_suppress: [{ id: '<ID shown above>', reason: '...' }] } } in a template" : '',
  ].filter(Boolean).join(', or ');
  lines.push(`${c.errors} error(s), ${c.warnings} warning(s), ${c.acknowledged} acknowledged. `
    + (c.failing > 0 ? `${c.failing} finding(s) at or above '${report.failOn}': failing. Fix them, or acknowledge each with ${how}.` : 'Passed.'));
  const assemblyStacks = new Set(report.stacks.filter((s) => s.fromAssembly).map((s) => `${s.name}\u0000${s.templateFile}`));
  if (report.findings.some((f) => !f.acknowledged && assemblyStacks.has(`${f.stack}\u0000${f.templateFile}`))) {
    lines.push(APP_STAGE_ACK_NOTE);
  }
  return lines.join('\n') + '\n';
}

export function renderJson(report: Report, opts: RenderOptions): string {
  const c = counts(report);
  return JSON.stringify({
    tool: TOOL_NAME,
    version: opts.toolVersion,
    now: isoDay(report.now),
    nowSource: opts.nowSource,
    failOn: report.failOn,
    passed: c.failing === 0,
    summary: c,
    stacks: report.stacks.map((s) => ({ ...s, templateFile: rel(s.templateFile, opts.cwd) })),
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      acknowledgementId: f.acknowledgementId,
      level: f.level,
      code: f.code,
      modelId: f.modelId,
      stack: f.stack,
      region: f.region ?? null,
      templateFile: rel(f.templateFile, opts.cwd),
      line: f.line ?? null,
      logicalId: f.logicalId,
      resourceType: f.resourceType,
      constructPath: f.constructPath ?? null,
      message: f.message,
      acknowledged: f.acknowledged ?? null,
      places: f.places.map(placeJson),
    })),
  }, null, 2) + '\n';
}

export function renderSarif(report: Report, opts: RenderOptions): string {
  const rules = (report.rules ?? ALL_RULES).map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.info },
    fullDescription: { text: r.explanation },
    help: {
      text: `${r.explanation} Acknowledge in the CDK app with Validations.of(scope).acknowledge({ id: '${r.granular ? `${r.id}[<model ID>]` : r.id}', reason: '...' }).`,
    },
    defaultConfiguration: { level: r.level },
    properties: { tags: ['bedrock', r.name.startsWith('Model') ? 'model-lifecycle' : 'security'] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => {
    const relative = rel(f.templateFile, opts.cwd);
    // Files under the working directory (the repository in CI) get relative URIs; others absolute file: URIs.
    const uri = path.isAbsolute(relative) ? pathToFileURL(relative).href : relative;
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? 0,
      level: f.level,
      message: { text: `${f.message} (stack ${f.stack}, ${where(f)}; acknowledgement ID ${f.acknowledgementId})` },
      // One location per place, at the line of the property.
      locations: f.places.map((p, i) => ({
        id: i,
        physicalLocation: {
          artifactLocation: { uri },
          ...(p.line ? { region: { startLine: p.line } } : {}),
        },
        logicalLocations: [{
          name: p.logicalId,
          fullyQualifiedName: p.constructPath ?? `${f.stack}/${p.logicalId}`,
          kind: 'resource',
        }],
        message: { text: p.message },
        properties: {
          property: p.property,
          resourceType: p.resourceType,
          ...(p.resourceLine ? { resourceLine: p.resourceLine } : {}),
          ...(p.code ? { code: p.code } : {}),
          ...(p.region ? { region: p.region, regionSource: p.regionSource } : {}),
        },
      })),
      partialFingerprints: {
        'cdkBedrockCheck/v1': createHash('sha256').update(`${f.stack}\u0000${f.logicalId}\u0000${f.acknowledgementId}`).digest('hex'),
      },
      properties: {
        acknowledgementId: f.acknowledgementId,
        stack: f.stack,
        region: f.region ?? null,
        resourceType: f.resourceType,
        ...(f.code ? { code: f.code } : {}),
        ...(f.modelId ? { modelId: f.modelId } : {}),
      },
    };
    if (f.acknowledged) {
      result.suppressions = [{ kind: 'external', status: 'accepted', justification: `${f.acknowledged.reason} (acknowledged at ${f.acknowledged.at})` }];
    }
    return result;
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          semanticVersion: opts.toolVersion,
          version: opts.toolVersion,
          rules,
        },
      },
      invocations: [{
        executionSuccessful: true,
        properties: { now: isoDay(report.now), nowSource: opts.nowSource, failOn: report.failOn },
      }],
      results,
      properties: { now: isoDay(report.now) },
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function xml(s: string): string {
  // XML 1.0 forbids most control characters even escaped; drop them.
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function renderJunit(report: Report, opts: RenderOptions): string {
  const suites: string[] = [];
  let total = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  const failingSet = new Set(failing(report));
  const grouped = byStack(report);
  for (const s of report.stacks) {
    const cases: string[] = [];
    let failures = 0;
    let skipped = 0;
    const fs = grouped.get(`${s.name}\u0000${s.templateFile}`) ?? [];
    for (const rule of report.rules ?? ALL_RULES) {
      const mine = fs.filter((f) => f.ruleId === rule.id);
      if (mine.length === 0) {
        cases.push(`    <testcase classname="${xml(s.name)}" name="${xml(rule.id)}"/>`);
        continue;
      }
      for (const f of mine) {
        const name = `${f.acknowledgementId} ${f.logicalId}`;
        if (f.acknowledged) {
          skipped++;
          cases.push(`    <testcase classname="${xml(s.name)}" name="${xml(name)}">\n`
            + `      <skipped message="${xml(`acknowledged at ${f.acknowledged.at}: ${f.acknowledged.reason}`)}"/>\n    </testcase>`);
        } else if (failingSet.has(f)) {
          failures++;
          cases.push(`    <testcase classname="${xml(s.name)}" name="${xml(name)}">\n`
            + `      <failure message="${xml(f.message)}" type="${xml(f.level)}">${xml(`${f.level.toUpperCase()} ${f.acknowledgementId}\n`
            + `Stack: ${s.name} (${s.region ?? 'Region unknown'})\nResource: ${where(f)}\nTemplate: ${rel(f.templateFile, opts.cwd)}${f.line ? `:${f.line}` : ''}\n${f.message}\n`
            + f.places.map((p) => `at ${placeText(p, f, opts)}`).join('\n'))}</failure>\n    </testcase>`);
        } else {
          cases.push(`    <testcase classname="${xml(s.name)}" name="${xml(name)}">\n`
            + `      <system-out>${xml(`${f.level.toUpperCase()} (below --fail-on ${report.failOn}): ${f.message}`)}</system-out>\n    </testcase>`);
        }
      }
    }
    total += cases.length;
    totalFailures += failures;
    totalSkipped += skipped;
    suites.push(`  <testsuite name="${xml(s.name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">\n`
      + `    <properties>\n      <property name="templateFile" value="${xml(rel(s.templateFile, opts.cwd))}"/>\n`
      + `      <property name="region" value="${xml(s.region ?? 'unknown')}"/>\n`
      + `      <property name="now" value="${isoDay(report.now)}"/>\n      <property name="failOn" value="${report.failOn}"/>\n    </properties>\n`
      + `${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<testsuites name="${TOOL_NAME}" tests="${total}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}">\n`
    + `${suites.join('\n')}\n</testsuites>\n`;
}
