import { Annotations, CustomResource, Duration, RemovalPolicy, Stack, Token, Validations, ArnFormat } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';
import { besidesReferenced } from '../private/dependencies';
import { BedrockValidationError } from '../private/errors';
import { envelopeFor } from '../private/envelope';
import { acknowledgeBucket, acknowledgeRolePolicies, enableEventBridgeNotifications, envelopeBucketProps } from '../private/envelope-props';
import { acknowledgeLogGroupWrite, CustomResourceFunction, stackSingleton } from '../private/custom-resource-function';

/**
 * Sources (checked 2026-12; see docs/invocation-logging.md):
 * - Bedrock user guide, "Monitor model invocation using CloudWatch Logs and Amazon S3"
 *   (docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html): one configuration per account and
 *   Region; "Only destinations from the same account and Region are supported"; the S3 bucket policy
 *   (Sid AmazonBedrockLogsWrite, principal bedrock.amazonaws.com, s3:PutObject on
 *   `<bucket>/<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/*`, StringEquals aws:SourceAccount, ArnLike
 *   aws:SourceArn `arn:aws:bedrock:<region>:<account>:*`); the CloudWatch Logs role (trusted by bedrock.amazonaws.com
 *   with the same two conditions; logs:CreateLogStream and logs:PutLogEvents on
 *   `log-group:<name>:log-stream:aws/bedrock/modelinvocations`), as also used by hashicorp/terraform-provider-aws's
 *   acceptance test of aws_bedrock_model_invocation_logging_configuration.
 * - API shapes: @aws-sdk/client-bedrock 3.1161.0 (LoggingConfig, CloudWatchConfig, S3Config).
 * - IAM: bedrock:Get/Put/DeleteModelInvocationLoggingConfiguration have no resource type in the Service
 *   Authorization Reference (lib/catalog/data/bedrock-api-shapes.md §6), so they are granted on "*". The caller of Put
 *   needs iam:PassRole on the CloudWatch Logs role (Bedrock answers 403 "not authorized to perform: iam:PassRole"
 *   otherwise: alphagov/govuk-infrastructure#2439).
 */

/** Options of the CloudWatch Logs destination. */
export interface CloudWatchLogsDestinationOptions {
  /**
   * The log group to deliver to (in the stack's account and Region). Bedrock writes to the log stream
   * `aws/bedrock/modelinvocations` in it.
   * @default - a new log group, with `retention`, `encryptionKey` and `removalPolicy`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the created log group keeps the logs. Only for the log group this construct creates.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly retention?: logs.RetentionDays;

  /**
   * A KMS key to encrypt the created log group with. A key defined in this app gets the key-policy statement that
   * lets CloudWatch Logs (`logs.<region>.amazonaws.com`) use it for this account's log groups; an imported key must
   * already allow that (a warning says so).
   * @default - CloudWatch Logs' own encryption at rest
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the created log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The role Bedrock assumes to write to the log group. It must trust `bedrock.amazonaws.com`; this construct adds
   * the log-writing (and large-data) permissions to it.
   * @default - a new role trusted by bedrock.amazonaws.com for this account and Region only
   */
  readonly role?: iam.IRole;

  /**
   * Deliver data that is too large for CloudWatch Logs (and binary data) to S3 (`largeDataDeliveryS3Config`).
   * @default - not delivered
   */
  readonly largeDataDelivery?: LargeDataDeliveryOptions;
}

/** Where the CloudWatch Logs destination sends large and binary data. */
export interface LargeDataDeliveryOptions {
  /**
   * The bucket (in the stack's account and Region).
   * @default - the S3 destination's bucket when `s3` is set, otherwise a new bucket
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix of the large-data objects, without leading or trailing `/`.
   * @default 'large-data'
   */
  readonly keyPrefix?: string;
}

/** Options of the S3 destination. */
export interface S3DestinationOptions {
  /**
   * The bucket to deliver to (in the stack's account and Region). This construct adds Bedrock's documented bucket
   * policy statement to it (a bucket imported by name cannot be changed: a warning gives the statement to add).
   * @default - a new bucket: SSE-S3 encryption, TLS only, public access blocked, ACLs disabled, versioned
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix of the log objects, without leading or trailing `/`. Bedrock writes under
   * `<keyPrefix>/AWSLogs/<account>/BedrockModelInvocationLogs/`.
   * @default - no prefix
   */
  readonly keyPrefix?: string;

