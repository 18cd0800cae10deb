import { App, Lazy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  ContentFilterCategory, ContextualGroundingType, FilterStrength, Guardrail, GuardrailAction, GuardrailModality,
  GuardrailProfile, GuardrailProps, GuardrailTier, GuardrailTrace, PiiEntityType, SensitiveInformationAction,
} from '../../lib/guardrails';

const ACCOUNT = '123456789012';

function stackIn(region?: string, app = new App()): Stack {
  return new Stack(app, 'Stack', region ? { env: { region, account: ACCOUNT } } : {});
}

const BASIC: GuardrailProps = {
  contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }],
};

function versionIds(t: Template): string[] {
  return Object.keys(t.findResources('AWS::Bedrock::GuardrailVersion'));
}

function policyStatements(t: Template): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('Guardrail', () => {
  test('renders every policy with explicit actions and the sourced defaults', () => {
    const stack = stackIn('us-east-1');
    new Guardrail(stack, 'Guardrail', {
      guardrailName: 'support-chat',
      description: 'Support chat guardrail',
      blockedInputMessaging: 'I cannot help with that.',
      contentFilters: [
        { category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.MEDIUM,
          inputModalities: [GuardrailModality.TEXT, GuardrailModality.IMAGE] },
        { category: ContentFilterCategory.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH },
      ],
      contentFiltersTier: GuardrailTier.STANDARD,
      crossRegionProfile: GuardrailProfile.US,
      deniedTopics: [{ name: 'Investment advice', definition: 'Recommendations on how to invest money.', examples: ['Which stock should I buy?'] }],
      topicsTier: GuardrailTier.STANDARD,
      words: [{ text: 'competitor-x' }],
      profanityFilter: { outputAction: GuardrailAction.NONE },
      piiEntities: [
        { type: PiiEntityType.EMAIL, action: SensitiveInformationAction.ANONYMIZE },
        { type: PiiEntityType.US_SOCIAL_SECURITY_NUMBER, action: SensitiveInformationAction.BLOCK, outputAction: SensitiveInformationAction.NONE },
      ],
      regexes: [{ name: 'order-id', pattern: 'ORD-[0-9]{8}', action: SensitiveInformationAction.ANONYMIZE, description: 'Order numbers' }],
      contextualGrounding: [
        { type: ContextualGroundingType.GROUNDING, threshold: 0.75 },
        { type: ContextualGroundingType.RELEVANCE, threshold: 0.5, action: GuardrailAction.NONE },
      ],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: 'support-chat',
      Description: 'Support chat guardrail',
      BlockedInputMessaging: 'I cannot help with that.',
      // Outputs default to the input message.
      BlockedOutputsMessaging: 'I cannot help with that.',
      ContentPolicyConfig: {
        FiltersConfig: [
          { Type: 'HATE', InputStrength: 'HIGH', OutputStrength: 'MEDIUM', InputAction: 'BLOCK', OutputAction: 'BLOCK',
            InputEnabled: true, OutputEnabled: true, InputModalities: ['TEXT', 'IMAGE'], OutputModalities: ['TEXT'] },
          // Prompt attacks: the input side only, OutputStrength NONE (CloudFormation requires one).
          { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE', InputAction: 'BLOCK', InputEnabled: true,
            InputModalities: ['TEXT'], OutputAction: Match.absent(), OutputEnabled: Match.absent(), OutputModalities: Match.absent() },
        ],
        ContentFiltersTierConfig: { TierName: 'STANDARD' },
      },
      CrossRegionConfig: {
        GuardrailProfileArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1:${ACCOUNT}:guardrail-profile/us.guardrail.v1:0`]] },
      },
      TopicPolicyConfig: {
        TopicsConfig: [{ Name: 'Investment advice', Definition: 'Recommendations on how to invest money.', Type: 'DENY',
          Examples: ['Which stock should I buy?'], InputAction: 'BLOCK', OutputAction: 'BLOCK' }],
        TopicsTierConfig: { TierName: 'STANDARD' },
      },
      WordPolicyConfig: {
        WordsConfig: [{ Text: 'competitor-x', InputAction: 'BLOCK', OutputAction: 'BLOCK' }],
        ManagedWordListsConfig: [{ Type: 'PROFANITY', InputAction: 'BLOCK', OutputAction: 'NONE' }],
      },
      SensitiveInformationPolicyConfig: {
        PiiEntitiesConfig: [
          { Type: 'EMAIL', Action: 'ANONYMIZE', InputAction: 'ANONYMIZE', OutputAction: 'ANONYMIZE' },
          { Type: 'US_SOCIAL_SECURITY_NUMBER', Action: 'BLOCK', InputAction: 'BLOCK', OutputAction: 'NONE' },
        ],
        RegexesConfig: [{ Name: 'order-id', Pattern: 'ORD-[0-9]{8}', Action: 'ANONYMIZE', Description: 'Order numbers' }],
      },
      ContextualGroundingPolicyConfig: {
        FiltersConfig: [
          { Type: 'GROUNDING', Threshold: 0.75, Action: 'BLOCK', Enabled: true },
          { Type: 'RELEVANCE', Threshold: 0.5, Action: 'NONE', Enabled: true },
        ],
      },
      KmsKeyArn: Match.absent(),
    });
  });

  test('a policy left unset is absent from the template', () => {
    const stack = stackIn('us-east-1');
    new Guardrail(stack, 'Guardrail', { piiEntities: [{ type: PiiEntityType.NAME, action: SensitiveInformationAction.BLOCK }] });
    Template.fromStack(stack).hasResourceProperties('AWS::Bedrock::Guardrail', {
      ContentPolicyConfig: Match.absent(),
      TopicPolicyConfig: Match.absent(),
      WordPolicyConfig: Match.absent(),
      ContextualGroundingPolicyConfig: Match.absent(),
      CrossRegionConfig: Match.absent(),
      SensitiveInformationPolicyConfig: { PiiEntitiesConfig: [Match.objectLike({ Type: 'NAME' })], RegexesConfig: Match.absent() },
    });
  });

  test('the default name is unique per construct path, within 50 characters of the allowed alphabet', () => {
    const stack = stackIn('us-east-1');
    const a = new Guardrail(stack, 'A-very-long-construct-id-that-goes-on-and-on-and-on', BASIC);
    const b = new Guardrail(stack, 'B', BASIC);
    const names = Object.values(Template.fromStack(stack).findResources('AWS::Bedrock::Guardrail')).map((r) => r.Properties.Name as string);
    expect(names).toEqual([a.guardrailName, b.guardrailName]);
    for (const n of names) expect(n).toMatch(/^[0-9a-zA-Z-_]{1,50}$/);
    expect(a.guardrailName).not.toEqual(b.guardrailName);
  });

  test('the version, the runtime configuration and the attributes point at the published version', () => {
    const stack = stackIn('us-east-1');
    const g = new Guardrail(stack, 'Guardrail', BASIC);
    const t = Template.fromStack(stack);
    const [guardrailId] = Object.keys(t.findResources('AWS::Bedrock::Guardrail'));
    const [versionId] = versionIds(t);
    expect(versionId).toMatch(/^GuardrailVersion[0-9A-F]{8}[0-9a-f]{16}$/);
    t.hasResourceProperties('AWS::Bedrock::GuardrailVersion', {
      GuardrailIdentifier: { 'Fn::GetAtt': [guardrailId, 'GuardrailId'] },
      Description: Match.stringLikeRegexp(`^Published by cdk-bedrock-foundation; configuration sha256:${versionId.slice(-16)}$`),
    });
    // Superseded versions are deleted at cleanup by default.
    expect(t.findResources('AWS::Bedrock::GuardrailVersion')[versionId].DeletionPolicy).toBeUndefined();
    expect(stack.resolve(g.guardrailVersion)).toEqual({ 'Fn::GetAtt': [versionId, 'Version'] });
    expect(stack.resolve(g.configurationHash)).toEqual(versionId.slice(-16));
    expect(stack.resolve(g.runtimeConfig())).toEqual({
      guardrailIdentifier: { 'Fn::GetAtt': [guardrailId, 'GuardrailId'] },
      guardrailVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      trace: 'disabled',
    });
    expect(g.runtimeConfig({ trace: GuardrailTrace.ENABLED }).trace).toBe('enabled');
    expect(stack.resolve(g.guardrailArn)).toEqual({ 'Fn::GetAtt': [guardrailId, 'GuardrailArn'] });
  });

  test('retainPreviousVersions retains superseded versions', () => {
    const stack = stackIn('us-east-1');
    new Guardrail(stack, 'Guardrail', { ...BASIC, retainPreviousVersions: true });
    Template.fromStack(stack).hasResource('AWS::Bedrock::GuardrailVersion', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('useDraft publishes no version, hands out DRAFT and warns', () => {
    const stack = stackIn('us-east-1');
    const g = new Guardrail(stack, 'Guardrail', { ...BASIC, useDraft: true });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Bedrock::GuardrailVersion', 0);
    expect(g.guardrailVersion).toBe('DRAFT');
    expect(g.runtimeConfig().guardrailVersion).toBe('DRAFT');
    Annotations.fromStack(stack).hasWarning('/Stack/Guardrail', Match.stringLikeRegexp('working draft.*Remove useDraft'));
  });

  test('a customer-managed key is rendered by reference and decrypt is part of grantApply', () => {
    const stack = stackIn('us-east-1');
    const key = new kms.Key(stack, 'Key');
    const g = new Guardrail(stack, 'Guardrail', { ...BASIC, kmsKey: key });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    g.grantApply(role);
    const t = Template.fromStack(stack);
    const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
    t.hasResourceProperties('AWS::Bedrock::Guardrail', { KmsKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const statements = policyStatements(t);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }));
  });
});

describe('Guardrail versions are pinned by construction', () => {
  function synth(props: GuardrailProps, before?: (stack: Stack) => void): Template {
    const app = new App();
    const stack = stackIn('us-east-1', app);
    before?.(stack);
    new Guardrail(stack, 'Guardrail', props);
    return Template.fromStack(stack);
  }

  const KEYED: GuardrailProps = {
    ...BASIC,
    deniedTopics: [{ name: 'Medical', definition: 'Diagnoses and treatment advice.' }],
  };

  test('the same configuration synthesized twice gives the same version logical ID and description', () => {
    const a = synth(KEYED);
    const b = synth(KEYED);
    expect(versionIds(a)).toHaveLength(1);
    expect(versionIds(b)).toEqual(versionIds(a));
    expect(b.toJSON().Resources[versionIds(b)[0]]).toEqual(a.toJSON().Resources[versionIds(a)[0]]);
  });

  test('tokens in the configuration do not make the version unstable (aws-cdk#38674)', () => {
    // A key (a GetAtt in KmsKeyArn) and a Lazy message; the second app creates unrelated tokens first, so every
    // process-local token string differs between the two synths.
    const withTokens = (stack: Stack): GuardrailProps => ({
      ...KEYED,
      kmsKey: new kms.Key(stack, 'Key'),
      blockedInputMessaging: Lazy.string({ produce: () => 'Blocked by policy.' }),
    });
    const app1 = new App();
    const s1 = stackIn('us-east-1', app1);
    new Guardrail(s1, 'Guardrail', withTokens(s1));
    const app2 = new App();
    const s2 = stackIn('us-east-1', app2);
    for (let i = 0; i < 5; i++) new sns.Topic(s2, `Noise${i}`);
    Lazy.string({ produce: () => 'unused' });
    new Guardrail(s2, 'Guardrail', withTokens(s2));
    const [a, b] = [Template.fromStack(s1), Template.fromStack(s2)];
    expect(versionIds(b)).toEqual(versionIds(a));
    a.hasResourceProperties('AWS::Bedrock::Guardrail', { BlockedInputMessaging: 'Blocked by policy.' });
  });

  test('a changed configuration gives exactly one new version and keeps the guardrail', () => {
    const before = synth(KEYED);
    const after = synth({ ...KEYED, deniedTopics: [{ name: 'Medical', definition: 'Diagnoses, prescriptions and treatment advice.' }] });
    const [old] = versionIds(before);
    const [next] = versionIds(after);
    expect(versionIds(after)).toHaveLength(1);
    expect(next).not.toEqual(old);
    // Same prefix (same construct), new hash: CloudFormation creates the new version and deletes the old one.
    expect(next.slice(0, -16)).toEqual(old.slice(0, -16));
    expect(Object.keys(after.findResources('AWS::Bedrock::Guardrail'))).toEqual(Object.keys(before.findResources('AWS::Bedrock::Guardrail')));
  });

  test.each<[string, GuardrailProps]>([
    ['a content filter strength', { ...KEYED, contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.LOW }] }],
    ['the blocked messaging', { ...KEYED, blockedOutputsMessaging: 'Response withheld.' }],
    ['a PII action', { ...KEYED, piiEntities: [{ type: PiiEntityType.EMAIL, action: SensitiveInformationAction.BLOCK }] }],
    ['the cross-Region profile and tier', { ...KEYED, crossRegionProfile: GuardrailProfile.US, topicsTier: GuardrailTier.STANDARD }],
    ['the version description', { ...KEYED, versionDescription: 'Release 42' }],
  ])('changing %s publishes a new version', (_what, changed) => {
    expect(versionIds(synth(changed))).not.toEqual(versionIds(synth(KEYED)));
  });

  test('tags do not publish a new version', () => {
    const plain = synth(KEYED);
    const tagged = synth(KEYED, (stack) => Tags.of(stack).add('team', 'search'));
    tagged.hasResourceProperties('AWS::Bedrock::Guardrail', { Tags: [{ Key: 'team', Value: 'search' }] });
    expect(versionIds(tagged)).toEqual(versionIds(plain));
  });
});

describe('Guardrail.grantApply', () => {
  test('grants ApplyGuardrail on exactly the guardrail, never *', () => {
    const stack = stackIn('us-east-1');
    const g = new Guardrail(stack, 'Guardrail', BASIC);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = g.grantApply(role);
    expect(grant.success).toBe(true);
    const t = Template.fromStack(stack);
    const [guardrailId] = Object.keys(t.findResources('AWS::Bedrock::Guardrail'));
    expect(policyStatements(t)).toEqual([
      { Action: 'bedrock:ApplyGuardrail', Effect: 'Allow', Resource: { 'Fn::GetAtt': [guardrailId, 'GuardrailArn'] } },
    ]);
  });

  test('with a profile: the profile in the source Region and in each documented destination Region of that source', () => {
    const stack = stackIn('us-west-1');
    const g = new Guardrail(stack, 'Guardrail', { ...BASIC, crossRegionProfile: GuardrailProfile.US, contentFiltersTier: GuardrailTier.STANDARD });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    g.grantApply(role);
    const [statement] = policyStatements(Template.fromStack(stack));
    const resources = stack.resolve(statement.Resource) as unknown[];
    const profileRegions = resources.slice(1).map((r) => JSON.stringify(r).match(/:bedrock:([a-z0-9-]+):/)![1]);
    // us-west-1's row of the US table routes to us-west-1 too (the other US sources do not).
    expect(profileRegions).toEqual(['us-west-1', 'us-east-1', 'us-east-2', 'us-west-2']);
    for (const r of resources.slice(1)) expect(JSON.stringify(r)).toContain(`:${ACCOUNT}:guardrail-profile/us.guardrail.v1:0`);
    expect(JSON.stringify(resources)).not.toMatch(/"\*"|guardrail-profile\/\*/);
  });

  test('in a stack without a concrete Region: a deploy-time Rule on the source Regions, and every destination in the grant', () => {
    const stack = stackIn();
    const g = new Guardrail(stack, 'Guardrail', { ...BASIC, crossRegionProfile: GuardrailProfile.CA });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    g.grantApply(role);
    const t = Template.fromStack(stack);
    const rules = t.toJSON().Rules as Record<string, { Assertions: Array<{ Assert: unknown }> }>;
    const rule = Object.entries(rules).find(([id]) => id.startsWith('GuardrailProfileRegion'))![1];
    expect(rule.Assertions[0].Assert).toEqual({ 'Fn::Contains': [['ca-central-1'], { Ref: 'AWS::Region' }] });
    const json = JSON.stringify(policyStatements(t)[0].Resource);
    expect(json).toContain('{"Ref":"AWS::Region"}');
    expect(json).toContain(':bedrock:ca-west-1:');
    Annotations.fromStack(stack).hasWarning('/Stack/Guardrail', Match.stringLikeRegexp('checked at deploy time'));
  });
});

describe('Guardrail.fromGuardrailAttributes', () => {
  const ARN = `arn:aws:bedrock:eu-central-1:${ACCOUNT}:guardrail/abc123def456`;

  test('takes the ID from the ARN, grants on the ARN and its profile in the guardrail\'s Region', () => {
    const stack = stackIn('eu-central-1');
    const g = Guardrail.fromGuardrailAttributes(stack, 'Imported', { guardrailArn: ARN, guardrailVersion: '3', crossRegionProfile: GuardrailProfile.EU });
    expect(g.guardrailId).toBe('abc123def456');
    expect(g.runtimeConfig()).toEqual({ guardrailIdentifier: 'abc123def456', guardrailVersion: '3', trace: 'disabled' });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    g.grantApply(role);
    const [statement] = policyStatements(Template.fromStack(stack));
    expect(statement.Resource).toEqual([
      ARN,
      ...['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2']
        .map((r) => `arn:aws:bedrock:${r}:${ACCOUNT}:guardrail-profile/eu.guardrail.v1:0`),
    ]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toHaveLength(0);
  });

  test('builds the ARN from an ID in the stack\'s Region and account', () => {
    const stack = stackIn('us-east-1');
    const g = Guardrail.fromGuardrailAttributes(stack, 'Imported', { guardrailId: 'abc123', guardrailVersion: '1' });
    expect(stack.resolve(g.guardrailArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1:${ACCOUNT}:guardrail/abc123`]],
    });
  });

  test('DRAFT only by name, with a warning', () => {
    const stack = stackIn('us-east-1');
    const g = Guardrail.fromGuardrailAttributes(stack, 'Imported', { guardrailArn: ARN, guardrailVersion: 'DRAFT' });
    expect(g.guardrailVersion).toBe('DRAFT');
    g.grantApply(new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    Annotations.fromStack(stack).hasWarning('/Stack/Imported', Match.stringLikeRegexp('imported at DRAFT.*published version number'));
  });
});

