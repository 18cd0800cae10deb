import * as crypto from 'crypto';
import { Annotations, CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as aoss from 'aws-cdk-lib/aws-opensearchserverless';
import * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import { Construct, IConstruct } from 'constructs';
import {
  AOSS_API_ACCESS_ACTIONS,
  AOSS_INDEX_MANAGER_PERMISSIONS,
  AOSS_KB_COLLECTION_PERMISSIONS,
  AOSS_KB_INDEX_PERMISSIONS,
  S3_VECTORS_KB_ACTIONS,
} from './perms';
import { sharedHandlerProvider } from './private/handler-provider';
import { allowS3VectorsIndexing } from '../compliance/key-policies';
import { envelopeFor } from '../private/envelope';
import { BedrockValidationError } from '../private/errors';

/**
 * Similarity metric of the vector index.
 */
export class DistanceMetric {
  /** Cosine similarity (S3 Vectors `cosine`). */
  public static readonly COSINE = new DistanceMetric('cosine');
  /** Euclidean distance (S3 Vectors `euclidean`, OpenSearch `l2`). */
  public static readonly EUCLIDEAN = new DistanceMetric('euclidean');
  /** Inner product (OpenSearch Serverless only, `innerproduct`). */
  public static readonly INNER_PRODUCT = new DistanceMetric('innerproduct');

  private constructor(
    /** The metric's name. */
    public readonly name: string,
  ) {}
}

/*
 * S3 Vectors facts (lib/catalog/data/s3-vectors.md):
 * - total metadata per vector 40 KB, filterable metadata 2 KB (AWS_DOC_S3V_LIMITS)
 * - nonFilterableMetadataKeys: 1..10 keys, each 1..63 characters, immutable (AWS_DOC_S3V_API_METADATACONFIG)
 * - dimension 1..4096 (AWS_DOC_S3V_LIMITS); dataType float32 only (SDK_S3VECTORS)
 * - Bedrock writes the chunk text under AMAZON_BEDROCK_TEXT and its metadata under AMAZON_BEDROCK_METADATA; the
 *   text key must be non-filterable or chunks over 2 KB fail (S3V_KB_KEYS_SECONDARY)
 * - Regions: only partly sourced (5 preview Regions + 6 named GA Regions, S3V_PREVIEW_REGIONS / S3V_GA_SECONDARY)
 */
/** Total metadata bytes per vector (40 KB). */
export const S3_VECTORS_MAX_METADATA_BYTES = 40 * 1024;
/** Filterable metadata bytes per vector (2 KB). */
export const S3_VECTORS_MAX_FILTERABLE_METADATA_BYTES = 2 * 1024;
/** Metadata keys Bedrock writes that must be non-filterable. */
export const S3_VECTORS_BEDROCK_KEYS = ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'];
/** The Regions where a source names S3 Vectors as available (the GA list of 14 is not fully sourced). */
export const S3_VECTORS_SOURCED_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const S3_VECTORS_MAX_NON_FILTERABLE_KEYS = 10;
const S3_VECTORS_MAX_DIMENSION = 4096;

/** Options of the S3 Vectors store. */
export interface S3VectorsStoreOptions {
  /**
   * Similarity metric of the index (`cosine` or `euclidean`; fixed at creation).
   * @default DistanceMetric.COSINE
   */
  readonly distanceMetric?: DistanceMetric;
  /**
   * Extra metadata keys (from your `*.metadata.json` sidecars) to store as non-filterable. The Bedrock keys
   * `AMAZON_BEDROCK_TEXT` and `AMAZON_BEDROCK_METADATA` are always non-filterable; at most 10 keys in total.
   * @default - only the Bedrock keys
   */
  readonly additionalNonFilterableMetadataKeys?: string[];
  /**
   * Name of the vector bucket (3–63 characters: lowercase letters, digits, hyphens).
   * @default - CloudFormation generates a name
   */
  readonly vectorBucketName?: string;
  /**
   * Name of the vector index (3–63 characters: lowercase letters, digits, dots, hyphens).
   * @default - CloudFormation generates a name
   */
  readonly indexName?: string;
  /**
   * What happens to the vector bucket and index when they leave the stack. The vectors are derived data that a
   * re-sync rebuilds from the documents bucket (which is retained).
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Options of the OpenSearch Serverless store. */
export interface OpenSearchServerlessStoreOptions {
  /**
   * Collection name (3–32 characters: lowercase letters, digits, hyphens; starts with a letter). Also used as the
   * name of its encryption, network and data-access policies.
   * @default - derived from the construct path (`kb-` + a hash)
   */
  readonly collectionName?: string;
  /**
   * Name of the vector index (OpenSearch index naming rules: lowercase, not beginning with `_` or `-`, no spaces,
   * commas or any of `: " * + / \ | ? # > <`).
   * @default bedrock-knowledge-base-default-index
   */
  readonly indexName?: string;
  /**
   * Vector field of the index.
   * @default bedrock-knowledge-base-default-vector
   */
  readonly vectorField?: string;
  /**
   * Text field of the index (the chunk text).
   * @default AMAZON_BEDROCK_TEXT_CHUNK
   */
  readonly textField?: string;
  /**
   * Metadata field of the index.
   * @default AMAZON_BEDROCK_METADATA
   */
  readonly metadataField?: string;
  /**
   * Similarity metric (`euclidean` → `l2`, or `innerproduct`; the faiss engine).
   * @default DistanceMetric.EUCLIDEAN
   */
  readonly distanceMetric?: DistanceMetric;
  /**
   * HNSW graph degree `m`.
   * @default 16
   */
  readonly hnswM?: number;
  /**
   * HNSW `ef_construction`.
   * @default 512
   */
  readonly efConstruction?: number;
  /**
   * HNSW `ef_search` (index setting `knn.algo_param.ef_search`).
   * @default 512
   */
  readonly efSearch?: number;
  /**
   * Standby replicas of the collection (disable only for development: it halves OCU cost and removes redundancy).
   * @default true
   */
  readonly standbyReplicas?: boolean;
  /**
   * What happens to the collection when it leaves the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** What a store needs from the Knowledge Base when binding. @internal */
export interface VectorStoreBindOptions {
  readonly dimensions: number;
  readonly role: iam.IRole;
}

/** What a bound store gives the Knowledge Base. @internal */
export interface VectorStoreBinding {
  readonly storageConfiguration: bedrock.CfnKnowledgeBase.StorageConfigurationProperty;
  /** Resources the Knowledge Base must be created after. */
  readonly dependables: IConstruct[];
  /** ARN of the store resource (S3 Vectors index ARN, OpenSearch collection ARN). */
  readonly storeArn: string;
  /** Byte budget for a chunk's text in per-vector metadata; undefined = no such limit known. */
  readonly textMetadataByteBudget?: number;
  /** Display name for messages. */
  readonly storeName: string;
  /**
   * The store settings whose change replaces what the Knowledge Base's create-only StorageConfiguration points to
   * (lib/private/data/create-only-paths.json), as a string; empty when all are defaults (so that the generated
   * Knowledge Base names of stacks with default stores stay as they were).
   */
  readonly replacementKey: string;
  /** The store keeps its vectors when it leaves the stack (removal policy RETAIN or RETAIN_ON_UPDATE_OR_DELETE). */
  readonly retained: boolean;
}

/**
 * Where the Knowledge Base stores its vectors. Use `VectorStore.s3Vectors()` (default) or
 * `VectorStore.openSearchServerless()`.
 */
export abstract class VectorStore {
  /** An Amazon S3 Vectors vector bucket and index (no custom resource; the cheapest store). */
  public static s3Vectors(options: S3VectorsStoreOptions = {}): VectorStore {
    return new S3VectorsStore(options);
  }

  /**
   * An Amazon OpenSearch Serverless VECTORSEARCH collection with its encryption, network and data-access policies
   * and a vector index created by a custom resource.
   */
  public static openSearchServerless(options: OpenSearchServerlessStoreOptions = {}): VectorStore {
    return new OpenSearchServerlessStore(options);
  }

  /** The Knowledge Base storage type (`S3_VECTORS`, `OPENSEARCH_SERVERLESS`). */
  public abstract readonly storageType: string;

  /** Check options that do not need the model. Returns error messages. @internal */
  public abstract _checkOptions(): string[];

  /** @internal */
  public abstract _bind(scope: Construct, options: VectorStoreBindOptions): VectorStoreBinding;
}

class S3VectorsStore extends VectorStore {
  public readonly storageType = 'S3_VECTORS';
  constructor(private readonly options: S3VectorsStoreOptions) { super(); }

  private get nonFilterableKeys(): string[] {
    const extra = this.options.additionalNonFilterableMetadataKeys ?? [];
    return [...new Set([...S3_VECTORS_BEDROCK_KEYS, ...extra])];
  }

  public _checkOptions(): string[] {
    const errors: string[] = [];
    const metric = this.options.distanceMetric ?? DistanceMetric.COSINE;
    if (metric !== DistanceMetric.COSINE && metric !== DistanceMetric.EUCLIDEAN) {
      errors.push(`vectorStore: distanceMetric '${metric.name}' is not supported by S3 Vectors (cosine or euclidean); `
        + 'use DistanceMetric.COSINE or DistanceMetric.EUCLIDEAN.');
    }
    const keys = this.nonFilterableKeys;
    if (keys.length > S3_VECTORS_MAX_NON_FILTERABLE_KEYS) {
      errors.push(`vectorStore: ${keys.length} non-filterable metadata keys (${keys.join(', ')}); S3 Vectors allows at `
        + `most ${S3_VECTORS_MAX_NON_FILTERABLE_KEYS} per index, and 2 are taken by the Bedrock keys. Pass at most `
        + `${S3_VECTORS_MAX_NON_FILTERABLE_KEYS - S3_VECTORS_BEDROCK_KEYS.length} additionalNonFilterableMetadataKeys.`);
    }
    const seen = new Set<string>();
    for (const k of this.options.additionalNonFilterableMetadataKeys ?? []) {
      if (Token.isUnresolved(k)) continue;
      if (S3_VECTORS_BEDROCK_KEYS.includes(k)) continue; // always added; listing it again is harmless
      if (seen.has(k)) {
        errors.push(`vectorStore: additionalNonFilterableMetadataKeys lists '${k}' more than once; the index takes `
          + 'each key once, so a repeated key is most likely a mistake in the list. Remove the duplicate.');
        continue;
      }
      seen.add(k);
      if (k.length < 1 || k.length > 63) {
        errors.push(`vectorStore: non-filterable metadata key '${k}' is ${k.length} characters; S3 Vectors keys must be `
          + '1–63 characters. Shorten it.');
      }
    }
    const bucket = this.options.vectorBucketName;
    if (bucket !== undefined && !Token.isUnresolved(bucket)
      && !(bucket.length >= 3 && bucket.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(bucket))) {
      errors.push(`vectorStore: vectorBucketName '${bucket}' is invalid; a vector bucket name is 3–63 characters of `
        + 'lowercase letters, digits and hyphens, starting and ending with a letter or digit (no dots).');
    }
    const index = this.options.indexName;
    if (index !== undefined && !Token.isUnresolved(index)
      && !(index.length >= 3 && index.length <= 63 && /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(index))) {
      errors.push(`vectorStore: indexName '${index}' is invalid; a vector index name is 3–63 characters of lowercase `
        + 'letters, digits, dots and hyphens, starting and ending with a letter or digit.');
    }
    return errors;
  }

  public _bind(scope: Construct, options: VectorStoreBindOptions): VectorStoreBinding {
    const { dimensions, role } = options;
    if (!Token.isUnresolved(dimensions) && (dimensions < 1 || dimensions > S3_VECTORS_MAX_DIMENSION)) {
      throw new BedrockValidationError('InvalidDimensions', `dimensions: ${dimensions} is outside the S3 Vectors range `
        + `1–${S3_VECTORS_MAX_DIMENSION}; choose a dimension the embeddings model supports within that range.`, scope);
    }
    const region = Stack.of(scope).region;
    if (Token.isUnresolved(region)) {
      Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:S3VectorsRegionUnknown',
        'vectorStore: the stack has no Region (env.region is not set), so whether Amazon S3 Vectors is available '
        + `where it deploys cannot be checked (sourced Regions: ${S3_VECTORS_SOURCED_REGIONS.join(', ')}; S3 Vectors `
        + 'is GA in 14 Regions whose full list is not sourced). Set env.region on the stack, or check the AWS '
        + '"S3 Vectors Regions and quotas" page before deploying.');
    } else if (!S3_VECTORS_SOURCED_REGIONS.includes(region)) {
      Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:S3VectorsRegionNotSourced',
        `vectorStore: no source this library has confirms Amazon S3 Vectors in ${region} (sourced: `
        + `${S3_VECTORS_SOURCED_REGIONS.join(', ')}; S3 Vectors is GA in 14 Regions whose full list is not sourced). `
        + 'Check the AWS "S3 Vectors Regions and quotas" page before deploying, or use VectorStore.openSearchServerless().');
    }
    // Without a name CloudFormation generates a unique one, new on every replacement; a fixed name blocks replacement
    // (CloudFormation AWS::S3Vectors::VectorBucket VectorBucketName: "If you don't specify a name, AWS CloudFormation
    // generates a unique ID ... If you specify a name, you can't perform updates that require replacement").
    for (const [prop, value, what] of [
      ['vectorBucketName', this.options.vectorBucketName, 'the vector bucket (a change of its encryption)'],
      ['indexName', this.options.indexName, 'the index (a change of dimensions, distanceMetric or the non-filterable metadata keys)'],
    ] as const) {
      if (value === undefined) continue;
      Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:NameNotReplacementSafe', `vectorStore: ${prop} '${value}' is `
        + `fixed: a replacement of ${what} would be created under the same name, which fails ("already exists"). Give `
        + `it a new name with such a change, or omit ${prop} to let CloudFormation generate one.`);
    }
    const removalPolicy = this.options.removalPolicy ?? envelopeFor(scope).removalPolicy ?? RemovalPolicy.DESTROY;
    // Under an envelope with a key: SSE-KMS with it, and S3 Vectors may use it (key-policy statement).
    const vectorKey = envelopeFor(scope).encryptionKey;
    if (vectorKey) allowS3VectorsIndexing(scope, vectorKey);
    const vectorBucket = new s3vectors.CfnVectorBucket(scope, 'VectorBucket', {
      vectorBucketName: this.options.vectorBucketName,
      encryptionConfiguration: vectorKey ? { sseType: 'aws:kms', kmsKeyArn: vectorKey.keyArn } : { sseType: 'AES256' },
    });
    vectorBucket.applyRemovalPolicy(removalPolicy);
    const index = new s3vectors.CfnIndex(scope, 'VectorIndex', {
      vectorBucketArn: vectorBucket.attrVectorBucketArn,
      indexName: this.options.indexName,
      dataType: 'float32',
      dimension: dimensions,
      distanceMetric: (this.options.distanceMetric ?? DistanceMetric.COSINE).name,
      metadataConfiguration: { nonFilterableMetadataKeys: this.nonFilterableKeys },
    });
    index.applyRemovalPolicy(removalPolicy);

    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'S3VectorsIndexAccess',
      actions: S3_VECTORS_KB_ACTIONS,
      resources: [index.attrIndexArn],
    }));

    return {
      storageConfiguration: {
        type: this.storageType,
        s3VectorsConfiguration: { indexArn: index.attrIndexArn },
      },
      dependables: [], // the storage configuration references the index
      storeArn: index.attrIndexArn,
      // The chunk text (AMAZON_BEDROCK_TEXT) is non-filterable metadata. Total metadata per vector is at most 40 KB
      // and filterable metadata (Bedrock's filterable keys, the user's sidecar metadata) up to 2 KB of it
      // (AWS_DOC_S3V_LIMITS), so the non-filterable keys have at least 40 KB - 2 KB = 38,912 bytes. The text shares
      // that with AMAZON_BEDROCK_METADATA and any additional non-filterable keys, whose sizes are not sourced: an
      // upper bound for the text, checked against an estimated bytes-per-token ratio (chunking.ts).
      textMetadataByteBudget: S3_VECTORS_MAX_METADATA_BYTES - S3_VECTORS_MAX_FILTERABLE_METADATA_BYTES,
      storeName: 'Amazon S3 Vectors',
      // AWS::S3Vectors::Index create-only: DistanceMetric, IndexName, MetadataConfiguration, VectorBucketName (Dimension
      // is already in the Knowledge Base name's inputs); a new index has a new ARN, replacing the Knowledge Base.
      replacementKey: replacementKey({
        distanceMetric: (this.options.distanceMetric ?? DistanceMetric.COSINE) === DistanceMetric.COSINE ? undefined : this.options.distanceMetric!.name,
        indexName: this.options.indexName,
        vectorBucketName: this.options.vectorBucketName,
        nonFilterable: this.options.additionalNonFilterableMetadataKeys?.length ? this.options.additionalNonFilterableMetadataKeys : undefined,
      }),
      retained: isRetained(removalPolicy),
    };
  }
}

