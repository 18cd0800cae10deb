import { App, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ContentFilterCategory, ContextualGroundingType, FilterStrength, Guardrail, GuardrailAction, GuardrailModality,
  GuardrailProfile, GuardrailProps, GuardrailTier, PiiEntityType, SensitiveInformationAction,
} from '../../lib/guardrails';
import { BedrockValidationError } from '../../lib/private/errors';

const HATE = { category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH };
const BASIC: GuardrailProps = { contentFilters: [HATE] };
const topic = (over: Record<string, unknown> = {}) => ({ name: 'Medical', definition: 'Diagnoses and treatment advice.', ...over });
const regex = (over: Record<string, unknown> = {}) => ({ name: 'order', pattern: 'ORD-[0-9]+', action: SensitiveInformationAction.BLOCK, ...over });
const words = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `w${i}` }));
const cast = <T>(v: unknown) => v as T;

function build(props: GuardrailProps, region = 'us-east-1'): void {
  const stack = new Stack(new App(), 'Stack', { env: { region, account: '123456789012' } });
  new Guardrail(stack, 'Guardrail', props);
}

function errorOf(fn: () => void): BedrockValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BedrockValidationError) return e;
    throw e;
  }
  throw new Error('expected a BedrockValidationError, but nothing was thrown');
}

