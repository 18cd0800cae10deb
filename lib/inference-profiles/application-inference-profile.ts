import { createHash } from 'crypto';
import { Annotations, Names, Stack, Token } from 'aws-cdk-lib';
import { CfnApplicationInferenceProfile } from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BedrockModel, GrantInvokeOptions } from '../models/bedrock-model';
import { BedrockValidationError } from '../private/errors';

/**
 * Sources (checked 2026-12):
 * - Bedrock API Reference, CreateInferenceProfile (docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateInferenceProfile.html):
 *   "To create an application inference profile for a foundation model in one region, specify the ARN of the model in
 *   that region. To create an application inference profile for a foundation model across multiple regions, specify
 *   the ARN of the system-defined inference profile that contains the regions that you want to route requests to."
 *   inferenceProfileName: 1-64 characters, `^([0-9a-zA-Z][ _-]?)+$`; description: 1-200 characters,
 *   `^([0-9a-zA-Z:.][ _-]?)+$`.
 * - CloudFormation resource schema AWS::Bedrock::ApplicationInferenceProfile (cfn-lint 1.51.0 provider schema, us-east-1):
 *   createOnlyProperties Description, InferenceProfileName, ModelSource; InferenceProfileName required; ModelSource.CopyFrom
 *   `^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+$`;
 *   Tags at most 200, Key 1-128 and Value 0-256 characters of `^[a-zA-Z0-9\s._:/=+@-]*$`; taggable, tags updatable.
 * - CloudFormation Template Reference, "CloudFormation resource custom naming" (aws-properties-name.html): "You can't
 *   perform an update that causes a custom-named resource to be replaced. If you must replace the resource, specify a
 *   new name."
 */
export const APPLICATION_PROFILE_LIMITS = {
  name: { max: 64, pattern: /^([0-9a-zA-Z][ _-]?)+$/ },
  description: { max: 200, pattern: /^([0-9a-zA-Z:.][ _-]?)+$/ },
  tags: { max: 200, keyMax: 128, valueMax: 256, pattern: /^[a-zA-Z0-9\s._:/=+@-]*$/ },
} as const;

const WARNING_PREFIX = 'cdk-bedrock-foundation:';
const HASH_LENGTH = 8;

/** Properties of `ApplicationInferenceProfile`. */
export interface ApplicationInferenceProfileProps {
  /**
   * What the profile routes to: a foundation model (`BedrockModel.of('amazon.nova-pro-v1:0')`: the profile copies the
   * model in the stack's Region and routes there only) or a system-defined (cross-Region) inference profile
   * (`BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0')`: it routes across that profile's Regions). It is
   * validated at synth like every model of this library (pinned, offered in the stack's Region, not end-of-life).
   */
  readonly model: BedrockModel;

  /**
   * The profile's name: 1-64 characters, letters and digits each followed by at most one space, `_` or `-`. The name,
   * `model` and `description` are create-only: changing `model` or `description` replaces the profile, and
   * CloudFormation cannot replace a resource with a name you chose unless the name changes too (a warning says so).
   * @default - a name made of the construct path and a hash of `model` and `description`, which changes whenever a
   * change replaces the profile
   */
  readonly inferenceProfileName?: string;

  /**
   * A description: 1-200 characters, letters, digits, `:` and `.` each followed by at most one space, `_` or `-`
   * (no commas or parentheses). Create-only: changing it replaces the profile.
   * @default - no description
   */
  readonly description?: string;

  /**
   * Tags, for cost allocation per application, team or tenant (activate them as cost allocation tags in AWS Billing).
   * `Tags.of(scope).add(...)` adds to them. At most 200; keys 1-128 and values 0-256 characters of letters, digits,
   * white space and `_ . : / = + - @`. Tags can be changed without replacing the profile.
   * @default - none (the opt-in check `Bedrock-ApplicationProfileUntagged` reports an untagged profile)
   */
  readonly tags?: Record<string, string>;
}

/**
 * An Amazon Bedrock application inference profile (`AWS::Bedrock::ApplicationInferenceProfile`) over a pinned model,
 * for tagging and tracking the cost and usage of one application, team or tenant. `profile.model` is a `BedrockModel`
 * invoked through the profile (its ARN is the `modelId`), usable wherever a `BedrockModel` is: `PinnedModelConfig`,
 * the invokers, `grantInvoke`, and as the generation model of a `RagInvoker` (RetrieveAndGenerate accepts an inference
 * profile ARN). It is validated, priced and described as its source model, with no `HiddenModel` warning. A Knowledge
 * Base refuses it as its embeddings model (the API takes a model, not a profile).
 *
 * @example
 * const chatProfile = new ApplicationInferenceProfile(this, 'ChatProfile', {
 *   model: BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0'),
 *   tags: { app: 'support-chat', team: 'cx' },
 * });
 * new PinnedModelConfig(this, 'Models', { models: { chat: chatProfile.model } });
 */
