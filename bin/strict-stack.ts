import { RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  BedrockModel, BedrockVpcEndpoints, ComplianceEnvelope, EmbeddingInvoker, KnowledgeBase, ModelAccessCheck, ModelInvoker,
  PinnedModelConfig, RagInvoker, restrictGrantsToAwsServices,
} from '../lib';

/** Properties of `StrictStack`. */
export interface StrictStackProps extends StackProps {
  /**
   * Name of this account's existing bucket for S3 server access logs, in the stack's Region (server access logs go to a
   * bucket of the same account and Region). A bucket created in this stack would itself need access logging, so the
   * strict sample writes to the account's log bucket instead of creating one.
   */
  readonly accessLogsBucketName: string;
}

/**
 * The sample application inside a compliance envelope: the same models, configuration, access check, Knowledge Base and
 * invokers as `SampleStack`, created after `ComplianceEnvelope.of(this).set(...)`, so that every function, log group,
 * bucket and vector store the library creates follows it: a customer managed key (rotated), one year of log retention,
 * an isolated VPC reaching AWS through VPC endpoints, retained data, reserved concurrency on the invokers and server
 * access logs.
 */
export class StrictStack extends Stack {
  public readonly key: kms.Key;
  public readonly vpc: ec2.Vpc;
  public readonly endpoints: BedrockVpcEndpoints;
  public readonly config: PinnedModelConfig;
  public readonly accessCheck: ModelAccessCheck;
  public readonly knowledgeBase: KnowledgeBase;
  public readonly chat: ModelInvoker;
  public readonly embedder: EmbeddingInvoker;
  public readonly rag: RagInvoker;

  constructor(scope: Construct, id: string, props: StrictStackProps) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'Key', {
      description: 'cdk-bedrock-foundation strict sample: logs, documents, vectors and function environments',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    restrictGrantsToAwsServices(this, this.key); // Control Tower CT.KMS.PR.3

    // No internet route at all: isolated subnets only, AWS APIs through the endpoints below.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const flowLog = this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
    // aws-cdk-lib gives the flow log's role a default policy (an inline AWS::IAM::Policy) scoped to the one log group.
    Validations.of(flowLog).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: 'The VPC flow log role\'s policy, created by aws-cdk-lib with the flow log, allows writing to the one flow-log log group only.',
    })));
    // One security group for the library's functions; the endpoints accept HTTPS from it only.
    const functions = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'cdk-bedrock-foundation functions of the strict sample',
    });

    // Before any construct of the library: everything created below follows it, including the stack-level
    // custom-resource providers.
    ComplianceEnvelope.of(this).set({
      encryptionKey: this.key,
      logRetention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [functions],
      reservedConcurrentExecutions: 10,
      serverAccessLogsBucket: s3.Bucket.fromBucketName(this, 'AccessLogs', props.accessLogsBucketName),
    });
    this.endpoints = new BedrockVpcEndpoints(this, 'Endpoints', {
      vpc: this.vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      clientSecurityGroups: [functions],
    });

    const chat = BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
    const embed = BedrockModel.of('amazon.titan-embed-text-v2:0');
    this.config = new PinnedModelConfig(this, 'Models', {
      models: { chat, embed },
      inferenceParameters: { chat: { maxTokens: 1024, temperature: 0.2 } },
    });
    this.accessCheck = new ModelAccessCheck(this, 'ModelAccess', { models: [chat, embed] });
    this.knowledgeBase = new KnowledgeBase(this, 'Docs', {
      embeddingModel: embed,
      description: 'Strict sample knowledge base over the documents in the data bucket.',
      dataBucketObjectLock: true, // Control Tower CT.S3.PR.9; cannot be turned off later
    });
    this.knowledgeBase.node.addDependency(this.accessCheck);
    this.chat = new ModelInvoker(this, 'Chat', { config: this.config, role: 'chat', streaming: true });
    this.embedder = new EmbeddingInvoker(this, 'Embed', { config: this.config, role: 'embed' });
    this.rag = new RagInvoker(this, 'Ask', { knowledgeBase: this.knowledgeBase, model: chat });
    for (const invoker of [this.chat, this.embedder, this.rag]) {
      invoker.node.addDependency(this.accessCheck);
      // Functions in the VPC reach Bedrock, SSM and CloudFormation only once the endpoints exist.
      invoker.node.addDependency(this.endpoints);
    }
    this.accessCheck.node.addDependency(this.endpoints);
  }
}
