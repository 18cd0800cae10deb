import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledgeLogGroupWrite, CustomResourceFunction, stackSingleton } from '../../private/custom-resource-function';

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
 * The stack's custom-resource function with this ID (the OpenSearch vector index, the Knowledge Base sync), created on
 * first use; callers grant the handler's permissions on its `handlerRole` and make their resources depend on that role.
 */
export function sharedHandlerProvider(stack: Stack, options: SharedProviderOptions): CustomResourceFunction {
  return stackSingleton(stack, options.id, (c): c is CustomResourceFunction => c instanceof CustomResourceFunction, (scope, id) => {
    const provider = new CustomResourceFunction(scope, id, {
      handler: options.handler,
      description: options.description,
      roleDescription: `${options.description} (handler role)`,
      timeout: options.timeout,
      logGroupDefaults: { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY },
      ids: { logGroup: 'Logs', function: 'OnEvent' },
    });
    acknowledgeLogGroupWrite(provider.handlerRole, provider.logGroup);
    return provider;
  });
}
