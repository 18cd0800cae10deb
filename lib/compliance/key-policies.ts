import { Annotations, Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

/**
 * Key-policy and grant statements that AWS services need before they can use a customer managed key for what the
 * library creates. Each function says where its statement comes from.
 *
 * A key defined in this app (`kms.Key`) gets the statement in its key policy; an imported key's policy cannot be
 * changed from here, so the function adds a warning to `scope` saying which statement to add, and returns false.
 */

/**
 * The actions CloudWatch Logs needs on a log group's key. CloudWatch Logs user guide, "Encrypt log data in CloudWatch
 * Logs using AWS Key Management Service" (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html),
 * step "Set permissions on the key": principal `logs.<region>.amazonaws.com`, these actions, and the condition
 * `ArnLike` on `kms:EncryptionContext:aws:logs:arn` ("CloudWatch Logs now supports encryption context, using
 * kms:EncryptionContext:aws:logs:arn as the key and the ARN of the log group as the value"). The same statement as
 * ModelInvocationLogging's key policy (lib/logging).
 */
export const CLOUDWATCH_LOGS_KEY_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/** Options of `allowCloudWatchLogs`. */
export interface CloudWatchLogsKeyOptions {
  /**
   * Log groups allowed to use the key (the encryption-context value, `ArnLike`). Naming one log group's own ARN would
   * make the key depend on the log group that depends on the key, so the default is a pattern.
   * @default - every log group of the key's account and Region (`arn:<partition>:logs:<region>:<account>:log-group:*`)
   */
  readonly logGroupArnPattern?: string;
}

/**
 * Lets CloudWatch Logs encrypt log groups with `key`, limited by the log-group encryption context (see
 * `CLOUDWATCH_LOGS_KEY_ACTIONS` for the source). Returns whether the key policy was changed; for an imported key,
 * warns on `scope` with the statement to add.
 */
export function allowCloudWatchLogs(scope: IConstruct, key: kms.IKey, options: CloudWatchLogsKeyOptions = {}): boolean {
  const stack = Stack.of(key);
  const pattern = options.logGroupArnPattern ?? `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`;
  const principal = `logs.${stack.region}.amazonaws.com`;
  const statement = new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsEncryptionContext',
    principals: [new iam.ServicePrincipal(principal)],
    actions: CLOUDWATCH_LOGS_KEY_ACTIONS,
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': pattern } },
  });
  const shown = options.logGroupArnPattern ?? `arn:${readablePartition(key)}:logs:${stack.region}:${stack.account}:log-group:*`;
  return addOrWarn(scope, key, statement, 'EnvelopeLogsKeyPolicy', `CloudWatch Logs cannot encrypt log groups with it until its key `
    + `policy allows ${principal} ${CLOUDWATCH_LOGS_KEY_ACTIONS.join(', ')} on "*" with the condition ArnLike `
    + `kms:EncryptionContext:aws:logs:arn = ${shown}; otherwise creating the log groups fails. Add that statement to the key policy`);
}

/**
 * The service principal S3 Vectors uses to read an SSE-KMS vector bucket or index, and its action:
 * `indexing.s3vectors.amazonaws.com`, `kms:Decrypt` (lib/catalog/data/s3-vectors.md §5, from the cdklabs s3vectors
 * README citing the S3 user guide page `s3-vectors-data-encryption.html`).
 */
export const S3_VECTORS_INDEXING_PRINCIPAL = 'indexing.s3vectors.amazonaws.com';
export const S3_VECTORS_INDEXING_KEY_ACTIONS = ['kms:Decrypt'];

/**
 * Lets S3 Vectors use `key` for a vector bucket or index encrypted with it (see `S3_VECTORS_INDEXING_PRINCIPAL`).
 * The statement is limited to the key's own account with `aws:SourceAccount`. Returns whether the key policy was
 * changed; for an imported key, warns on `scope`.
 */
export function allowS3VectorsIndexing(scope: IConstruct, key: kms.IKey): boolean {
  const stack = Stack.of(key);
  const statement = new iam.PolicyStatement({
    sid: 'AllowS3VectorsIndexing',
    principals: [new iam.ServicePrincipal(S3_VECTORS_INDEXING_PRINCIPAL)],
    actions: S3_VECTORS_INDEXING_KEY_ACTIONS,
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
  });
  return addOrWarn(scope, key, statement, 'EnvelopeS3VectorsKeyPolicy', `S3 Vectors cannot use it for an encrypted vector bucket `
    + `until its key policy allows ${S3_VECTORS_INDEXING_PRINCIPAL} kms:Decrypt; add that statement to the key policy`);
}

