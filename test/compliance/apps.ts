import { App } from 'aws-cdk-lib';
import {
  BedrockMonitoring, KnowledgeBase, ModelInvocationLogging, VectorStore,
} from '../../lib';
import { SampleStack } from '../../bin/sample-stack';
import { NOW_ISO } from '../utils/sample-apps';
import { StrictStack } from '../../bin/strict-stack';

export { NOW_ISO, sampleApp, strictApp } from '../utils/sample-apps';

/**
 * A larger app using every construct: the default sample plus model invocation logging (CloudWatch Logs and S3), a
 * guardrail applied by the chat invoker, monitoring, and a second Knowledge Base on OpenSearch Serverless that syncs on
 * deploy and waits for the ingestion job.
 */
export function largeApp(): App {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new SampleStack(app, 'BedrockFoundationLarge', { env: { region: 'us-east-1' }, monitoring: false });
  // The sample turns on model invocation logging (CloudWatch Logs).
  new BedrockMonitoring(stack, 'Monitoring', { invokers: [stack.chat, stack.embedder, stack.rag] });
  // The sample's chat invoker already applies the sample's guardrail (stack.guardrail).
  const oss = new KnowledgeBase(stack, 'OssDocs', {
    vectorStore: VectorStore.openSearchServerless(),
    syncOnDeploy: { waitForCompletion: true },
  });
  oss.node.addDependency(stack.accessCheck);
  return app;
}

/**
 * The larger app's extra constructs inside the strict sample's envelope: model invocation logging (CloudWatch Logs and
 * S3), monitoring, and a Knowledge Base on OpenSearch Serverless that syncs on deploy and waits for the ingestion job.
 */
export function strictLargeApp(): App {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new StrictStack(app, 'BedrockFoundationStrictLarge', {
    env: { region: 'us-east-1' }, accessLogsBucketName: 'my-org-s3-access-logs-us-east-1',
  });
  new ModelInvocationLogging(stack, 'InvocationLogging', { cloudWatchLogs: {}, s3: {} });
  new BedrockMonitoring(stack, 'Monitoring', { invokers: [stack.chat, stack.embedder, stack.rag] });
  const oss = new KnowledgeBase(stack, 'OssDocs', {
    vectorStore: VectorStore.openSearchServerless(),
    syncOnDeploy: { waitForCompletion: true },
    dataBucketObjectLock: true,
  });
  oss.node.addDependency(stack.accessCheck);
  return app;
}
