/**
 * Runs the rule core over loaded stacks and applies acknowledgements, producing the report every output format
 * renders.
 */
import { checkTemplate } from '../nag/core/check';
import { composeMessage, worst } from '../nag/core/model-rule';
import { acknowledgementId, ApplicationResource, BedrockRule, CoreFinding, FindingPlace, RuleLevel } from '../nag/core/types';
import { ALL_RULES } from '../nag/rules';
import type { Acknowledgement, StackInput } from './load';
import { PositionIndex } from './positions';

/** A place of a finding, located in its template. */
export interface ReportPlace extends FindingPlace {
  readonly constructPath?: string;
  /** 1-based line of the property in the template (of the deepest part of its path the template has), where found. */
  readonly line?: number;
  /** 1-based line of the resource in the template, where found. */
  readonly resourceLine?: number;
}

export interface ReportFinding extends CoreFinding {
  readonly stack: string;
  readonly templateFile: string;
  readonly region?: string;
  readonly constructPath?: string;
  /** 1-based line of the (first place's) resource in the template, where found. */
  readonly line?: number;
  readonly acknowledgementId: string;
  /** Set when a recorded acknowledgement covers the finding. */
  readonly acknowledged?: { readonly reason: string; readonly at: string };
  /** Every place of the finding, each with its property line. */
  readonly places: readonly ReportPlace[];
}

export interface ReportOptions {
  /**
   * One finding per rule and value (acknowledgement ID) in each stack, listing every place, instead of one per rule,
   * value and resource. Acknowledged and open places are not merged.
   * @default false
   */
  readonly groupByValue?: boolean;
  /**
   * The rules to run (`ALL_RULES` plus opt-in rules from `optInRules`).
   * @default ALL_RULES
   */
  readonly rules?: readonly BedrockRule[];
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
    const raw = checkTemplate(s.template, {
      region: s.region,
      account: s.account,
      stackName: s.name,
      now,
      rules,
      application,
      regionOrigin: s.regionSource === 'option' ? 'option' : 'stack',
      cdkApp: s.fromAssembly,
    });
    const positions = raw.length > 0 ? PositionIndex.of(s.templateText, s.format, new Set(raw.map((f) => f.logicalId))) : undefined;
    const stackFindings: ReportFinding[] = [];
    for (const f of raw) {
      const ackId = acknowledgementId(f);
      const constructPath = s.constructPaths.get(f.logicalId);
      const metaAck = findAck(s.acknowledgements, constructPath, ackId);
      const tplReason = metaAck ? undefined : templateSuppression(resources[f.logicalId], f, ackId);
      const places: ReportPlace[] = f.places.map((p) => ({
        ...p,
        constructPath: s.constructPaths.get(p.logicalId),
        line: positions?.lineOf(p.path[0] === 'Globals' ? p.path : ['Resources', p.logicalId, ...p.path])?.line,
        resourceLine: positions?.lineOf(['Resources', p.logicalId])?.line,
      }));
      stackFindings.push({
        ...f,
        places,
        stack: s.name,
        templateFile: s.templateFile,
        region: s.region,
        constructPath,
        line: places[0]?.resourceLine,
        acknowledgementId: ackId,
        acknowledged: metaAck
          ? { reason: metaAck.reason, at: metaAck.path.replace(/^\//, '') || '/' }
          : tplReason !== undefined ? { reason: tplReason, at: `${f.logicalId} Metadata.cdk_nag` } : undefined,
      });
    }
    findings.push(...(options.groupByValue ? groupReportFindings(stackFindings) : stackFindings));
  }
  return { now, failOn, rules, stacks: summaries, findings };
}

/** `--group-by-value`: merges findings of one stack with the same acknowledgement ID and acknowledgement status. */
function groupReportFindings(findings: readonly ReportFinding[]): ReportFinding[] {
  const key = (f: ReportFinding) => `${f.acknowledgementId}\u0000${f.acknowledged ? `${f.acknowledged.at}\u0000${f.acknowledged.reason}` : ''}`;
  const out: ReportFinding[] = [];
  const index = new Map<string, number>();
  for (const f of findings) {
    if (f.findingId === undefined) {
      out.push(f);
      continue;
    }
    const at = index.get(key(f));
    if (at === undefined) {
      index.set(key(f), out.length);
      out.push(f);
      continue;
    }
    const prev = out[at];
    const places = [...prev.places, ...f.places];
    out[at] = { ...prev, level: worst(prev.level, f.level), places, message: composeMessage(places, new Set(places.map((p) => p.logicalId)).size > 1) };
  }
  return out;
}

/** Findings that fail the run: unacknowledged and at or above the threshold. */
export function failing(report: Report): ReportFinding[] {
  return report.findings.filter((f) => !f.acknowledged && (report.failOn === 'warning' || f.level === 'error'));
}
