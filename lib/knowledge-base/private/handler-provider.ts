import { CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeDeployTimeProvider, grantVpcAccess, envelopeFunctionProps, envelopeLogGroupProps } from '../../private/envelope-props';
import { handlerCode } from '../../private/assets';

/** Options of a stack-wide custom-resource function backed by one of our prebuilt handlers. */
export interface SharedProviderOptions {
  /** Construct ID under the stack (one function per ID and stack). */
  readonly id: string;
  /** Handler bundle name (`assets/handlers/<handler>`). */
  readonly handler: string;
  readonly description: string;
  /** Timeout of the handler function. */
  readonly timeout: Duration;
}

/**
 * One custom-resource function per stack and kind (one Lambda, one role, one log group), shared by every resource of
 * that kind. It backs the resources directly: their ServiceToken is the function's ARN, and the handler answers
 * CloudFormation itself (lambda/shared/cfn-response.ts), so there is no provider framework (docs/custom-resources.md).
 */
export class SharedHandlerProvider extends Construct {
  /** The ServiceToken of the resources: the function's ARN. */
  public readonly serviceToken: string;
  /** The handler function. */
  public readonly handlerFunction: lambda.Function;
  /** Role of the handler function: grant it what the handler calls. */
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

    this.handlerFunction = new lambda.Function(this, 'OnEvent', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: handlerCode(options.handler),
      description: options.description,
      timeout: options.timeout,
      memorySize: 256,
      role: this.handlerRole,
      logGroup,
      // CloudFormation invokes the function asynchronously; the handler answers every request itself and never throws,
      // so Lambda must not run a request again (lambda/shared/cfn-response.ts cites the retry behaviour).
      retryAttempts: 0,
      ...envelopeFunctionProps(this),
    });
    // The function must not run before its role's policy exists.
    this.handlerFunction.node.addDependency(this.handlerRole);
    this.serviceToken = this.handlerFunction.functionArn;
    acknowledgeDeployTimeProvider(this);
    grantVpcAccess(this, this.handlerRole);
    Validations.of(this.handlerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`,
      reason: 'CloudWatch Logs write access to the handler\'s own log group; log streams are created at run time.',
    });
  }
}

function logicalId(c: IConstruct): string {
  const cfn = (c.node.defaultChild ?? c) as CfnElement;
  return Stack.of(c).getLogicalId(cfn);
}

/** The stack's shared function with this ID, created on first use. */
export function sharedHandlerProvider(stack: Stack, options: SharedProviderOptions): SharedHandlerProvider {
  const existing = stack.node.tryFindChild(options.id);
  if (existing) return existing as SharedHandlerProvider;
  return new SharedHandlerProvider(stack, options.id, options);
}
