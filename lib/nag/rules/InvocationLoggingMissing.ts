import { actionMatches, asList, identityPolicyDocuments, isAllow, statementsOf } from '../core/iam';
import { findModelReferences } from '../core/model-scan';
import { defineResourceRule } from '../core/model-rule';
import type { ApplicationResource, CfnResourceJson, CheckContext } from '../core/types';

/** The actions that invoke a model (Converse and ConverseStream are authorized by these). */
const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** The resource type of `ModelInvocationLogging` (lib/logging; the test ties the two together). */
export const INVOCATION_LOGGING_RESOURCE_TYPE = 'Custom::BedrockModelInvocationLogging';

/** Resources whose code calls models: a model ID in their configuration means the application invokes it. */
const CALLER_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function', 'AWS::ECS::TaskDefinition',
  'AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine']);

/**
 * Whether a resource of the application turns on model invocation logging: this library's `ModelInvocationLogging`,
 * or any other custom resource whose properties call `PutModelInvocationLoggingConfiguration` (e.g. an
 * `AwsCustomResource`). There is no CloudFormation resource for the setting (aws/aws-cdk#31478).
 */
function isInvocationLogging(r: CfnResourceJson): boolean {
  const type = r.Type ?? '';
  if (type === INVOCATION_LOGGING_RESOURCE_TYPE) return true;
  if (!type.startsWith('Custom::') && type !== 'AWS::CloudFormation::CustomResource') return false;
  return /putModelInvocationLoggingConfiguration/i.test(JSON.stringify(r.Properties ?? {}));
}

/** Where a resource invokes models: statements allowing model invocation, or model IDs in a caller's configuration. */
function invocations(resource: CfnResourceJson, ctx: CheckContext): string[] {
  const out: string[] = [];
  for (const { where, document } of identityPolicyDocuments(resource)) {
    for (const { where: sw, statement } of statementsOf(where, document, ctx)) {
      if (!isAllow(statement)) continue;
      // Only Bedrock actions: an administrator's `*` says nothing about whether the application invokes models.
      const invoking = asList(statement.Action).filter((a) => a.toLowerCase().startsWith('bedrock:')
        && INVOKE_ACTIONS.some((inv) => actionMatches(a, inv)));
      if (invoking.length > 0) out.push(`${sw} allows ${invoking.map((a) => `'${a}'`).join(', ')}`);
    }
  }
  if (CALLER_TYPES.has(resource.Type ?? '')) {
    const refs = findModelReferences(resource, ctx);
    const places = [...new Set(refs.map((r) => r.where))];
    if (places.length > 0) out.push(`${places.join(', ')} names ${[...new Set(refs.map((r) => `'${r.id}'`))].join(', ')}`);
  }
  return out;
}

/** The logging resources that cover a Region (an unknown Region on either side counts: it cannot be told apart). */
function loggingFor(application: readonly ApplicationResource[], region: string | undefined): ApplicationResource[] {
  return application.filter((r) => isInvocationLogging(r.resource) && (region === undefined || r.region === undefined || r.region === region));
}

/**
 * Bedrock-InvocationLoggingMissing (opt-in): the application invokes models (an identity policy allows
 * `bedrock:InvokeModel*`, or a function, container or state machine names a model) and no resource of the application
 * turns on model invocation logging in that Region.
 */
export default {
  ...defineResourceRule({
    name: 'InvocationLoggingMissing',
    level: 'warning',
    info: 'The application invokes Amazon Bedrock models, but no resource of it turns on model invocation logging.',
    explanation: 'Model invocation logging records the input, output and metadata of every model call in the account and Region, '
      + 'for audit and debugging. It is one setting per account and Region, with no CloudFormation resource. Add '
      + "new ModelInvocationLogging(this, 'InvocationLogging', { cloudWatchLogs: {} }) (cdk-bedrock-foundation) to one stack per "
      + 'account and Region; if logging is configured outside this application, acknowledge this finding.',
    check(resource, ctx) {
      if (!ctx.application) return [];
      const found = invocations(resource, ctx);
      if (found.length === 0 || loggingFor(ctx.application, ctx.region).length > 0) return [];
      const elsewhere = ctx.application.filter((r) => isInvocationLogging(r.resource)).map((r) => `${r.stack} (${r.region})`);
      return [{
        code: 'NoInvocationLogging',
        message: `${found.join('; ')}, but no resource of the application turns on model invocation logging`
          + `${ctx.region ? ` in ${ctx.region}` : ''}${elsewhere.length ? ` (it is turned on only in ${elsewhere.join(', ')})` : ''}.`,
      }];
    },
  }),
  application: true,
};
