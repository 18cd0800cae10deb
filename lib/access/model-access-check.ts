import { CustomResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ModelCatalog } from '../catalog/catalog';
import { parseModelId } from '../catalog/model-id';
import { regionsOf } from '../catalog/policy';
import { ENV } from '../contract';
import { BedrockModel } from '../models/bedrock-model';
import { CustomResourceFunction, stackSingleton } from '../private/custom-resource-function';
import { BedrockValidationError } from '../private/errors';
import { grantStackStatus } from '../private/stack-status';
import { assertGrantable, grantOnWildcard } from '../private/wildcard-grant';
import { AVAILABILITY_ACTIONS, MARKETPLACE_SUBSCRIBE_ACTIONS } from './perms';

/** Properties of `ModelAccessCheck`. */
export interface ModelAccessCheckProps {
  /**
   * The models to check. For an inference profile the check asks about the profile's foundation model; an
   * application-inference-profile or provisioned-model ARN needs `custom.sourceModelId`.
   */
  readonly models: BedrockModel[];

  /**
   * Fail the deployment when a model's Marketplace agreement is not yet available (`agreementAvailability` other than
   * `AVAILABLE`). By default that is only a warning, because Bedrock subscribes the account on the model's first
   * invocation when the invoking role has `aws-marketplace:Subscribe` / `ViewSubscriptions` and the account can pay.
   * @default false
   */
  readonly failOnMissingAgreement?: boolean;
}

/** Bounds of one check run; the handler reads them from its environment. */
const HANDLER_TIMEOUT = Duration.minutes(2);
const HANDLER_ENV: Record<string, string> = {
  // Up to 8 attempts with equal-jitter backoff (half the cap to the cap; cap 0.5 s doubling to 10 s): the retries of
  // one model wait 18-35 s in total, well inside the deadline, which still bounds them.
  [ENV.ACCESS_CHECK_MAX_ATTEMPTS]: '8',
  [ENV.ACCESS_CHECK_BACKOFF_BASE_MS]: '500',
  [ENV.ACCESS_CHECK_BACKOFF_MAX_MS]: '10000',
  [ENV.ACCESS_CHECK_CONNECT_TIMEOUT_MS]: '3000',
  [ENV.ACCESS_CHECK_REQUEST_TIMEOUT_MS]: '5000',
  // Overall deadline: at most 100 s, and never closer than 10 s to the Lambda timeout, so the handler always answers.
  [ENV.ACCESS_CHECK_DEADLINE_MS]: '100000',
  [ENV.ACCESS_CHECK_SAFETY_MARGIN_MS]: '10000',
};

/**
 * How long CloudFormation waits for the check's response before failing the resource (CustomResource
 * `serviceTimeout`; CloudFormation's default is one hour). The handler answers within its 2-minute Lambda timeout.
 */
const SERVICE_TIMEOUT = Duration.minutes(5);

/** Construct ID (under the grantee's role) of the policy that `grantMarketplaceSubscribe` creates. */
const MARKETPLACE_POLICY_ID = 'BedrockMarketplaceSubscribe';

/** Construct ID of the per-stack singleton that holds the handler and the provider. */
export const ACCESS_CHECK_PROVIDER_ID = 'CdkBedrockFoundationModelAccessCheckProvider';

/**
 * The handler function shared by every `ModelAccessCheck` of one stack. The custom resources name it directly as their
 * ServiceToken: the handler answers CloudFormation itself (lambda/shared/cfn-response.ts), so there is no provider
 * framework function, role or log group (docs/custom-resources.md).
 */
export class ModelAccessCheckProvider extends CustomResourceFunction {
  /** The stack's singleton, created on first use. */
  public static of(scope: Construct): ModelAccessCheckProvider {
    return stackSingleton(scope, ACCESS_CHECK_PROVIDER_ID, (c): c is ModelAccessCheckProvider => c instanceof ModelAccessCheckProvider,
      (stack, id) => new ModelAccessCheckProvider(stack, id));
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id, {
      handler: 'access-check',
      description: 'cdk-bedrock-foundation ModelAccessCheck: GetFoundationModelAvailability for each model at deploy time',
      roleDescription: 'cdk-bedrock-foundation ModelAccessCheck handler: reads Bedrock model availability for this account',
      timeout: HANDLER_TIMEOUT,
      environment: (handlerLogs) => ({ ...HANDLER_ENV, [ENV.ACCESS_CHECK_LOG_GROUP]: handlerLogs.logGroupName }),
      grantPermissions: (role) => {
        // bedrock:GetFoundationModelAvailability has no resource type in the Service Authorization Reference, so it can
        // only be granted on "*" (it is read-only and returns this account's access to a model, nothing else).
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: AVAILABILITY_ACTIONS, resources: ['*'] }));
        // During an update rollback CloudFormation re-sends the check's Update with the old properties; the handler asks
        // for the stack's status (DescribeStacks) so that a failing check does not fail the rollback. Only this stack.
        grantStackStatus(role);
        Validations.of(role).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'bedrock:GetFoundationModelAvailability has no resource type in the Service Authorization Reference, so it can only '
            + 'be granted on "*"; it is read-only and the role has no other wildcard.',
        });
      },
      // As in earlier versions: only the function resource waits for the role (templates stay as they were).
      dependOnRole: false,
    });
  }
}

