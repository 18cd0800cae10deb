import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../contract';
import { IPinnedModelConfig } from '../../config/pinned-model-config';
import { BedrockModel } from '../../models/bedrock-model';
import { BedrockValidationError } from '../../private/errors';
import { handlerCode } from '../../private/assets';
import { envelopeFor } from '../../private/envelope';
import { acknowledgeInvoker, grantVpcAccess, envelopeFunctionProps, envelopeLogGroupProps } from '../../private/envelope-props';
import { DEFAULT_TIMEOUT, InvokerOptions } from '../invoker-options';

/** What `logs.LogGroup.grantWrite` grants: writing streams and events of the one log group. */
const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

const sharedCode = new WeakMap<Stack, Map<string, lambda.Code>>();

/**
 * One `lambda.Code` per handler kind per stack: an AssetCode binds a single s3 Asset the first time and reuses it,
 * so N invokers of one kind stage, hash and publish the bundle once.
 */
function stackHandlerCode(scope: Construct, kind: string): lambda.Code {
  const stack = Stack.of(scope);
  let codes = sharedCode.get(stack);
  if (!codes) { codes = new Map(); sharedCode.set(stack, codes); }
  let code = codes.get(kind);
  if (!code) { code = handlerCode(kind); codes.set(kind, code); }
  return code;
}

/**
 * The invoker's role, with its statements in one inline policy of the role (`Policies`) instead of a separate
 * `AWS::IAM::Policy` (the role's DefaultPolicy): the permissions exist as soon as the role does, and each invoker has
 * one resource less to create and synthesize. Every grant to the function (`Grant.addToPrincipal`) lands there.
 */
class InvokerRole extends iam.Role {
  private readonly document: iam.PolicyDocument;
  constructor(scope: Construct, id: string, description: string) {
    const document = new iam.PolicyDocument();
    super(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description, inlinePolicies: { Invoker: document } });
    this.document = document;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.document.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/** Creates an invoker function from a prebuilt handler bundle (one asset shared by every invoker of that kind). */
export function createInvokerFunction(scope: Construct, kind: string, options: InvokerOptions, handler = 'index.handler',
  environment: Record<string, string> = {}): lambda.Function {
  if (options.maxAttempts !== undefined && !Token.isUnresolved(options.maxAttempts)
    && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1 || options.maxAttempts > 10)) {
    throw new BedrockValidationError('InvalidMaxAttempts',
      `maxAttempts is ${options.maxAttempts}; give a whole number from 1 (no retries) to 10.`, scope);
  }
  const rc = options.reservedConcurrentExecutions;
  if (rc !== undefined && !Token.isUnresolved(rc) && (!Number.isInteger(rc) || rc < 1)) {
    throw new BedrockValidationError('InvalidReservedConcurrency', `reservedConcurrentExecutions is ${rc}; give a whole number of at `
      + 'least 1 (0 would stop the function from running), or leave it out to use the unreserved pool.', scope);
  }
  const logGroup = new logs.LogGroup(scope, 'LogGroup',
    envelopeLogGroupProps(scope, { retention: logs.RetentionDays.ONE_MONTH }, options.logRetention));
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (!timeout.isUnresolved() && timeout.toMilliseconds() < 2000) {
    throw new BedrockValidationError('InvalidTimeout', `timeout is ${timeout.toHumanString()}; an invoker needs at least 2 seconds `
      + '(0.5 s is kept back to report errors and flush metrics).', scope);
  }
  // An explicit role that may write only to this function's log group (instead of the AWSLambdaBasicExecutionRole
  // managed policy, which allows every log group in the account); the model/SSM/KB grants are added by the caller.
  const role = new InvokerRole(scope, 'ServiceRole', `Invoker ${scope.node.path}: writes its own log group, invokes its model`);
  // The statement logGroup.grantWrite(role) adds, built directly: grantWrite goes through Grant.addToPrincipalOrResource
  // (resource-policy and cross-account checks that cannot apply to a role of the same construct), which measurably adds
  // to the per-invoker synth time (scripts/bench-handlers.mjs, item 5). Same template.
  iam.Grant.addToPrincipal({ grantee: role, actions: LOG_WRITE_ACTIONS, resourceArns: [logGroup.logGroupArn] });
  acknowledgeInvoker(scope);
  grantVpcAccess(scope, role);
  return new lambda.Function(scope, 'Function', {
    role,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler,
    code: stackHandlerCode(scope, kind),
    timeout,
    memorySize: options.memorySize ?? 512,
    logGroup,
    ...envelopeFunctionProps(scope),
    reservedConcurrentExecutions: options.reservedConcurrentExecutions ?? envelopeFor(scope).reservedConcurrentExecutions,
    environment: {
      [ENV.POWERTOOLS_SERVICE_NAME]: options.serviceName ?? kind,
      [ENV.POWERTOOLS_METRICS_NAMESPACE]: options.metricsNamespace ?? 'CdkBedrockFoundation',
      [ENV.BEDROCK_MAX_ATTEMPTS]: String(options.maxAttempts ?? 4),
      ...environment,
    },
  });
}

