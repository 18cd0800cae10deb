import * as crypto from 'crypto';
import {
  Annotations, ArnFormat, CustomResource, Duration, Fn, IResource, Lazy, RemovalPolicy, Resource, Stack, Token, Validations,
} from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, IConstruct } from 'constructs';
import { Chunking, ChunkingFinding } from './chunking';
import {
  KB_EMBEDDING_INVOKE_ACTIONS, KB_INGESTION_ACTIONS, KB_RETRIEVE_ACTIONS, KB_RETRIEVE_AND_GENERATE_ACTIONS,
  S3_GET_OBJECT_ACTIONS, S3_LIST_ACTIONS,
} from './perms';
import { sharedHandlerProvider } from './private/handler-provider';
import { VectorStore } from './vector-store';
import { BedrockModel } from '../models/bedrock-model';
import { BedrockValidationError } from '../private/errors';
import { grantStackStatus } from '../private/stack-status';
import { grantOnWildcard } from '../private/wildcard-grant';

/** The default embeddings model: Amazon Titan Text Embeddings V2. */
export const DEFAULT_EMBEDDING_MODEL_ID = 'amazon.titan-embed-text-v2:0';

/*
 * Name and description bounds (Bedrock API reference CreateKnowledgeBase / CreateDataSource: name pattern
 * `([0-9a-zA-Z][_-]?){1,100}`, description 1–200 characters; aws-bedrock-alpha KnowledgeBaseProps says the same).
 * S3 inclusion prefixes: at most one, up to 300 characters (CloudFormation AWS::Bedrock::DataSource
 * S3DataSourceConfiguration.InclusionPrefixes).
 */
const NAME_RE = /^([0-9a-zA-Z][_-]?){1,100}$/;
const MAX_DESCRIPTION = 200;
const MAX_PREFIX = 300;
/*
 * Bounds of the wait (syncOnDeploy.waitForCompletion). CloudFormation gives a custom resource at most 3600 s
 * (aws-cdk-lib CustomResource `serviceTimeout`: "The value must be between 1 second and 3600 seconds", default 3600;
 * cr.Provider `totalTimeout`: "The maximum timeout is 1 hour"). The provider's wait starts only after the start step
 * (our onEvent handler, timeout SYNC_HANDLER_TIMEOUT) has returned, so the wait may use at most 3600 s minus that.
 * The waiter polls every queryInterval for totalTimeout / queryInterval attempts, which must be a whole number
 * (aws-cdk-lib calculateRetryPolicy), and both are whole seconds (Step Functions IntervalSeconds is an integer).
 */
const CFN_CUSTOM_RESOURCE_MAX_SECONDS = 3600;
const SYNC_HANDLER_TIMEOUT = Duration.minutes(2);
const MAX_SYNC_TIMEOUT_SECONDS = CFN_CUSTOM_RESOURCE_MAX_SECONDS - SYNC_HANDLER_TIMEOUT.toSeconds();
const DEFAULT_SYNC_TIMEOUT = Duration.minutes(30);
const DEFAULT_QUERY_INTERVAL = Duration.seconds(30);

/** A Bedrock Knowledge Base, created here or imported. */
export interface IKnowledgeBase extends IResource {
  /** The Knowledge Base ID. @attribute */
  readonly knowledgeBaseId: string;
  /** The Knowledge Base ARN. @attribute */
  readonly knowledgeBaseArn: string;
  /** The S3 data source ID, when known. */
  readonly dataSourceId?: string;
  /** Grants `bedrock:Retrieve` on this Knowledge Base. */
  grantRetrieve(grantee: iam.IGrantable): iam.Grant;
  /**
   * Grants what a RetrieveAndGenerate call with `model` needs: `bedrock:RetrieveAndGenerate` (no resource type, so
   * `Resource: *`, in its own policy `BedrockRetrieveAndGeneratePolicy` attached to the grantee's role, user or group,
   * whose cdk-nag finding is acknowledged on that policy only), `bedrock:Retrieve` on this Knowledge Base and the
   * model's invoke grant.
   */
  grantRetrieveAndGenerate(grantee: iam.IGrantable, model: BedrockModel): iam.Grant;
  /** Grants `bedrock:StartIngestionJob` and `bedrock:GetIngestionJob` on this Knowledge Base. */
  grantStartIngestion(grantee: iam.IGrantable): iam.Grant;
}