/**
 * A deploy-time check that this account can use each model in the deploying Region: a custom resource calls
 * `GetFoundationModelAvailability` for every model (for an inference profile, its foundation model) and
 * - fails when the model is not available in the Region (naming the Regions and inference profiles that would work),
 * - fails when the account is not authorized (for Anthropic models: submit the one-time use-case form),
 * - warns when the Marketplace agreement is not yet available (fails with `failOnMissingAgreement: true`),
 * reporting every unusable model in one message. Delete always succeeds. One handler function per stack.
 *
 * The check sees the account's model access, not the IAM permissions or SCPs of the roles that will invoke the model.
 * Make resources that invoke a model wait for it with `node.addDependency(check)`.
 */
export class ModelAccessCheck extends Construct {
  /** The foundation-model IDs the check asks about, in order. */
  public readonly foundationModelIds: string[];
  /** The custom resource. */
  public readonly resource: CustomResource;
  private readonly providerConstruct: ModelAccessCheckProvider;

  constructor(scope: Construct, id: string, props: ModelAccessCheckProps) {
    super(scope, id);
    if (!props.models || props.models.length === 0) {
      throw new BedrockValidationError('AccessCheckNoModels', 'ModelAccessCheck: models is empty; pass at least one BedrockModel, '
        + "e.g. models: [BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0')].", this);
    }
    const unique = new Map<string, BedrockModel>();
    for (const m of props.models) if (!unique.has(m.modelId)) unique.set(m.modelId, m);
    const models = [...unique.values()];
    for (const m of models) {
      if (!m.foundationModelId) {
        throw new BedrockValidationError('AccessCheckHiddenModel', `ModelAccessCheck: '${m.modelId}' hides its foundation model, so its `
          + "availability cannot be checked; declare it: BedrockModel.of('<arn>', { custom: { sourceModelId: "
          + "'<foundation-model ID>' } }).", this);
      }
      m.validate(this);
    }
    this.foundationModelIds = [...new Set(models.map((m) => m.foundationModelId!))];

    const stackRegion = Stack.of(this).region;
    const region = Token.isUnresolved(stackRegion) ? undefined : stackRegion;
    const catalog = ModelCatalog.default();
    this.providerConstruct = ModelAccessCheckProvider.of(this);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.providerConstruct.serviceToken,
      resourceType: 'Custom::BedrockModelAccessCheck',
      serviceTimeout: SERVICE_TIMEOUT,
      properties: {
        Models: models.map((m) => modelProperties(m, region, catalog)),
        FailOnMissingAgreement: props.failOnMissingAgreement ? 'true' : 'false',
        CatalogGeneratedAt: catalog.generatedAt,
      },
    });
  }

  /** The warnings of the last successful check (newline-separated; empty when none), from the resource's Data. */
  public get warnings(): string {
    return this.resource.getAttString('Warnings');
  }

  /** The IAM role of the stack's shared check handler. */
  public get handlerRole(): iam.IRole {
    return this.providerConstruct.handlerRole;
  }

  /**
   * Grants what Bedrock needs to subscribe the account to a Marketplace model on its first invocation:
   * `aws-marketplace:Subscribe`, `aws-marketplace:Unsubscribe` and `aws-marketplace:ViewSubscriptions` (the
   * prerequisites AWS lists in model-access.html). These actions have no resource type, so the grant is on `"*"`; give
   * it to the role that invokes the model first (AWS: "only required the first time a model is being used in an account").
   *
   * The statement is put in its own `iam.Policy` (a child of this check, attached to the grantee's role) and cdk-nag's
   * `AwsSolutions-IAM5[Resource::*]` is acknowledged on that policy only, with the reason, so other wildcards on the
   * role are still reported. A grantee without a role (e.g. an imported principal) gets the statement added to its
   * principal policy without an acknowledgement.
   */
  public grantMarketplaceSubscribe(grantee: iam.IGrantable): iam.Grant {
    assertGrantable(grantee, 'grantMarketplaceSubscribe', this);
    return grantOnWildcard({
      grantee,
      actions: MARKETPLACE_SUBSCRIBE_ACTIONS,
      policyId: MARKETPLACE_POLICY_ID,
      reason: 'aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions have no resource type in the Service Authorization Reference, '
        + 'so they can only be granted on "*"; Bedrock needs them on the invoking role to subscribe the account to a Marketplace model on '
        + 'its first invocation (model-access.html). This policy holds nothing else.',
    });
  }
}

/** What the handler needs per model, computed at synth from the catalog (plain JSON). */
function modelProperties(m: BedrockModel, region: string | undefined, catalog: ModelCatalog): Record<string, unknown> {
  const fmId = m.foundationModelId!;
  const record = m.record;
  const onDemand = (m.parsed.kind === 'foundation-model' ? m.custom?.regions : undefined) ?? record?.onDemandRegions ?? [];
  const profiles: Array<{ Id: string; SourceRegions: string[] }> = [];
  for (const profileId of Object.values(record?.inferenceProfiles?.profileIds ?? {})) {
    if (!profileId || profileId === m.modelId) continue;
    const sources = regionsOf(record, parseModelId(profileId), undefined, catalog);
    // A profile whose source Regions are not sourced is never offered as "would work".
    if (!sources || sources.length === 0) continue;
    if (region && !sources.includes(region)) continue;
    profiles.push({ Id: profileId, SourceRegions: region ? [region] : [...sources].sort() });
  }
  return {
    ModelId: m.modelId,
    FoundationModelId: fmId,
    Provider: m.parsed.provider ?? fmId.split('.')[0],
    OnDemandRegions: [...onDemand].sort(),
    Profiles: profiles.sort((a, b) => a.Id.localeCompare(b.Id)),
  };
}