/** Where an invoker's model configuration comes from. */
export interface ModelSourceProps {
  readonly model?: BedrockModel;
  readonly config?: IPinnedModelConfig;
  readonly role?: string;
}

/**
 * Checks that exactly one of `model` or `config` + `role` is given; returns the model when it is known in this app
 * (given directly, a role of a PinnedModelConfig defined here, or an imported role declared with its model).
 */
export function resolveModelSource(scope: Construct, what: string, props: ModelSourceProps): BedrockModel | undefined {
  const hasModel = props.model !== undefined;
  const hasConfig = props.config !== undefined;
  if (hasModel && (hasConfig || props.role !== undefined)) {
    throw new BedrockValidationError('AmbiguousModelSource', `${what} got both \`model\` (${props.model!.modelId}) and `
      + `\`config\`/\`role\`${props.role !== undefined ? ` ('${props.role}')` : ''}; give either a model or a PinnedModelConfig role, not both.`, scope);
  }
  if (!hasModel && !hasConfig) {
    throw new BedrockValidationError('MissingModelSource', `${what} needs a model: give \`model\` (BedrockModel.of('...')) or \`config\` `
      + `and \`role\` (a role of a PinnedModelConfig)${props.role !== undefined ? `; got only role '${props.role}'` : ''}.`, scope);
  }
  if (hasConfig) {
    const config = props.config!;
    if (props.role === undefined) {
      throw new BedrockValidationError('MissingRole', `${what} got \`config\` without \`role\`; name one of its roles: ${config.roles.join(', ')}.`, scope);
    }
    if (!config.roles.includes(props.role)) {
      throw new BedrockValidationError('UnknownRole', `${what}: role '${props.role}' is not in the configuration (roles: ${config.roles.join(', ')}).`, scope);
    }
    return config.tryGetModel(props.role);
  }
  return props.model;
}

/**
 * Wires the function to its model: `MODEL_CONFIG` (the run-time JSON) and the invoke grant for a model (with
 * `bedrock:InvokeModelWithResponseStream` only for a function that streams), or
 * `MODEL_CONFIG_PARAMETER` + `MODEL_CONFIG_HASH`, read access and the invoke grant through the configuration.
 */
export function bindModel(fn: lambda.Function, props: ModelSourceProps, responseStream: boolean, extra: Record<string, unknown> = {}): void {
  if (props.model) {
    fn.addEnvironment(ENV.MODEL_CONFIG, modelConfigJson(props.model, extra));
    props.model.grantInvoke(fn, { responseStream }); // also attaches the model's synth validation to the function
  } else {
    props.config!.bindToFunction(fn, props.role!, { responseStream }); // env, read grant, and (for a config defined here) invoke + validation
  }
}

const configJson = new WeakMap<BedrockModel, Map<string, string>>();

/**
 * The `MODEL_CONFIG` JSON of a model with `extra` fields, computed once per model and extra: N invokers of one model
 * share one catalog lookup (`runtimeConfig()`) and one serialization instead of repeating them per function.
 */
function modelConfigJson(model: BedrockModel, extra: Record<string, unknown>): string {
  let byExtra = configJson.get(model);
  if (!byExtra) { byExtra = new Map(); configJson.set(model, byExtra); }
  const key = JSON.stringify(extra);
  let json = byExtra.get(key);
  if (json === undefined) { json = JSON.stringify({ ...model.runtimeConfig(), ...extra }); byExtra.set(key, json); }
  return json;
}

/** Validates the model's output modality at synth: error when sourced and wrong, warning when not sourced. */
export function checkOutputModality(scope: Construct, what: string, model: BedrockModel | undefined, needed: 'TEXT' | 'EMBEDDING',
  hint: string, source: ModelSourceProps): void {
  if (!model) {
    Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:invoker:modalityUnchecked', `${what} reads the imported configuration `
      + `role '${source.role}'; this app cannot see its model, so its ${needed} output was not checked at synth. Pass the model `
      + `to PinnedModelConfig.fromParameterPrefix(..., { models: { ${source.role}: BedrockModel.of('...') } }) to check it and grant invoke.`);
    return;
  }
  const out = model.outputModalities;
  if (out === undefined) {
    Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:invoker:modalityNotSourced', `${what}: the output modalities of `
      + `'${model.modelId}' are not sourced in the catalog, so its ${needed} output was not checked; declare them with `
      + `BedrockModel.of('${model.modelId}', { custom: { outputModalities: ['${needed}'] } }).`);
    return;
  }
  if (!out.includes(needed)) {
    scope.node.addValidation({
      validate: () => [`${what}: model '${model.modelId}' outputs ${out.join(', ')}, not ${needed}; ${hint}`],
    });
  }
}