/** Attributes to import an existing Knowledge Base. */
export interface KnowledgeBaseAttributes {
  /** The Knowledge Base ID (up to 10 alphanumeric characters). */
  readonly knowledgeBaseId: string;
  /**
   * The Knowledge Base ARN.
   * @default - built from the ID in the importing stack's partition, Region and account
   */
  readonly knowledgeBaseArn?: string;
  /**
   * The ID of its data source.
   * @default - unknown
   */
  readonly dataSourceId?: string;
}

/** The S3 data source of the Knowledge Base. */
export interface KnowledgeBaseDataSourceOptions {
  /**
   * Bucket holding the documents.
   * @default - a new bucket: versioned, SSE-S3, public access blocked, TLS enforced, retained on stack deletion
   */
  readonly bucket?: s3.IBucket;
  /**
   * Only objects under this key prefix are ingested (the API accepts one prefix, up to 300 characters).
   * @default - the whole bucket
   */
  readonly inclusionPrefix?: string;
  /**
   * How documents are split before embedding.
   * @default Chunking.DEFAULT (fixed size, 300 tokens, 20% overlap)
   */
  readonly chunking?: Chunking;
  /**
   * Description of the data source (1–200 characters).
   * @default - none
   */
  readonly description?: string;
}

/** Start an ingestion job on every deployment that changes the content. */
export interface SyncOnDeployOptions {
  /**
   * Wait until the ingestion job finishes (the deployment fails if it fails). When false the custom resource returns
   * as soon as the job has started.
   * @default false
   */
  readonly waitForCompletion?: boolean;
  /**
   * Upper bound on the wait (only with `waitForCompletion`): whole seconds, at least `queryInterval`, a whole multiple
   * of it, and at most 58 minutes (CloudFormation gives a custom resource at most one hour, and the start step may
   * take up to 2 minutes of it). Ingestion of a large corpus can take longer: then keep `waitForCompletion` false.
   * @default Duration.minutes(30)
   */
  readonly totalTimeout?: Duration;
  /**
   * Poll interval while waiting (only with `waitForCompletion`): whole seconds, at least 1 second, dividing
   * `totalTimeout` evenly.
   * @default Duration.seconds(30)
   */
  readonly queryInterval?: Duration;
  /**
   * A value that changes when the content changes (for example an asset hash); a new value starts a new ingestion job.
   * @default - only `contentDeployments` and the data source decide when to re-sync
   */
  readonly contentHash?: string;
  /**
   * Deployments that upload the documents: the sync runs after them and again whenever their content changes
   * (their source object keys are content hashes, so they must keep `outputObjectKeys` enabled, the default). For a
   * deployment into the bucket this construct creates (`kb.dataBucket`), which can only be made after the
   * constructor, use `kb.addContentDeployment(deployment)`.
   * @default - none
   */
  readonly contentDeployments?: s3deploy.BucketDeployment[];
}