/** The non-default entries of `settings` as a stable string ('' when every entry is undefined). */
function replacementKey(settings: Record<string, unknown>): string {
  const set = Object.entries(settings).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
  return set.length ? JSON.stringify(Object.fromEntries(set)) : '';
}

function isRetained(policy: RemovalPolicy): boolean {
  return policy === RemovalPolicy.RETAIN || policy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
}

/**
 * ServiceTimeout of the OpenSearch index custom resource (AWS::CloudFormation::CustomResource ServiceTimeout: "an
 * integer from 1 to 3600. The default value is 3600 seconds"). Above the handler function's 10-minute timeout.
 */
const OSS_INDEX_SERVICE_TIMEOUT = Duration.minutes(15);

/** Default field names Bedrock's console uses for OpenSearch Serverless stores. */
const OSS_DEFAULTS = {
  indexName: 'bedrock-knowledge-base-default-index',
  vectorField: 'bedrock-knowledge-base-default-vector',
  textField: 'AMAZON_BEDROCK_TEXT_CHUNK',
  metadataField: 'AMAZON_BEDROCK_METADATA',
};

/** Collection names: 3–32 characters, `[a-z][a-z0-9-]+` (AWS::OpenSearchServerless::Collection Name). */
const OSS_NAME_RE = /^[a-z][a-z0-9-]{2,31}$/;
/** Max dimension of the faiss engine's knn_vector (OpenSearch k-NN documentation: 16,000). */
const OSS_MAX_DIMENSION = 16000;

