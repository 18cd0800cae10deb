/**
 * Helpers over IAM policy documents in resolved templates: which resources carry policies, statement normalisation,
 * action wildcard matching and condition-key lookup.
 */
import { evaluateAll, hasUnknown, IntrinsicContext, isIntrinsic, UNKNOWN } from './intrinsics';
import type { CfnResourceJson, PathSegment } from './types';

export interface PolicyStatementJson {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
  readonly Sid?: unknown;
}

/** A statement with the place it was found. */
export interface LocatedStatement {
  /** e.g. `PolicyDocument.Statement[2]` or `Policies[0](MyPolicy).PolicyDocument.Statement[0]`. */
  readonly where: string;
  /** Template path of the statement from the resource (`['Properties', 'PolicyDocument', 'Statement', 2]`). */
  readonly path: readonly PathSegment[];
  readonly statement: PolicyStatementJson;
}

/** A policy document of a resource, with where it is. */
export interface LocatedDocument {
  readonly where: string;
  /** Template path of the document from the resource. */
  readonly path: readonly PathSegment[];
  readonly document: unknown;
}

/**
 * Identity-policy documents of a resource (IAM Policy/ManagedPolicy, inline policies of Role/User/Group, and the
 * policy-document entries of a SAM function's or state machine's `Policies`).
 */
export function identityPolicyDocuments(resource: CfnResourceJson): LocatedDocument[] {
  const props = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
    case 'AWS::IAM::UserPolicy':
    case 'AWS::IAM::GroupPolicy':
      return props.PolicyDocument !== undefined ? [{ where: 'PolicyDocument', path: ['Properties', 'PolicyDocument'], document: props.PolicyDocument }] : [];
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group': {
      const policies = props.Policies;
      if (!Array.isArray(policies)) return [];
      return policies.map((p, i) => {
        const name = p && typeof p === 'object' && typeof (p as Record<string, unknown>).PolicyName === 'string'
          ? `(${(p as Record<string, unknown>).PolicyName})` : '';
        return {
          where: `Policies[${i}]${name}.PolicyDocument`,
          path: ['Properties', 'Policies', i, 'PolicyDocument'],
          document: p && typeof p === 'object' ? (p as Record<string, unknown>).PolicyDocument : undefined,
        };
      });
    }
    case 'AWS::Serverless::Function':
    case 'AWS::Serverless::StateMachine': {
      // SAM: a managed-policy name/ARN, a policy document, a SAM policy template ({ S3ReadPolicy: {...} }) or a list of
      // those. Only policy documents (objects with a Statement) grant anything this pack can read.
      const policies = props.Policies;
      const isDocument = (p: unknown) => !!p && typeof p === 'object' && !Array.isArray(p) && 'Statement' in (p as object);
      if (isDocument(policies)) return [{ where: 'Policies', path: ['Properties', 'Policies'], document: policies }];
      if (!Array.isArray(policies)) return [];
      return policies.flatMap((p, i) => (isDocument(p) ? [{ where: `Policies[${i}]`, path: ['Properties', 'Policies', i], document: p }] : []));
    }
    default:
      return [];
  }
}

/**
 * Expands a document (with intrinsics) into its statements; `Fn::If` statements yield each branch. `path` is the
 * document's template path (for the statements' paths; a single statement object has no index).
 */
export function statementsOf(where: string, document: unknown, ctx: IntrinsicContext,
  path: readonly PathSegment[] = []): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  if (document === undefined) return out;
  const written = document && typeof document === 'object' && !Array.isArray(document) && !isIntrinsic(document)
    ? (document as Record<string, unknown>).Statement : undefined;
  const single = !!written && typeof written === 'object' && !Array.isArray(written) && !isIntrinsic(written);
  for (const doc of evaluateAll(document, ctx)) {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) continue;
    const raw = (doc as Record<string, unknown>).Statement;
    const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
    list.forEach((s, i) => {
      if (s && typeof s === 'object' && !Array.isArray(s)) {
        out.push({
          where: `${where}.Statement[${i}]`,
          path: single ? [...path, 'Statement'] : [...path, 'Statement', i],
          statement: s as PolicyStatementJson,
        });
      }
    });
  }
  return out;
}