  /**
   * Server access logs of the created bucket.
   * @default - none (cdk-nag AwsSolutions-S1 is acknowledged with the reason)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * What happens to the created bucket when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of `ModelInvocationLogging`. At least one of `cloudWatchLogs` and `s3` is required. */
export interface ModelInvocationLoggingProps {
  /**
   * Deliver invocation logs to CloudWatch Logs (`{}` for the defaults).
   * @default - no CloudWatch Logs destination
   */
  readonly cloudWatchLogs?: CloudWatchLogsDestinationOptions;

  /**
   * Deliver invocation logs to S3 (`{}` for the defaults).
   * @default - no S3 destination
   */
  readonly s3?: S3DestinationOptions;

  /**
   * Include text data (prompts and completions) in the logs (`textDataDeliveryEnabled`).
   * @default true
   */
  readonly textDataDeliveryEnabled?: boolean;

  /**
   * Include image data (`imageDataDeliveryEnabled`).
   * @default true
   */
  readonly imageDataDeliveryEnabled?: boolean;

  /**
   * Include embeddings data (`embeddingDataDeliveryEnabled`).
   * @default true
   */
  readonly embeddingDataDeliveryEnabled?: boolean;

  /**
   * Include video data (`videoDataDeliveryEnabled`).
   * @default true
   */
  readonly videoDataDeliveryEnabled?: boolean;

  /**
   * Include audio data (`audioDataDeliveryEnabled`, in the Bedrock API since @aws-sdk/client-bedrock 3.1161.0).
   * @default - not set in the request (Bedrock's own default applies)
   */
  readonly audioDataDeliveryEnabled?: boolean;
}

/** Key prefix of the large-data objects when none is given. */
export const DEFAULT_LARGE_DATA_PREFIX = 'large-data';
/** The SSM parameter that holds the handler's ledger (one per account and Region, like the setting). */
export const INVOCATION_LOGGING_STATE_PARAMETER = '/cdk-bedrock-foundation/model-invocation-logging/state';
/** The log stream Bedrock writes to in the log group (model-invocation-logging.html). */
const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';

const HANDLER_TIMEOUT = Duration.minutes(3);
/**
 * How long CloudFormation waits for the resource's answer (CustomResource `serviceTimeout`; CloudFormation's own
 * default is one hour). The handler answers within its 3-minute Lambda timeout (its deadline leaves 10 s).
 */
const SERVICE_TIMEOUT = Duration.minutes(6);
const HANDLER_ENV: Record<string, string> = {
  // Throttling / 5xx / timeouts: up to 6 attempts, equal-jitter backoff from 0.5 s doubling to at most 8 s.
  LOGGING_MAX_ATTEMPTS: '6',
  LOGGING_BACKOFF_BASE_MS: '500',
  LOGGING_BACKOFF_MAX_MS: '8000',
  // "Failed to validate permissions" right after the role / bucket policy were created (IAM is eventually consistent).
  LOGGING_PERMISSION_RETRY_MS: '60000',
  LOGGING_CONNECT_TIMEOUT_MS: '3000',
  LOGGING_REQUEST_TIMEOUT_MS: '10000',
  LOGGING_DEADLINE_MS: '150000',
  LOGGING_SAFETY_MARGIN_MS: '10000',
  LOGGING_STATE_PARAMETER: INVOCATION_LOGGING_STATE_PARAMETER,
};

/** Bedrock actions of the handler: no resource type in the SAR (bedrock-api-shapes.md §6), so "*". */
export const INVOCATION_LOGGING_ACTIONS = [
  'bedrock:GetModelInvocationLoggingConfiguration',
  'bedrock:PutModelInvocationLoggingConfiguration',
  'bedrock:DeleteModelInvocationLoggingConfiguration',
];

/** Construct ID of the per-stack singleton that holds the handler and the provider. */
export const INVOCATION_LOGGING_PROVIDER_ID = 'CdkBedrockFoundationInvocationLoggingProvider';

/**
 * The handler function of the stack's `ModelInvocationLogging`. The custom resource names it directly as its
 * ServiceToken: the handler answers CloudFormation itself (lambda/shared/cfn-response.ts), so there is no provider
 * framework function, role or log group (docs/custom-resources.md).
 */
export class ModelInvocationLoggingProvider extends CustomResourceFunction {
  /** The stack's singleton, created on first use. */
  public static of(scope: Construct): ModelInvocationLoggingProvider {
    return stackSingleton(scope, INVOCATION_LOGGING_PROVIDER_ID,
      (c): c is ModelInvocationLoggingProvider => c instanceof ModelInvocationLoggingProvider, (stack, id) => new ModelInvocationLoggingProvider(stack, id));
  }