class OpenSearchServerlessStore extends VectorStore {
  public readonly storageType = 'OPENSEARCH_SERVERLESS';
  constructor(private readonly options: OpenSearchServerlessStoreOptions) { super(); }

  public _checkOptions(): string[] {
    const errors: string[] = [];
    const metric = this.options.distanceMetric ?? DistanceMetric.EUCLIDEAN;
    if (metric === DistanceMetric.COSINE) {
      errors.push('vectorStore: distanceMetric \'cosine\' is not offered for the OpenSearch Serverless store (faiss '
        + 'engine: l2 or innerproduct); use DistanceMetric.EUCLIDEAN (normalized embeddings such as Titan V2 rank the '
        + 'same as cosine) or DistanceMetric.INNER_PRODUCT.');
    }
    const name = this.options.collectionName;
    if (name !== undefined && !Token.isUnresolved(name) && !OSS_NAME_RE.test(name)) {
      errors.push(`vectorStore: collectionName '${name}' is invalid; use 3–32 characters of lowercase letters, digits `
        + 'and hyphens, starting with a letter.');
    }
    errors.push(...checkOssIndexName(this.options.indexName));
    errors.push(...checkOssFieldNames({
      vectorField: this.options.vectorField ?? OSS_DEFAULTS.vectorField,
      textField: this.options.textField ?? OSS_DEFAULTS.textField,
      metadataField: this.options.metadataField ?? OSS_DEFAULTS.metadataField,
    }));
    for (const [prop, value, min, max] of [
      ['hnswM', this.options.hnswM, 2, 100],
      ['efConstruction', this.options.efConstruction, 2, 4096],
      ['efSearch', this.options.efSearch, 2, 4096],
    ] as Array<[string, number | undefined, number, number]>) {
      if (value === undefined || Token.isUnresolved(value)) continue;
      if (!Number.isInteger(value) || value < min || value > max) {
        errors.push(`vectorStore: ${prop} must be an integer from ${min} to ${max}; got ${value}.`);
      }
    }
    return errors;
  }

