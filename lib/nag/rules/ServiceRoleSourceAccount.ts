import { asList, conditionEntries, servicePrincipals, statementsOf } from '../core/iam';
import { defineResourceRule } from '../core/model-rule';

/**
 * Bedrock-ServiceRoleSourceAccount: an IAM role that Amazon Bedrock assumes (Knowledge Base or agent service role,
 * trust principal `bedrock.amazonaws.com`) has a trust statement without an `aws:SourceAccount` condition.
 */
export default defineResourceRule({
  name: 'ServiceRoleSourceAccount',
  level: 'error',
  info: 'A role trusted by bedrock.amazonaws.com has no aws:SourceAccount condition in its trust policy.',
  explanation: 'Without a source condition any Bedrock resource in any account could make the service assume the role '
    + '(confused deputy). Add { StringEquals: { "aws:SourceAccount": <your account> } } to the trust statement, and '
    + 'preferably { ArnLike: { "aws:SourceArn": "arn:<partition>:bedrock:<region>:<account>:knowledge-base/*" } } '
    + '(in CDK: new iam.ServicePrincipal(\'bedrock.amazonaws.com\').withConditions({...}) or '
    + 'iam.PrincipalWithConditions).',
  check(resource, ctx) {
    if (resource.Type !== 'AWS::IAM::Role') return [];
    const doc = resource.Properties?.AssumeRolePolicyDocument;
    const problems: Array<{ message: string; code: string }> = [];
    for (const { where, statement } of statementsOf('AssumeRolePolicyDocument', doc, ctx)) {
      const effect = typeof statement.Effect === 'string' ? statement.Effect.toLowerCase() : 'allow';
      if (effect !== 'allow') continue;
      const bedrock = servicePrincipals(statement).filter((s) => /^bedrock(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/i.test(s));
      if (bedrock.length === 0) continue;
      const sourceAccount = conditionEntries(statement).find((e) => e.key === 'aws:sourceaccount'
        && e.values.some((v) => typeof v !== 'string' || (v !== '*' && v !== '')));
      if (!sourceAccount) {
        const actions = asList(statement.Action);
        problems.push({
          code: 'NoSourceAccount',
          message: `${where} lets ${bedrock.join(', ')} ${actions.length ? actions.join(', ') : 'assume the role'} without an aws:SourceAccount condition.`,
        });
      }
    }
    return problems;
  },
});
