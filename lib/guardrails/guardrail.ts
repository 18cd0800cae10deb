import { createHash } from 'crypto';
import {
  Annotations, ArnFormat, Aws, CfnResource, CfnRule, Fn, IResource, Lazy, Names, RemovalPolicy, Resource, Stack, Token,
} from 'aws-cdk-lib';
import { CfnGuardrail, CfnGuardrailVersion } from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BedrockValidationError } from '../private/errors';
import { GUARDRAIL_LIMITS, GUARDRAIL_PROFILES_SOURCE, IMAGE_FILTER_AVAILABILITY } from '../catalog/guardrail-facts';
import { GuardrailProfile } from './guardrail-profile';
import { APPLY_GUARDRAIL_ACTIONS } from './perms';
import { validateForRegion, validateGuardrailConfig } from './private/validate';
import {
  ContentFilter, ContentFilterCategory, ContextualGroundingFilter, DeniedTopic, FilterStrength, GuardrailAction, GuardrailModality, GuardrailTier,
  GuardrailTrace, PiiEntityFilter, ProfanityFilter, RegexFilter, WordFilter,
} from './types';

/** The version string of a guardrail's working draft. */
export const DRAFT_VERSION = 'DRAFT';

/** The message shown when a prompt is blocked, unless you set one (the wording of the AWS guardrail examples). */
export const DEFAULT_BLOCKED_MESSAGING = 'Sorry, the model cannot answer this question.';

const WARNING = 'cdk-bedrock-foundation:';
const HASH_LENGTH = 16;
const VERSION_DESCRIPTION_SUFFIX = `; configuration sha256:${'0'.repeat(HASH_LENGTH)}`;

/** Options of `runtimeConfig`. */
export interface GuardrailRuntimeConfigOptions {
  /**
   * Whether callers ask for the guardrail trace.
   * @default GuardrailTrace.DISABLED
   */
  readonly trace?: GuardrailTrace;
}

/**
 * What a caller sends with a model call: Converse / ConverseStream `guardrailConfig`, InvokeModel's
 * `guardrailIdentifier` / `guardrailVersion` / `trace` (RetrieveAndGenerate takes `guardrailIdentifier` as its
 * `guardrailId`). The version is always a pinned number unless DRAFT was asked for by name.
 */
export interface GuardrailRuntimeConfig {
  /** The guardrail ID. */
  readonly guardrailIdentifier: string;
  /** The pinned version number (a token until deployment), or `DRAFT` when asked for by name. */
  readonly guardrailVersion: string;
  /** `disabled`, `enabled` or `enabled_full`. */
  readonly trace: string;
}

/** A Bedrock guardrail at a pinned version. */
export interface IGuardrail extends IResource {
  /** The guardrail ID. @attribute */
  readonly guardrailId: string;
  /** The guardrail ARN (`arn:<partition>:bedrock:<region>:<account>:guardrail/<id>`). @attribute */
  readonly guardrailArn: string;
  /** The version callers use: a published version number, or `DRAFT` only when asked for by name. */
  readonly guardrailVersion: string;
  /** The customer-managed key the guardrail is encrypted with, if any. */
  readonly kmsKey?: kms.IKey;
  /** The cross-Region guardrail profile, if any. */
  readonly crossRegionProfile?: GuardrailProfile;
  /**
   * Grants `bedrock:ApplyGuardrail` on exactly this guardrail (what ApplyGuardrail and a model call with this guardrail
   * need); with a cross-Region profile, also on the profile in the guardrail's Region and in every destination Region it
   * routes to; with a customer-managed key, `kms:Decrypt` on that key. Never `*`.
   */
  grantApply(grantee: iam.IGrantable): iam.Grant;
  /** The fragment a caller sends with a model call (`{ guardrailIdentifier, guardrailVersion, trace }`). */
  runtimeConfig(options?: GuardrailRuntimeConfigOptions): GuardrailRuntimeConfig;
}