// [what is wrong, props, Region, expected code, expected message]
const BAD_INPUTS: Array<[string, GuardrailProps, string, string, RegExp]> = [
  ['name with a space', { ...BASIC, guardrailName: 'my guardrail' }, 'us-east-1', 'GuardrailNameInvalid',
    /Guardrail name "my guardrail" must be 1-50 characters of 0-9 a-z A-Z - _ .*AWS::Bedrock::Guardrail via cfn-lint 1\.51\.0/],
  ['name of 51 characters', { ...BASIC, guardrailName: 'g'.repeat(51) }, 'us-east-1', 'GuardrailNameInvalid', /must be 1-50 characters/],
  ['description of 201 characters', { ...BASIC, description: 'd'.repeat(201) }, 'us-east-1', 'GuardrailDescriptionLength',
    /Guardrail description "d{37}\.\.\." is 201 characters long; it must be 1-200 characters/],
  ['empty blocked-input message', { ...BASIC, blockedInputMessaging: '' }, 'us-east-1', 'GuardrailMessagingLength',
    /blockedInputMessaging "" is 0 characters long; it must be 1-500 characters/],
  ['blocked-output message of 501 characters', { ...BASIC, blockedOutputsMessaging: 'm'.repeat(501) }, 'us-east-1', 'GuardrailMessagingLength',
    /blockedOutputsMessaging .* is 501 characters long; it must be 1-500 characters/],
  ['no policy at all', {}, 'us-east-1', 'GuardrailNoPolicy', /configures no policy; "A guardrail must contain at least one filter"/],
  ['content filter category twice', { contentFilters: [HATE, { ...HATE, inputStrength: FilterStrength.LOW }] }, 'us-east-1',
    'GuardrailContentFilterDuplicate', /Content filter category HATE is configured more than once/],
  ['unknown content filter category', { contentFilters: [{ ...HATE, category: cast<ContentFilterCategory>('SELF_HARM') }] }, 'us-east-1',
    'GuardrailContentFilterCategory', /Content filter category 'SELF_HARM' is not one of SEXUAL, VIOLENCE, HATE, INSULTS, MISCONDUCT, PROMPT_ATTACK/],
  ['unknown filter strength', { contentFilters: [{ ...HATE, inputStrength: cast<FilterStrength>('MAX') }] }, 'us-east-1',
    'GuardrailFilterStrength', /Content filter HATE inputStrength 'MAX' is not one of NONE, LOW, MEDIUM, HIGH/],
  ['ANONYMIZE on a content filter', { contentFilters: [{ ...HATE, outputAction: cast<GuardrailAction>('ANONYMIZE') }] }, 'us-east-1',
    'GuardrailActionInvalid', /Content filter HATE outputAction 'ANONYMIZE' is not one of BLOCK, NONE/],
  ['prompt attack filtered on the output', {
    contentFilters: [{ category: ContentFilterCategory.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.HIGH }],
  }, 'us-east-1', 'GuardrailPromptAttackOutput', /PROMPT_ATTACK has outputStrength HIGH.*configured on the input only/],
  ['no modality', { contentFilters: [{ ...HATE, inputModalities: [] }] }, 'us-east-1', 'GuardrailModalityInvalid',
    /HATE inputModalities \[\] must list 1 or 2 distinct modalities/],
  ['duplicate modality', { contentFilters: [{ ...HATE, outputModalities: [GuardrailModality.TEXT, GuardrailModality.TEXT] }] }, 'us-east-1',
    'GuardrailModalityInvalid', /HATE outputModalities \[TEXT, TEXT\] must list 1 or 2 distinct/],
  ['IMAGE where image filtering is not offered', { contentFilters: [{ ...HATE, inputModalities: [GuardrailModality.IMAGE] }] }, 'ca-central-1',
    'GuardrailImageModalityUnsupported', /Content filter HATE filters IMAGE, but it is offered in us-east-1, us-west-2, eu-central-1, ap-northeast-1, .* only \(Bedrock user guide, Block harmful images/],
  ['IMAGE for MISCONDUCT in a preview Region', {
    contentFilters: [{ category: ContentFilterCategory.MISCONDUCT, inputStrength: FilterStrength.LOW, outputModalities: [GuardrailModality.IMAGE] }],
  }, 'eu-west-1', 'GuardrailImageModalityUnsupported', /MISCONDUCT filters IMAGE, but in eu-west-1 it is offered for HATE, INSULTS, SEXUAL, VIOLENCE only/],
  ['31 denied topics', { deniedTopics: Array.from({ length: 31 }, (_, i) => topic({ name: `Topic ${i}` })) }, 'us-east-1',
    'GuardrailTopicCount', /deniedTopics: 31 given; 1-30 allowed \(.*"Topics per guardrail 30"/],
  ['topic name with a slash', { deniedTopics: [topic({ name: 'Legal/tax' })] }, 'us-east-1', 'GuardrailTopicNameInvalid',
    /Denied topic name "Legal\/tax" must be 1-100 characters of 0-9 a-z A-Z - _ space ! \? \./],
  ['topic definition of 201 characters on the Classic tier', { deniedTopics: [topic({ definition: 'x'.repeat(201) })] }, 'us-east-1',
    'GuardrailTopicDefinitionLength', /Definition of denied topic 'Medical' .* is 201 characters long; it must be 1-200 characters \(.*Classic tier.*use topicsTier: GuardrailTier.STANDARD/],
  ['topic definition of 1,001 characters on the Standard tier', {
    deniedTopics: [topic({ definition: 'x'.repeat(1001) })], topicsTier: GuardrailTier.STANDARD, crossRegionProfile: GuardrailProfile.US,
  }, 'us-east-1', 'GuardrailTopicDefinitionLength', /is 1001 characters long; it must be 1-1000 characters \(.*Standard tier/],
  ['six examples', { deniedTopics: [topic({ examples: ['a', 'b', 'c', 'd', 'e', 'f'] })] }, 'us-east-1', 'GuardrailTopicExampleCount',
    /Examples of denied topic 'Medical': 6 given; 0-5 allowed \(.*"Example phrases per Topic 5"/],
  ['example of 101 characters', { deniedTopics: [topic({ examples: ['e'.repeat(101)] })] }, 'us-east-1', 'GuardrailTopicExampleLength',
    /Example of denied topic 'Medical' .* is 101 characters long; it must be 1-100/],
  ['topic name twice', { deniedTopics: [topic(), topic()] }, 'us-east-1', 'GuardrailTopicDuplicate', /Denied topic name 'Medical' is used more than once/],
  ['10,001 words', { words: words(10001) }, 'us-east-1', 'GuardrailWordCount', /words: 10001 given; 1-10000 allowed \(.*"Words per word policy 10,000"/],
  ['word of 101 characters', { words: [{ text: 'w'.repeat(101) }] }, 'us-east-1', 'GuardrailWordLength',
    /Blocked word .* is 101 characters long; it must be 1-100 characters \(.*"Word length in characters 100"/],
  ['unknown PII entity type', { piiEntities: [{ type: cast<PiiEntityType>('SSN'), action: SensitiveInformationAction.BLOCK }] }, 'us-east-1',
    'GuardrailPiiEntityUnknown', /PII entity type 'SSN' is not in the API's enumeration \(.*PiiEntityType enum, 31 values/],
  ['misspelt PII entity type', { piiEntities: [{ type: cast<PiiEntityType>('EMAIL_ADDRESS'), action: SensitiveInformationAction.BLOCK }] }, 'us-east-1',
    'GuardrailPiiEntityUnknown', /'EMAIL_ADDRESS' is not in the API's enumeration.*Did you mean PiiEntityType.ADDRESS or PiiEntityType.EMAIL\?/],
  ['PII action MASK', { piiEntities: [{ type: PiiEntityType.PHONE, action: cast<SensitiveInformationAction>('MASK') }] }, 'us-east-1',
    'GuardrailActionInvalid', /PII entity PHONE action 'MASK' is not one of BLOCK, ANONYMIZE, NONE/],
  ['PII type twice', {
    piiEntities: [{ type: PiiEntityType.PHONE, action: SensitiveInformationAction.BLOCK }, { type: PiiEntityType.PHONE, action: SensitiveInformationAction.ANONYMIZE }],
  }, 'us-east-1', 'GuardrailPiiEntityDuplicate', /PII entity type PHONE is configured more than once/],
  ['empty PII list as the only policy', { piiEntities: [] }, 'us-east-1', 'GuardrailNoPolicy', /configures no policy/],
  ['11 regexes', { regexes: Array.from({ length: 11 }, (_, i) => regex({ name: `r${i}` })) }, 'us-east-1', 'GuardrailRegexCount',
    /regexes: 11 given; 1-10 allowed \(.*"Regex entities in Sensitive Information Filter 10".*cfn-lint schema patch allows 30/],
  ['regex pattern of 501 characters', { regexes: [regex({ pattern: 'a'.repeat(501) })] }, 'us-east-1', 'GuardrailRegexPatternLength',
    /Pattern of regex 'order' .* is 501 characters long; it must be 1-500 characters \(.*"Regex length in characters 500"/],
  ['regex name of 101 characters', { regexes: [regex({ name: 'n'.repeat(101) })] }, 'us-east-1', 'GuardrailRegexNameLength',
    /Regex name .* is 101 characters long; it must be 1-100/],
  ['regex description of 1,001 characters', { regexes: [regex({ description: 'd'.repeat(1001) })] }, 'us-east-1', 'GuardrailRegexDescriptionLength',
    /Description of regex 'order' .* is 1001 characters long; it must be 1-1000/],
  ['regex name twice', { regexes: [regex(), regex()] }, 'us-east-1', 'GuardrailRegexDuplicate', /Regex name 'order' is used more than once/],
  ['grounding threshold 1', { contextualGrounding: [{ type: ContextualGroundingType.GROUNDING, threshold: 1 }] }, 'us-east-1',
    'GuardrailGroundingThreshold', /Contextual grounding GROUNDING threshold 1 is outside 0-0\.99 \(.*A threshold of 1 is invalid/],
  ['negative relevance threshold', { contextualGrounding: [{ type: ContextualGroundingType.RELEVANCE, threshold: -0.1 }] }, 'us-east-1',
    'GuardrailGroundingThreshold', /RELEVANCE threshold -0\.1 is outside 0-0\.99/],
  ['two grounding checks', {
    contextualGrounding: [{ type: ContextualGroundingType.GROUNDING, threshold: 0.5 }, { type: ContextualGroundingType.GROUNDING, threshold: 0.6 }],
  }, 'us-east-1', 'GuardrailGroundingDuplicate', /Contextual grounding GROUNDING is configured more than once/],
  ['Standard tier without a profile', { ...BASIC, contentFiltersTier: GuardrailTier.STANDARD }, 'us-east-1', 'GuardrailTierNeedsProfile',
    /contentFiltersTier is STANDARD, but no crossRegionProfile is set: "STANDARD tier \.\.\. requires that your guardrail use cross-Region inference"/],
  ['unknown tier', { ...BASIC, topicsTier: cast<GuardrailTier>('PREMIUM') }, 'us-east-1', 'GuardrailTierInvalid',
    /topicsTier 'PREMIUM' is not one of CLASSIC, STANDARD/],
  ['profile outside its geography', { ...BASIC, crossRegionProfile: GuardrailProfile.US }, 'eu-central-1', 'GuardrailProfileGeography',
    /Guardrail profile 'us.guardrail.v1:0' cannot be called from eu-central-1: the cross-Region guardrail inference page .* lists it from us-east-1, us-east-2, us-west-1, us-west-2\. Use GuardrailProfile.fromProfileId\('eu.guardrail.v1:0'\)/],
  ['profile from a Region with none documented', { ...BASIC, crossRegionProfile: GuardrailProfile.APAC }, 'sa-east-1', 'GuardrailProfileGeography',
    /cannot be called from sa-east-1.*No documented guardrail profile is callable from sa-east-1/],
  ['version description too long for the hash suffix', { ...BASIC, versionDescription: 'v'.repeat(162) }, 'us-east-1',
    'GuardrailVersionDescriptionLength', /versionDescription is 162 characters long; it must be 1-161 characters.*'; configuration sha256:<hash>' is appended/],
];

describe('Guardrail synth validation: bad inputs', () => {
  test('the table covers at least 20 distinct codes', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(BAD_INPUTS.map((r) => r[3])).size).toBeGreaterThanOrEqual(20);
  });

  test.each(BAD_INPUTS)('%s', (_what, props, region, code, message) => {
    const error = errorOf(() => build(props, region));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    // Every message names the construct it is about.
    expect(error.message).toMatch(/\(at Stack\/Guardrail\)$/);
  });

  test('the limits themselves are accepted', () => {
    expect(() => build({
      guardrailName: 'g'.repeat(50),
      description: 'd'.repeat(200),
      blockedInputMessaging: 'm'.repeat(500),
      deniedTopics: Array.from({ length: 30 }, (_, i) => topic({ name: `Topic ${i}`, definition: 'x'.repeat(200), examples: ['e'.repeat(100), 'b', 'c', 'd', 'f'] })),
      words: [...words(9999), { text: 'w'.repeat(100) }],
      regexes: Array.from({ length: 10 }, (_, i) => regex({ name: `r${i}`, pattern: 'p'.repeat(500) })),
      contextualGrounding: [{ type: ContextualGroundingType.GROUNDING, threshold: 0 }, { type: ContextualGroundingType.RELEVANCE, threshold: 0.99 }],
      piiEntities: Object.values(PiiEntityType).map((type) => ({ type, action: SensitiveInformationAction.NONE })),
      versionDescription: 'v'.repeat(161),
    })).not.toThrow();
    expect(() => build({ deniedTopics: [topic({ definition: 'x'.repeat(1000) })], topicsTier: GuardrailTier.STANDARD, crossRegionProfile: GuardrailProfile.EU }, 'eu-west-3'))
      .not.toThrow();
  });

  test('tokens are not judged (their values are known only at deployment)', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', Fn.importValue('GuardrailKeyArn'));
    const g = new Guardrail(stack, 'Guardrail', {
      ...BASIC,
      kmsKey: key,
      guardrailName: Fn.importValue('GuardrailName'),
      blockedInputMessaging: Lazy.string({ produce: () => 'm'.repeat(600) }),
    });
    expect(stack.resolve(g.guardrailName)).toEqual({ 'Fn::ImportValue': 'GuardrailName' });
  });

  test('empty lists leave their policy out', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
    new Guardrail(stack, 'Guardrail', { ...BASIC, piiEntities: [], regexes: [], deniedTopics: [], words: [] });
    Template.fromStack(stack).hasResourceProperties('AWS::Bedrock::Guardrail', {
      SensitiveInformationPolicyConfig: Match.absent(), TopicPolicyConfig: Match.absent(), WordPolicyConfig: Match.absent(),
    });
  });

  test('a KMS alias ARN is rejected', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:alias/guardrails');
    const error = errorOf(() => new Guardrail(stack, 'Guardrail', { ...BASIC, kmsKey: key }));
    expect(error.code).toBe('GuardrailKmsKeyArn');
    expect(error.message).toMatch(/KMS key ARN 'arn:aws:kms:us-east-1:123456789012:alias\/guardrails' is not a key ARN .*an alias ARN is not accepted/);
  });
});

describe('Guardrail.fromGuardrailAttributes: bad inputs', () => {
  const stack = () => new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
  test.each<[string, Parameters<typeof Guardrail.fromGuardrailAttributes>[2], string, RegExp]>([
    ['neither ARN nor ID', { guardrailVersion: '1' }, 'GuardrailImportIdentifier', /needs guardrailArn or guardrailId/],
    ['an ARN with a version suffix', { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123:2', guardrailVersion: '2' },
      'GuardrailImportIdentifier', /is not a guardrail ARN .*Pass the ARN without a version suffix/],
    ['an upper-case ID', { guardrailId: 'ABC123', guardrailVersion: '1' }, 'GuardrailImportIdentifier', /guardrailId 'ABC123' is not a guardrail ID/],
    ['version "latest"', { guardrailId: 'abc123', guardrailVersion: 'latest' }, 'GuardrailVersionInvalid',
      /guardrailVersion 'latest' is neither a version number nor DRAFT/],
    ['version 0', { guardrailId: 'abc123', guardrailVersion: '0' }, 'GuardrailVersionInvalid', /guardrailVersion '0'/],
  ])('%s', (_what, attrs, code, message) => {
    const error = errorOf(() => Guardrail.fromGuardrailAttributes(stack(), 'Imported', attrs));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('GuardrailProfile', () => {
  test('documented profiles carry their sourced Regions', () => {
    expect(GuardrailProfile.fromProfileId('ca.guardrail.v1:0').destinationRegionsFrom('ca-central-1')).toEqual(['ca-central-1', 'ca-west-1']);
    expect(GuardrailProfile.EU.destinationRegionsFrom('il-central-1')).toContain('il-central-1');
    expect(GuardrailProfile.EU.destinationRegionsFrom('eu-central-1')).not.toContain('il-central-1');
    expect(GuardrailProfile.APAC.sourceRegions).toContain('me-central-1');
    expect(GuardrailProfile.US.destinationRegionsFrom('eu-west-1')).toBeUndefined();
  });

  test('an undocumented profile needs declared Regions', () => {
    const error = errorOf(() => GuardrailProfile.fromProfileId('jp.guardrail.v1:0'));
    expect(error.code).toBe('GuardrailProfileRegionsUndeclared');
    expect(error.message).toMatch(/'jp.guardrail.v1:0' is not among the documented profiles .*Declare the Regions you verified/);
    const declared = GuardrailProfile.fromProfileId('jp.guardrail.v1:0', { sourceRegions: ['ap-northeast-1'], destinationRegions: ['ap-northeast-1', 'ap-northeast-3'] });
    expect(declared.sourced).toBe(false);
    expect(declared.destinationRegionsFrom('ap-northeast-1')).toEqual(['ap-northeast-1', 'ap-northeast-3']);
    expect(() => build({ ...BASIC, crossRegionProfile: declared }, 'ap-northeast-1')).not.toThrow();
    expect(() => build({ ...BASIC, crossRegionProfile: declared }, 'ap-northeast-3')).toThrow(/cannot be called from ap-northeast-3: you declared it from ap-northeast-1/);
  });

  test('an ARN or a malformed ID is rejected', () => {
    expect(errorOf(() => GuardrailProfile.fromProfileId('arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/us.guardrail.v1:0')).code)
      .toBe('GuardrailProfileIdInvalid');
    expect(() => GuardrailProfile.fromProfileId('us-guardrail')).toThrow(/is not a guardrail profile ID.*Write the ID, not the ARN/);
  });
});
