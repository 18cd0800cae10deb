import {
  Annotations, ArnFormat, RemovalPolicy, Stack, Token, Validations,
} from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { Chunking, ChunkingFinding } from './chunking';
import { KB_EMBEDDING_INVOKE_ACTIONS, S3_GET_OBJECT_ACTIONS, S3_LIST_ACTIONS } from './perms';
import { checkEmbeddingModel, validateEmbeddingModel } from './private/embedding-model';
import { KnowledgeBaseBase } from './private/knowledge-base-base';
import { nagResourceString } from './private/nag-ids';
import { checkDescription, checkName, checkPrefix, generatedName } from './private/names';
import { checkSync, KnowledgeBaseSync } from './private/sync';
import { DataDeletionPolicy, DEFAULT_EMBEDDING_MODEL_ID, IKnowledgeBase, KnowledgeBaseAttributes, KnowledgeBaseProps } from './types';
import { VectorStore } from './vector-store';
import { BedrockModel } from '../models/bedrock-model';
import { besidesReferenced } from '../private/dependencies';
import { grantKnowledgeBaseTransientData } from '../compliance/key-policies';
import { envelopeFor } from '../private/envelope';
import { acknowledgeBucket, acknowledgeRolePolicies, enableEventBridgeNotifications, envelopeBucketProps } from '../private/envelope-props';
import { BedrockValidationError } from '../private/errors';

// Kept importable from this module (lib/invokers imports IKnowledgeBase from here).
export { DEFAULT_EMBEDDING_MODEL_ID, IKnowledgeBase, KnowledgeBaseAttributes };

/**
 * A Bedrock vector Knowledge Base with an S3 data source, its service role and its vector store (S3 Vectors by
 * default, or OpenSearch Serverless), validated at synth.
 *
 * @example
 * const kb = new KnowledgeBase(this, 'Docs', {
 *   dataSource: { chunking: Chunking.fixedSize({ maxTokens: 512, overlapPercentage: 20 }) },
 *   syncOnDeploy: { contentDeployments: [deployment] },
 * });
 * kb.grantRetrieve(fn);
 */
export class KnowledgeBase extends KnowledgeBaseBase {
  /** Imports a Knowledge Base (for example one created in another stack). */
  public static fromKnowledgeBaseAttributes(scope: Construct, id: string, attrs: KnowledgeBaseAttributes): IKnowledgeBase {
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(attrs.knowledgeBaseId) && !/^[0-9a-zA-Z]{1,10}$/.test(attrs.knowledgeBaseId)) {
      throw new BedrockValidationError('InvalidKnowledgeBaseId', `knowledgeBaseId '${attrs.knowledgeBaseId}' is not a `
        + 'Knowledge Base ID (1–10 letters and digits, e.g. \'ABCDEFGHIJ\'); pass the ID, not the name or ARN.', scope);
    }
    class Import extends KnowledgeBaseBase {
      public readonly knowledgeBaseId = attrs.knowledgeBaseId;
      public readonly knowledgeBaseArn = attrs.knowledgeBaseArn ?? stack.formatArn({
        service: 'bedrock',
        resource: 'knowledge-base',
        resourceName: attrs.knowledgeBaseId,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
      public readonly dataSourceId = attrs.dataSourceId;
    }
    return new Import(scope, id);
  }

  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;
  public readonly dataSourceId: string;
  /** The documents bucket (created or passed in). */
  public readonly dataBucket: s3.IBucket;
  /** The service role Bedrock assumes for this Knowledge Base. */
  public readonly role: iam.Role;
  /** The embeddings model. */
  public readonly embeddingModel: BedrockModel;
  /** The vector dimension. */
  public readonly dimensions: number;
  /** ARN of the vector store resource (S3 Vectors index, or OpenSearch Serverless collection). */
  public readonly vectorStoreArn: string;
  /** The underlying L1 resources. */
  public readonly cfnKnowledgeBase: bedrock.CfnKnowledgeBase;
  public readonly cfnDataSource: bedrock.CfnDataSource;
  /** The deploy-time sync (when syncOnDeploy is set). */
  private readonly sync?: KnowledgeBaseSync;