/** Properties of `Guardrail`. */
export interface GuardrailProps {
  /**
   * Name: 1-50 characters of `0-9 a-z A-Z - _`. Not a create-only property of AWS::Bedrock::Guardrail, so changing it
   * updates the guardrail in place.
   * @default - a unique name derived from the construct path
   */
  readonly guardrailName?: string;
  /** 1-200 characters. @default - no description */
  readonly description?: string;
  /** Message returned when a prompt is blocked: 1-500 characters. @default 'Sorry, the model cannot answer this question.' */
  readonly blockedInputMessaging?: string;
  /** Message returned when a response is blocked: 1-500 characters. @default - `blockedInputMessaging` */
  readonly blockedOutputsMessaging?: string;
  /** Content filters, at most one per category. @default - no content filters */
  readonly contentFilters?: ContentFilter[];
  /** Safeguard tier of the content filters; STANDARD needs `crossRegionProfile`. @default - no tier sent (the service's default) */
  readonly contentFiltersTier?: GuardrailTier;
  /** Denied topics (up to 30). @default - no denied topics */
  readonly deniedTopics?: DeniedTopic[];
  /** Safeguard tier of the denied topics; STANDARD needs `crossRegionProfile`. @default - no tier sent (the service's default) */
  readonly topicsTier?: GuardrailTier;
  /** Blocked words and phrases, exact match (up to 10,000). @default - no custom words */
  readonly words?: WordFilter[];
  /** The managed profanity list. @default - not enabled */
  readonly profanityFilter?: ProfanityFilter;
  /** PII entity filters. @default - no PII filters */
  readonly piiEntities?: PiiEntityFilter[];
  /** Custom regular expressions of the sensitive-information policy (up to 10). @default - none */
  readonly regexes?: RegexFilter[];
  /** Contextual grounding and relevance checks. @default - none */
  readonly contextualGrounding?: ContextualGroundingFilter[];
  /**
   * A system-defined guardrail profile for cross-Region guardrail inference; it must be callable from the stack's
   * Region (synth fails otherwise; in a stack without a concrete Region a CloudFormation Rule checks it at deploy time).
   * @default - no cross-Region inference
   */
  readonly crossRegionProfile?: GuardrailProfile;
  /** A customer-managed KMS key (its key ARN, not an alias). @default - an AWS managed key */
  readonly kmsKey?: kms.IKey;
  /**
   * Use the working draft instead of a published version. Callers then get whatever the draft holds at call time, so
   * what runs is not what was reviewed; synthesis warns.
   * @default false
   */
  readonly useDraft?: boolean;
  /** Text at the start of each published version's description (up to 161 characters). @default 'Published by cdk-bedrock-foundation' */
  readonly versionDescription?: string;
  /**
   * Keep superseded versions when a configuration change publishes a new one. Off by default: CloudFormation deletes
   * the old version only in the cleanup phase of a successful update (a failed update rolls back to it), and a guardrail
   * can have at most 20 versions (not adjustable), so retained versions eventually block every change.
   * @default false
   */
  readonly retainPreviousVersions?: boolean;
}

/** Attributes of an existing guardrail. */
export interface GuardrailAttributes {
  /** The guardrail ARN. Give this or `guardrailId`. @default - built from `guardrailId` in this stack's Region and account */
  readonly guardrailArn?: string;
  /** The guardrail ID. @default - taken from `guardrailArn` */
  readonly guardrailId?: string;
  /** The version to call: a version number (`'3'`); `'DRAFT'` only if you mean it (synthesis warns). */
  readonly guardrailVersion: string;
  /** The customer-managed key the guardrail is encrypted with. @default - none (AWS managed key) */
  readonly kmsKey?: kms.IKey;
  /** The guardrail's cross-Region profile. @default - none */
  readonly crossRegionProfile?: GuardrailProfile;
}

abstract class GuardrailBase extends Resource implements IGuardrail {
  public abstract readonly guardrailId: string;
  public abstract readonly guardrailArn: string;
  public abstract readonly guardrailVersion: string;
  public abstract readonly kmsKey?: kms.IKey;
  public abstract readonly crossRegionProfile?: GuardrailProfile;

