import { Duration, IResource, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Chunking } from './chunking';
import { VectorStore } from './vector-store';
import { BedrockModel } from '../models/bedrock-model';

/** The default embeddings model: Amazon Titan Text Embeddings V2. */
export const DEFAULT_EMBEDDING_MODEL_ID = 'amazon.titan-embed-text-v2:0';

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
/**
 * What Bedrock does with the vectors a data source ingested when the data source is deleted (or replaced)
 * (AWS::Bedrock::DataSource DataDeletionPolicy: `RETAIN` | `DELETE`).
 */
export enum DataDeletionPolicy {
  /** Bedrock deletes the data source's vectors from the vector store. */
  DELETE = 'DELETE',
  /** The vectors stay in the vector store. */
  RETAIN = 'RETAIN',
}

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
   * @default - `Chunking.DEFAULT` (fixed size, 300 tokens, 20% overlap); for an embeddings model whose sourced input
   * limit is below 300 tokens, fixed size at that limit with 20% overlap (128 tokens for Titan Multimodal Embeddings G1)
   */
  readonly chunking?: Chunking;
  /**
   * Description of the data source (1–200 characters).
   * @default - none
   */
  readonly description?: string;
  /**
   * What Bedrock does with the ingested vectors when the data source is deleted or replaced.
   * @default - follows the vector store's removal policy: `RETAIN` when the store is retained
   * (`RemovalPolicy.RETAIN` / `RETAIN_ON_UPDATE_OR_DELETE`), otherwise `DELETE`
   */
  readonly dataDeletionPolicy?: DataDeletionPolicy;
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
  /**
   * With `waitForCompletion`: fail the deployment when the ingestion job completes with failed documents (their count
   * and first reasons in the error). Otherwise such a job passes with a warning in the handler's log and the
   * resource's `Warning` attribute.
   * @default false
   */
  readonly failOnDocumentFailures?: boolean;
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
  /**
   * Turn on S3 Object Lock on the documents bucket the construct creates (Control Tower CT.S3.PR.9). Object Lock cannot
   * be turned off once on ("After you enable Object Lock on a bucket, you can't disable Object Lock or suspend
   * versioning", S3 user guide, object-lock-configure), so it is opt-in. No default retention is set: objects are
   * protected only when a retention period or legal hold is placed on them.
   * @default false
   */
  readonly dataBucketObjectLock?: boolean;
}
