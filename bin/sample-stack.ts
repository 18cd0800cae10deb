import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ApplicationInferenceProfile, BedrockModel, BedrockMonitoring, ContentFilterCategory, EmbeddingInvoker, FilterStrength, Guardrail,
  KnowledgeBase, ModelAccessCheck, ModelInvocationLogging, ModelInvoker, PinnedModelConfig, RagInvoker,
} from '../lib';

/**
 * The sample application: pinned models in SSM (the chat model through a tagged application inference profile, behind
 * a guardrail), a deploy-time access check, a Knowledge Base on S3 Vectors, invokers wired to the configuration, model
 * invocation logging to CloudWatch Logs, and monitoring with a budget. Every model is validated at synth against the
 * stack's Region.
 */
/** Properties of the sample stack. */
export interface SampleStackProps extends StackProps {
  /**
   * Whether the sample monitors its invokers. A larger app built on the sample that adds invokers turns this off and
   * creates its `BedrockMonitoring` after its own invokers (a monitoring created before an invoker refuses to miss it).
   * @default true
   */
  readonly monitoring?: boolean;
}

export class SampleStack extends Stack {
  public readonly guardrail: Guardrail;
  public readonly config: PinnedModelConfig;
  public readonly accessCheck: ModelAccessCheck;
  public readonly knowledgeBase: KnowledgeBase;
  public readonly chat: ModelInvoker;
  public readonly embedder: EmbeddingInvoker;
  public readonly rag: RagInvoker;
  public readonly chatProfile: ApplicationInferenceProfile;
  public readonly invocationLogging: ModelInvocationLogging;
  public readonly monitoring?: BedrockMonitoring;

  constructor(scope: Construct, id: string, props: SampleStackProps) {
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

    // A tagged application inference profile over the chat model: its spend is allocated by the tag.
    this.chatProfile = new ApplicationInferenceProfile(this, 'ChatProfile', {
      model: chat,
      description: 'Sample chat model tagged for cost allocation.',
      tags: { application: 'bedrock-foundation-sample' },
    });

    this.config = new PinnedModelConfig(this, 'Models', {
      models: { chat: this.chatProfile.model, embed },
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

    // Bedrock model invocation logging for the account and Region, to CloudWatch Logs; Delete restores what was there.
    this.invocationLogging = new ModelInvocationLogging(this, 'InvocationLogging', { cloudWatchLogs: {} });

    // Alarms and a dashboard for the models and invokers, a daily cost alarm against the budget, and a forecast at the
    // catalog's sourced prices for the expected traffic.
    if (props.monitoring === false) return;
    this.monitoring = new BedrockMonitoring(this, 'Monitoring', {
      monthlyBudgetUsd: 300,
      traffic: [
        { invoker: this.chat, requestsPerDay: 2000, inputTokensPerRequest: 1500, outputTokensPerRequest: 400 },
        { invoker: this.embedder, requestsPerDay: 20000, inputTokensPerRequest: 300 },
      ],
    });
  }
}