export class ApplicationInferenceProfile extends Construct {
  /** The model to invoke: the profile's ARN as `modelId`, validated and priced as `sourceModel`. */
  public readonly model: BedrockModel;
  /** The foundation model or system-defined inference profile the profile copies from. */
  public readonly sourceModel: BedrockModel;
  /** The profile's ARN (`arn:<partition>:bedrock:<region>:<account>:application-inference-profile/<id>`). @attribute */
  public readonly inferenceProfileArn: string;
  /** The profile's ID. @attribute */
  public readonly inferenceProfileId: string;
  /** The profile's name (given, or generated). */
  public readonly inferenceProfileName: string;
  /** The ARN the profile copies from (`ModelSource.CopyFrom`). */
  public readonly copyFrom: string;
  /** The CloudFormation resource. */
  public readonly resource: CfnApplicationInferenceProfile;

  constructor(scope: Construct, id: string, props: ApplicationInferenceProfileProps) {
    super(scope, id);
    const what = `ApplicationInferenceProfile ${this.node.path}`;
    const source = props.model;
    if (!(source instanceof BedrockModel)) {
      throw new BedrockValidationError('InvalidApplicationInferenceProfileProps', `${what}: model must be a BedrockModel, `
        + "e.g. BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0').", this);
    }
    this.sourceModel = source;
    this.copyFrom = copyFromArn(this, what, source);

    const problems: string[] = [];
    if (props.description !== undefined) problems.push(...checkText(what, 'description', props.description, APPLICATION_PROFILE_LIMITS.description));
    if (props.inferenceProfileName !== undefined) {
      problems.push(...checkText(what, 'inferenceProfileName', props.inferenceProfileName, APPLICATION_PROFILE_LIMITS.name));
    }
    const tags = Object.entries(props.tags ?? {});
    problems.push(...checkTags(what, tags));
    if (problems.length > 0) throw new BedrockValidationError('InvalidApplicationInferenceProfileProps', problems.join('\n'), this);

    // The model's synth checks, reported on the profile: the same messages as anywhere else the model is used.
    source.validate(this);

    this.inferenceProfileName = props.inferenceProfileName ?? this.generatedName(source, props.description);
    if (props.inferenceProfileName !== undefined) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}NameNotReplacementSafe`, `${what}: inferenceProfileName `
        + `'${props.inferenceProfileName}' is fixed, but model and description are create-only: a change to either replaces the `
        + 'profile, and CloudFormation cannot replace a resource whose name you chose (it fails the update). Give a new '
        + 'inferenceProfileName with any such change, or leave it unset to get a generated name that changes with them.');
    } else if (props.description !== undefined && Token.isUnresolved(props.description)) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}NameNotReplacementSafe`, `${what}: description is a token, so the `
        + 'generated name cannot follow its value: a deployment that changes it replaces the profile under the same name, which '
        + 'CloudFormation cannot do. Pass a literal description, or give a new inferenceProfileName whenever its value changes.');
    }

    this.resource = new CfnApplicationInferenceProfile(this, 'Resource', {
      inferenceProfileName: this.inferenceProfileName,
      description: props.description,
      modelSource: { copyFrom: this.copyFrom },
      tags: tags.length > 0 ? tags.map(([key, value]) => ({ key, value })) : undefined,
    });
    this.inferenceProfileArn = this.resource.attrInferenceProfileArn;
    this.inferenceProfileId = this.resource.attrInferenceProfileId;
    this.model = BedrockModel._ofApplicationProfile({
      profileArn: this.inferenceProfileArn,
      profileId: this.inferenceProfileId,
      source,
      owner: this,
    });
  }

  /**
   * Grants invoking through this profile (`BedrockModel.grantInvoke` of `model`): `bedrock:InvokeModel` and
   * `bedrock:InvokeModelWithResponseStream` on the profile's ARN, plus what it routes to only under a
   * `bedrock:InferenceProfileArn` condition: for a foundation-model source, that model's ARN in the profile's Region;
   * for a system-profile source, that profile's ARN and the model's ARN in each of its sourced destination Regions.
   */
  public grantInvoke(grantee: iam.IGrantable, options: GrantInvokeOptions = {}): iam.Grant {
    return this.model.grantInvoke(grantee, options);
  }

  /**
   * `<path>-<hash>`: the hash covers the create-only properties other than the name (the source model and the
   * description), so a change that replaces the profile also renames it and the replacement can be created.
   */
  private generatedName(source: BedrockModel, description: string | undefined): string {
    const stack = Stack.of(this);
    const identity = JSON.stringify([source.modelId, description === undefined ? null : stack.resolve(description)]);
    const hash = createHash('sha256').update(identity).digest('hex').slice(0, HASH_LENGTH);
    const base = Names.uniqueResourceName(this, { maxLength: APPLICATION_PROFILE_LIMITS.name.max - HASH_LENGTH - 1, separator: '-' })
      .replace(/[^0-9a-zA-Z]+/g, '-').replace(/^-+|-+$/g, '');
    return `${base}-${hash}`;
  }
}