/** Properties of `KnowledgeBase`. */
export interface KnowledgeBaseProps {
  /**
   * The embeddings model: a pinned model that Knowledge Bases support per the catalog (or one declared with
   * `custom: { knowledgeBaseSupported: true, embeddingDimensions: [...] }`).
   * @default - Amazon Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`)
   */
  readonly embeddingModel?: BedrockModel;
  /**
   * Vector dimension; one the model supports (Titan V2: 256, 512, 1024; Titan V1: 1536).
   * @default - the model's sourced default dimension (1024 for Titan V2)
   */
  readonly dimensions?: number;
  /**
   * Where vectors are stored.
   * @default VectorStore.s3Vectors()
   */
  readonly vectorStore?: VectorStore;
  /**
   * The S3 data source.
   * @default - a new documents bucket, whole bucket, default chunking
   */
  readonly dataSource?: KnowledgeBaseDataSourceOptions;
  /**
   * Name of the Knowledge Base (1–100 letters, digits, single `-`/`_` between them).
   * @default - derived from the construct path plus a hash of the settings whose change replaces the Knowledge Base
   */
  readonly knowledgeBaseName?: string;
  /**
   * Description (1–200 characters).
   * @default - none
   */
  readonly description?: string;
  /**
   * Start an ingestion job when the data source or its content changes.
   * @default - no ingestion at deploy time (call StartIngestionJob yourself)
   */
  readonly syncOnDeploy?: SyncOnDeployOptions;
  /**
   * Removal policy of the documents bucket the construct creates.
   * @default RemovalPolicy.RETAIN
   */
  readonly dataBucketRemovalPolicy?: RemovalPolicy;
  /**
   * Bucket for S3 server access logs of the documents bucket the construct creates.
   * @default - no server access logs (the cdk-nag finding AwsSolutions-S1 is acknowledged with the reason)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

abstract class KnowledgeBaseBase extends Resource implements IKnowledgeBase {
  public abstract readonly knowledgeBaseId: string;
  public abstract readonly knowledgeBaseArn: string;
  public abstract readonly dataSourceId?: string;

  public grantRetrieve(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: KB_RETRIEVE_ACTIONS, resourceArns: [this.knowledgeBaseArn] });
  }

  public grantRetrieveAndGenerate(grantee: iam.IGrantable, model: BedrockModel): iam.Grant {
    // bedrock:RetrieveAndGenerate has no resource type, so it can only be granted on "*": in a policy of its own on the
    // grantee's identity, acknowledged for cdk-nag there only.
    const rag = grantOnWildcard({
      grantee,
      actions: KB_RETRIEVE_AND_GENERATE_ACTIONS,
      policyId: RAG_POLICY_ID,
      reason: 'bedrock:RetrieveAndGenerate has no resource type in the IAM Service Authorization Reference, so it can '
        + 'only be granted on "*"; this policy holds only that statement, and access is still limited by '
        + 'bedrock:Retrieve on the one Knowledge Base ARN and invoke permission on the one generation model, both '
        + 'granted alongside.',
    });
    // RetrieveAndGenerate (not the Stream variant) calls the model with the caller's InvokeModel permission only.
    return rag.combine(this.grantRetrieve(grantee)).combine(model.grantInvoke(grantee, { responseStream: false }));
  }

  public grantStartIngestion(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: KB_INGESTION_ACTIONS, resourceArns: [this.knowledgeBaseArn] });
  }
}

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
  /** The sync custom resource (when syncOnDeploy is set). */
  private sync?: CustomResource;
  private readonly contentDeployments: s3deploy.BucketDeployment[] = [];

  constructor(scope: Construct, id: string, props: KnowledgeBaseProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const model = props.embeddingModel ?? BedrockModel.of(DEFAULT_EMBEDDING_MODEL_ID);
    this.embeddingModel = model;
    const vectorStore = props.vectorStore ?? VectorStore.s3Vectors();
    const chunking = props.dataSource?.chunking ?? Chunking.DEFAULT;

    // 1. Generic model rules (pinned, known, offered in the Region, lifecycle) — the core policy.
    model.validate(this);
    const modelErrors = model.evaluate(this).filter((f) => f.level === 'error').map((f) => `embeddingModel: ${f.message}`);
    if (modelErrors.length > 0) {
      throw new BedrockValidationError('InvalidEmbeddingModel', modelErrors.join('\n'), this);
    }
    // 2. Knowledge-Base-specific model rules and dimensions.
    const errors: string[] = [];
    this.dimensions = this.checkEmbeddingModel(model, props.dimensions, errors);
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
      Annotations.of(this).addWarningV2(`cdk-bedrock-foundation:knowledgeBase${w.code}`, w.message);
    }

    const baseName = props.knowledgeBaseName ?? generatedName(this, 80, [
      model.modelId, String(this.dimensions), vectorStore.storageType,
    ]);
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
    this.cfnKnowledgeBase.node.addDependency(this.role, ...binding.dependables);
    this.knowledgeBaseId = this.cfnKnowledgeBase.attrKnowledgeBaseId;
    this.knowledgeBaseArn = this.cfnKnowledgeBase.attrKnowledgeBaseArn;

