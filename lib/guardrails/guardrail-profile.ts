import { BedrockValidationError } from '../private/errors';
import { GUARDRAIL_LIMITS, GUARDRAIL_PROFILES_SOURCE, guardrailProfileFacts } from '../catalog/guardrail-facts';

/** Regions you declare for a guardrail profile the library has no sourced data for. */
export interface GuardrailProfileRegions {
  /** Regions from which the profile can be used (where the guardrail lives). */
  readonly sourceRegions: string[];
  /** Regions the profile may route guardrail evaluations to (from any of the source Regions). */
  readonly destinationRegions: string[];
}

/**
 * A system-defined guardrail profile for cross-Region guardrail inference (required by the Standard tier). The
 * documented profiles carry their sourced source and destination Regions (Bedrock user guide, "Supported Regions for
 * cross-Region guardrail inference"); for any other profile ID you declare them.
 *
 * @example
 * new Guardrail(this, 'Guardrail', { crossRegionProfile: GuardrailProfile.EU, contentFiltersTier: GuardrailTier.STANDARD, ... });
 */
export class GuardrailProfile {
  /** `us.guardrail.v1:0`, from us-east-1, us-east-2, us-west-1, us-west-2. */
  public static readonly US = GuardrailProfile.documented('us.guardrail.v1:0');
  /** `us-gov.guardrail.v1:0`, from us-gov-east-1, us-gov-west-1 (partition aws-us-gov). */
  public static readonly US_GOV = GuardrailProfile.documented('us-gov.guardrail.v1:0');
  /** `eu.guardrail.v1:0`, from eu-central-1, eu-west-1, eu-west-3, eu-north-1, eu-south-1, eu-south-2, il-central-1. */
  public static readonly EU = GuardrailProfile.documented('eu.guardrail.v1:0');
  /** `uk.guardrail.v1:0`, from eu-west-2 (stays in eu-west-2). */
  public static readonly UK = GuardrailProfile.documented('uk.guardrail.v1:0');
  /** `au.guardrail.v1:0`, from ap-southeast-2 (stays in ap-southeast-2). */
  public static readonly AU = GuardrailProfile.documented('au.guardrail.v1:0');
  /** `ca.guardrail.v1:0`, from ca-central-1 (routes to ca-central-1, ca-west-1). */
  public static readonly CA = GuardrailProfile.documented('ca.guardrail.v1:0');
  /**
   * `apac.guardrail.v1:0`, from ap-south-1, ap-northeast-1, ap-northeast-2, ap-southeast-1 to -5, ap-southeast-7,
   * ap-east-2, me-central-1.
   */
  public static readonly APAC = GuardrailProfile.documented('apac.guardrail.v1:0');

  /**
   * A profile by ID. A documented profile needs nothing else; for any other ID, declare the Regions you verified
   * (synthesis never guesses where a profile routes, and grants never fall back to `*`).
   */
  public static fromProfileId(profileId: string, regions?: GuardrailProfileRegions): GuardrailProfile {
    const limit = GUARDRAIL_LIMITS.profileId;
    if (!limit.pattern.test(profileId) || profileId.length < limit.min || profileId.length > limit.max) {
      throw new BedrockValidationError('GuardrailProfileIdInvalid', `Guardrail profile ID '${profileId}' is not a guardrail `
        + `profile ID: it must match ${limit.pattern.source} and be ${limit.min}-${limit.max} characters long (${limit.source}). `
        + "Write the ID, not the ARN, e.g. 'us.guardrail.v1:0', or use GuardrailProfile.US / EU / APAC ...");
    }
    const facts = guardrailProfileFacts(profileId);
    if (regions) {
      if (regions.sourceRegions.length === 0 || regions.destinationRegions.length === 0) {
        throw new BedrockValidationError('GuardrailProfileRegionsUndeclared', `Guardrail profile '${profileId}': declared `
          + 'sourceRegions and destinationRegions must each name at least one Region.');
      }
      const bySource: Record<string, string[]> = {};
      for (const s of regions.sourceRegions) bySource[s] = [...regions.destinationRegions];
      return new GuardrailProfile(profileId, bySource, false);
    }
    if (!facts) {
      throw new BedrockValidationError('GuardrailProfileRegionsUndeclared', `Guardrail profile '${profileId}' is not among the `
        + `documented profiles (${GUARDRAIL_PROFILES_SOURCE}: us., us-gov., eu., uk., au., ca., apac.guardrail.v1:0), so its `
        + 'source and destination Regions are not sourced and neither the Region check nor the ApplyGuardrail grant can be '
        + `built. Declare the Regions you verified: GuardrailProfile.fromProfileId('${profileId}', { sourceRegions: ['<region>'], `
        + "destinationRegions: ['<region>', ...] }).");
    }
    return new GuardrailProfile(profileId, facts.destinationsBySource, true);
  }

  private static documented(profileId: string): GuardrailProfile {
    return new GuardrailProfile(profileId, guardrailProfileFacts(profileId)!.destinationsBySource, true);
  }

  /** The profile ID, e.g. `eu.guardrail.v1:0`. */
  public readonly profileId: string;
  /** Whether the Regions come from the documented table (`false`: declared by you). */
  public readonly sourced: boolean;
  private readonly destinationsBySource: Readonly<Record<string, readonly string[]>>;

  private constructor(profileId: string, destinationsBySource: Readonly<Record<string, readonly string[]>>, sourced: boolean) {
    this.profileId = profileId;
    this.destinationsBySource = destinationsBySource;
    this.sourced = sourced;
  }

  /** Regions from which the profile can be used. */
  public get sourceRegions(): string[] {
    return Object.keys(this.destinationsBySource);
  }

  /** Destination Regions when called from `sourceRegion`; undefined when the profile cannot be used from there. */
  public destinationRegionsFrom(sourceRegion: string): string[] | undefined {
    const d = this.destinationsBySource[sourceRegion];
    return d ? [...d] : undefined;
  }

  /** Every destination Region from any source Region. */
  public get allDestinationRegions(): string[] {
    const out: string[] = [];
    for (const list of Object.values(this.destinationsBySource)) for (const r of list) if (!out.includes(r)) out.push(r);
    return out;
  }

  /** The profile's ARN in a Region and account (the form `CrossRegionConfig.GuardrailProfileArn` takes). */
  public arn(partition: string, region: string, account: string): string {
    return `arn:${partition}:bedrock:${region}:${account}:guardrail-profile/${this.profileId}`;
  }

  public toString(): string {
    return this.profileId;
  }
}