  public _bind(scope: Construct, options: VectorStoreBindOptions): VectorStoreBinding {
    const { dimensions, role } = options;
    if (!Token.isUnresolved(dimensions) && (dimensions < 1 || dimensions > OSS_MAX_DIMENSION)) {
      throw new BedrockValidationError('InvalidDimensions', `dimensions: ${dimensions} is outside the OpenSearch faiss `
        + `range 1–${OSS_MAX_DIMENSION}.`, scope);
    }
    const stack = Stack.of(scope);
    // The generated name changes with the collection's create-only StandbyReplicas (and with nothing else the library
    // sets: Type is constant), so a replaced collection, and the policies named after it, never collide with the old
    // ones. The default (ENABLED) hashes the path alone: default stores keep their names.
    const standby = (this.options.standbyReplicas ?? true) ? '' : '|standbyReplicas=DISABLED';
    const name = this.options.collectionName
      ?? `kb-${crypto.createHash('sha256').update(scope.node.path + standby).digest('hex').slice(0, 12)}`;
    if (this.options.collectionName !== undefined) {
      Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:NameNotReplacementSafe', `vectorStore: collectionName `
        + `'${this.options.collectionName}' is fixed: a change of standbyReplicas replaces the collection (and its policies, `
        + 'named after it), and the replacement would be created under the same name, which fails ("already exists"). '
        + 'Give it a new name with such a change, or omit collectionName to get a generated name that changes with it.');
    }
    const removalPolicy = this.options.removalPolicy ?? envelopeFor(scope).removalPolicy ?? RemovalPolicy.DESTROY;
    const collectionResource = `collection/${name}`;

