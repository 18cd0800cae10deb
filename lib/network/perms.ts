/**
 * What the library's roles do through each endpoint: the actions its grants and roles use, by the service endpoint
 * that serves them. The endpoint policies of `BedrockVpcEndpoints` allow exactly these. Kept here rather than imported
 * from each construct's perms so that the network part depends on no construct; test/network checks that every
 * action a library role is granted on a served service is listed here.
 *
 * Sources, by file: lib/models/bedrock-model.ts (INVOKE_ACTIONS), lib/guardrails/perms.ts (APPLY_GUARDRAIL_ACTIONS),
 * lib/knowledge-base/perms.ts (KB_RETRIEVE_ACTIONS, KB_RETRIEVE_AND_GENERATE_ACTIONS, KB_INGESTION_ACTIONS),
 * lib/access/perms.ts (AVAILABILITY_ACTIONS), lib/logging/model-invocation-logging.ts (INVOCATION_LOGGING_ACTIONS and
 * the ledger's SSM actions), lib/config/pinned-model-config.ts (READ_ACTIONS), lib/private/stack-status.ts
 * (STACK_STATUS_ACTIONS), lib/knowledge-base/private/sync.ts (the sync's lambda:InvokeFunction on its own function).
 */

/** bedrock-runtime: model invocation (Converse/ConverseStream are authorized by these) and ApplyGuardrail. */
export const BEDROCK_RUNTIME_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:ApplyGuardrail'];

/** bedrock-agent-runtime: Knowledge Base queries. */
export const BEDROCK_AGENT_RUNTIME_ACTIONS = ['bedrock:Retrieve', 'bedrock:RetrieveAndGenerate'];

/** bedrock (control plane): the access check and the invocation-logging custom resource. */
export const BEDROCK_CONTROL_PLANE_ACTIONS = [
  'bedrock:GetFoundationModelAvailability',
  'bedrock:GetModelInvocationLoggingConfiguration',
  'bedrock:PutModelInvocationLoggingConfiguration',
  'bedrock:DeleteModelInvocationLoggingConfiguration',
];

/** bedrock-agent: the Knowledge Base sync custom resource. */
export const BEDROCK_AGENT_ACTIONS = ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'];

/** ssm: the pinned model configuration (read) and the invocation-logging ledger (read, write, delete). */
export const SSM_ACTIONS = ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:DeleteParameter'];

/** cloudformation: the handlers' rollback probe. */
export const CLOUDFORMATION_ACTIONS = ['cloudformation:DescribeStacks'];

/**
 * lambda: a Knowledge Base sync that waits longer than one invocation continues in a fresh asynchronous invocation of its
 * own function (the custom resources answer CloudFormation themselves; no provider framework invokes them).
 */
export const LAMBDA_ACTIONS = ['lambda:InvokeFunction'];

/** states: starting a state machine (not called by the library's functions; for your own code). */
export const STEP_FUNCTIONS_ACTIONS = ['states:StartExecution'];

/** logs: what the library grants its roles on their own log groups (its handlers call no other Logs API). */
export const CLOUDWATCH_LOGS_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** s3 (gateway): custom-resource responses are PUT to a pre-signed S3 URL that CloudFormation provides. */
export const S3_RESPONSE_ACTIONS = ['s3:PutObject'];