    const renderedChunking = chunking._render();
    // A chunking change replaces the data source; a new name avoids the "already exists" conflict on replacement.
    const dsName = generatedName(this, 80, [JSON.stringify(renderedChunking)], 'DataSource');
    this.cfnDataSource = new bedrock.CfnDataSource(this, 'DataSource', {
      knowledgeBaseId: this.knowledgeBaseId,
      name: dsName,
      description: props.dataSource?.description,
      dataDeletionPolicy: 'DELETE',
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

    if (props.syncOnDeploy) this.addSync(props.syncOnDeploy);
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
    checkContentDeployment(this, deployment);
    if (this.contentDeployments.includes(deployment)) return;
    this.contentDeployments.push(deployment);
    this.sync.node.addDependency(deployment);
  }

  private checkEmbeddingModel(model: BedrockModel, dimensionsProp: number | undefined, errors: string[]): number {
    const id = model.modelId;
    const example = `BedrockModel.of('${DEFAULT_EMBEDDING_MODEL_ID}')`;
    if (model.isEmbeddingModel === false) {
      errors.push(`embeddingModel: '${id}' is not an embeddings model (its output is `
        + `${(model.outputModalities ?? []).join(', ') || 'not embeddings'}); a Knowledge Base needs an embeddings model `
        + `such as ${example}.`);
      return dimensionsProp ?? 0;
    }
    const kb = model.record?.knowledgeBase ?? undefined;
    const declared = model.custom?.knowledgeBaseSupported === true;
    if (kb?.supported === true) {
      // Sourced support.
    } else if (declared) {
      Annotations.of(this).addWarningV2('cdk-bedrock-foundation:knowledgeBaseModelDeclared',
        `embeddingModel: Knowledge Base support of '${id}' is ${kb ? 'refused by the catalog' : 'not sourced'}; `
        + 'you declared it with custom.knowledgeBaseSupported, so the deployment is the test.');
    } else if (kb?.supported === false) {
      const weak = kb.basis === 'cdkFlag'
        ? ' That answer is weak: it only reflects the CDK libraries\' supportsKnowledgeBase flag, not an AWS page;'
          + ' if AWS documents support for it, declare it with BedrockModel.of(id, { custom: { knowledgeBaseSupported: true,'
          + ' embeddingDimensions: [...] } }).'
        : '';
      errors.push(`embeddingModel: '${id}' is not supported as the embeddings model of a Knowledge Base per the `
        + `catalog (${kb.sources.join('; ')}).${weak} Use a supported embeddings model such as ${example}.`);
    } else {
      errors.push(`embeddingModel: no source says whether '${id}' can be the embeddings model of a Knowledge Base. `
        + `Use a model the catalog lists as supported (e.g. ${example}), or declare it: BedrockModel.of('${id}', `
        + '{ custom: { knowledgeBaseSupported: true, embeddingDimensions: [<dims>] } }).');
    }
    const region = Stack.of(this).region;
    if (kb?.supported === true && kb.regions && !Token.isUnresolved(region) && !kb.regions.includes(region)
      && !declared) {
      errors.push(`embeddingModel: '${id}' is not listed as a Knowledge Base embeddings model in ${region} (sourced `
        + `Regions: ${kb.regions.join(', ')}); deploy to one of those Regions, choose another model, or declare `
        + 'custom: { knowledgeBaseSupported: true } if AWS now supports it there.');
    }
    if (kb?.vectorTypes && !kb.vectorTypes.includes('FLOAT32')) {
      errors.push(`embeddingModel: '${id}' supports only ${kb.vectorTypes.join(', ')} vectors in a Knowledge Base; `
        + 'this construct stores FLOAT32 vectors.');
    }
    // Sourced dimensions win: `custom` only fills facts the catalog lacks, it never overrides them.
    const sourced = (kb?.supported ? kb.dimensions ?? undefined : undefined) ?? model.record?.embedding?.dimensions
      ?? undefined;
    const custom = model.custom?.embeddingDimensions;
    if (sourced && sourced.length > 0 && custom) {
      const contradicting = custom.filter((d) => !Token.isUnresolved(d) && !sourced.includes(d));
      if (contradicting.length > 0) {
        errors.push(`embeddingModel: custom.embeddingDimensions [${custom.join(', ')}] of '${id}' contradicts its `
          + `sourced Knowledge Base dimensions (${sourced.join(', ')}): ${contradicting.join(', ')} is not among them. `
          + 'custom only declares facts the catalog lacks; drop custom.embeddingDimensions and use one of the sourced '
          + 'dimensions, or a model that has the dimension you need.');
      }
    }
    const supported = (sourced && sourced.length > 0 ? sourced : undefined) ?? custom;
    if (!supported || supported.length === 0) {
      if (dimensionsProp === undefined) {
        errors.push(`dimensions: the vector dimensions of '${id}' are not sourced; pass dimensions and declare them with `
          + `BedrockModel.of('${id}', { custom: { embeddingDimensions: [<dims>] } }).`);
        return 0;
      }
      return dimensionsProp;
    }
    if (dimensionsProp !== undefined) {
      if (!Token.isUnresolved(dimensionsProp) && !supported.includes(dimensionsProp)) {
        errors.push(`dimensions: ${dimensionsProp} is not a dimension '${id}' supports in a Knowledge Base `
          + `(supported: ${supported.join(', ')}); use one of those, or a model with ${dimensionsProp} dimensions.`);
      }
      return dimensionsProp;
    }
    const def = model.defaultEmbeddingDimension;
    return def !== undefined && supported.includes(def) ? def : supported[supported.length - 1];
  }

  private createDataBucket(props: KnowledgeBaseProps): s3.Bucket {
    const bucket = new s3.Bucket(this, 'DataBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      removalPolicy: props.dataBucketRemovalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
    });
    if (!props.serverAccessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Server access logs were not requested for the Knowledge Base documents bucket (pass '
          + 'serverAccessLogsBucket to enable them); the bucket is private, TLS-only, versioned and read only by the '
          + 'Knowledge Base role, and CloudTrail data events can audit object access without a second bucket.',
      });
    }
    return bucket;
  }

  private addSync(options: SyncOnDeployOptions): void {
    const wait = options.waitForCompletion ?? false;
    const totalTimeout = options.totalTimeout ?? DEFAULT_SYNC_TIMEOUT;
    const queryInterval = options.queryInterval ?? DEFAULT_QUERY_INTERVAL;
    const mode = wait ? `Wait${waitModeId(totalTimeout, queryInterval)}` : '';
    const provider = sharedHandlerProvider(Stack.of(this), {
      id: `CdkBedrockFoundationKbSync${mode}`,
      handler: 'kb-sync',
      description: 'Starts (and optionally waits for) Bedrock Knowledge Base ingestion jobs on deployment',
      timeout: SYNC_HANDLER_TIMEOUT,
      isComplete: wait ? { queryInterval, totalTimeout } : undefined,
    });
    const grant = this.grantStartIngestion(provider.handlerRole);
    // The handler tells a rollback Update from a normal one by the stack's status (this stack only), so that a sync
    // never fails a rollback.
    grantStackStatus(provider.handlerRole);
    // CloudFormation cannot change a custom resource's ServiceToken in place, so each provider (mode, timeout,
    // interval) gets its own logical ID: switching modes creates a new sync resource and deletes the old one.
    const sync = new CustomResource(this, `Sync${mode}`, {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::BedrockKnowledgeBaseSync',
      properties: {
        KnowledgeBaseId: this.knowledgeBaseId,
        DataSourceId: this.dataSourceId,
        WaitForCompletion: wait ? 'true' : 'false',
        ContentHash: options.contentHash ?? '',
        // Source object keys of a BucketDeployment are content hashes: new content -> new keys -> a new sync.
        // Lazy, so that addContentDeployment() after the constructor still counts.
        ContentObjectKeys: Lazy.list({
          produce: () => this.contentDeployments.map((d) => Fn.join(',', d.objectKeys)),
        }),
      },
    });
    sync.node.addDependency(this.cfnDataSource, provider.policyDependable);
    grant.applyBefore(sync);
    this.sync = sync;
    for (const d of options.contentDeployments ?? []) this.addContentDeployment(d);
  }
}

