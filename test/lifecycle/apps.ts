import { App } from 'aws-cdk-lib';
import {
  ApplicationInferenceProfile, BedrockModel, BedrockMonitoring, EmbeddingInvoker, KnowledgeBase, ModelAccessCheck, ModelInvoker, RagInvoker, VectorStore,
} from '../../lib';
import { SampleStack } from '../../bin/sample-stack';
import { NOW_ISO } from '../utils/sample-apps';

export { NOW_ISO, sampleApp } from '../utils/sample-apps';

/**
 * A larger app using every construct: the sample (PinnedModelConfig, a ModelAccessCheck, a Knowledge Base on S3
 * Vectors, three invokers) plus a second access check, a Knowledge Base on OpenSearch Serverless that syncs on deploy
 * and waits for the ingestion job, five more invokers (eight in all), a guardrail, monitoring, model invocation logging
 * and an application inference profile.
 */
export function largeApp(): App {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new SampleStack(app, 'BedrockFoundationLarge', { env: { region: 'us-east-1' }, monitoring: false });
  const chat = BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
  const embed = BedrockModel.of('amazon.titan-embed-text-v2:0');

  // The sample turns on model invocation logging (CloudWatch Logs) and monitors its own invokers.
  // The sample's chat configuration and RAG invoker already apply the sample's guardrail (stack.guardrail).

  const secondCheck = new ModelAccessCheck(stack, 'SecondAccess', { models: [chat] });
  const oss = new KnowledgeBase(stack, 'OssDocs', {
    embeddingModel: embed,
    vectorStore: VectorStore.openSearchServerless(),
    syncOnDeploy: { waitForCompletion: true },
  });
  oss.node.addDependency(stack.accessCheck);

  const invokers = [
    stack.chat, stack.embedder, stack.rag,
    new ModelInvoker(stack, 'Direct', { model: chat }),
    new ModelInvoker(stack, 'DirectStreaming', { model: chat, streaming: true }),
    new EmbeddingInvoker(stack, 'DirectEmbed', { model: embed }),
    new RagInvoker(stack, 'AskOss', { knowledgeBase: oss, model: chat }),
    new ModelInvoker(stack, 'Summaries', { config: stack.config, role: 'chat' }),
  ];
  for (const invoker of invokers.slice(3)) invoker.node.addDependency(secondCheck);
  new BedrockMonitoring(stack, 'Monitoring', { invokers });
  new ApplicationInferenceProfile(stack, 'Profile', { model: embed });
  return app;
}
