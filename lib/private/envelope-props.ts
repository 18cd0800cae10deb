import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { envelopeFor } from './envelope';

/**
 * The props each kind of resource takes from the compliance envelope in force at a construct (lib/private/envelope.ts).
 * Every field is `undefined` when no envelope sets it, so spreading the result into a constructor's props leaves the
 * template exactly as without an envelope. A construct's own props are applied by the caller and win.
 */

/** Defaults of a log group without an envelope (what the construct created before the envelope existed). */
export interface LogGroupDefaults {
  readonly retention: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
}

/** `retention`, `encryptionKey` and `removalPolicy` of a log group created by `construct`. */
export function envelopeLogGroupProps(construct: IConstruct, defaults: LogGroupDefaults, retention?: logs.RetentionDays)
  : { retention: logs.RetentionDays; encryptionKey?: kms.IKey; removalPolicy?: RemovalPolicy } {
  const e = envelopeFor(construct);
  return {
    retention: retention ?? e.logRetention ?? defaults.retention,
    encryptionKey: e.logGroupKey,
    removalPolicy: e.removalPolicy ?? defaults.removalPolicy,
  };
}

/** Network placement and environment-variable encryption of a function created by `construct`. */
export function envelopeFunctionProps(construct: IConstruct): {
  vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection; securityGroups?: ec2.ISecurityGroup[]; environmentEncryption?: kms.IKey;
} {
  const e = envelopeFor(construct);
  return { vpc: e.vpc, vpcSubnets: e.vpcSubnets, securityGroups: e.securityGroups, environmentEncryption: e.encryptionKey };
}

/** The cdk-nag compliance packs whose rule IDs the acknowledgements below name. */
const PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

function acknowledgeInPacks(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge(...PACKS.map((pack) => ({ id: `${pack}-${rule}`, reason })));
}

/** Reason of the LambdaDLQ acknowledgement on functions that are only invoked synchronously. */
export const SYNC_INVOCATION_DLQ_REASON = 'The function is only invoked synchronously (by its callers through the Lambda API, which '
  + 'wait for the result); a dead-letter queue only receives events of failed asynchronous invocations, so it would never '
  + 'receive anything. Errors reach the caller.';

/** Reason of the IAMNoInlinePolicy acknowledgement on the library's roles. */
export const ROLE_POLICY_REASON = 'The role\'s policy is created with the role for this one construct and names only the '
  + 'resources the construct uses (least privilege); a customer managed policy would carry the same statements as a '
  + 'separate resource attached to this one role, with nothing to share or manage centrally.';

/**
 * Reason of the LambdaDLQ acknowledgement on a custom-resource function that CloudFormation invokes directly
 * (asynchronously, lambda/shared/cfn-response.ts cites it).
 */
export const CUSTOM_RESOURCE_DLQ_REASON = 'CloudFormation invokes this custom-resource function asynchronously, and the function '
  + 'answers every request itself at the request\'s response URL (FAILED with the reason on any error, and before its own timeout), '
  + 'with asynchronous retries set to 0: the outcome of each event reaches CloudFormation, which fails the stack operation on a '
  + 'missing answer after the resource\'s ServiceTimeout. A dead-letter queue would only keep CloudFormation requests whose '
  + 'one-time response URL nothing else answers.';

/**
 * Acknowledges, on a deploy-time custom-resource function (its handler function, role and log group under `scope`), the
 * compliance-pack rules that do not apply to it, each with its reason.
 */
export function acknowledgeDeployTimeProvider(scope: IConstruct): void {
  acknowledgeInPacks(scope, 'LambdaDLQ', CUSTOM_RESOURCE_DLQ_REASON);
  acknowledgeInPacks(scope, 'LambdaConcurrency', 'A deploy-time custom-resource handler runs only while CloudFormation '
    + 'creates, updates or deletes its resources; reserving concurrency would take capacity from the account\'s pool for '
    + 'a function that is idle between deployments, and CloudFormation already serializes the calls per resource.');
  acknowledgeInPacks(scope, 'IAMNoInlinePolicy', ROLE_POLICY_REASON);
}

/** Acknowledges, on an invoker (`scope`: its function, role and log group), the rules that do not apply to it. */
export function acknowledgeInvoker(scope: IConstruct): void {
  acknowledgeInPacks(scope, 'LambdaDLQ', SYNC_INVOCATION_DLQ_REASON);
  acknowledgeInPacks(scope, 'IAMNoInlinePolicy', ROLE_POLICY_REASON);
}