describe('Guardrail Region checks', () => {
  test('IMAGE in a preview Region warns; in a Region where it is generally available it does not', () => {
    const preview = stackIn('eu-west-1');
    new Guardrail(preview, 'Guardrail', {
      contentFilters: [{ category: ContentFilterCategory.VIOLENCE, inputStrength: FilterStrength.HIGH, inputModalities: [GuardrailModality.IMAGE] }],
    });
    Annotations.fromStack(preview).hasWarning('/Stack/Guardrail', Match.stringLikeRegexp('image filtering is in preview'));
    const ga = stackIn('us-west-2');
    new Guardrail(ga, 'Guardrail', {
      contentFilters: [{ category: ContentFilterCategory.MISCONDUCT, inputStrength: FilterStrength.HIGH, inputModalities: [GuardrailModality.IMAGE] }],
    });
    expect(Annotations.fromStack(ga).findWarning('*', Match.anyValue())).toHaveLength(0);
  });

  test('a profile callable from the stack\'s Region synthesizes; one that is not fails, naming the profiles that are', () => {
    new Guardrail(stackIn('il-central-1'), 'Guardrail', { ...BASIC, crossRegionProfile: GuardrailProfile.EU });
    expect(() => new Guardrail(stackIn('ap-southeast-2'), 'Guardrail', { ...BASIC, crossRegionProfile: GuardrailProfile.EU }))
      .toThrow(/Guardrail profile 'eu.guardrail.v1:0' cannot be called from ap-southeast-2.*Use GuardrailProfile.fromProfileId\('au.guardrail.v1:0'\).*or GuardrailProfile.fromProfileId\('apac.guardrail.v1:0'\)/);
  });
});