  /** Region and account the guardrail lives in (the profile's source Region). */
  protected abstract guardrailEnv(): { partition: string; region: string; account: string };

  public grantApply(grantee: iam.IGrantable): iam.Grant {
    const arns = [this.guardrailArn];
    const profile = this.crossRegionProfile;
    if (profile) {
      const env = this.guardrailEnv();
      const regions: string[] = [];
      const add = (r: string) => { if (!regions.includes(r)) regions.push(r); };
      if (Token.isUnresolved(env.region)) {
        // The CloudFormation Rule pins AWS::Region to a source Region; grant what any of them routes to.
        add(env.region);
        for (const r of profile.allDestinationRegions) add(r);
      } else {
        add(env.region);
        for (const r of profile.destinationRegionsFrom(env.region) ?? []) add(r);
      }
      for (const r of regions) arns.push(profile.arn(env.partition, r, env.account));
    }
    let grant = iam.Grant.addToPrincipal({ grantee, actions: APPLY_GUARDRAIL_ACTIONS, resourceArns: arns });
    if (this.kmsKey) grant = grant.combine(this.kmsKey.grantDecrypt(grantee));
    return grant;
  }

  public runtimeConfig(options: GuardrailRuntimeConfigOptions = {}): GuardrailRuntimeConfig {
    return {
      guardrailIdentifier: this.guardrailId,
      guardrailVersion: this.guardrailVersion,
      trace: options.trace ?? GuardrailTrace.DISABLED,
    };
  }
}

/**
 * An Amazon Bedrock guardrail (AWS::Bedrock::Guardrail) pinned by construction: a GuardrailVersion is published
 * whenever the rendered configuration changes, and only then (its logical ID carries a SHA-256 of the resolved
 * guardrail properties), and `guardrailVersion` is that version's number. Every documented limit is checked at synth.
 *
 * @example
 * const guardrail = new Guardrail(this, 'Guardrail', {
 *   contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }],
 *   piiEntities: [{ type: PiiEntityType.EMAIL, action: SensitiveInformationAction.ANONYMIZE }],
 * });
 * guardrail.grantApply(myFunction);
 */
export class Guardrail extends GuardrailBase {
  /**
   * An existing guardrail at a given version. `guardrailVersion` is required: pass the number you tested; `'DRAFT'`
   * is accepted only by name and warns.
   */
  public static fromGuardrailAttributes(scope: Construct, id: string, attrs: GuardrailAttributes): IGuardrail {
    return new ImportedGuardrail(scope, id, attrs);
  }

  public readonly guardrailId: string;
  public readonly guardrailArn: string;
  public readonly guardrailVersion: string;
  /** The guardrail's name. */
  public readonly guardrailName: string;
  public readonly kmsKey?: kms.IKey;
  public readonly crossRegionProfile?: GuardrailProfile;
  /** The AWS::Bedrock::Guardrail resource. */
  public readonly resource: CfnGuardrail;
  /** The AWS::Bedrock::GuardrailVersion of the current configuration (undefined with `useDraft`). */
  public readonly version?: CfnGuardrailVersion;
  /**
   * First 16 hex digits of the SHA-256 of the resolved guardrail configuration (the properties of the
   * AWS::Bedrock::Guardrail resource without Tags): a token resolved at synthesis.
   */
  public readonly configurationHash: string;
  /** Whether callers use the working draft (`useDraft`). */
  public readonly isDraft: boolean;