  constructor(scope: Construct, id: string, props: KnowledgeBaseProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const model = props.embeddingModel ?? BedrockModel.of(DEFAULT_EMBEDDING_MODEL_ID);
    this.embeddingModel = model;
    const vectorStore = props.vectorStore ?? VectorStore.s3Vectors();
    // The default fits the embeddings model's sourced input limit (300 tokens, or fewer for a model that takes fewer).
    const chunking = props.dataSource?.chunking ?? Chunking._defaultFor(model.contextWindow);

    // 1. Generic model rules (pinned, known, offered in the Region, lifecycle) — the core policy.
    validateEmbeddingModel(this, model);
    // 2. Knowledge-Base-specific model rules and dimensions.
    const errors: string[] = [];
    this.dimensions = checkEmbeddingModel(this, model, props.dimensions, errors);
    // 3. Store, names, prefix.
    errors.push(...vectorStore._checkOptions());
    checkName(errors, 'knowledgeBaseName', props.knowledgeBaseName);
    checkDescription(errors, 'description', props.description);
    checkDescription(errors, 'dataSource.description', props.dataSource?.description);
    checkPrefix(errors, props.dataSource?.inclusionPrefix);
    checkSync(errors, props.syncOnDeploy);
    if (errors.length > 0) {
      throw new BedrockValidationError('InvalidKnowledgeBaseProps', errors.join('\n'), this);
    }

    // Documents bucket.
    this.dataBucket = props.dataSource?.bucket ?? this.createDataBucket(props);

    // Service role: Bedrock only, from this account, for Knowledge Bases of this Region and account. The KB's own
    // ARN is not used: it would make the role depend on the KB and the KB on the role (a cycle).
    this.role = new iam.Role(this, 'Role', {
      description: 'Service role of a Bedrock Knowledge Base (cdk-bedrock-foundation)',
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'bedrock',
              resource: 'knowledge-base',
              resourceName: '*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    });
    const embeddingModelArn = model.invocationArn(this);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'InvokeEmbeddingModel',
      actions: KB_EMBEDDING_INVOKE_ACTIONS,
      resources: [embeddingModelArn],
    }));
    const prefix = props.dataSource?.inclusionPrefix;
    acknowledgeRolePolicies(this.role);
    // Documents in a bucket this construct encrypted with the envelope's key: the role decrypts them.
    if (!props.dataSource?.bucket && this.dataBucket.encryptionKey) this.dataBucket.encryptionKey.grantDecrypt(this.role);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListDocumentsBucket',
      actions: S3_LIST_ACTIONS,
      resources: [this.dataBucket.bucketArn],
    }));
    const objectsArn = this.dataBucket.arnForObjects(`${prefix ?? ''}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadDocuments',
      actions: S3_GET_OBJECT_ACTIONS,
      resources: [objectsArn],
    }));
    this.dataBucket.encryptionKey?.grantDecrypt(this.role);
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceString(this.role, objectsArn)}]`,
      reason: 'Bedrock ingestion reads every document under the data source prefix; object keys are not known at '
        + 'deploy time, so s3:GetObject is scoped to the bucket and prefix with a trailing wildcard.',
    });

    // Vector store.
    const binding = vectorStore._bind(this, { dimensions: this.dimensions, role: this.role });
    this.vectorStoreArn = binding.storeArn;

    // Chunking against the model's input limit and the store's metadata limits.
    const findings: ChunkingFinding[] = chunking._check({
      modelId: model.modelId,
      modelMaxInputTokens: model.contextWindow,
      textMetadataByteBudget: binding.textMetadataByteBudget,
      storeName: binding.storeName,
    });
    const chunkErrors = findings.filter((f) => f.level === 'error').map((f) => f.message);
    if (chunkErrors.length > 0) {
      throw new BedrockValidationError('InvalidChunking', chunkErrors.join('\n'), this);
    }
    for (const w of findings.filter((f) => f.level === 'warning')) {
      Annotations.of(this).addWarningV2(`cdk-bedrock-foundation:${w.code}`, w.message);
    }

    // The generated name changes with every setting whose change replaces the Knowledge Base (its create-only
    // properties, lib/private/data/create-only-paths.json), so the replacement never collides with the old name. The
    // store's key is empty for default stores: their names are unchanged from earlier versions.
    const baseName = props.knowledgeBaseName ?? generatedName(this, 80, [
      model.modelId, String(this.dimensions), vectorStore.storageType, ...(binding.replacementKey ? [binding.replacementKey] : []),
    ]);
    if (props.knowledgeBaseName !== undefined) {
      Annotations.of(this).addWarningV2('cdk-bedrock-foundation:NameNotReplacementSafe', `knowledgeBaseName '${props.knowledgeBaseName}' `
        + 'is fixed: a change of the embedding model, dimensions or vector store settings replaces the Knowledge Base, and '
        + 'its replacement would be created under the same name, which fails ("already exists"). Give it a new name with '
        + 'such a change, or omit knowledgeBaseName to get a generated name that changes with them.');
    }
    this.cfnKnowledgeBase = new bedrock.CfnKnowledgeBase(this, 'Resource', {
      name: baseName,
      description: props.description,
      roleArn: this.role.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn,
          embeddingModelConfiguration: {
            bedrockEmbeddingModelConfiguration: { dimensions: this.dimensions, embeddingDataType: 'FLOAT32' },
          },
        },
      },
      storageConfiguration: binding.storageConfiguration,
    });
    // Bedrock checks the role's access to the store and model when the KB is created: the role's policy and the
    // store (index, access policy) must exist first.
    this.cfnKnowledgeBase.node.addDependency(besidesReferenced(this.role), ...binding.dependables);
    this.knowledgeBaseId = this.cfnKnowledgeBase.attrKnowledgeBaseId;
    this.knowledgeBaseArn = this.cfnKnowledgeBase.attrKnowledgeBaseArn;

    const renderedChunking = chunking._render();
    // A chunking change replaces the data source; a new name avoids the "already exists" conflict on replacement.
    const dsName = generatedName(this, 80, [JSON.stringify(renderedChunking)], 'DataSource');
    // Under an envelope with a key: the data source's transient ingestion data is encrypted with it.
    const transientKey = envelopeFor(this).encryptionKey;
    if (transientKey) grantKnowledgeBaseTransientData(transientKey, this.role);
    this.cfnDataSource = new bedrock.CfnDataSource(this, 'DataSource', {
      knowledgeBaseId: this.knowledgeBaseId,
      name: dsName,
      description: props.dataSource?.description,
      // RETAIN on the store keeps the vectors: Bedrock would otherwise delete them with the data source.
      dataDeletionPolicy: props.dataSource?.dataDeletionPolicy ?? (binding.retained ? DataDeletionPolicy.RETAIN : DataDeletionPolicy.DELETE),
      serverSideEncryptionConfiguration: transientKey ? { kmsKeyArn: transientKey.keyArn } : undefined,
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: {
          bucketArn: this.dataBucket.bucketArn,
          inclusionPrefixes: prefix !== undefined ? [prefix] : undefined,
        },
      },
      vectorIngestionConfiguration: { chunkingConfiguration: renderedChunking },
    });
    this.dataSourceId = this.cfnDataSource.attrDataSourceId;

    if (props.syncOnDeploy) this.sync = new KnowledgeBaseSync(this, props.syncOnDeploy);
  }

  /**
   * Runs the deploy-time sync after `deployment` too, and again whenever its content changes — for example a
   * `BucketDeployment` into `kb.dataBucket`, which can only be created after this construct. Needs `syncOnDeploy`.
   * The deployment must keep `outputObjectKeys` enabled (the default): the sync reads its source object keys.
   */
  public addContentDeployment(deployment: s3deploy.BucketDeployment): void {
    if (!this.sync) {
      throw new BedrockValidationError('SyncNotEnabled', `addContentDeployment(${deployment.node.path}): this `
        + 'Knowledge Base has no syncOnDeploy, so nothing would run after the deployment. Pass syncOnDeploy: {} (or '
        + 'its options) to the KnowledgeBase.', this);
    }
    this.sync.addContentDeployment(deployment);
  }


  private createDataBucket(props: KnowledgeBaseProps): s3.Bucket {
    const compliance = envelopeBucketProps(this);
    const bucket = new s3.Bucket(this, 'DataBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      ...compliance,
      removalPolicy: props.dataBucketRemovalPolicy ?? compliance.removalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket ?? compliance.serverAccessLogsBucket,
      objectLockEnabled: props.dataBucketObjectLock || undefined,
    });
    acknowledgeBucket(bucket);
    enableEventBridgeNotifications(this, bucket);
    if (!props.serverAccessLogsBucket && !compliance.serverAccessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Server access logs were not requested for the Knowledge Base documents bucket (pass '
          + 'serverAccessLogsBucket to enable them); the bucket is private, TLS-only, versioned and read only by the '
          + 'Knowledge Base role, and CloudTrail data events can audit object access without a second bucket.',
      });
    }
    return bucket;
  }
}
