/** A Lambda context object for driving handlers in-process. */
import type { Context } from 'aws-lambda';

let counter = 0;

export function lambdaContext(options: { remainingMs?: number; functionName?: string } = {}): Context {
  const started = Date.now();
  const budget = options.remainingMs ?? 30_000;
  counter += 1;
  const functionName = options.functionName ?? 'invoker-under-test';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${counter}-${started}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/25/[$LATEST]test',
    getRemainingTimeInMillis: () => Math.max(0, budget - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
