/**
 * Runs the rule core over loaded stacks and applies acknowledgements, producing the report every output format
 * renders.
 */
import { checkTemplate } from '../nag/core/check';
import { acknowledgementId, ApplicationResource, BedrockRule, CoreFinding, RuleLevel } from '../nag/core/types';
import { ALL_RULES } from '../nag/rules';
import type { Acknowledgement, StackInput } from './load';

export interface ReportFinding extends CoreFinding {
  readonly stack: string;
  readonly templateFile: string;
  readonly region?: string;
  readonly constructPath?: string;
  /** 1-based line of the resource in the template, where found. */
  readonly line?: number;
  readonly acknowledgementId: string;
  /** Set when a recorded acknowledgement covers the finding. */
  readonly acknowledged?: { readonly reason: string; readonly at: string };
}

export interface StackSummary {
  readonly name: string;
  readonly templateFile: string;
  readonly region?: string;
  readonly regionSource: StackInput['regionSource'];
  readonly resources: number;
  readonly nested: boolean;
  /** From a CDK cloud assembly. */
  readonly fromAssembly: boolean;
}

export interface Report {
  readonly now: Date;
  readonly failOn: RuleLevel;
  /** The rules that ran (the formats list them). @default ALL_RULES */
  readonly rules?: readonly BedrockRule[];
  readonly stacks: StackSummary[];
  readonly findings: ReportFinding[];
}

/** Namespaces under which CDK records acknowledgements that apply to this pack. */
const ACK_NAMESPACES = ['annotation', 'bedrock'];

function ackKeyMatches(recordedId: string, ackId: string): boolean {
  const sep = recordedId.indexOf('::');
  if (sep < 0) return recordedId === ackId;
  const ns = recordedId.slice(0, sep).toLowerCase();
  return ACK_NAMESPACES.includes(ns) && recordedId.slice(sep + 2) === ackId;
}

function findAck(acks: readonly Acknowledgement[], constructPath: string | undefined, ackId: string): Acknowledgement | undefined {
  if (!constructPath) return undefined;
  const p = '/' + constructPath.replace(/^\//, '');
  let best: Acknowledgement | undefined;
  for (const a of acks) {
    if (!ackKeyMatches(a.id, ackId)) continue;
    if (p === a.path || p.startsWith(a.path.endsWith('/') ? a.path : a.path + '/')) {
      if (!best || a.path.length > best.path.length) best = a;
    }
  }
  return best;
}

/** cdk-nag's CloudFormation audit metadata (`cdk_nag.rules_to_suppress`), written by its v2 and by v3 on request. */
function templateSuppression(resource: unknown, f: CoreFinding, ackId: string): string | undefined {
  const meta = (resource as { Metadata?: Record<string, unknown> } | undefined)?.Metadata;
  const rules = (meta?.cdk_nag as { rules_to_suppress?: unknown } | undefined)?.rules_to_suppress;
  if (!Array.isArray(rules)) return undefined;
  for (const r of rules) {
    if (!r || typeof r !== 'object') continue;
    const { id, reason, applies_to: appliesTo } = r as { id?: unknown; reason?: unknown; applies_to?: unknown };
    if (id === ackId) return String(reason ?? '');
    if (id === f.ruleId && (appliesTo === undefined || (Array.isArray(appliesTo) && f.findingId !== undefined
      && appliesTo.some((a) => a === f.findingId || (a as { regex?: string })?.regex !== undefined && safeRegex((a as { regex: string }).regex)?.test(f.findingId!))))) {
      return String(reason ?? '');
    }
  }
  return undefined;
}

function safeRegex(src: string): RegExp | undefined {
  const m = /^\/(.*)\/([a-z]*)$/.exec(src);
  try {
    return m ? new RegExp(m[1], m[2]) : new RegExp(src);
  } catch {
    return undefined;
  }
}

/**
 * Lines of the resource keys of a template (JSON or YAML), 1-based, found in one pass: the keys at the indentation of
 * the first key under `Resources`. Minified JSON (no line structure) maps every resource to line 1.
 */
export function resourceLines(text: string, format: 'json' | 'yaml'): Map<string, number> {
  const lines = new Map<string, number>();
  const all = text.split('\n');
  const start = all.findIndex((l) => (format === 'json' ? /^\s*"Resources"\s*:/.test(l) : /^Resources\s*:/.test(l)));
  if (start < 0) return lines;
  if (all.length === 1 || (format === 'json' && all[start].length > 2000)) return lines;
  const baseIndent = all[start].length - all[start].trimStart().length;
  const key = format === 'json' ? /^(\s*)"((?:[^"\\]|\\.)*)"\s*:/ : /^(\s*)["']?([A-Za-z0-9]+)["']?\s*:/;
  let indent = -1;
  for (let i = start + 1; i < all.length; i++) {
    const line = all[i];
    if (line.trim() === '' || (format === 'yaml' && line.trimStart().startsWith('#'))) continue;
    const lineIndent = line.length - line.trimStart().length;
    if (lineIndent <= baseIndent && !(format === 'json' && line.trim().startsWith('"') && indent < 0)) break;
    const m = key.exec(line);
    if (!m) continue;
    if (indent < 0) indent = m[1].length;
    if (m[1].length === indent && !lines.has(m[2])) lines.set(m[2], i + 1);
  }
  return lines;
}