/** Acknowledges IAMNoInlinePolicy on a role (or a scope of roles) of the library. */
export function acknowledgeRolePolicies(scope: IConstruct): void {
  acknowledgeInPacks(scope, 'IAMNoInlinePolicy', ROLE_POLICY_REASON);
}

/**
 * Days after which an object version that is no longer current expires, in the buckets the library creates under an
 * envelope (Control Tower CT.S3.PR.3 and PR.6 ask versioned buckets for such a lifecycle rule). A design choice of the
 * library, matching the one-year log retention Control Tower asks of log groups; pass your own bucket to choose another.
 */
export const NONCURRENT_VERSION_EXPIRATION_DAYS = 365;

/**
 * What a bucket created by `construct` takes from the envelope: SSE-KMS with an S3 Bucket Key (`encryptionKey`), server
 * access logs, the removal policy, a lifecycle rule expiring noncurrent versions and aborting incomplete multipart
 * uploads, and EventBridge notifications (Control Tower CT.S3.PR.4; they need no destination). Only the keys an
 * envelope decides are present, so spreading an empty result changes nothing.
 */
export function envelopeBucketProps(construct: IConstruct): {
  encryption?: s3.BucketEncryption; encryptionKey?: kms.IKey; bucketKeyEnabled?: boolean; serverAccessLogsBucket?: s3.IBucket;
  removalPolicy?: RemovalPolicy; lifecycleRules?: s3.LifecycleRule[];
} {
  const e = envelopeFor(construct);
  if (Object.keys(e.setAt).length === 0) return {};
  return {
    ...(e.encryptionKey ? { encryption: s3.BucketEncryption.KMS, encryptionKey: e.encryptionKey, bucketKeyEnabled: true } : {}),
    ...(e.serverAccessLogsBucket ? { serverAccessLogsBucket: e.serverAccessLogsBucket } : {}),
    ...(e.removalPolicy !== undefined ? { removalPolicy: e.removalPolicy } : {}),
    lifecycleRules: [{
      id: 'ExpireNoncurrentVersions',
      noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_EXPIRATION_DAYS),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    }],
  };
}

/**
 * Under an envelope: EventBridge notifications on a bucket the library creates (Control Tower CT.S3.PR.4; they need no
 * destination). Set as the CloudFormation property `NotificationConfiguration.EventBridgeConfiguration` rather than
 * with `eventBridgeEnabled`, which would add aws-cdk-lib's bucket-notifications custom resource (a Lambda function
 * outside the VPC with an AWS managed policy). Adding event notifications to the bucket with `addEventNotification`
 * later hands the bucket's notifications to that custom resource; pass `eventBridgeEnabled` on your own bucket then.
 */
export function enableEventBridgeNotifications(construct: IConstruct, bucket: s3.Bucket): void {
  if (Object.keys(envelopeFor(construct).setAt).length === 0) return;
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);
}

/** Reason of the S3BucketReplicationEnabled acknowledgement on the buckets the library creates. */
export const REPLICATION_REASON = 'Replication needs a destination bucket (usually in another Region) with its own role and '
  + 'keys, which only the application can choose; the bucket is versioned, so replication can be added to it. To replicate, '
  + 'pass your own replicated bucket instead (docs/compliance.md).';

/** Acknowledges S3BucketReplicationEnabled on a bucket the library creates. */
export function acknowledgeBucket(bucket: IConstruct): void {
  acknowledgeInPacks(bucket, 'S3BucketReplicationEnabled', REPLICATION_REASON);
}

/**
 * What a function's execution role needs to run in a VPC: the EC2 actions of the AWS managed policy
 * AWSLambdaVPCAccessExecutionRole (AWS managed policy reference, v3; Lambda developer guide, configuration-vpc.html:
 * "Lambda uses your function's permissions to create and manage network interfaces"). aws-cdk-lib attaches that managed
 * policy only to a role it creates itself; the library passes its own roles, so it grants these. Lambda documents
 * ec2:DescribeNetworkInterfaces as working only on "*"; the others are granted on "*" as in the managed policy because the
 * network interfaces do not exist at synth.
 */
export const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
];

/** Under an envelope with a VPC: lets `role` (the execution role of a function created by `construct`) manage its ENIs. */
export function grantVpcAccess(construct: IConstruct, role: iam.IRole): void {
  if (!envelopeFor(construct).vpc) return;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: VPC_ENI_ACTIONS, resources: ['*'] }));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'The function runs in the compliance envelope\'s VPC: Lambda creates and deletes its network interfaces with the '
      + 'execution role (the EC2 actions of AWSLambdaVPCAccessExecutionRole), on "*" as in that managed policy, since the '
      + 'interfaces do not exist at synth.',
  });
}