/**
 * What a Knowledge Base service role needs on the key that encrypts the data source's transient data during
 * ingestion (`AWS::Bedrock::DataSource` `ServerSideEncryptionConfiguration.KmsKeyArn`). Bedrock user guide,
 * "Encryption of knowledge base resources" (docs.aws.amazon.com/bedrock/latest/userguide/encryption-kb.html),
 * "Encryption of transient data storage during data ingestion": attach `kms:GenerateDataKey` and `kms:Decrypt` on the
 * key to the Amazon Bedrock service role. AWS documents this as an identity statement on the role, not a key-policy
 * statement: it works with a key policy that lets the account's IAM policies grant use of the key (the default key
 * policy of `kms.Key`).
 */
export const KB_TRANSIENT_DATA_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** Grants a Knowledge Base service role the transient-data actions on `key` (see `KB_TRANSIENT_DATA_KEY_ACTIONS`). */
export function grantKnowledgeBaseTransientData(key: kms.IKey, role: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee: role, actions: KB_TRANSIENT_DATA_KEY_ACTIONS, resourceArns: [key.keyArn] });
}

/**
 * Control Tower CT.KMS.PR.3, "Require an AWS KMS key policy to have a statement that limits creation of AWS KMS grants
 * to AWS services" (the rule shipped in @cdklabs/cdk-validator-cfnguard, keymanagementservice/ct-kms-pr-3.guard, and its
 * fix: "a KMS key policy statement that denies access to the 'kms:CreateGrant' operation for all principals when the
 * 'kms:GrantIsForAWSResource' and 'aws:PrincipalIsAWSService' conditions are both false, using the 'BoolIfExists'
 * condition operator"). AWS services that use the key for the library's resources (Lambda environment variables, S3,
 * CloudWatch Logs) create their grants as AWS services, so they keep working.
 */
export function restrictGrantsToAwsServices(scope: IConstruct, key: kms.IKey): boolean {
  const statement = new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
  return addOrWarn(scope, key, statement, 'KeyGrantPolicy', 'Control Tower CT.KMS.PR.3 fails until its key policy denies kms:CreateGrant '
    + 'to every principal under BoolIfExists kms:GrantIsForAWSResource = false and aws:PrincipalIsAWSService = false; add that statement');
}

/** The partition for a message: the imported key ARN's, else the stack's when known, else a placeholder. */
function readablePartition(key: kms.IKey): string {
  if (!Token.isUnresolved(key.keyArn)) return Arn.split(key.keyArn, ArnFormat.SLASH_RESOURCE_NAME).partition ?? '<partition>';
  const partition = Stack.of(key).partition;
  return Token.isUnresolved(partition) ? '<partition>' : partition;
}

function addOrWarn(scope: IConstruct, key: kms.IKey, statement: iam.PolicyStatement, code: string, what: string): boolean {
  const { statementAdded } = key.addToResourcePolicy(statement);
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2(`cdk-bedrock-foundation:${code}`, `The KMS key ${key.keyArn} is imported, so its key policy was not `
      + `changed. ${what} (or pass a kms.Key defined in this app, which gets it automatically).`);
  }
  return statementAdded;
}

/**
 * What CloudWatch alarms need on the key of an SNS topic they publish to: `kms:Decrypt` and `kms:GenerateDataKey*` for
 * the principal `cloudwatch.amazonaws.com` (Amazon SNS developer guide, "Enable compatibility between event sources from
 * AWS services and encrypted topics", docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export const CLOUDWATCH_ALARMS_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];

/**
 * Lets CloudWatch alarms of this account publish to a topic encrypted with `key` (see `CLOUDWATCH_ALARMS_KEY_ACTIONS`),
 * limited with `aws:SourceAccount`. Returns whether the key policy was changed; for an imported key, warns on `scope`.
 */
export function allowCloudWatchAlarms(scope: IConstruct, key: kms.IKey): boolean {
  const stack = Stack.of(key);
  const statement = new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToEncryptedTopics',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: CLOUDWATCH_ALARMS_KEY_ACTIONS,
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
  });
  return addOrWarn(scope, key, statement, 'EnvelopeAlarmTopicKeyPolicy', 'CloudWatch alarms cannot publish to a topic encrypted '
    + 'with it until its key policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*; add that statement to the key policy');
}