  private constructor(scope: Construct, id: string) {
    const stack = Stack.of(scope);
    super(scope, id, {
      handler: 'invocation-logging',
      description: 'cdk-bedrock-foundation ModelInvocationLogging: puts the Bedrock model invocation logging configuration and restores the earlier one on delete',
      roleDescription: 'cdk-bedrock-foundation ModelInvocationLogging handler: sets and restores Bedrock model invocation logging',
      timeout: HANDLER_TIMEOUT,
      environment: () => HANDLER_ENV,
      grantPermissions: (role, handlerLogs) => {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: INVOCATION_LOGGING_ACTIONS, resources: ['*'] }));
        // Put needs iam:PassRole on the CloudWatch Logs role. Not only on this stack's role: Delete puts back the
        // configuration that was there before, whose role is another team's and unknown at synth. Only to Bedrock.
        role.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })],
          conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
        }));
        // The ledger: one parameter per account and Region.
        role.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
          resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: INVOCATION_LOGGING_STATE_PARAMETER.slice(1) })],
        }));
        Validations.of(role).acknowledge(
          {
            id: 'AwsSolutions-IAM5[Resource::*]',
            reason: 'bedrock:Get/Put/DeleteModelInvocationLoggingConfiguration have no resource type in the Service Authorization Reference '
              + '(an account-and-Region setting), so they can only be granted on "*"; the role has no other "*".',
          },
          {
            id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}:role/*]`,
            reason: 'iam:PassRole, only to bedrock.amazonaws.com (iam:PassedToService): Delete puts back the invocation logging '
              + 'configuration that was in force before this stack, whose CloudWatch Logs role belongs to someone else and is not known at synth.',
          },
        );
        acknowledgeLogGroupWrite(role, handlerLogs);
      },
    });
  }
}

/** The ModelInvocationLogging of each account/Region pair, per app (one setting per account and Region). */
const registry = new WeakMap<IConstruct, Map<string, ModelInvocationLogging>>();

/**
 * Bedrock model invocation logging for the stack's account and Region: a custom resource over
 * `PutModelInvocationLoggingConfiguration` with CloudWatch Logs and/or S3 destinations (created with retention,
 * encryption, TLS-only access and public access blocked, or given), the role Bedrock assumes to write to CloudWatch Logs
 * (trusted only for this account and Region), Bedrock's bucket policy, optional large-data delivery to S3 and the
 * data-type switches.
 *
 * Bedrock keeps one such configuration per account and Region, so an app may hold only one `ModelInvocationLogging`
 * per account and Region (a second fails synthesis). The configuration that was there before is recorded at Create
 * and put back on Delete (or deleted if there was none) — unless someone else has changed it since, in which case
 * Delete leaves it. See docs/invocation-logging.md for create, update, replacement, rollback and delete.
 */
export class ModelInvocationLogging extends Construct {
  /** The CloudWatch Logs log group, when that destination is on. */
  public readonly logGroup?: logs.ILogGroup;
  /** The role Bedrock assumes to write to CloudWatch Logs, when that destination is on. */
  public readonly role?: iam.IRole;
  /** The S3 destination's bucket, when that destination is on. */
  public readonly bucket?: s3.IBucket;
  /** The large-data bucket, when large-data delivery is on. */
  public readonly largeDataBucket?: s3.IBucket;
  /** The custom resource. */
  public readonly resource: CustomResource;
  private readonly providerConstruct: ModelInvocationLoggingProvider;

  constructor(scope: Construct, id: string, props: ModelInvocationLoggingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.validateProps(props);
    this.claimEnvironment();

    const sourceConditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:*` },
    };
    let createdBucket: s3.Bucket | undefined;
    const bucketFor = (options: S3DestinationOptions | undefined): s3.IBucket => {
      createdBucket ??= this.createBucket(options ?? {});
      return createdBucket;
    };

    const loggingConfig: Record<string, unknown> = {};
    const dependencies: IDependable[] = [];

    if (props.s3) {
      this.bucket = props.s3.bucket ?? bucketFor(props.s3);
      const prefix = props.s3.keyPrefix;
      this.allowBedrockWrite(this.bucket, 'AmazonBedrockLogsWrite',
        `${prefix ? `${prefix}/` : ''}AWSLogs/${stack.account}/BedrockModelInvocationLogs/*`, sourceConditions);
      loggingConfig.s3Config = { bucketName: this.bucket.bucketName, ...(prefix ? { keyPrefix: prefix } : {}) };
      dependencies.push(besidesReferenced(this.bucket));
    }

    if (props.cloudWatchLogs) {
      const cw = props.cloudWatchLogs;
      this.logGroup = cw.logGroup ?? this.createLogGroup(cw);
      this.role = cw.role ?? new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com').withConditions(sourceConditions),
        description: 'Assumed by Amazon Bedrock to deliver model invocation logs to CloudWatch Logs (this account and Region only)',
      });
      if (!cw.role) acknowledgeRolePolicies(this.role);
      const logStreamArn = stack.formatArn({
        service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: `${this.logGroup.logGroupName}:log-stream:${BEDROCK_LOG_STREAM}`,
      });
      const added = this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logStreamArn],
      }));
      // An immutable imported role claims the statement was added but hands back an empty dependable.
      if (!added.statementAdded || !added.policyDependable || Dependable.of(added.policyDependable).dependencyRoots.length === 0) {
        Annotations.of(this).addWarningV2('cdk-bedrock-foundation:InvocationLoggingRolePolicy', `ModelInvocationLogging: the role `
          + `${this.role.roleArn} is imported as immutable, so its policy was not changed. It must allow logs:CreateLogStream and `
          + `logs:PutLogEvents on ${logStreamArn} and trust bedrock.amazonaws.com, or Bedrock rejects the configuration at deployment.`);
      } else {
        dependencies.push(added.policyDependable);
      }
      const cloudWatchConfig: Record<string, unknown> = { logGroupName: this.logGroup.logGroupName, roleArn: this.role.roleArn };
      if (cw.largeDataDelivery) {
        const large = cw.largeDataDelivery;
        const prefix = large.keyPrefix ?? DEFAULT_LARGE_DATA_PREFIX;
        this.largeDataBucket = large.bucket ?? (props.s3 ? this.bucket! : bucketFor(undefined));
        // AWS documents the bucket policy for the S3 destination; for large-data delivery it does not say whether the
        // service or the role writes the objects, so both may, under the large-data prefix only.
        this.allowBedrockWrite(this.largeDataBucket, 'AmazonBedrockLargeDataWrite', `${prefix}/*`, sourceConditions);
        const largeGrant = this.role.addToPrincipalPolicy(new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.largeDataBucket.arnForObjects(`${prefix}/*`)],
        }));
        if (largeGrant.policyDependable) dependencies.push(largeGrant.policyDependable);
        const bucketRes = this.largeDataBucket.node.defaultChild;
        if (this.role instanceof iam.Role && bucketRes instanceof s3.CfnBucket && Stack.of(bucketRes) === stack) {
          Validations.of(this.role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucketRes)}.Arn>/${prefix}/*]`,
            reason: 'Large-data delivery: Bedrock writes objects with generated names under the large-data key prefix of this bucket; '
              + 'the grant is s3:PutObject on that prefix only.',
          });
        }
        cloudWatchConfig.largeDataDeliveryS3Config = { bucketName: this.largeDataBucket.bucketName, keyPrefix: prefix };
        dependencies.push(besidesReferenced(this.largeDataBucket));
      }
      loggingConfig.cloudWatchConfig = cloudWatchConfig;
      dependencies.push(besidesReferenced(this.logGroup), besidesReferenced(this.role));
    }

    loggingConfig.textDataDeliveryEnabled = props.textDataDeliveryEnabled ?? true;
    loggingConfig.imageDataDeliveryEnabled = props.imageDataDeliveryEnabled ?? true;
    loggingConfig.embeddingDataDeliveryEnabled = props.embeddingDataDeliveryEnabled ?? true;
    loggingConfig.videoDataDeliveryEnabled = props.videoDataDeliveryEnabled ?? true;
    if (props.audioDataDeliveryEnabled !== undefined) loggingConfig.audioDataDeliveryEnabled = props.audioDataDeliveryEnabled;

    this.providerConstruct = ModelInvocationLoggingProvider.of(this);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.providerConstruct.serviceToken,
      resourceType: 'Custom::BedrockModelInvocationLogging',
      serviceTimeout: SERVICE_TIMEOUT,
      properties: { LoggingConfig: loggingConfig },
    });
    // Bedrock validates the destinations when the configuration is put: the role's policy and the bucket policy
    // must exist first (the configuration references the bucket, log group and role themselves).
    for (const d of new Set(dependencies)) this.resource.node.addDependency(d);
  }

  /** The IAM role of the stack's invocation-logging handler. */
  public get handlerRole(): iam.IRole {
    return this.providerConstruct.handlerRole;
  }

  private validateProps(props: ModelInvocationLoggingProps): void {
    if (!props.cloudWatchLogs && !props.s3) {
      throw new BedrockValidationError('InvocationLoggingNoDestination', 'ModelInvocationLogging: no destination; model invocation '
        + 'logging needs CloudWatch Logs, S3 or both. Write e.g. `cloudWatchLogs: {}` (a new log group) or `s3: {}` (a new bucket).', this);
    }
    const cw = props.cloudWatchLogs;
    if (cw?.logGroup) {
      const set = (['retention', 'encryptionKey', 'removalPolicy'] as const).filter((k) => cw[k] !== undefined);
      if (set.length) {
        throw new BedrockValidationError('InvocationLoggingImportedLogGroup', `ModelInvocationLogging: cloudWatchLogs.${set.join(', ')} `
          + `${set.length > 1 ? 'apply' : 'applies'} only to the log group this construct creates, but cloudWatchLogs.logGroup is given. `
          + 'Set them on your log group, or drop logGroup to have one created.', this);
      }
    }
    if (cw?.retention !== undefined && !Token.isUnresolved(cw.retention)) {
      const valid = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
      if (!valid.includes(cw.retention)) {
        throw new BedrockValidationError('InvocationLoggingRetention', `ModelInvocationLogging: cloudWatchLogs.retention ${cw.retention} `
          + `is not a retention CloudWatch Logs offers; use a logs.RetentionDays value (days: ${valid.join(', ')}), e.g. `
          + 'logs.RetentionDays.THREE_MONTHS.', this);
      }
    }
    if (props.s3?.bucket && (props.s3.removalPolicy !== undefined || props.s3.serverAccessLogsBucket !== undefined)) {
      throw new BedrockValidationError('InvocationLoggingImportedBucket', 'ModelInvocationLogging: s3.removalPolicy and '
        + 's3.serverAccessLogsBucket apply only to the bucket this construct creates, but s3.bucket is given. Set them on your bucket, '
        + 'or drop s3.bucket to have one created.', this);
    }
    this.checkPrefix('s3.keyPrefix', props.s3?.keyPrefix);
    this.checkPrefix('cloudWatchLogs.largeDataDelivery.keyPrefix', cw?.largeDataDelivery?.keyPrefix);
    const stack = Stack.of(this);
    const given: Array<[string, { env: { account: string; region: string } } | undefined]> = [
      ['cloudWatchLogs.logGroup', cw?.logGroup], ['cloudWatchLogs.role', cw?.role as unknown as { env: { account: string; region: string } } | undefined],
      ['s3.bucket', props.s3?.bucket], ['cloudWatchLogs.largeDataDelivery.bucket', cw?.largeDataDelivery?.bucket],
    ];
    for (const [name, r] of given) {
      const env = r?.env;
      if (!env) continue;
      const clash = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== '' && b !== '' && a !== b;
      // IAM roles are global: only their account matters.
      const regionClash = name !== 'cloudWatchLogs.role' && clash(env.region, stack.region);
      if (clash(env.account, stack.account) || regionClash) {
        throw new BedrockValidationError('InvocationLoggingCrossEnvironment', `ModelInvocationLogging: ${name} is in account ${env.account}`
          + `${name === 'cloudWatchLogs.role' ? '' : `, Region ${env.region}`}, but the stack deploys to account ${stack.account}, Region `
          + `${stack.region}; Bedrock supports only destinations in the same account and Region. Use a ${name.split('.').pop()} from this `
          + 'account and Region, or leave it out to have one created.', this);
      }
    }
  }

  private checkPrefix(name: string, prefix: string | undefined): void {
    if (prefix === undefined || Token.isUnresolved(prefix)) return;
    if (prefix === '' || prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('*')) {
      const clean = prefix.replace(/\*/g, '').replace(/^\/+|\/+$/g, '');
      throw new BedrockValidationError('InvocationLoggingKeyPrefix', `ModelInvocationLogging: ${name} '${prefix}' is not a usable key `
        + `prefix; write it without leading or trailing '/' and without '*'${clean ? `, e.g. '${clean}'` : ''}, or leave it out.`, this);
    }
  }

  /** Fails when another ModelInvocationLogging of this app targets the same account and Region. */
  private claimEnvironment(): void {
    const stack = Stack.of(this);
    const key = `${stack.account}|${stack.region}`;
    const root = this.node.root;
    let seen = registry.get(root);
    if (!seen) {
      seen = new Map();
      registry.set(root, seen);
    }
    const first = seen.get(key);
    if (first) {
      const agnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
      const where = agnostic
        ? 'the same (unresolved) account and Region: both stacks are environment-agnostic, so they can be deployed to the same one'
        : `account ${stack.account} in ${stack.region}`;
      throw new BedrockValidationError('InvocationLoggingDuplicate', `ModelInvocationLogging: '${this.node.path}' configures model invocation `
        + `logging for ${where}, which '${first.node.path}' already does. Bedrock keeps one model invocation logging configuration per account `
        + 'and Region, so one would overwrite the other. Keep a single ModelInvocationLogging per account and Region (one stack owns it; '
        + `others share its destinations)${agnostic ? ', or give the stacks explicit, different environments' : ', or deploy the stacks to different Regions or accounts'}.`, this);
    }
    seen.set(key, this);
  }

  private createLogGroup(cw: CloudWatchLogsDestinationOptions): logs.LogGroup {
    const stack = Stack.of(this);
    // Under an envelope: its log-group key, retention and removal policy unless the destination options say otherwise.
    const envelope = envelopeFor(this);
    const key = cw.encryptionKey ?? envelope.logGroupKey;
    if (key) {
      // CloudWatch Logs encrypts a log group with a customer managed key only if the key policy lets the Regional
      // CloudWatch Logs principal use it, scoped by the log-group encryption context (CloudWatch Logs user guide,
      // "Encrypt log data in CloudWatch Logs using AWS KMS"). Any log group of this account and Region: naming this one
      // would make the key depend on the log group that depends on the key.
      const added = key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
      }));
      if (!added.statementAdded) {
        Annotations.of(this).addWarningV2('cdk-bedrock-foundation:InvocationLoggingKeyPolicy', `ModelInvocationLogging: the key ${key.keyArn} `
          + `is imported, so its key policy was not changed. It must allow logs.${stack.region}.amazonaws.com to use it (kms:Encrypt*, `
          + 'kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe* with kms:EncryptionContext:aws:logs:arn of this account\'s '
          + 'log groups), or the log group cannot be created.');
      }
    }
    return new logs.LogGroup(this, 'LogGroup', {
      retention: cw.retention ?? envelope.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: key,
      removalPolicy: cw.removalPolicy ?? envelope.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  private createBucket(options: S3DestinationOptions): s3.Bucket {
    // Not the envelope's key: Bedrock writes these objects itself, and what it needs on a customer managed key of the
    // destination bucket is not sourced here (docs/compliance.md); the bucket keeps SSE-S3.
    const { encryption: _encryption, encryptionKey: _key, bucketKeyEnabled: _bucketKey, ...compliance } = envelopeBucketProps(this);
    const bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      ...compliance,
      removalPolicy: options.removalPolicy ?? compliance.removalPolicy ?? RemovalPolicy.RETAIN,
      serverAccessLogsBucket: options.serverAccessLogsBucket ?? compliance.serverAccessLogsBucket,
    });
    acknowledgeBucket(bucket);
    enableEventBridgeNotifications(this, bucket);
    if (!options.serverAccessLogsBucket && !compliance.serverAccessLogsBucket) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Server access logs were not requested for the model invocation logs bucket (pass s3.serverAccessLogsBucket to enable '
          + 'them); the bucket is private, TLS-only, versioned and written only by Amazon Bedrock for this account and Region.',
      });
    }
    return bucket;
  }

  /** Adds Bedrock's documented bucket-policy statement (or warns with it when the bucket cannot be changed). */
  private allowBedrockWrite(bucket: s3.IBucket, sid: string, objectKeys: string, conditions: Record<string, Record<string, string>>): void {
    const statement = new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(objectKeys)],
      conditions,
    });
    const added = bucket.addToResourcePolicy(statement);
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2('cdk-bedrock-foundation:InvocationLoggingBucketPolicy', `ModelInvocationLogging: the bucket `
        + `${bucket.bucketName} is imported, so its bucket policy was not changed. Add this statement to it, or Bedrock rejects the `
        + `configuration at deployment: ${JSON.stringify(Stack.of(this).resolve(statement.toStatementJson()))}`);
    }
  }
}