/** Line of one resource's key (see `resourceLines`). */
export function resourceLine(text: string, format: 'json' | 'yaml', logicalId: string): number | undefined {
  return resourceLines(text, format).get(logicalId);
}

export interface ReportOptions {
  /**
   * The rules to run (`ALL_RULES` plus opt-in rules from `optInRules`).
   * @default ALL_RULES
   */
  readonly rules?: readonly BedrockRule[];
}

/** Checks every stack. */
export function buildReport(stacks: readonly StackInput[], now: Date, failOn: RuleLevel, options: ReportOptions = {}): Report {
  const rules = options.rules ?? ALL_RULES;
  // Rules that judge the application see every resource of every stack checked.
  const application: ApplicationResource[] | undefined = rules.some((r) => r.application)
    ? stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}).map(([logicalId, resource]) => ({ stack: s.name, logicalId, region: s.region, resource })))
    : undefined;
  const findings: ReportFinding[] = [];
  const summaries: StackSummary[] = [];
  for (const s of stacks) {
    const resources = s.template.Resources ?? {};
    summaries.push({
      name: s.name,
      templateFile: s.templateFile,
      region: s.region,
      regionSource: s.regionSource,
      resources: Object.keys(resources).length,
      nested: s.nested,
      fromAssembly: s.fromAssembly,
    });
    const raw = checkTemplate(s.template, { region: s.region, account: s.account, stackName: s.name, now, rules, application });
    const lines = raw.length > 0 ? resourceLines(s.templateText, s.format) : new Map<string, number>();
    for (const f of raw) {
      const ackId = acknowledgementId(f);
      const constructPath = s.constructPaths.get(f.logicalId);
      const metaAck = findAck(s.acknowledgements, constructPath, ackId);
      const tplReason = metaAck ? undefined : templateSuppression(resources[f.logicalId], f, ackId);
      findings.push({
        ...f,
        stack: s.name,
        templateFile: s.templateFile,
        region: s.region,
        constructPath,
        line: lines.get(f.logicalId),
        acknowledgementId: ackId,
        acknowledged: metaAck
          ? { reason: metaAck.reason, at: metaAck.path.replace(/^\//, '') || '/' }
          : tplReason !== undefined ? { reason: tplReason, at: `${f.logicalId} Metadata.cdk_nag` } : undefined,
      });
    }
  }
  return { now, failOn, rules, stacks: summaries, findings };
}

/** Findings that fail the run: unacknowledged and at or above the threshold. */
export function failing(report: Report): ReportFinding[] {
  return report.findings.filter((f) => !f.acknowledged && (report.failOn === 'warning' || f.level === 'error'));
}
