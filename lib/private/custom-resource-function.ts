import { CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { handlerCode } from './assets';
import { acknowledgeDeployTimeProvider, envelopeFunctionProps, envelopeLogGroupProps, grantVpcAccess, LogGroupDefaults } from './envelope-props';

/** What one kind of custom-resource function says about itself; everything else is the same for every kind. */
export interface CustomResourceFunctionProps {
  /** Handler bundle name (`assets/handlers/<handler>`). */
  readonly handler: string;
  /** Description of the function. */
  readonly description: string;
  /** Description of its role. */
  readonly roleDescription: string;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Retention and removal policy of the log group when no compliance envelope sets them.
   * @default - one month, the log group's default removal policy
   */
  readonly logGroupDefaults?: LogGroupDefaults;
  /**
   * Construct IDs of the log group and the function (they are in the logical IDs, so each kind keeps its own).
   * @default { logGroup: 'HandlerLogs', function: 'Handler' }
   */
  readonly ids?: { readonly logGroup: string; readonly function: string };
  /** The function's environment, given its log group. @default - none */
  readonly environment?: (logGroup: logs.ILogGroup) => Record<string, string>;
  /**
   * Grants the handler's own permissions (and acknowledges what they need), after the log-group write grant and before
   * the function exists. @default - none
   */
  readonly grantPermissions?: (role: iam.Role, logGroup: logs.LogGroup) => void;
  /**
   * Whether the function (and its EventInvokeConfig) waits for the role and its default policy. The function resource
   * waits for them anyway (aws-cdk-lib); this adds the wait to the EventInvokeConfig too. @default true
   */
  readonly dependOnRole?: boolean;
}

/**
 * The library's one shape of deploy-time custom-resource function, one per stack and kind, shared by every resource of
 * that kind: a log group (from the compliance envelope), an own role (instead of the default one with the
 * AWSLambdaBasicExecutionRole managed policy) that may write to that log group, and one Lambda function from a prebuilt
 * handler, in the envelope's VPC, with no asynchronous retries, and the compliance-pack acknowledgements of a
 * deploy-time function. The resources name the function directly as their ServiceToken: the handler answers
 * CloudFormation itself (lambda/shared/cfn-response.ts), so there is no provider framework (docs/custom-resources.md).
 */
export class CustomResourceFunction extends Construct {
  /** The handler function. */
  public readonly handler: lambda.Function;
  /** Role of the handler function: grant it what the handler calls; depend on it for its policy to exist. */
  public readonly handlerRole: iam.Role;
  /** The ServiceToken of the function's custom resources: the function's ARN. */
  public readonly serviceToken: string;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CustomResourceFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, props.ids?.logGroup ?? 'HandlerLogs', envelopeLogGroupProps(this, props.logGroupDefaults
      ?? { retention: logs.RetentionDays.ONE_MONTH }));
    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription,
    });
    this.logGroup.grantWrite(this.handlerRole);
    props.grantPermissions?.(this.handlerRole, this.logGroup);

    this.handler = new lambda.Function(this, props.ids?.function ?? 'Handler', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: handlerCode(props.handler),
      timeout: props.timeout,
      memorySize: props.memorySize ?? 256,
      role: this.handlerRole,
      logGroup: this.logGroup,
      environment: props.environment?.(this.logGroup),
      // CloudFormation invokes the function asynchronously; the handler answers every request itself and never throws,
      // so Lambda must not run a request again (lambda/shared/cfn-response.ts cites the retry behaviour).
      retryAttempts: 0,
      ...envelopeFunctionProps(this),
    });
    // The function must not run before its role's policy exists.
    if (props.dependOnRole ?? true) this.handler.node.addDependency(this.handlerRole);
    this.serviceToken = this.handler.functionArn;
    acknowledgeDeployTimeProvider(this);
    grantVpcAccess(this, this.handlerRole);
  }
}

/**
 * The stack's construct with this ID (the per-stack singleton of one kind): the one already there when `isKind` says it
 * is of that kind, otherwise a new one from `create`.
 */
export function stackSingleton<T extends Construct>(scope: IConstruct, id: string, isKind: (c: IConstruct) => c is T,
  create: (stack: Stack, id: string) => T): T {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(id);
  return existing && isKind(existing) ? existing : create(stack, id);
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 on `role` for the log-stream wildcard of the write grant on the function's
 * own `logGroup`.
 */
export function acknowledgeLogGroupWrite(role: iam.Role, logGroup: logs.LogGroup): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
    reason: 'CloudWatch Logs write access to the handler\'s own log group; log streams are created at run time.',
  });
}

function logicalId(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as CfnElement;
  return Stack.of(c).getLogicalId(cfn);
}
