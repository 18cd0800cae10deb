import { matchesAnyBedrockResource, modelScope, ModelScope } from '../core/arn-pattern';
import { actionMatches, identityPolicyDocuments, isAllow, locatedList, statementsOf } from '../core/iam';
import { displayValue } from '../core/intrinsics';
import { defineResourceRule, ResourceProblem } from '../core/model-rule';
import type { PathSegment } from '../core/types';

/** Bedrock actions that take a model resource (bedrock-api-shapes.md §6, IAM_DATA_0_21). */
const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
/** An action no Bedrock pattern names on purpose: a pattern that matches it matches every Bedrock action. */
const ANY_BEDROCK_ACTION = 'bedrock:ZzProbeEveryAction';

const q = (s: string) => `'${displayValue(s)}'`;

/** How a Resource entry reads to a person, for the scope IAM gives it. */
function describe(pattern: string, scope: ModelScope): string {
  if (pattern === '*') return "'*' (every resource)";
  // A '*' that ends one of the segments before the resource part (arn:aws:bedrock:*, arn:aws:bedrock:us-east-1:*).
  const segments = pattern.split(':');
  const acrossColons = segments.slice(0, 5).some((s) => s.endsWith('*'));
  switch (scope.scope) {
    case 'all':
      return `${q(pattern)}, which IAM matches against every Bedrock model${acrossColons
        ? " (a '*' that ends an ARN segment also matches the ':' and everything after it, so this covers every Region, account and resource type it leaves open)"
        : ''}`;
    case 'provider':
      return `${q(pattern)}, every ${scope.provider} model (${scope.matched.length} in the catalog, and any added later)`;
    default:
      return `${q(pattern)}, which matches ${scope.matched.length} models (${scope.matched.slice(0, 4).map((m) => `'${m}'`).join(', ')}`
        + `${scope.matched.length > 4 ? ', ...' : ''})`;
  }
}

/**
 * Bedrock-InvokeWildcard: an identity policy allows every Bedrock action (`bedrock:*`, `*` or `NotAction` on Bedrock
 * resources), or allows model invocation (`bedrock:InvokeModel*`, `bedrock:Invoke*` ...) on more models than it names:
 * `Resource: *`, an ARN whose wildcard matches every model (`arn:aws:bedrock:*`, `arn:aws:bedrock:us-east-1:*`,
 * `.../foundation-model/*`: IAM lets a `*` that ends an ARN segment match across colons), every model of a provider
 * (`.../foundation-model/anthropic.*`), several models (a family or version wildcard: a warning), or `NotResource`.
 * Policy documents in a SAM function's `Policies` are read. Actions that have no resource type (RetrieveAndGenerate,
 * GetFoundationModelAvailability, ListFoundationModels, Rerank ...) legitimately need `Resource: *` and are not flagged.
 */
