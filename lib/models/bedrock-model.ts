import { createHash } from 'crypto';
import { Annotations, Aws, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { InvocationForm, isoDate, ModelCatalog } from '../catalog/catalog';
import { foundationModelArn, parseModelId, ParsedModelId, tryParseModelId } from '../catalog/model-id';
import { ModelRecord } from '../catalog/types';
import { CustomModelOptions, evaluateModelId, ModelFinding, regionsOf, synthDate } from '../catalog/policy';
import { BedrockValidationError } from '../private/errors';
import { RuntimeModelConfig, RUNTIME_CONFIG_SCHEMA_VERSION } from './runtime-config';

/** The IAM actions that invoke a model (Converse and ConverseStream are authorized by these). */
export const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
/**
 * What a caller that never streams needs (InvokeModel, Converse, RetrieveAndGenerate's generation). Sources: Bedrock API
 * Reference, API_runtime_Converse ("requires permission for the bedrock:InvokeModel action") and
 * API_runtime_ConverseStream ("requires permission for the bedrock:InvokeModelWithResponseStream action"); Bedrock user
 * guide, inference-prereq.html.
 */
export const INVOKE_NO_STREAM_ACTIONS = ['bedrock:InvokeModel'];

/** Options of `BedrockModel.grantInvoke`. */
export interface GrantInvokeOptions {
  /**
   * Also grant `bedrock:InvokeModelWithResponseStream` (InvokeModelWithResponseStream, ConverseStream). Set it to
   * `false` for a grantee that never streams.
   * @default true
   */
  readonly responseStream?: boolean;
}

/** Options of `BedrockModel.of`. */
export interface BedrockModelOptions {
  /**
   * Facts you declare for a model the catalog does not know (a model newer than the catalog, an application
   * inference profile), or to override incomplete catalog data. An ID the catalog does not know is accepted only when
   * `custom` is given; aliases and partial IDs are rejected even then.
   * @default - the catalog's facts only
   */
  readonly custom?: CustomModelOptions;
}

/**
 * What an application inference profile created in this app (`ApplicationInferenceProfile`) tells the model that
 * invokes it. Not part of the public API: use `ApplicationInferenceProfile.model`.
 * @internal
 */
export interface ApplicationProfileModelSpec {
  /** The profile's ARN (a token: `Fn::GetAtt` of the profile). */
  readonly profileArn: string;
  /** The profile's ID (a token). */
  readonly profileId: string;
  /** The foundation model or system-defined inference profile the profile copies from. */
  readonly source: BedrockModel;
  /** The profile construct: the profile lives in its stack's partition, Region and account. */
  readonly owner: IConstruct;
}

/**
 * What has been reported, per stack: each problem of a model (same ID, custom facts and synth date) is reported once
 * per stack, on the first construct that used the model, whatever number of constructs use it (grantInvoke,
 * PinnedModelConfig, invokers, ...). The value lists the paths of the constructs that use it, for the error message.
 */
const reported = new WeakMap<Stack, Map<string, string[]>>();
/** Warning IDs: `cdk-bedrock-foundation:<Code>`, the code being the policy code (`Legacy`, `ProfileDataGap` ...). */
const WARNING_PREFIX = 'cdk-bedrock-foundation:';

/**
 * A pinned Amazon Bedrock model: an exact foundation-model ID, a system-defined (cross-Region) inference profile over
 * one, or a model ARN. Every construct that uses it validates it at synth against the sourced catalog: aliases,
 * unversioned and unknown IDs, models not offered in the stack's Region, end-of-life models (legacy ones warn) and
 * Provisioned-Throughput-only IDs fail synthesis with a message that says what to write instead.
 *
 * @example
 * const model = BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0');
 * model.grantInvoke(myFunction);
 */
export class BedrockModel {
  /**
   * A model from its ID, inference-profile ID or ARN. Throws at once when the string is not a Bedrock model identifier
   * at all; every other check runs at synth in the stack that uses the model.
   */
  public static of(id: string, options: BedrockModelOptions = {}): BedrockModel {
    return new BedrockModel(id, options);
  }

  /**
   * The model of an application inference profile created in this app: invoked with the profile's ARN (a token),
   * validated, priced and described as its source model. Used by `ApplicationInferenceProfile`.
   * @internal
   */
  public static _ofApplicationProfile(spec: ApplicationProfileModelSpec): BedrockModel {
    return new BedrockModel(spec.profileArn, {}, spec);
  }

  /** Exactly what was passed: the `modelId` to send to InvokeModel / Converse. */
  public readonly modelId: string;
  public readonly parsed: ParsedModelId;
  /** The foundation model behind the ID (for hidden ARNs, the foundation model of `custom.sourceModelId`). */
  public readonly foundationModelId?: string;
  /**
   * For an application-inference-profile ARN whose `custom.sourceModelId` is a system-defined inference-profile ID:
   * that profile, parsed.
   */
  public readonly sourceProfile?: ParsedModelId;
  /** The catalog entry of the foundation model, when the catalog knows it. */
  public readonly record?: ModelRecord;
  public readonly isInferenceProfile: boolean;
  public readonly custom?: CustomModelOptions;
  /** How the model is invoked, which decides the price rate. */
  public readonly invocationForm: InvocationForm;
  /**
   * For the model of an `ApplicationInferenceProfile` created in this app: the foundation model or system-defined
   * inference profile it copies from (which is what synth validates).
   */
  public readonly profileSource?: BedrockModel;
  /**
   * How messages name the model: the model ID, or, for the model of an `ApplicationInferenceProfile` of this app (whose
   * ARN is not known before deployment), `application inference profile <path> over <source model ID>`.
   */
  public readonly displayId: string;
  private readonly catalog: ModelCatalog;

  private constructor(id: string, options: BedrockModelOptions, profile?: ApplicationProfileModelSpec) {
    if (profile) {
      // An application inference profile of this app: its ARN is known at deploy time only; everything else comes from
      // the model it copies from.
      const source = profile.source;
      const stack = Stack.of(profile.owner);
      this.catalog = ModelCatalog.default();
      this.modelId = profile.profileArn;
      this.custom = source.custom;
      this.profileSource = source;
      this.displayId = `application inference profile ${profile.owner.node.path} over ${source.modelId}`;
      this.parsed = {
        input: profile.profileArn,
        kind: 'application-inference-profile',
        provider: source.parsed.provider,
        arn: {
          partition: stack.partition,
          region: stack.region,
          account: stack.account,
          resourceType: 'application-inference-profile',
          resourceId: profile.profileId,
        },
      };
      this.sourceProfile = source.parsed.kind === 'inference-profile' ? source.parsed : undefined;
      this.foundationModelId = source.foundationModelId;
      this.record = source.record;
      this.isInferenceProfile = true;
      this.invocationForm = 'application-profile';
      return;
    }
    if (Token.isUnresolved(id)) {
      throw new BedrockValidationError('UnresolvedModelId', 'BedrockModel.of: the model ID is an unresolved token; pass the literal '
        + 'model ID so it can be validated at synth (e.g. BedrockModel.of(\'anthropic.claude-haiku-4-5-20251001-v1:0\')).');
    }
    this.catalog = ModelCatalog.default();
    this.modelId = id;
    this.displayId = id;
    this.custom = options.custom;
    this.parsed = parseModelId(id);
    const source = options.custom?.sourceModelId !== undefined && !this.parsed.foundationModelId
      ? tryParseModelId(options.custom.sourceModelId) : undefined;
    if (source?.kind === 'inference-profile' && !source.arn && this.parsed.kind === 'application-inference-profile') {
      this.sourceProfile = source;
    }
    this.foundationModelId = this.parsed.foundationModelId
      ?? (source?.kind === 'foundation-model' || this.sourceProfile ? source!.foundationModelId : options.custom?.sourceModelId);
    this.record = this.foundationModelId ? this.catalog.get(this.foundationModelId) : undefined;
    this.isInferenceProfile = this.parsed.kind === 'inference-profile' || this.parsed.kind === 'application-inference-profile';
    this.invocationForm = this.parsed.kind === 'inference-profile'
      ? (this.parsed.profilePrefix === 'global' ? 'global-profile' : 'geo-profile')
      : this.parsed.kind === 'application-inference-profile' ? 'application-profile'
        : this.parsed.kind === 'provisioned-model' ? 'provisioned' : 'in-region';
  }

  /** Input modalities (custom, else catalog); undefined = not sourced. */
  public get inputModalities(): string[] | undefined {
    return this.custom?.inputModalities ?? this.record?.inputModalities ?? undefined;
  }

  /** Output modalities (custom, else catalog); undefined = not sourced. */
  public get outputModalities(): string[] | undefined {
    return this.custom?.outputModalities ?? this.record?.outputModalities ?? undefined;
  }

  /** Context window in tokens (for embeddings models: the maximum input tokens); undefined = not sourced. */
  public get contextWindow(): number | undefined {
    return this.custom?.contextWindow ?? this.record?.contextWindow ?? undefined;
  }

  /** Maximum output tokens; undefined = not sourced. */
  public get maxOutputTokens(): number | undefined {
    return this.custom?.maxOutputTokens ?? this.record?.maxOutputTokens ?? undefined;
  }

  /** Supported embedding output dimensions; undefined = not sourced or not an embeddings model. */
  public get embeddingDimensions(): number[] | undefined {
    return this.custom?.embeddingDimensions ?? this.record?.embedding?.dimensions ?? undefined;
  }

  /** Default embedding dimension; undefined = not sourced. */
  public get defaultEmbeddingDimension(): number | undefined {
    if (this.custom?.defaultEmbeddingDimension !== undefined) return this.custom.defaultEmbeddingDimension;
    if (this.record?.embedding?.default !== undefined && this.record.embedding.default !== null) return this.record.embedding.default;
    const dims = this.embeddingDimensions;
    return dims && dims.length === 1 ? dims[0] : undefined;
  }

  /** Whether the model outputs embeddings; undefined when its modalities are not sourced. */
  public get isEmbeddingModel(): boolean | undefined {
    const out = this.outputModalities;
    if (out) return out.includes('EMBEDDING');
    if (this.record?.embedding || this.custom?.embeddingDimensions) return true;
    return undefined;
  }

  /** Judges the model in the stack of `scope` at the synth date (context `cdk-bedrock-foundation:now`). */
  public evaluate(scope: IConstruct): ModelFinding[] {
    if (this.profileSource) return this.profileSource.evaluate(scope);
    const region = Stack.of(scope).region;
    return evaluateModelId(this.modelId, {
      region: Token.isUnresolved(region) ? undefined : region,
      now: synthDate(scope),
      custom: this.custom,
      catalog: this.catalog,
    });
  }

  /**
   * Attaches the model's synth validation to a construct that uses it: errors fail synthesis (`node.addValidation`),
   * warnings become annotations, and in a stack without a concrete Region a CloudFormation Rule asserts at deploy time
   * that `AWS::Region` is one where the model is offered. Each problem is reported once per stack, on the first
   * construct that uses the model (its error names every construct that uses it).
   */
  public validate(scope: IConstruct): void {
    if (this.profileSource) {
      // The profile's model is its source model: same checks, same messages, reported once per stack with the source.
      this.profileSource.validate(scope);
      return;
    }
    const users = this.reportOnce(scope, 'findings');
    if (!users) return;

    const findings = this.evaluate(scope);
    const errors = findings.filter((f) => f.level === 'error').map((f) => f.message);
    if (errors.length > 0) {
      scope.node.addValidation({ validate: () => errors.map((e) => `${e}${usedBy(users)}`) });
    }
    for (const f of findings.filter((x) => x.level === 'warning')) {
      if (f.code === 'RegionUnknown') continue;
      Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}${f.code}`, f.message);
    }
    if (findings.some((f) => f.code === 'RegionUnknown')) {
      this.addRegionRule(scope);
    }
  }

  private get key(): string {
    return `${this.modelId}|${JSON.stringify(this.custom ?? {})}`;
  }

  /**
   * Records that `scope` uses this model for `what`. Returns the list of users to report on when this is the first use in
   * the stack (the list grows with later uses), undefined when the problem was already reported in this stack.
   */
  private reportOnce(scope: IConstruct, what: string): string[] | undefined {
    const stack = Stack.of(scope);
    const byKey = reported.get(stack) ?? new Map<string, string[]>();
    reported.set(stack, byKey);
    const key = `${this.key}|${isoDate(synthDate(scope))}|${what}`;
    const users = byKey.get(key);
    if (users) {
      if (!users.includes(scope.node.path)) users.push(scope.node.path);
      return undefined;
    }
    const fresh = [scope.node.path];
    byKey.set(key, fresh);
    return fresh;
  }

  private addRegionRule(scope: IConstruct) {
    const stack = Stack.of(scope);
    const regions = this.allowedRegions();
    if (!regions || regions.length === 0) {
      Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}RegionUnknown`, `Region unknown: the stack has no concrete Region and the `
        + `catalog has no sourced Regions for '${this.modelId}', so neither synth nor deployment can check where it is offered; `
        + "give the stack an explicit env: { region: '...' }.");
      return;
    }
    const id = `BedrockModelRegion${createHash('sha256').update(this.modelId).digest('hex').slice(0, 8)}`;
    if (!stack.node.tryFindChild(id)) {
      new CfnRule(stack, id, {
        assertions: [{
          assert: Fn.conditionContains(regions, Aws.REGION),
          assertDescription: `Model '${this.modelId}' is offered only in ${regions.join(', ')} (cdk-bedrock-foundation catalog `
            + `${this.catalog.generatedAt}); deploy this stack to one of those Regions or choose another model.`,
        }],
      });
    }
    Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}RegionUnknown`, `Region unknown: the stack has no concrete Region, so the `
      + `Regional availability of '${this.modelId}' is checked at deploy time instead: the template's Rule ${id} fails the deployment `
      + `before any resource is created unless AWS::Region is one of ${regions.join(', ')}. Give the stack an explicit env to check it at synth.`);
  }

  /** Regions the model can be invoked from, as sourced (custom regions win). */
  public allowedRegions(): string[] | undefined {
    if (this.profileSource) return this.profileSource.allowedRegions();
    if (this.parsed.kind === 'application-inference-profile' || this.parsed.kind === 'provisioned-model') {
      return this.custom?.regions ?? (this.parsed.arn?.region ? [this.parsed.arn.region] : undefined);
    }
    return regionsOf(this.record, this.parsed, this.custom, this.catalog);
  }

  /**
   * The ARN of what is invoked, in the stack of `scope`: the foundation-model ARN in the stack's Region, the
   * inference-profile ARN in the stack's Region and account, or the ARN that was passed.
   */
  public invocationArn(scope: IConstruct): string {
    if (this.parsed.arn) return this.modelId;
    const stack = Stack.of(scope);
    if (this.parsed.kind === 'inference-profile') {
      return `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${this.parsed.profileId}`;
    }
    return foundationModelArn(stack.partition, stack.region, this.foundationModelId!);
  }

  /**
   * Grants `bedrock:InvokeModel` and `bedrock:InvokeModelWithResponseStream` (only `InvokeModel` with
   * `responseStream: false`) on exactly this model: the
   * foundation-model ARN; for an inference profile, the profile ARN plus the foundation-model ARN in every sourced
   * destination Region of the profile's geography and the stack's Region (for `global.`, also the Region-less ARN),
   * only under a `bedrock:InferenceProfileArn` condition naming the profile. For an application-inference-profile
   * ARN: that ARN plus the foundation-model ARN in its Region (and `custom.regions`) under the condition, or, when
   * `custom.sourceModelId` is a system-defined profile, also that profile's ARN and its destination Regions. Never
   * `*`: where a profile's destination Regions are not sourced (the `in.` geography) and not declared in
   * `custom.destinationRegions`, synthesis fails.
   */
  public grantInvoke(grantee: iam.IGrantable, options: GrantInvokeOptions = {}): iam.Grant {
    const actions = options.responseStream === false ? INVOKE_NO_STREAM_ACTIONS : INVOKE_ACTIONS;
    const scope = scopeOf(grantee);
    if (scope) this.validate(scope);
    const env = envOf(scope);
    const fmId = this.foundationModelId;
    switch (this.parsed.kind) {
      case 'foundation-model':
        return iam.Grant.addToPrincipal({
          grantee,
          actions,
          resourceArns: [this.parsed.arn ? this.modelId : foundationModelArn(env.partition, env.region, fmId!)],
        });
      case 'provisioned-model':
        return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.modelId] });
      case 'inference-profile':
      case 'application-inference-profile': {
        const arnEnv = this.parsed.arn
          ? { partition: this.parsed.arn.partition, region: this.parsed.arn.region, account: this.parsed.arn.account }
          : env;
        const profileArns: string[] = [];
        if (this.parsed.kind === 'application-inference-profile') {
          profileArns.push(this.modelId);
          if (this.sourceProfile) {
            profileArns.push(`arn:${arnEnv.partition}:bedrock:${arnEnv.region}:${arnEnv.account}:inference-profile/${this.sourceProfile.profileId}`);
          }
        } else {
          profileArns.push(this.parsed.arn
            ? this.modelId
            : `arn:${env.partition}:bedrock:${env.region}:${env.account}:inference-profile/${this.parsed.profileId}`);
        }
        const profileGrant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: profileArns });
        if (!fmId) return profileGrant;
        const regions = this.destinationRegions(arnEnv.region, scope);
        const fmArns = regions.map((r) => foundationModelArn(env.partition, r, fmId));
        const prefix = this.sourceProfile?.profilePrefix ?? this.parsed.profilePrefix;
        if (prefix === 'global') fmArns.push(foundationModelArn(env.partition, '', fmId));
        const fmGrant = iam.Grant.addToPrincipal({
          grantee,
          actions,
          resourceArns: fmArns,
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArns.length === 1 ? profileArns[0] : profileArns } },
        });
        return profileGrant.combine(fmGrant);
      }
    }
  }

  /**
   * Destination Regions an inference profile may route to, as sourced: the geography's destination Regions plus the
   * calling Region (for an application profile over a foundation model: its Region and `custom.regions`). Where the
   * geography's destinations are not sourced and not declared, a synth error is attached to `scope` (never `*`).
   */
  private destinationRegions(callRegion: string, scope: IConstruct | undefined): string[] {
    const out: string[] = [];
    const add = (r: string) => { if (!out.includes(r)) out.push(r); };
    if (!Token.isUnresolved(callRegion) && callRegion !== '') add(callRegion);
    const profile = this.sourceProfile ?? (this.parsed.kind === 'inference-profile' ? this.parsed : undefined);
    if (!profile) {
      // application inference profile over a foundation model: the model in the profile's Region (+ declared Regions
      // of an imported profile ARN; a profile created in this app copies the model of its own Region only)
      if (!this.profileSource) for (const r of this.custom?.destinationRegions ?? this.custom?.regions ?? []) add(r);
    } else if (profile.profilePrefix === 'global') {
      for (const r of this.catalog.commercialRegions()) add(r);
    } else {
      const declared = this.custom?.destinationRegions;
      const geo = declared ?? this.catalog.geographyRegions(profile.profilePrefix!);
      if (geo) {
        for (const r of geo) add(r);
      } else {
        const declareOn = this.profileSource ? this.profileSource.modelId : this.modelId;
        const message = `grantInvoke: the destination Regions of the '${profile.profilePrefix}.' geography are not sourced `
          + `(catalog ${this.catalog.generatedAt}), so the grant for ${this.profileSource ? `the application inference profile over '${declareOn}'` : `'${this.modelId}'`} `
          + `cannot name the foundation-model ARNs the profile '${profile.profileId}' routes to (it never grants '*'). Declare the `
          + `Regions you verified it routes to: BedrockModel.of('${declareOn}', { custom: { `
          + `${!this.profileSource && this.custom?.sourceModelId ? `sourceModelId: '${this.custom.sourceModelId}', ` : ''}`
          + "destinationRegions: ['<region>', ...] } }).";
        if (!scope) throw new BedrockValidationError('DestinationRegionsNotSourced', message);
        const users = this.reportOnce(scope, 'destinations');
        if (users) scope.node.addValidation({ validate: () => [`${message}${usedBy(users)}`] });
      }
    }
    if (Token.isUnresolved(callRegion)) out.push(callRegion);
    return out;
  }

  /**
   * The run-time configuration of this model (the JSON that `PinnedModelConfig` stores and invokers read): model IDs,
   * invocation form, sourced limits and the price at the rate of the invocation form.
   */
  public runtimeConfig(): RuntimeModelConfig {
    // An application profile is priced as what it routes through: its system profile's rate, else the in-Region rate.
    const rateForm: InvocationForm = this.sourceProfile ? (this.sourceProfile.profilePrefix === 'global' ? 'global-profile' : 'geo-profile')
      : this.invocationForm === 'application-profile' ? 'in-region' : this.invocationForm;
    const price = this.foundationModelId ? this.catalog.priceFor(this.foundationModelId, rateForm) : undefined;
    const dims = this.embeddingDimensions;
    return {
      schemaVersion: RUNTIME_CONFIG_SCHEMA_VERSION,
      modelId: this.modelId,
      foundationModelId: this.foundationModelId ?? null,
      invocationForm: this.invocationForm,
      contextWindow: this.contextWindow ?? null,
      maxOutputTokens: this.maxOutputTokens ?? null,
      embedding: dims ? { dimensions: dims, default: this.defaultEmbeddingDimension ?? null } : null,
      price: price ? {
        inputPer1M: price.inputPer1M,
        outputPer1M: price.outputPer1M,
        currency: price.currency,
        rateBasis: price.rateBasis,
        asOf: price.asOf,
        approximate: price.approximate,
        source: price.source,
      } : null,
      catalogGeneratedAt: this.catalog.generatedAt,
    };
  }

  public toString(): string {
    return this.modelId;
  }
}

/** " (used by A, B)" when more than one construct of the stack uses the model, else nothing. */
function usedBy(users: readonly string[]): string {
  return users.length > 1 ? ` (reported once; used by ${users.join(', ')})` : '';
}

function scopeOf(grantee: iam.IGrantable): IConstruct | undefined {
  if (Construct.isConstruct(grantee)) return grantee;
  const principal = grantee.grantPrincipal as unknown;
  if (Construct.isConstruct(principal)) return principal;
  return undefined;
}

function envOf(scope: IConstruct | undefined): { partition: string; region: string; account: string } {
  if (!scope) return { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID };
  const stack = Stack.of(scope);
  return { partition: stack.partition, region: stack.region, account: stack.account };
}