    const envelope = envelopeFor(scope);
    const encryption = new aoss.CfnSecurityPolicy(scope, 'CollectionEncryptionPolicy', envelope.encryptionKey ? {
      name,
      type: 'encryption',
      description: 'Encryption at rest with the compliance envelope\'s customer managed key for the Knowledge Base collection',
      policy: stack.toJsonString({ Rules: [{ ResourceType: 'collection', Resource: [collectionResource] }], AWSOwnedKey: false,
        KmsARN: envelope.encryptionKey.keyArn }),
    } : {
      name,
      type: 'encryption',
      description: 'Encryption at rest with an AWS owned key for the Knowledge Base collection',
      policy: JSON.stringify({ Rules: [{ ResourceType: 'collection', Resource: [collectionResource] }], AWSOwnedKey: true }),
    });
    const network = new aoss.CfnSecurityPolicy(scope, 'CollectionNetworkPolicy', {
      name,
      type: 'network',
      description: 'Knowledge Base collection endpoint; every request still needs IAM + data-access-policy auth',
      policy: envelope.openSearchVpcEndpointIds ? stack.toJsonString([{
        Rules: [{ ResourceType: 'collection', Resource: [collectionResource] }],
        AllowFromPublic: false,
        SourceVPCEs: envelope.openSearchVpcEndpointIds,
        SourceServices: ['bedrock.amazonaws.com'],
      }]) : JSON.stringify([{
        Rules: [{ ResourceType: 'collection', Resource: [collectionResource] }],
        AllowFromPublic: true,
      }]),
    });
    const collection = new aoss.CfnCollection(scope, 'Collection', {
      name,
      type: 'VECTORSEARCH',
      description: 'Vector store of a Bedrock Knowledge Base',
      standbyReplicas: (this.options.standbyReplicas ?? true) ? 'ENABLED' : 'DISABLED',
    });
    collection.node.addDependency(encryption, network);
    collection.applyRemovalPolicy(removalPolicy);
    // A retained collection stays usable only with its encryption, network and data-access policies: they are retained
    // with it (only then: the templates of stores that are destroyed stay as they were).
    const retainPolicy = (policy: aoss.CfnSecurityPolicy | aoss.CfnAccessPolicy) => {
      if (isRetained(removalPolicy)) policy.applyRemovalPolicy(removalPolicy);
    };
    retainPolicy(encryption);
    retainPolicy(network);