/** A content deployment must output its object keys: the sync re-runs when they change. */
function checkContentDeployment(scope: IConstruct, deployment: s3deploy.BucketDeployment): void {
  const cfn = deployment.node.tryFindChild('CustomResource')?.node.defaultChild;
  const props = (cfn as unknown as { _cfnProperties?: Record<string, unknown> } | undefined)?._cfnProperties;
  if (props?.OutputObjectKeys === false) {
    throw new BedrockValidationError('ContentDeploymentWithoutKeys', `content deployment ${deployment.node.path} `
      + 'has outputObjectKeys: false; the Knowledge Base sync reads its SourceObjectKeys to re-run when the content '
      + 'changes. Remove outputObjectKeys: false from that BucketDeployment (or leave it out of the sync and pass '
      + 'syncOnDeploy.contentHash instead).', scope);
  }
}

/** The role, user or group construct behind a grantee (a Function's role, the role itself, ...), if any. */
const RAG_POLICY_ID = 'BedrockRetrieveAndGeneratePolicy';

/** How cdk-nag prints a resource string in a finding ID (tokens become `<LogicalId.Attr>`). */
function nagResourceString(scope: IConstruct, value: string): string {
  const resolved = Stack.of(scope).resolve(value);
  return renderIntrinsic(resolved);
}

