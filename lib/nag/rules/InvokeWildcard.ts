import { actionMatches, asList, identityPolicyDocuments, isAllow, statementsOf } from '../core/iam';
import { defineResourceRule } from '../core/model-rule';

/** Bedrock actions that take a model resource (bedrock-api-shapes.md §6, IAM_DATA_0_21). */
const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** A Resource entry that matches every model: `*`, or a Bedrock model ARN whose resource ID is only a wildcard. */
function isWildcardModelResource(r: string): boolean {
  if (r === '*') return true;
  const m = /^arn:[^:]*:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile|application-inference-profile|provisioned-model|\*)\/?(.*)$/.exec(r);
  if (m && (m[2] === '*' || m[2] === '' && m[1] === '*')) return true;
  return /^arn:[^:]*:bedrock:[^:]*:[^:]*:\*$/.test(r);
}

/**
 * Bedrock-InvokeWildcard: an identity policy allows `bedrock:*` (on any resource), or allows model invocation
 * (`bedrock:InvokeModel*`, `bedrock:Invoke*`, `bedrock:*`, `*`) on `Resource: *`, on every model ARN, or with
 * `NotResource` (every resource except the listed ones). Policy documents in a SAM function's `Policies` are read.
 * Actions that have no resource type (RetrieveAndGenerate, GetFoundationModelAvailability, ListFoundationModels,
 * Rerank ...) legitimately need `Resource: *` and are not flagged.
 */
export default defineResourceRule({
  name: 'InvokeWildcard',
  level: 'error',
  info: 'An IAM policy allows bedrock:* or Bedrock model invocation on every model (Resource: *).',
  explanation: 'A wildcard grant lets the principal invoke any model, including expensive or unapproved ones, in every '
    + 'Region. Grant bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on the exact foundation-model and '
    + 'inference-profile ARNs instead (BedrockModel.grantInvoke does this); keep Resource: * only for actions with no '
    + 'resource type such as bedrock:RetrieveAndGenerate.',
  check(resource, ctx) {
    const problems: Array<{ message: string; code: string }> = [];
    for (const { where, document } of identityPolicyDocuments(resource)) {
      for (const { where: sw, statement } of statementsOf(where, document, ctx)) {
        if (!isAllow(statement)) continue;
        const actions = asList(statement.Action);
        const resources = asList(statement.Resource);
        const serviceWildcard = actions.filter((a) => a.toLowerCase() === 'bedrock:*');
        if (serviceWildcard.length > 0) {
          problems.push({ code: 'ServiceWildcard', message: `${sw} allows 'bedrock:*' on ${JSON.stringify(resources)}; list the Bedrock actions it needs.` });
          continue;
        }
        // NotResource grants every resource except the listed ones, so it is as wide as Resource: *.
        const notResources = asList(statement.NotResource);
        const wildResources = statement.NotResource !== undefined ? [] : resources.filter(isWildcardModelResource);
        const on = statement.NotResource !== undefined
          ? `every resource except ${notResources.map((r) => `'${r}'`).join(', ') || 'the NotResource list'} (NotResource)`
          : wildResources.map((r) => `'${r}'`).join(', ');
        if (statement.NotResource === undefined && wildResources.length === 0) continue;
        const notActions = asList(statement.NotAction);
        if (statement.NotAction !== undefined && actions.length === 0) {
          const excluded = INVOKE_ACTIONS.filter((inv) => notActions.some((a) => actionMatches(a, inv)));
          if (excluded.length < INVOKE_ACTIONS.length) {
            problems.push({
              code: 'NotActionOnWildcard',
              message: `${sw} allows every action except ${notActions.map((a) => `'${a}'`).join(', ')} on ${on}, `
                + 'which includes Bedrock model invocation; list the allowed actions instead of NotAction.',
            });
          }
          continue;
        }
        const invoking = actions.filter((a) => INVOKE_ACTIONS.some((inv) => actionMatches(a, inv)));
        if (invoking.length > 0) {
          problems.push({
            code: statement.NotResource !== undefined ? 'InvokeOnNotResource' : 'InvokeOnWildcard',
            message: `${sw} allows ${invoking.map((a) => `'${a}'`).join(', ')} on ${on}; `
              + `grant invocation on the exact model and inference-profile ARNs${statement.NotResource !== undefined ? ' with Resource instead of NotResource' : ''}.`,
          });
        }
      }
    }
    return problems;
  },
});