export default defineResourceRule({
  name: 'InvokeWildcard',
  level: 'error',
  info: 'An IAM policy allows every Bedrock action, or Bedrock model invocation on more models than it names (a wildcard '
    + 'resource, NotResource or NotAction).',
  explanation: 'A wildcard grant lets the principal invoke any model it matches, including expensive or unapproved ones, in '
    + 'every Region it matches. IAM lets a "*" that ends an ARN segment match across ":" (IAM User Guide, "IAM JSON policy '
    + 'elements: Resource"), so arn:aws:bedrock:* and arn:aws:bedrock:us-east-1:* match every Bedrock resource. Grant '
    + 'bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on the exact foundation-model and inference-profile ARNs '
    + 'instead; keep Resource: * only for actions with no resource type such as bedrock:RetrieveAndGenerate.',
  check(resource, ctx) {
    const problems: ResourceProblem[] = [];
    for (const doc of identityPolicyDocuments(resource)) {
      for (const { where: sw, path, statement } of statementsOf(doc.where, doc.document, ctx, doc.path)) {
        if (!isAllow(statement)) continue;
        const actions = locatedList(statement, 'Action', path);
        const notActions = locatedList(statement, 'NotAction', path);
        const resources = locatedList(statement, 'Resource', path);
        const notResources = locatedList(statement, 'NotResource', path);
        const hasNotResource = statement.NotResource !== undefined;
        const hasNotAction = statement.NotAction !== undefined && statement.Action === undefined;
        // NotResource grants every resource except the listed ones: as wide as Resource: *, unless it excludes every model.
        const notResourceExcludesModels = notResources.some((r) => modelScope(r.value).scope === 'all');
        const scopes = resources.map((r) => ({ ...r, scope: modelScope(r.value) }));
        const touchesBedrock = hasNotResource ? !notResourceExcludesModels : resources.some((r) => matchesAnyBedrockResource(r.value));
        const onText = hasNotResource
          ? `every resource except ${notResources.map((r) => q(r.value)).join(', ') || 'the NotResource list'} (NotResource)`
          : resources.map((r) => q(r.value)).join(', ');
        const locate = (entry: { value: string; path: PathSegment[]; index?: number }, field: string) => ({
          path: entry.path,
          property: `${sw}.${field}${entry.index !== undefined ? `[${entry.index}]` : ''}`,
          value: displayValue(entry.value),
        });

        // 1. Every Bedrock action.
        const bedrockWide = actions.filter((a) => a.value.toLowerCase().startsWith('bedrock:') && actionMatches(a.value, ANY_BEDROCK_ACTION));
        const anyWide = actions.filter((a) => !a.value.toLowerCase().startsWith('bedrock:') && actionMatches(a.value, ANY_BEDROCK_ACTION));
        if (bedrockWide.length > 0 || (anyWide.length > 0 && touchesBedrock)) {
          const a = bedrockWide[0] ?? anyWide[0];
          const wide = scopes.find((r) => r.scope.scope === 'all');
          problems.push({
            code: 'ServiceWildcard',
            ...locate(a, 'Action'),
            message: `${sw} allows ${q(a.value)} (every ${a.value === '*' ? 'action, including every Bedrock action' : 'Bedrock action'}) on `
              + `${wide && !hasNotResource ? describe(wide.value, wide.scope) : onText}; list the Bedrock actions it needs`
              + `${wide || hasNotResource ? ' on the exact ARNs' : ''}.`,
          });
          continue;
        }
        if (hasNotAction && touchesBedrock) {
          const excludesAll = notActions.some((a) => actionMatches(a.value, ANY_BEDROCK_ACTION));
          const excludesInvoke = INVOKE_ACTIONS.every((inv) => notActions.some((a) => actionMatches(a.value, inv)));
          if (!excludesAll && !excludesInvoke) {
            problems.push({
              code: 'NotActionOnWildcard',
              ...locate(notActions[0] ?? { value: '', path: [...path, 'NotAction'] }, 'NotAction'),
              message: `${sw} allows every action except ${notActions.map((a) => q(a.value)).join(', ')} (NotAction) on ${onText}, `
                + 'which includes Bedrock model invocation; list the allowed actions instead of NotAction.',
            });
          }
          continue;
        }

        // 2. Model invocation on more models than named.
        const invoking = actions.filter((a) => INVOKE_ACTIONS.some((inv) => actionMatches(a.value, inv)));
        if (invoking.length === 0) continue;
        const what = invoking.map((a) => q(a.value)).join(', ');
        if (hasNotResource) {
          if (!notResourceExcludesModels) {
            problems.push({
              code: 'InvokeOnNotResource',
              ...locate(notResources[0] ?? { value: '', path: [...path, 'NotResource'] }, 'NotResource'),
              message: `${sw} allows ${what} on ${onText}; grant invocation on the exact model and inference-profile ARNs with Resource instead of NotResource.`,
            });
          }
          continue;
        }
        for (const r of scopes) {
          if (r.scope.scope === 'none') continue;
          const several = r.scope.scope === 'several';
          problems.push({
            code: r.scope.scope === 'all' ? 'InvokeOnWildcard' : r.scope.scope === 'provider' ? 'InvokeOnProvider' : 'InvokeOnSeveralModels',
            level: several ? 'warning' : 'error',
            ...locate(r, 'Resource'),
            message: `${sw} allows ${what} on ${describe(r.value, r.scope)}; `
              + (several ? 'grant the exact models the code calls, so that a new model of the family is not granted by accident.'
                : 'grant invocation on the exact model and inference-profile ARNs.'),
          });
        }
      }
    }
    return problems;
  },
});