    const indexName = this.options.indexName ?? OSS_DEFAULTS.indexName;
    const vectorField = this.options.vectorField ?? OSS_DEFAULTS.vectorField;
    const textField = this.options.textField ?? OSS_DEFAULTS.textField;
    const metadataField = this.options.metadataField ?? OSS_DEFAULTS.metadataField;

    // One index-manager function per stack; its role is admitted to this collection by the data-access policy.
    const provider = sharedHandlerProvider(stack, {
      id: 'CdkBedrockFoundationOssIndex',
      handler: 'oss-index',
      description: 'Creates and deletes OpenSearch Serverless vector indexes for Bedrock Knowledge Bases',
      timeout: Duration.minutes(10),
    });
    const managerRole = provider.handlerRole;
    managerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: AOSS_API_ACCESS_ACTIONS,
      resources: [collection.attrArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'OpenSearchServerlessAccess',
      actions: AOSS_API_ACCESS_ACTIONS,
      resources: [collection.attrArn],
    }));

    const access = new aoss.CfnAccessPolicy(scope, 'CollectionAccessPolicy', {
      name,
      type: 'data',
      description: 'Knowledge Base role: read/write documents; index custom resource: manage the vector index',
      policy: stack.toJsonString([
        {
          Description: 'Bedrock Knowledge Base service role',
          Rules: [
            { ResourceType: 'collection', Resource: [collectionResource], Permission: AOSS_KB_COLLECTION_PERMISSIONS },
            { ResourceType: 'index', Resource: [`index/${name}/*`], Permission: AOSS_KB_INDEX_PERMISSIONS },
          ],
          Principal: [role.roleArn],
        },
        {
          Description: 'Vector index custom resource',
          Rules: [
            { ResourceType: 'index', Resource: [`index/${name}/*`], Permission: AOSS_INDEX_MANAGER_PERMISSIONS },
          ],
          Principal: [managerRole.roleArn],
        },
      ]),
    });

    retainPolicy(access);

    const indexResource = new CustomResource(scope, 'VectorIndex', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::OpenSearchServerlessVectorIndex',
      // CloudFormation waits at most this long for an answer instead of its one-hour default; the handler gives up on
      // its retries after OSS_MAX_WAIT_MS (5 minutes) and its function times out after 10.
      serviceTimeout: OSS_INDEX_SERVICE_TIMEOUT,
      properties: {
        // Delete keeps the index when the store is retained (only set then: existing templates are unchanged).
        ...(isRetained(removalPolicy) ? { Retain: 'true' } : {}),
        Endpoint: collection.attrCollectionEndpoint,
        IndexName: indexName,
        // One JSON string: CloudFormation would turn numbers in nested properties into strings.
        IndexBody: stack.toJsonString(ossIndexBody({
          dimensions,
          vectorField,
          textField,
          metadataField,
          spaceType: (this.options.distanceMetric ?? DistanceMetric.EUCLIDEAN) === DistanceMetric.INNER_PRODUCT
            ? 'innerproduct' : 'l2',
          m: this.options.hnswM ?? 16,
          efConstruction: this.options.efConstruction ?? 512,
          efSearch: this.options.efSearch ?? 512,
        })),
      },
    });
    indexResource.node.addDependency(access, provider.handlerRole); // Endpoint references the collection

    return {
      storageConfiguration: {
        type: this.storageType,
        opensearchServerlessConfiguration: {
          collectionArn: collection.attrArn,
          vectorIndexName: indexName,
          fieldMapping: { vectorField, textField, metadataField },
        },
      },
      dependables: [indexResource, access],
      storeArn: collection.attrArn,
      storeName: 'Amazon OpenSearch Serverless',
      // StorageConfiguration (create-only) names the collection ARN, the index name and the field mapping; the
      // collection's create-only StandbyReplicas replaces it (new ARN).
      replacementKey: replacementKey({
        collectionName: this.options.collectionName,
        indexName: indexName === OSS_DEFAULTS.indexName ? undefined : indexName,
        vectorField: vectorField === OSS_DEFAULTS.vectorField ? undefined : vectorField,
        textField: textField === OSS_DEFAULTS.textField ? undefined : textField,
        metadataField: metadataField === OSS_DEFAULTS.metadataField ? undefined : metadataField,
        standbyReplicas: (this.options.standbyReplicas ?? true) ? undefined : 'DISABLED',
      }),
      retained: isRetained(removalPolicy),
    };
  }
}