/** The entries of a string-or-list IAM field with their template paths (`Resource` or `Resource[2]`). */
export function locatedList(statement: PolicyStatementJson, field: 'Action' | 'NotAction' | 'Resource' | 'NotResource',
  statementPath: readonly PathSegment[]): Array<{ value: string; path: PathSegment[]; index?: number }> {
  const v = statement[field];
  if (typeof v === 'string') return [{ value: v, path: [...statementPath, field] }];
  if (!Array.isArray(v)) return [];
  const out: Array<{ value: string; path: PathSegment[]; index?: number }> = [];
  v.forEach((x, i) => {
    if (typeof x === 'string') out.push({ value: x, path: [...statementPath, field, i], index: i });
  });
  return out;
}

/** A string-or-list IAM field as a list of strings (non-strings dropped). */
export function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export function isAllow(statement: PolicyStatementJson): boolean {
  return statement.Effect === undefined || (typeof statement.Effect === 'string' && statement.Effect.toLowerCase() === 'allow');
}

const actionPatterns = new Map<string, RegExp>();

/** Whether an IAM action pattern (with `*` / `?` wildcards, case-insensitive) matches an action. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = actionPatterns.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('').map((c) => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }).join('') + '$', 'i');
    if (actionPatterns.size > 2000) actionPatterns.clear();
    actionPatterns.set(pattern, re);
  }
  return re.test(action);
}

/** Condition keys (lower-cased) present in a statement's Condition block, with their values. */
export function conditionEntries(statement: PolicyStatementJson): Array<{ operator: string; key: string; values: unknown[] }> {
  const out: Array<{ operator: string; key: string; values: unknown[] }> = [];
  const cond = statement.Condition;
  if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return out;
  for (const [operator, block] of Object.entries(cond as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      out.push({ operator, key: key.toLowerCase(), values: Array.isArray(value) ? value : [value] });
    }
  }
  return out;
}

/** Condition operators that only let a request through when the key matches one of the values. */
const POSITIVE_MATCH = new Set(['stringequals', 'stringlike', 'arnequals', 'arnlike']);

/** An inference-profile ARN (system-defined or application) whose profile ID is not only a wildcard. */
const PROFILE_ARN = /^arn:[^:]+:bedrock:[^:]*:[^:]*:(application-)?inference-profile\/(.+)$/;

function namesInferenceProfile(value: unknown): boolean {
  if (value === UNKNOWN) return true; // unresolved intrinsic (Fn::GetAtt of a profile ...)
  if (typeof value !== 'string') return false;
  const m = PROFILE_ARN.exec(value);
  if (m) return !/^[*?]+$/.test(m[2]);
  // A value that is unknown except for a fragment (e.g. an imported ARN) cannot be judged: allowed.
  return hasUnknown(value) && !/[*?]/.test(value.replace(/\uE000[^\uE001]*\uE001/g, ''));
}

/**
 * Whether a statement is limited to requests made through named inference profiles: a `bedrock:InferenceProfileArn`
 * condition with a positive match operator (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`, optionally
 * `ForAnyValue:`) whose values are all inference-profile ARNs (unresolved intrinsics allowed, bare wildcards not).
 * `Null`, negated operators and `"*"` do not limit anything.
 */
export function hasInferenceProfileCondition(statement: PolicyStatementJson): boolean {
  return conditionEntries(statement).some((e) => {
    if (e.key !== 'bedrock:inferenceprofilearn') return false;
    // ...IfExists and ForAllValues: also match requests without the key, so they do not limit anything.
    if (!POSITIVE_MATCH.has(e.operator.toLowerCase().replace(/^foranyvalue:/, ''))) return false;
    return e.values.length > 0 && e.values.every(namesInferenceProfile);
  });
}

/** Service principals of a trust statement (`Principal.Service`, string or list). */
export function servicePrincipals(statement: PolicyStatementJson): string[] {
  const p = statement.Principal;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return [];
  return asList((p as Record<string, unknown>).Service);
}
