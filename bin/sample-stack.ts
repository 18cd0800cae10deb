import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BedrockModel, ContentFilterCategory, EmbeddingInvoker, FilterStrength, Guardrail, KnowledgeBase, ModelAccessCheck, ModelInvoker,
  PinnedModelConfig, RagInvoker,
} from '../lib';

/**
 * The sample application: pinned models in SSM, a deploy-time access check, a Knowledge Base on S3 Vectors,
 * and invokers wired to the configuration. Every model is validated at synth against the stack's Region.
 */
export class SampleStack extends Stack {
  public readonly guardrail: Guardrail;
  public readonly config: PinnedModelConfig;
  public readonly accessCheck: ModelAccessCheck;
  public readonly knowledgeBase: KnowledgeBase;
  public readonly chat: ModelInvoker;
  public readonly embedder: EmbeddingInvoker;
  public readonly rag: RagInvoker;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    // A geographic inference profile over a pinned Claude Haiku 4.5, and Titan Text Embeddings v2.
    const chat = BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    const embed = BedrockModel.of('amazon.titan-embed-text-v2:0');

    // A guardrail pinned by construction: every configuration change publishes a new version, and the chat role's
    // configuration carries that version, so a guardrail upgrade recycles the chat invoker like a model upgrade.
    this.guardrail = new Guardrail(this, 'Guardrail', {
      description: 'Sample chat guardrail: harmful content and prompt attacks.',
      contentFilters: [
        ContentFilterCategory.HATE, ContentFilterCategory.INSULTS, ContentFilterCategory.SEXUAL, ContentFilterCategory.VIOLENCE,
        ContentFilterCategory.MISCONDUCT,
      ].map((category) => ({ category, inputStrength: FilterStrength.HIGH }))
        .concat([{ category: ContentFilterCategory.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH }]),
    });

    this.config = new PinnedModelConfig(this, 'Models', {
      models: { chat, embed },
      inferenceParameters: { chat: { maxTokens: 1024, temperature: 0.2 } },
      guardrails: { chat: this.guardrail },
    });

    // Fails the deployment early, with the reasons, when a model cannot be used in the account and Region.
    this.accessCheck = new ModelAccessCheck(this, 'ModelAccess', { models: [chat, embed] });

    this.knowledgeBase = new KnowledgeBase(this, 'Docs', {
      embeddingModel: embed,
      description: 'Sample knowledge base over the documents in the data bucket.',
    });
    this.knowledgeBase.node.addDependency(this.accessCheck);

    // Invokers read the pinned configuration from SSM at run time (once per container).
    this.chat = new ModelInvoker(this, 'Chat', { config: this.config, role: 'chat', streaming: true });
    this.embedder = new EmbeddingInvoker(this, 'Embed', { config: this.config, role: 'embed' });
    this.rag = new RagInvoker(this, 'Ask', { knowledgeBase: this.knowledgeBase, model: chat, guardrail: this.guardrail });
    for (const invoker of [this.chat, this.embedder, this.rag]) invoker.node.addDependency(this.accessCheck);
  }
}
