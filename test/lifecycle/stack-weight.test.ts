/**
 * Issue 16, "Lighter stacks": the library-infrastructure Lambda functions of the large stack (test/lifecycle/apps.ts
 * largeApp: two Knowledge Bases, one syncing on deploy and waiting for the ingestion; two ModelAccessChecks; eight
 * invokers; model invocation logging). Before the custom resources answered CloudFormation themselves (main at
 * b7fe035) the stack had 19 functions: 8 invokers and 11 of library infrastructure (the access-check, logging and
 * OpenSearch-index handlers with a provider-framework onEvent each, and the waiting sync's onEvent, isComplete and the
 * framework's onEvent, isComplete and onTimeout functions, plus its Step Functions waiter). Now each custom-resource kind
 * has one function that its resources name as ServiceToken.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EmbeddingInvoker, ModelInvoker, RagInvoker } from '../../lib';
import { largeApp } from './apps';

test('the large stack: 12 functions, 8 invokers and 4 of library infrastructure (one per custom-resource kind)', () => {
  const app = largeApp();
  const stack = app.node.findChild('BedrockFoundationLarge') as Stack;
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const functions = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function');
  const invokers = stack.node.findAll()
    .filter((c): c is ModelInvoker | EmbeddingInvoker | RagInvoker => c instanceof ModelInvoker || c instanceof EmbeddingInvoker || c instanceof RagInvoker)
    .map((i) => stack.getLogicalId((i.function as lambda.Function).node.defaultChild as lambda.CfnFunction));
  const custom = Object.values(resources).filter((r) => String(r.Type).startsWith('Custom::'));
  const byKind = new Map<string, Set<string>>();
  for (const r of custom) {
    const token = r.Properties.ServiceToken;
    expect(token).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    byKind.set(r.Type, (byKind.get(r.Type) ?? new Set()).add(token['Fn::GetAtt'][0]));
  }
  const infrastructure = new Set([...byKind.values()].flatMap((s) => [...s]));

  expect(functions).toHaveLength(12);
  expect(invokers).toHaveLength(8);
  expect(infrastructure.size).toBe(4);
  // Every function is an invoker or backs custom resources; one function per kind.
  expect(new Set(functions)).toEqual(new Set([...invokers, ...infrastructure]));
  expect(Object.fromEntries([...byKind].map(([kind, fns]) => [kind, fns.size]))).toEqual({
    'Custom::BedrockModelAccessCheck': 1,
    'Custom::BedrockModelInvocationLogging': 1,
    'Custom::OpenSearchServerlessVectorIndex': 1,
    'Custom::BedrockKnowledgeBaseSync': 1,
  });
  expect(custom.filter((r) => r.Type === 'Custom::BedrockModelAccessCheck')).toHaveLength(2);
  // The waiting sync needs no Step Functions waiter; every library function has 0 asynchronous retries.
  expect(Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toEqual([]);
  const retries = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
  expect(new Set(retries.map((r) => r.Properties.FunctionName.Ref))).toEqual(infrastructure);
  expect(retries.every((r) => r.Properties.MaximumRetryAttempts === 0)).toBe(true);
});
