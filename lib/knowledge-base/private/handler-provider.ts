import { CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { ENV } from '../../contract';
import { acknowledgeDeployTimeProvider, acknowledgeFrameworkVpcPolicy, grantVpcAccess, envelopeFunctionProps, envelopeLogGroupProps, envelopeProviderProps, traceWaiterStateMachine } from '../../private/envelope-props';
import { handlerCode } from '../../private/assets';

/** Options of a stack-wide custom-resource provider backed by one of our prebuilt handlers. */
export interface SharedProviderOptions {
  /** Construct ID under the stack (one provider per ID and stack). */
  readonly id: string;
  /** Handler bundle name (`assets/handlers/<handler>`). */
  readonly handler: string;
  readonly description: string;
  /** Timeout of the handler function. */
  readonly timeout: Duration;
  /** When set, the same bundle also serves as isComplete handler (env `ENV.HANDLER_KIND` = isComplete). */
  readonly isComplete?: { readonly queryInterval: Duration; readonly totalTimeout: Duration };
  /**
   * The function backs the custom resources directly (ServiceToken = its ARN) and answers CloudFormation itself
   * (lambda/shared/cfn-response.ts): no provider framework. Not with `isComplete`.
   */
  readonly direct?: boolean;
}

/**
 * One cr.Provider per stack and kind, shared by every resource of that kind (one Lambda, one role, one log group).
 */
export class SharedHandlerProvider extends Construct {
  public readonly serviceToken: string;
  /** The handler function (onEvent). */
  public readonly handlerFunction: lambda.Function;
  /** Role of the handler function(s): grant it what the handler calls. */
  public readonly handlerRole: iam.Role;
  /** Depend on this so that the handler's IAM policy exists before the custom resource runs. */
  public readonly policyDependable: IConstruct;

  constructor(scope: Construct, id: string, options: SharedProviderOptions) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs',
      envelopeLogGroupProps(this, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }));
    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${options.description} (handler role)`,
    });
    logGroup.grantWrite(this.handlerRole);
    this.policyDependable = this.handlerRole;

    const makeFn = (fnId: string, kind: string | undefined) => {
      const fn = new lambda.Function(this, fnId, {
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        handler: 'index.handler',
        code: handlerCode(options.handler),
        description: options.description,
        timeout: options.timeout,
        memorySize: 256,
        role: this.handlerRole,
        logGroup,
        environment: kind ? { [ENV.HANDLER_KIND]: kind } : undefined,
        // CloudFormation invokes a direct function asynchronously; the handler answers every request itself and never
        // throws, so Lambda must not run a request again (lambda/shared/cfn-response.ts cites the retry behaviour).
        retryAttempts: options.direct ? 0 : undefined,
        ...envelopeFunctionProps(this),
      });
      // The function must not run before its role's policy exists.
      fn.node.addDependency(this.handlerRole);
      return fn;
    };
    if (options.direct) {
      if (options.isComplete) throw new Error('SharedHandlerProvider: direct and isComplete exclude each other.');
      this.handlerFunction = makeFn('OnEvent', undefined);
      this.serviceToken = this.handlerFunction.functionArn;
      acknowledgeDeployTimeProvider(this);
      grantVpcAccess(this, this.handlerRole);
      Validations.of(this.handlerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
        reason: 'CloudWatch Logs write access to the handler\'s own log group; log streams are created at run time.',
      });
      return;
    }
    const onEvent = makeFn('OnEvent', 'onEvent');
    this.handlerFunction = onEvent;
    const isComplete = options.isComplete ? makeFn('IsComplete', 'isComplete') : undefined;

    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs',
      envelopeLogGroupProps(this, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }));
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: options.isComplete?.queryInterval,
      totalTimeout: options.isComplete?.totalTimeout,
      logGroup: frameworkLogs,
      disableWaiterStateMachineLogging: options.isComplete ? false : undefined,
      waiterStateMachineLogOptions: options.isComplete
        ? { destination: frameworkLogs, level: sfn.LogLevel.ALL, includeExecutionData: false }
        : undefined,
      ...envelopeProviderProps(this),
    });
    this.serviceToken = provider.serviceToken;
    acknowledgeDeployTimeProvider(this);
    grantVpcAccess(this, this.handlerRole);
    acknowledgeFrameworkVpcPolicy(this, provider);
    traceWaiterStateMachine(this, provider);

    // The provider framework (aws-cdk-lib) owns these resources; cdk-nag findings on them are acknowledged with the
    // reason each applies. Constructs never import cdk-nag: acknowledgements go through aws-cdk-lib's Validations.
    const ack = Validations.of(provider);
    ack.acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The aws-cdk-lib custom-resource provider framework function uses the AWS managed basic execution role '
          + '(CloudWatch Logs only); aws-cdk-lib does not let the role be scoped further without replacing the framework.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'The provider framework function runtime is chosen by aws-cdk-lib and updated with it; our own handler '
          + 'functions pin nodejs24.x.',
      },
    );
    Validations.of(this.handlerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
      reason: 'CloudWatch Logs write access to the handler\'s own log group; log streams are created at run time.',
    });
    // The framework grants lambda:InvokeFunction on each function it calls, including its versions/aliases (`:*`).
    const invoked: lambda.IFunction[] = [onEvent, ...(isComplete ? [isComplete] : [])];
    for (const childId of ['framework-isComplete', 'framework-onTimeout']) {
      const child = provider.node.tryFindChild(childId);
      if (child) invoked.push(child as lambda.IFunction);
    }
    ack.acknowledge(...invoked.map((fn) => ({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
      reason: `The provider framework invokes ${fn.node.id} and grants lambda:InvokeFunction on the function ARN and its `
        + 'qualified ARNs (versions/aliases, the ":*" suffix); the grant names this one function.',
    })));
    if (options.isComplete) {
      ack.acknowledge({
        id: 'AwsSolutions-SF2',
        reason: 'The provider framework\'s waiter state machine only polls the isComplete function; aws-cdk-lib does not '
          + 'expose X-Ray tracing for it, and its executions are logged (level ALL) to a log group with retention.',
      }, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'aws-cdk-lib adds one fixed statement on "*" to the provider framework\'s waiter state machine role so '
          + 'that Step Functions can log its executions: the CloudWatch Logs log-delivery actions '
          + '(logs:CreateLogDelivery/GetLogDelivery/UpdateLogDelivery/DeleteLogDelivery/ListLogDeliveries, '
          + 'logs:PutResourcePolicy, logs:DescribeResourcePolicies, logs:DescribeLogGroups), which the Step Functions '
          + 'logging setup grants on "*", and, in the same statement, logs:CreateLogStream and logs:PutLogEvents, which '
          + 'do have a log-group resource type. aws-cdk-lib offers no way to scope that statement short of replacing the '
          + 'framework\'s state machine; the executions log to the one framework log group.',
      });
    }
  }
}

function logicalId(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as CfnElement;
  return Stack.of(c).getLogicalId(cfn);
}

/** The stack's shared provider with this ID, created on first use. */
export function sharedHandlerProvider(stack: Stack, options: SharedProviderOptions): SharedHandlerProvider {
  const existing = stack.node.tryFindChild(options.id);
  if (existing) return existing as SharedHandlerProvider;
  return new SharedHandlerProvider(stack, options.id, options);
}