/*
 * OpenSearch index naming restrictions (Amazon OpenSearch Service developer guide, "Indexing data" → "Naming
 * restrictions for indexes", https://docs.aws.amazon.com/opensearch-service/latest/developerguide/indexing.html; the
 * OpenSearch "Create index" API page says the same): all letters lowercase; cannot begin with `_` or `-`; cannot
 * contain spaces, commas, `:`, `"`, `*`, `+`, `/`, `\`, `|`, `?`, `#`, `>` or `<`.
 */
const OSS_INDEX_FORBIDDEN = /[\s,:"*+/\\|?#><]/;

function checkOssIndexName(name: string | undefined): string[] {
  if (name === undefined || Token.isUnresolved(name)) return [];
  const problems: string[] = [];
  if (name.length === 0) problems.push('it is empty');
  if (name !== name.toLowerCase()) problems.push('it has uppercase letters');
  if (/^[_-]/.test(name)) problems.push(`it begins with '${name[0]}'`);
  const bad = [...new Set([...name].filter((c) => OSS_INDEX_FORBIDDEN.test(c)))];
  if (bad.length > 0) problems.push(`it contains ${bad.map((c) => (c === ' ' ? 'a space' : `'${c}'`)).join(', ')}`);
  if (problems.length === 0) return [];
  const suggestion = name.toLowerCase().replace(/[\s,:"*+/\\|?#><]+/g, '-').replace(/^[_-]+/, '');
  return [`vectorStore: indexName '${name}' is not a valid OpenSearch index name (${problems.join('; ')}). Index `
    + 'names are lowercase, do not begin with \'_\' or \'-\', and contain no spaces, commas or any of : " * + / \\ '
    + `| ? # > <${suggestion ? ` — e.g. '${suggestion}'` : ''}.`];
}

/** Field names of the mapping: non-empty, not blank, and three different fields (one JSON mapping object). */
function checkOssFieldNames(fields: Record<string, string>): string[] {
  const errors: string[] = [];
  for (const [prop, value] of Object.entries(fields)) {
    if (Token.isUnresolved(value)) continue;
    if (value.trim().length === 0) {
      errors.push(`vectorStore: ${prop} '${value}' is empty; OpenSearch rejects an empty field name. Give a field `
        + 'name, or omit the option for the default.');
    } else if (value !== value.trim()) {
      errors.push(`vectorStore: ${prop} '${value}' has leading or trailing white space; write '${value.trim()}'.`);
    }
  }
  const entries = Object.entries(fields).filter(([, v]) => !Token.isUnresolved(v) && v.trim().length > 0);
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      if (entries[i][1] === entries[j][1]) {
        errors.push(`vectorStore: ${entries[i][0]} and ${entries[j][0]} are both '${entries[i][1]}'; the vector, text `
          + 'and metadata fields must be different fields of the index mapping.');
      }
    }
  }
  return errors;
}

/** Inputs of the vector index body. @internal */
export interface OssIndexBodyOptions {
  readonly dimensions: number;
  readonly vectorField: string;
  readonly textField: string;
  readonly metadataField: string;
  readonly spaceType: string;
  readonly m: number;
  readonly efConstruction: number;
  readonly efSearch: number;
}

/**
 * The index creation body: every k-NN setting explicit (faiss engine, hnsw method, space type, m, ef_construction,
 * ef_search), the vector dimension from the Knowledge Base, the text field searchable and the metadata field stored
 * but not indexed. Never the service defaults: Bedrock rejects indexes whose engine is not faiss. @internal
 */
export function ossIndexBody(o: OssIndexBodyOptions): Record<string, unknown> {
  return {
    settings: { index: { 'knn': true, 'knn.algo_param.ef_search': o.efSearch } },
    mappings: {
      properties: {
        [o.vectorField]: {
          type: 'knn_vector',
          dimension: o.dimensions,
          method: {
            name: 'hnsw',
            engine: 'faiss',
            space_type: o.spaceType,
            parameters: { m: o.m, ef_construction: o.efConstruction },
          },
        },
        [o.textField]: { type: 'text', index: true },
        [o.metadataField]: { type: 'text', index: false },
      },
    },
  };
}