/**
 * `ModelSource.CopyFrom`: the foundation-model ARN in the stack's Region, or the system-defined profile's ARN in the
 * stack's Region and account. A source given as an ARN must be in the stack's Region.
 */
function copyFromArn(scope: Construct, what: string, source: BedrockModel): string {
  const kind = source.parsed.kind;
  if (kind === 'application-inference-profile' || kind === 'provisioned-model') {
    const example = source.foundationModelId ? `BedrockModel.of('${source.foundationModelId}')` : "BedrockModel.of('amazon.nova-pro-v1:0')";
    throw new BedrockValidationError('InvalidProfileSource', `${what}: model '${source.modelId}' is ${kind === 'provisioned-model'
      ? 'a provisioned-model ARN' : 'an application inference profile'}; an application inference profile copies a foundation model `
      + 'or a system-defined (cross-Region) inference profile (CreateInferenceProfile modelSource.copyFrom). Give the model it runs, '
      + `e.g. ${example}, or its system-defined profile such as 'us.<model ID>'.`, scope);
  }
  const stack = Stack.of(scope);
  const arn = source.parsed.arn;
  if (arn && arn.region !== '' && !Token.isUnresolved(stack.region) && arn.region !== stack.region) {
    const id = kind === 'inference-profile' ? source.parsed.profileId : source.foundationModelId;
    throw new BedrockValidationError('ProfileSourceRegion', `${what}: model '${source.modelId}' is in ${arn.region}, but the profile is `
      + `created in the stack's Region ${stack.region} and copies the model of its own Region. Write BedrockModel.of('${id}') to copy `
      + `it in ${stack.region}, or create the profile in a stack in ${arn.region}.`, scope);
  }
  // An ARN is copied as given (a Region-less foundation-model ARN fails the model's validation: RegionlessArn); an ID
  // becomes its ARN in the stack's Region (and account, for a system-defined profile).
  return arn ? source.modelId : source.invocationArn(scope);
}

function checkText(what: string, prop: string, value: string, limit: { max: number; pattern: RegExp }): string[] {
  if (Token.isUnresolved(value)) return [];
  const out: string[] = [];
  if (value.length < 1 || value.length > limit.max) {
    out.push(`${what}: ${prop} is ${value.length} characters ('${value}'); it must be 1-${limit.max}.`);
  }
  if (value.length > 0 && !limit.pattern.test(value)) {
    const isDescription = prop === 'description';
    const bad = [...new Set(value.split('').filter((c) => !(isDescription ? /[0-9a-zA-Z:. _-]/ : /[0-9a-zA-Z _-]/).test(c)))];
    // The nearest valid text: other characters become a separator, runs of separators collapse to their first.
    const fixed = value.replace(isDescription ? /[^0-9a-zA-Z:. _-]/g : /[^0-9a-zA-Z _-]/g, isDescription ? ' ' : '-')
      .replace(/[ _-]+/g, (m) => m[0]).replace(/^[ _-]+/, '').slice(0, limit.max);
    out.push(`${what}: ${prop} '${value}' does not match ${limit.pattern.source}: `
      + `${isDescription ? "letters, digits, ':' and '.'" : 'letters and digits'}, each followed by at most one space, '_' or '-'`
      + `${bad.length ? ` (it has ${bad.map((c) => `'${c}'`).join(', ')})` : ''}`
      + (fixed.length > 0 && limit.pattern.test(fixed) ? `. Write e.g. '${fixed}'.` : '.'));
  }
  return out;
}

function checkTags(what: string, tags: Array<[string, string]>): string[] {
  const l = APPLICATION_PROFILE_LIMITS.tags;
  const out: string[] = [];
  if (tags.length > l.max) out.push(`${what}: tags has ${tags.length} entries; a profile takes at most ${l.max}.`);
  for (const [key, value] of tags) {
    if (!Token.isUnresolved(key) && (key.length < 1 || key.length > l.keyMax || !l.pattern.test(key))) {
      out.push(`${what}: tag key '${key}' must be 1-${l.keyMax} characters of letters, digits, white space and _ . : / = + - @.`);
    }
    if (typeof value !== 'string') {
      out.push(`${what}: tag '${key}' has the value ${JSON.stringify(value)}; tag values are strings, e.g. { ${key}: 'value' }.`);
    } else if (!Token.isUnresolved(value) && (value.length > l.valueMax || !l.pattern.test(value))) {
      out.push(`${what}: tag '${key}' has the value '${value}'; values are 0-${l.valueMax} characters of letters, digits, white space `
        + 'and _ . : / = + - @.');
    }
  }
  return out;
}
