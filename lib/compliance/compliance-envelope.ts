import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { allowCloudWatchLogs } from './key-policies';
import { envelopeOf, registerEnvelope } from '../private/envelope';
import { BedrockValidationError } from '../private/errors';

/**
 * What every cdk-bedrock-foundation construct in a scope creates under: keys, log retention, network placement,
 * removal policies and concurrency. Every field is optional; an unset field leaves each construct's own default.
 * A construct's own props win over the envelope.
 */
export interface ComplianceEnvelopeProps {
  /**
   * Customer managed key for the data the library stores: the documents bucket (SSE-KMS with an S3 Bucket Key), the S3
   * Vectors bucket, the OpenSearch Serverless encryption policy, the data source's transient ingestion data, Lambda
   * environment variables and SNS topics; and the log groups unless `logsEncryptionKey` is set.
   * @default - each resource's default encryption (AWS owned or AWS managed keys)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Customer managed key for the CloudWatch Logs log groups the library creates (function, provider-framework and
   * state-machine log groups). A key defined in this app gets the CloudWatch Logs key-policy statement with the
   * log-group encryption-context condition; for an imported key a warning says which statement to add.
   * @default - `encryptionKey`
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * Retention of every log group the library creates, including the custom-resource handlers'. Control Tower's
   * CT.CLOUDWATCH.PR.2 requires at least one year.
   * @default - each construct's default (one month for function log groups)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Removal policy of the log groups and data stores the library creates.
   * @default - each construct's default (the documents bucket is retained; log groups and vectors are destroyed)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * VPC for every function the library creates (invokers and custom-resource handlers). Functions in a VPC reach AWS
   * APIs through VPC endpoints (`BedrockVpcEndpoints`) or a NAT gateway.
   * @default - functions are not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the functions. Only with `vpc`.
   * @default - the VPC's private subnets (Lambda's default selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the functions. Only with `vpc`.
   * @default - one security group per function, created by Lambda, with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Reserved concurrency of each invoker function (it also caps the spend of a runaway caller). Deploy-time handlers
   * are not given reserved concurrency: they run only during deployments.
   * @default - no reserved concurrency (the account's unreserved pool)
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Bucket that receives S3 server access logs of the buckets the library creates.
   * @default - no server access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * IDs of OpenSearch Serverless VPC endpoints (`AWS::OpenSearchServerless::VpcEndpoint`, e.g.
   * `BedrockVpcEndpoints.openSearchEndpointId`) that may reach the collections the library creates; with this set the
   * network policy no longer allows public access: private access from these endpoints and from Amazon Bedrock as a
   * service (OpenSearch Service developer guide, "Network access for Amazon OpenSearch Serverless",
   * serverless-network.html: "Private access can apply to ... OpenSearch Serverless-managed VPC endpoints [and]
   * Supported AWS services such as Amazon Bedrock").
   * @default - collections are reachable from the public network (authorization still applies)
   */
  readonly openSearchVpcEndpointIds?: string[];
}

/** Construct ID of the envelope under its scope. */
export const ENVELOPE_ID = 'CdkBedrockFoundationComplianceEnvelope';

/**
 * The one way to set keys, log retention, VPC placement, removal policy and concurrency for everything the library
 * creates in a scope, including the stack-level singletons (custom-resource providers) of the stacks in it:
 *
 * ```ts
 * const stack = new Stack(app, 'Genai', { env });
 * ComplianceEnvelope.of(stack).set({ encryptionKey: key, logRetention: logs.RetentionDays.ONE_YEAR, vpc });
 * new KnowledgeBase(stack, 'Docs', {});   // created after set(): obeys it
 * ```
 *
 * Set it before creating the library's constructs in the scope (a later `set()` fails, naming them). An envelope on an
 * inner scope overrides the outer one field by field (network placement as one unit); stack-level singletons follow the
 * envelope of their stack or above. A construct's own props win over the envelope.
 */
export class ComplianceEnvelope extends Construct {
  /** The envelope of `scope` (created empty on first use; nothing applies until `set()`). */
  public static of(scope: Construct): ComplianceEnvelope {
    const existing = scope.node.tryFindChild(ENVELOPE_ID);
    if (existing instanceof ComplianceEnvelope) return existing;
    if (existing) {
      throw new BedrockValidationError('EnvelopeIdTaken', `'${scope.node.path}' already has a child with the id '${ENVELOPE_ID}' that is `
        + 'not a ComplianceEnvelope; rename that construct.', scope);
    }
    return new ComplianceEnvelope(scope, ENVELOPE_ID);
  }

  /** The settings of this envelope (undefined until `set()`). */
  public settings?: ComplianceEnvelopeProps;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Sets the envelope of this scope, once. Adds the CloudWatch Logs key-policy statement to the log-group key when it
   * is defined in this app.
   */
  public set(props: ComplianceEnvelopeProps): void {
    const scope = this.node.scope as Construct;
    const errors = checkProps(props);
    if (errors.length > 0) {
      throw new BedrockValidationError('InvalidComplianceEnvelope', `ComplianceEnvelope.of('${scope.node.path}').set(): ${errors.join(' ')}`, scope);
    }
    registerEnvelope(scope, {
      ...props,
      securityGroups: props.securityGroups ? [...props.securityGroups] : undefined,
      openSearchVpcEndpointIds: props.openSearchVpcEndpointIds ? [...props.openSearchVpcEndpointIds] : undefined,
    });
    this.settings = props;
    const logsKey = props.logsEncryptionKey ?? props.encryptionKey;
    if (logsKey) allowCloudWatchLogs(this, logsKey);
  }

  /** Whether `scope` itself has an envelope set (not its parents). */
  public static isSetOn(scope: IConstruct): boolean {
    return envelopeOf(scope) !== undefined;
  }
}

function checkProps(props: ComplianceEnvelopeProps): string[] {
  const errors: string[] = [];
  if (!props.vpc && props.vpcSubnets) {
    errors.push('vpcSubnets was given without vpc; pass the VPC the subnets belong to (vpc: myVpc), or drop vpcSubnets.');
  }
  if (!props.vpc && props.securityGroups) {
    errors.push('securityGroups was given without vpc; pass the VPC the security groups belong to (vpc: myVpc), or drop securityGroups.');
  }
  if (props.securityGroups && props.securityGroups.length === 0) {
    errors.push('securityGroups is empty; pass at least one security group, or leave it out to let Lambda create one per function.');
  }
  const rc = props.reservedConcurrentExecutions;
  if (rc !== undefined && !Token.isUnresolved(rc) && (!Number.isInteger(rc) || rc < 1)) {
    errors.push(`reservedConcurrentExecutions is ${rc}; give a whole number of at least 1 (0 would stop every invoker from running).`);
  }
  const ids = props.openSearchVpcEndpointIds;
  if (ids !== undefined) {
    if (ids.length === 0) {
      errors.push('openSearchVpcEndpointIds is empty; pass the ID of at least one OpenSearch Serverless VPC endpoint, or leave it out.');
    }
    for (const id of ids) {
      if (!Token.isUnresolved(id) && id.trim() === '') {
        errors.push('openSearchVpcEndpointIds has an empty ID; pass BedrockVpcEndpoints.openSearchEndpointId or the ID of an '
          + 'AWS::OpenSearchServerless::VpcEndpoint.');
      }
    }
  }
  return errors;
}