  constructor(scope: Construct, id: string, props: GuardrailProps = {}) {
    super(scope, id);
    const name = props.guardrailName ?? Names.uniqueResourceName(this, { maxLength: GUARDRAIL_LIMITS.name.max, separator: '-' });
    const stack = Stack.of(this);
    const inputMessaging = props.blockedInputMessaging ?? DEFAULT_BLOCKED_MESSAGING;
    const outputMessaging = props.blockedOutputsMessaging ?? inputMessaging;
    const kmsKeyArn = props.kmsKey?.keyArn;

    validateGuardrailConfig(this, {
      guardrailName: name,
      description: props.description,
      blockedInputMessaging: inputMessaging,
      blockedOutputsMessaging: outputMessaging,
      contentFilters: props.contentFilters,
      contentFiltersTier: props.contentFiltersTier,
      deniedTopics: props.deniedTopics,
      topicsTier: props.topicsTier,
      words: props.words,
      profanity: props.profanityFilter !== undefined,
      piiEntities: props.piiEntities,
      regexes: props.regexes,
      contextualGrounding: props.contextualGrounding,
      crossRegionProfile: props.crossRegionProfile,
      kmsKeyArn,
    });
    const versionPrefix = props.versionDescription ?? 'Published by cdk-bedrock-foundation';
    const prefixLimit = GUARDRAIL_LIMITS.versionDescription.max - VERSION_DESCRIPTION_SUFFIX.length;
    if (!Token.isUnresolved(versionPrefix) && (versionPrefix.length < 1 || versionPrefix.length > prefixLimit)) {
      throw new BedrockValidationError('GuardrailVersionDescriptionLength', `versionDescription is ${versionPrefix.length} characters `
        + `long; it must be 1-${prefixLimit} characters: the version description is limited to ${GUARDRAIL_LIMITS.versionDescription.max} `
        + `(${GUARDRAIL_LIMITS.versionDescription.source}) and '${VERSION_DESCRIPTION_SUFFIX.replace(/0+$/, '<hash>')}' is appended. `
        + 'Shorten it.', this);
    }
    this.checkRegion(props);

    this.kmsKey = props.kmsKey;
    this.crossRegionProfile = props.crossRegionProfile;
    this.isDraft = props.useDraft === true;
    this.resource = new CfnGuardrail(this, 'Resource', {
      name,
      description: props.description,
      blockedInputMessaging: inputMessaging,
      blockedOutputsMessaging: outputMessaging,
      kmsKeyArn,
      crossRegionConfig: props.crossRegionProfile
        ? { guardrailProfileArn: props.crossRegionProfile.arn(stack.partition, stack.region, stack.account) }
        : undefined,
      contentPolicyConfig: renderContentPolicy(props),
      topicPolicyConfig: renderTopicPolicy(props),
      wordPolicyConfig: renderWordPolicy(props),
      sensitiveInformationPolicyConfig: renderSensitiveInformationPolicy(props),
      contextualGroundingPolicyConfig: props.contextualGrounding?.length ? {
        filtersConfig: props.contextualGrounding.map((g) => ({
          type: g.type,
          threshold: g.threshold,
          action: g.action ?? GuardrailAction.BLOCK,
          enabled: g.enabled ?? true,
        })),
      } : undefined,
    });
    this.guardrailId = this.resource.attrGuardrailId;
    this.guardrailArn = this.resource.attrGuardrailArn;
    this.guardrailName = name;
    this.configurationHash = Lazy.uncachedString({ produce: () => this.computeHash(versionPrefix) });

    if (this.isDraft) {
      this.guardrailVersion = DRAFT_VERSION;
      Annotations.of(this).addWarningV2(`${WARNING}GuardrailDraft`, `Guardrail ${this.node.path} is used at its working draft `
        + '(useDraft: true): callers get whatever the draft holds when they call, not the configuration this template was '
        + 'reviewed with, and no version is published. Remove useDraft to pin a published version.');
      return;
    }
    this.version = new CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.resource.attrGuardrailId,
      description: Lazy.uncachedString({ produce: () => `${versionPrefix}; configuration sha256:${this.computeHash(versionPrefix)}` }),
    });
    // A new logical ID for every new configuration: CloudFormation creates the new version after the guardrail update,
    // moves every reference to it, and deletes the old one in the cleanup phase (unless retained).
    const baseId = stack.resolve(this.version.logicalId) as string;
    this.version.overrideLogicalId(Lazy.uncachedString({
      produce: () => `${baseId.slice(Math.max(0, baseId.length - (255 - HASH_LENGTH)))}${this.computeHash(versionPrefix)}`,
    }));
    if (props.retainPreviousVersions) this.version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.guardrailVersion = this.version.attrVersion;
  }

  protected guardrailEnv() {
    const stack = Stack.of(this);
    return { partition: stack.partition, region: stack.region, account: stack.account };
  }

  /**
   * SHA-256 of the resolved properties of the AWS::Bedrock::Guardrail resource (Tags excluded: they are not part of a
   * version), keys sorted. Resolved with `Stack.resolve`, so references render as `{ Ref }` / `{ Fn::GetAtt }` with
   * logical IDs and never as the process-local token strings that would change on every synthesis.
   */
  private computeHash(versionPrefix: string): string {
    const stack = Stack.of(this);
    const template = stack.resolve((this.resource as CfnResource)._toCloudFormation()) as { Resources: Record<string, { Properties?: Record<string, unknown> }> };
    const properties = { ...(Object.values(template.Resources)[0].Properties ?? {}) };
    delete properties.Tags;
    const input = canonicalJson({ properties, versionDescription: stack.resolve(versionPrefix) });
    return createHash('sha256').update(input).digest('hex').slice(0, HASH_LENGTH);
  }

  private checkRegion(props: GuardrailProps) {
    const stack = Stack.of(this);
    const region = stack.region;
    const usesImage = (props.contentFilters ?? []).some((f) => [...(f.inputModalities ?? []), ...(f.outputModalities ?? [])]
      .includes(GuardrailModality.IMAGE));
    if (!Token.isUnresolved(region)) {
      for (const w of validateForRegion(this, region, props.crossRegionProfile, props.contentFilters)) {
        Annotations.of(this).addWarningV2(`${WARNING}${w.code}`, w.message);
      }
      return;
    }
    if (props.crossRegionProfile) {
      const profile = props.crossRegionProfile;
      const ruleId = `GuardrailProfileRegion${createHash('sha256').update(profile.profileId).digest('hex').slice(0, 8)}`;
      if (!stack.node.tryFindChild(ruleId)) {
        new CfnRule(stack, ruleId, {
          assertions: [{
            assert: Fn.conditionContains(profile.sourceRegions, Aws.REGION),
            assertDescription: `Guardrail profile '${profile.profileId}' can be called only from ${profile.sourceRegions.join(', ')} `
              + `(${profile.sourced ? GUARDRAIL_PROFILES_SOURCE : 'declared'}); deploy this stack to one of those Regions or choose another profile.`,
          }],
        });
      }
      Annotations.of(this).addWarningV2(`${WARNING}GuardrailRegionUnknown`, `Region unknown: the stack has no concrete Region, so `
        + `whether guardrail profile '${profile.profileId}' can be called from it is checked at deploy time by the template's Rule `
        + `${ruleId} (source Regions ${profile.sourceRegions.join(', ')}). Give the stack an explicit env to check it at synth.`);
    }
    if (usesImage) {
      Annotations.of(this).addWarningV2(`${WARNING}GuardrailRegionUnknown`, 'Region unknown: the IMAGE modality of content filters '
        + `is offered in ${IMAGE_FILTER_AVAILABILITY.generallyAvailable.regions.join(', ')} (and in preview in `
        + `${IMAGE_FILTER_AVAILABILITY.preview.regions.join(', ')}, for fewer categories) (${IMAGE_FILTER_AVAILABILITY.source}); `
        + 'the stack has no concrete Region, so this is not checked. Give the stack an explicit env.');
    }
  }
}