function renderIntrinsic(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(renderIntrinsic).join(sep);
    }
    if ('Ref' in o) return `<${o.Ref}>`;
    if ('Fn::GetAtt' in o) {
      const [res, attr] = o['Fn::GetAtt'] as [string, string];
      return `<${res}.${attr}>`;
    }
  }
  return JSON.stringify(v);
}

/** `<path-derived base>-<hash of the inputs>`: letters, digits and single hyphens, at most `max` characters. */
function generatedName(scope: IConstruct, max: number, inputs: string[], suffix?: string): string {
  const path = scope.node.path.split('/').concat(suffix ? [suffix] : []).join('-');
  const clean = path.replace(/[^0-9a-zA-Z]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = crypto.createHash('sha256').update(scope.node.path + '|' + inputs.join('|')).digest('hex').slice(0, 8);
  const room = max - hash.length - 1;
  const base = clean.length > room ? clean.slice(clean.length - room).replace(/^-+/, '') : clean;
  return `${base}-${hash}`;
}

function checkName(errors: string[], prop: string, name: string | undefined) {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (!NAME_RE.test(name)) {
    errors.push(`${prop}: '${name}' is not a valid name; use 1–100 letters and digits, with single '-' or '_' only `
      + 'between them (pattern ([0-9a-zA-Z][_-]?){1,100}).');
  }
}

function checkDescription(errors: string[], prop: string, description: string | undefined) {
  if (description === undefined || Token.isUnresolved(description)) return;
  if (description.length < 1 || description.length > MAX_DESCRIPTION) {
    errors.push(`${prop}: is ${description.length} characters; it must be 1–${MAX_DESCRIPTION} characters. `
      + `Shorten it${description.length === 0 ? ' or omit it' : ''}.`);
  }
}

function checkPrefix(errors: string[], prefix: string | undefined) {
  if (prefix === undefined || Token.isUnresolved(prefix)) return;
  if (prefix.length < 1 || prefix.length > MAX_PREFIX) {
    errors.push(`dataSource.inclusionPrefix: '${prefix.slice(0, 40)}${prefix.length > 40 ? '…' : ''}' is `
      + `${prefix.length} characters; it must be 1–${MAX_PREFIX}. Omit it to ingest the whole bucket.`);
  } else if (prefix.startsWith('/')) {
    errors.push(`dataSource.inclusionPrefix: '${prefix}' starts with '/'; S3 keys have no leading slash, so nothing `
      + `would match. Write '${prefix.replace(/^\/+/, '')}'.`);
  } else if (prefix.includes('*')) {
    errors.push(`dataSource.inclusionPrefix: '${prefix}' contains '*'; it is a literal key prefix, not a pattern. `
      + `Write the prefix up to the wildcard ('${prefix.split('*')[0]}').`);
  }
}

function checkSync(errors: string[], sync: SyncOnDeployOptions | undefined) {
  if (!sync) return;
  if (sync.totalTimeout && !sync.waitForCompletion) {
    errors.push('syncOnDeploy.totalTimeout only applies with waitForCompletion: true; set waitForCompletion or drop '
      + 'totalTimeout.');
  }
  if (sync.queryInterval && !sync.waitForCompletion) {
    errors.push('syncOnDeploy.queryInterval only applies with waitForCompletion: true; set waitForCompletion or drop '
      + 'queryInterval.');
  }
  if (!sync.waitForCompletion) return;
  const total = sync.totalTimeout ?? DEFAULT_SYNC_TIMEOUT;
  const interval = sync.queryInterval ?? DEFAULT_QUERY_INTERVAL;
  const maxHuman = Duration.seconds(MAX_SYNC_TIMEOUT_SECONDS).toHumanString();
  const totalOk = isResolvedDuration(total) && checkWholeSeconds(errors, 'totalTimeout', total,
    `whole seconds from 1 second to ${maxHuman}, e.g. Duration.minutes(30)`);
  const intervalOk = isResolvedDuration(interval) && checkWholeSeconds(errors, 'queryInterval', interval,
    'whole seconds of at least 1 second, e.g. Duration.seconds(30)');
  if (totalOk && total.toSeconds() > MAX_SYNC_TIMEOUT_SECONDS) {
    errors.push(`syncOnDeploy.totalTimeout: ${total.toHumanString()} is too long; CloudFormation gives a custom `
      + `resource at most ${CFN_CUSTOM_RESOURCE_MAX_SECONDS} seconds (1 hour) and the start step may take up to `
      + `${SYNC_HANDLER_TIMEOUT.toHumanString()} of it, so the wait may be at most ${maxHuman} `
      + `(Duration.minutes(${MAX_SYNC_TIMEOUT_SECONDS / 60})). For longer ingestions use waitForCompletion: false.`);
  }
  if (totalOk && intervalOk) {
    const t = total.toSeconds();
    const q = interval.toSeconds();
    if (q > t) {
      errors.push(`syncOnDeploy.queryInterval: ${interval.toHumanString()} is longer than totalTimeout `
        + `(${total.toHumanString()}); use an interval of at most totalTimeout that divides it evenly.`);
    } else if (t % q !== 0) {
      errors.push(`syncOnDeploy.queryInterval: ${interval.toHumanString()} does not divide totalTimeout `
        + `(${total.toHumanString()} = ${t} s) evenly, so the number of polls is not whole; use a divisor of ${t} s `
        + `(e.g. ${nearDivisors(t, q).map((d) => `Duration.seconds(${d})`).join(' or ')}) or change totalTimeout.`);
    }
  }
}

function isResolvedDuration(d: Duration): boolean {
  return !d.isUnresolved();
}

/** Pushes an error unless `d` is a whole number of seconds of at least 1 second; returns whether it is. */
function checkWholeSeconds(errors: string[], prop: string, d: Duration, allowed: string): boolean {
  const ms = d.toMilliseconds({ integral: false });
  if (ms >= 1000 && ms % 1000 === 0) return true;
  errors.push(`syncOnDeploy.${prop}: ${ms} milliseconds (${d.toHumanString()}) is not allowed; use ${allowed}.`);
  return false;
}

/** The divisors of `total` closest to `wanted` (below and above). */
function nearDivisors(total: number, wanted: number): number[] {
  let below = 1;
  let above = total;
  for (let d = 1; d <= total; d++) {
    if (total % d !== 0) continue;
    if (d <= wanted) below = d;
    if (d >= wanted) { above = d; break; }
  }
  return below === above ? [below] : [below, above];
}

/** Provider ID suffix of a wait mode: `30m30s` (total in minutes when whole, else seconds; interval in seconds). */
function waitModeId(total: Duration, interval: Duration): string {
  const t = total.toSeconds();
  return `${t % 60 === 0 ? `${t / 60}m` : `${t}s`}${interval.toSeconds()}s`;
}