class ImportedGuardrail extends GuardrailBase {
  public readonly guardrailId: string;
  public readonly guardrailArn: string;
  public readonly guardrailVersion: string;
  public readonly kmsKey?: kms.IKey;
  public readonly crossRegionProfile?: GuardrailProfile;

  constructor(scope: Construct, id: string, attrs: GuardrailAttributes) {
    super(scope, id);
    const stack = Stack.of(this);
    const L = GUARDRAIL_LIMITS;
    if (attrs.guardrailArn === undefined && attrs.guardrailId === undefined) {
      throw new BedrockValidationError('GuardrailImportIdentifier', 'Guardrail.fromGuardrailAttributes needs guardrailArn or '
        + "guardrailId, e.g. { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' }.", this);
    }
    if (attrs.guardrailArn !== undefined && !Token.isUnresolved(attrs.guardrailArn) && !L.guardrailArn.pattern.test(attrs.guardrailArn)) {
      throw new BedrockValidationError('GuardrailImportIdentifier', `guardrailArn '${attrs.guardrailArn}' is not a guardrail ARN `
        + `(pattern ${L.guardrailArn.pattern.source}; ${L.guardrailArn.source}). Pass the ARN without a version suffix, e.g. `
        + "'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', and the version in guardrailVersion.", this);
    }
    if (attrs.guardrailId !== undefined && !Token.isUnresolved(attrs.guardrailId)
      && !(L.guardrailId.pattern.test(attrs.guardrailId) && attrs.guardrailId.length <= L.guardrailId.max)) {
      throw new BedrockValidationError('GuardrailImportIdentifier', `guardrailId '${attrs.guardrailId}' is not a guardrail ID `
        + `(pattern ${L.guardrailId.pattern.source}, at most ${L.guardrailId.max} characters; ${L.guardrailId.source}). `
        + 'Pass the ID (lower-case letters and digits), or the ARN in guardrailArn.', this);
    }
    if (!Token.isUnresolved(attrs.guardrailVersion) && !L.version.pattern.test(attrs.guardrailVersion)) {
      throw new BedrockValidationError('GuardrailVersionInvalid', `guardrailVersion '${attrs.guardrailVersion}' is neither a `
        + `version number nor DRAFT (pattern ${L.version.pattern.source}; ${L.version.source}). Pass the number of the version `
        + "you tested, e.g. '3'.", this);
    }
    this.guardrailArn = attrs.guardrailArn ?? stack.formatArn({
      service: 'bedrock', resource: 'guardrail', resourceName: attrs.guardrailId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.guardrailId = attrs.guardrailId
      ?? (Token.isUnresolved(this.guardrailArn) ? Fn.select(1, Fn.split('/', this.guardrailArn)) : this.guardrailArn.split('/')[1]);
    this.guardrailVersion = attrs.guardrailVersion;
    this.kmsKey = attrs.kmsKey;
    this.crossRegionProfile = attrs.crossRegionProfile;
    if (attrs.guardrailVersion === DRAFT_VERSION) {
      Annotations.of(this).addWarningV2(`${WARNING}GuardrailDraft`, `Guardrail ${this.node.path} is imported at DRAFT: callers get `
        + 'whatever the working draft holds when they call, not a reviewed version. Pass the published version number you '
        + "tested (guardrailVersion: '<n>').");
    }
  }

  protected guardrailEnv() {
    const stack = Stack.of(this);
    if (!Token.isUnresolved(this.guardrailArn)) {
      const arn = stack.splitArn(this.guardrailArn, ArnFormat.SLASH_RESOURCE_NAME);
      return { partition: arn.partition!, region: arn.region!, account: arn.account! };
    }
    return { partition: stack.partition, region: stack.region, account: stack.account };
  }
}

function enabled(v: boolean | undefined): boolean {
  return v ?? true;
}

function renderContentPolicy(props: GuardrailProps): CfnGuardrail.ContentPolicyConfigProperty | undefined {
  if (!props.contentFilters?.length) return undefined;
  return {
    filtersConfig: props.contentFilters.map((f) => {
      if (f.category === ContentFilterCategory.PROMPT_ATTACK) {
        // Configured on the input side (Bedrock user guide, Detect prompt attacks); CloudFormation requires OutputStrength.
        return {
          type: f.category,
          inputStrength: f.inputStrength,
          outputStrength: f.outputStrength ?? FilterStrength.NONE,
          inputAction: f.inputAction ?? GuardrailAction.BLOCK,
          inputEnabled: enabled(f.inputEnabled),
          inputModalities: f.inputModalities ?? [GuardrailModality.TEXT],
          outputAction: f.outputAction,
          outputEnabled: f.outputEnabled,
          outputModalities: f.outputModalities,
        };
      }
      return {
        type: f.category,
        inputStrength: f.inputStrength,
        outputStrength: f.outputStrength ?? f.inputStrength,
        inputAction: f.inputAction ?? GuardrailAction.BLOCK,
        outputAction: f.outputAction ?? GuardrailAction.BLOCK,
        inputEnabled: enabled(f.inputEnabled),
        outputEnabled: enabled(f.outputEnabled),
        inputModalities: f.inputModalities ?? [GuardrailModality.TEXT],
        outputModalities: f.outputModalities ?? [GuardrailModality.TEXT],
      };
    }),
    contentFiltersTierConfig: props.contentFiltersTier ? { tierName: props.contentFiltersTier } : undefined,
  };
}

function renderTopicPolicy(props: GuardrailProps): CfnGuardrail.TopicPolicyConfigProperty | undefined {
  if (!props.deniedTopics?.length) return undefined;
  return {
    topicsConfig: props.deniedTopics.map((t) => ({
      name: t.name,
      definition: t.definition,
      examples: t.examples?.length ? t.examples : undefined,
      type: 'DENY',
      inputAction: t.inputAction ?? GuardrailAction.BLOCK,
      outputAction: t.outputAction ?? GuardrailAction.BLOCK,
      inputEnabled: enabled(t.inputEnabled),
      outputEnabled: enabled(t.outputEnabled),
    })),
    topicsTierConfig: props.topicsTier ? { tierName: props.topicsTier } : undefined,
  };
}

function renderWordPolicy(props: GuardrailProps): CfnGuardrail.WordPolicyConfigProperty | undefined {
  const words = props.words ?? [];
  const profanity = props.profanityFilter;
  if (words.length === 0 && !profanity) return undefined;
  return {
    wordsConfig: words.length ? words.map((w) => ({
      text: w.text,
      inputAction: w.inputAction ?? GuardrailAction.BLOCK,
      outputAction: w.outputAction ?? GuardrailAction.BLOCK,
      inputEnabled: enabled(w.inputEnabled),
      outputEnabled: enabled(w.outputEnabled),
    })) : undefined,
    managedWordListsConfig: profanity ? [{
      type: 'PROFANITY',
      inputAction: profanity.inputAction ?? GuardrailAction.BLOCK,
      outputAction: profanity.outputAction ?? GuardrailAction.BLOCK,
      inputEnabled: enabled(profanity.inputEnabled),
      outputEnabled: enabled(profanity.outputEnabled),
    }] : undefined,
  };
}

function renderSensitiveInformationPolicy(props: GuardrailProps): CfnGuardrail.SensitiveInformationPolicyConfigProperty | undefined {
  const pii = props.piiEntities ?? [];
  const regexes = props.regexes ?? [];
  if (pii.length === 0 && regexes.length === 0) return undefined;
  return {
    piiEntitiesConfig: pii.length ? pii.map((p) => ({
      type: p.type,
      action: p.action,
      inputAction: p.inputAction ?? p.action,
      outputAction: p.outputAction ?? p.action,
      inputEnabled: enabled(p.inputEnabled),
      outputEnabled: enabled(p.outputEnabled),
    })) : undefined,
    regexesConfig: regexes.length ? regexes.map((r) => ({
      name: r.name,
      pattern: r.pattern,
      description: r.description,
      action: r.action,
      inputAction: r.inputAction ?? r.action,
      outputAction: r.outputAction ?? r.action,
      inputEnabled: enabled(r.inputEnabled),
      outputEnabled: enabled(r.outputEnabled),
    })) : undefined,
  };
}

/** JSON with object keys sorted at every level, so that equal configurations hash equally. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
