import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { BedrockValidationError } from '../../private/errors';
import {
  GUARDRAIL_ENUMS, GUARDRAIL_ENUMS_SOURCE, GUARDRAIL_LIMITS, GuardrailLimit, IMAGE_FILTER_AVAILABILITY, PII_ENTITY_TYPES,
  PII_ENTITY_TYPES_SOURCE, guardrailProfileRegionProblem, GUARDRAIL_PROFILES_SOURCE,
} from '../../catalog/guardrail-facts';
import { GuardrailProfile } from '../guardrail-profile';
import {
  ContentFilter, ContextualGroundingFilter, DeniedTopic, GuardrailTier, PiiEntityFilter, RegexFilter, WordFilter,
} from '../types';

/** What the validator needs of the props (the construct passes its props through). */
export interface GuardrailConfigInput {
  readonly guardrailName: string;
  readonly description?: string;
  readonly blockedInputMessaging: string;
  readonly blockedOutputsMessaging: string;
  readonly contentFilters?: ContentFilter[];
  readonly contentFiltersTier?: GuardrailTier;
  readonly deniedTopics?: DeniedTopic[];
  readonly topicsTier?: GuardrailTier;
  readonly words?: WordFilter[];
  readonly profanity: boolean;
  readonly piiEntities?: PiiEntityFilter[];
  readonly regexes?: RegexFilter[];
  readonly contextualGrounding?: ContextualGroundingFilter[];
  readonly crossRegionProfile?: GuardrailProfile;
  readonly kmsKeyArn?: string;
}

/** A finding that does not fail synthesis. */
export interface GuardrailWarning {
  readonly code: string;
  readonly message: string;
}

function fail(scope: IConstruct, code: string, message: string): never {
  throw new BedrockValidationError(code, message, scope);
}

function show(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
}

function lengthOk(v: string, limit: GuardrailLimit): boolean {
  if (Token.isUnresolved(v)) return true;
  return (limit.min === undefined || v.length >= limit.min) && (limit.max === undefined || v.length <= limit.max);
}

function range(limit: GuardrailLimit): string {
  return limit.max === undefined ? `at least ${limit.min}` : `${limit.min ?? 0}-${limit.max}`;
}

function checkLength(scope: IConstruct, code: string, what: string, v: string, limit: GuardrailLimit, fix: string) {
  if (lengthOk(v, limit)) return;
  fail(scope, code, `${what} ${show(v)} is ${v.length} characters long; it must be ${range(limit)} characters (${limit.source}). ${fix}`);
}

function checkCount(scope: IConstruct, code: string, what: string, n: number, limit: GuardrailLimit, fix: string) {
  // An empty list renders nothing (the policy is left out), so only the maximum can be exceeded.
  if (n === 0 || (limit.min === undefined || n >= limit.min) && (limit.max === undefined || n <= limit.max)) return;
  fail(scope, code, `${what}: ${n} given; ${range(limit)} allowed (${limit.source}). ${fix}`);
}

function checkEnum(scope: IConstruct, code: string, what: string, v: string | undefined, allowed: readonly string[]) {
  if (v === undefined || Token.isUnresolved(v) || allowed.includes(v)) return;
  fail(scope, code, `${what} '${v}' is not one of ${allowed.join(', ')} (${GUARDRAIL_ENUMS_SOURCE}). Use one of those values.`);
}

function duplicates<T>(items: T[], key: (t: T) => string): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const i of items) {
    const k = key(i);
    if (Token.isUnresolved(k)) continue;
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return [...dup];
}

/**
 * Throws a BedrockValidationError (stable code, the value, the limit and its source, the fix) on the first input the
 * service or CloudFormation would reject. Unresolved tokens are not judged.
 */
export function validateGuardrailConfig(scope: IConstruct, c: GuardrailConfigInput): void {
  const L = GUARDRAIL_LIMITS;
  if (!Token.isUnresolved(c.guardrailName) && !(lengthOk(c.guardrailName, L.name) && L.name.pattern.test(c.guardrailName))) {
    fail(scope, 'GuardrailNameInvalid', `Guardrail name ${show(c.guardrailName)} must be ${range(L.name)} characters of `
      + `0-9 a-z A-Z - _ (pattern ${L.name.pattern.source}; ${L.name.source}). Use e.g. 'support-chat-guardrail', or leave `
      + 'guardrailName unset for a generated unique name.');
  }
  if (c.description !== undefined) {
    checkLength(scope, 'GuardrailDescriptionLength', 'Guardrail description', c.description, L.description, 'Shorten it.');
  }
  checkLength(scope, 'GuardrailMessagingLength', 'blockedInputMessaging', c.blockedInputMessaging, L.blockedMessaging,
    'Write a shorter message (it is what the user sees when a prompt is blocked).');
  checkLength(scope, 'GuardrailMessagingLength', 'blockedOutputsMessaging', c.blockedOutputsMessaging, L.blockedMessaging,
    'Write a shorter message (it is what the user sees when a response is blocked).');

  const policies = (c.contentFilters?.length ?? 0) + (c.deniedTopics?.length ?? 0) + (c.words?.length ?? 0) + (c.profanity ? 1 : 0)
    + (c.piiEntities?.length ?? 0) + (c.regexes?.length ?? 0) + (c.contextualGrounding?.length ?? 0);
  if (policies === 0) {
    fail(scope, 'GuardrailNoPolicy', 'The guardrail configures no policy; "A guardrail must contain at least one filter" '
      + '(Bedrock user guide, Create a guardrail). Add contentFilters, deniedTopics, words, profanityFilter, piiEntities, '
      + 'regexes or contextualGrounding.');
  }

  for (const [prop, tier] of [['contentFiltersTier', c.contentFiltersTier], ['topicsTier', c.topicsTier]] as const) {
    checkEnum(scope, 'GuardrailTierInvalid', prop, tier, GUARDRAIL_ENUMS.tier);
    if (tier === GuardrailTier.STANDARD && !c.crossRegionProfile) {
      fail(scope, 'GuardrailTierNeedsProfile', `${prop} is STANDARD, but no crossRegionProfile is set: "STANDARD tier ... requires `
        + 'that your guardrail use cross-Region inference" (Bedrock API Reference, GuardrailTopicsTierConfig / '
        + 'GuardrailContentFiltersTierConfig). Set crossRegionProfile (e.g. GuardrailProfile.US, EU, APAC; see '
        + `${GUARDRAIL_PROFILES_SOURCE}) or use GuardrailTier.CLASSIC.`);
    }
  }

  validateContentFilters(scope, c.contentFilters);
  validateTopics(scope, c.deniedTopics, c.topicsTier);
  validateWords(scope, c.words);
  validatePii(scope, c.piiEntities);
  validateRegexes(scope, c.regexes);
  validateGrounding(scope, c.contextualGrounding);

  if (c.kmsKeyArn !== undefined && !Token.isUnresolved(c.kmsKeyArn) && !L.kmsKeyArn.pattern.test(c.kmsKeyArn)) {
    fail(scope, 'GuardrailKmsKeyArn', `KMS key ARN '${c.kmsKeyArn}' is not a key ARN (pattern ${L.kmsKeyArn.pattern.source}; `
      + `${L.kmsKeyArn.source}); an alias ARN is not accepted. Pass the key itself, e.g. kms.Key.fromKeyArn(this, 'Key', `
      + "'arn:aws:kms:<region>:<account>:key/<key-id>').");
  }
}

function validateContentFilters(scope: IConstruct, filters: ContentFilter[] | undefined) {
  if (filters === undefined) return;
  const L = GUARDRAIL_LIMITS;
  checkCount(scope, 'GuardrailContentFilterCount', 'contentFilters', filters.length, L.contentFilters,
    'Configure each category at most once.');
  for (const f of filters) {
    checkEnum(scope, 'GuardrailContentFilterCategory', 'Content filter category', f.category, GUARDRAIL_ENUMS.contentFilterType);
    checkEnum(scope, 'GuardrailFilterStrength', `Content filter ${f.category} inputStrength`, f.inputStrength, GUARDRAIL_ENUMS.filterStrength);
    checkEnum(scope, 'GuardrailFilterStrength', `Content filter ${f.category} outputStrength`, f.outputStrength, GUARDRAIL_ENUMS.filterStrength);
    checkEnum(scope, 'GuardrailActionInvalid', `Content filter ${f.category} inputAction`, f.inputAction, GUARDRAIL_ENUMS.contentFilterAction);
    checkEnum(scope, 'GuardrailActionInvalid', `Content filter ${f.category} outputAction`, f.outputAction, GUARDRAIL_ENUMS.contentFilterAction);
    if (f.category === 'PROMPT_ATTACK' && f.outputStrength !== undefined && f.outputStrength !== 'NONE') {
      fail(scope, 'GuardrailPromptAttackOutput', `Content filter PROMPT_ATTACK has outputStrength ${f.outputStrength}: prompt attacks `
        + 'are "user prompts", and the filter is configured on the input only (Bedrock user guide, Detect prompt attacks: '
        + 'inputStrength/inputAction/inputModalities; the guardrails-mmfilter example sets its outputStrength to NONE). '
        + 'Leave outputStrength unset (rendered as NONE).');
    }
    for (const side of ['inputModalities', 'outputModalities'] as const) {
      const m = f[side];
      if (m === undefined) continue;
      for (const v of m) checkEnum(scope, 'GuardrailModalityInvalid', `Content filter ${f.category} ${side} value`, v, GUARDRAIL_ENUMS.modality);
      if (m.length < L.modalities.min || m.length > L.modalities.max || new Set(m).size !== m.length) {
        fail(scope, 'GuardrailModalityInvalid', `Content filter ${f.category} ${side} [${m.join(', ')}] must list 1 or 2 distinct `
          + `modalities (${L.modalities.source}). Write [GuardrailModality.TEXT], [GuardrailModality.IMAGE] or both.`);
      }
    }
  }
  const dup = duplicates(filters, (f) => f.category);
  if (dup.length > 0) {
    fail(scope, 'GuardrailContentFilterDuplicate', `Content filter category ${dup.join(', ')} is configured more than once; `
      + `each of the ${L.contentFilters.max} categories takes one filter (${L.contentFilters.source}). Merge them into one entry.`);
  }
}

function validateTopics(scope: IConstruct, topics: DeniedTopic[] | undefined, tier: GuardrailTier | undefined) {
  if (topics === undefined) return;
  const L = GUARDRAIL_LIMITS;
  checkCount(scope, 'GuardrailTopicCount', 'deniedTopics', topics.length, L.topics,
    'Merge related topics, or split the policy across guardrails.');
  const def = tier === GuardrailTier.STANDARD ? L.topicDefinitionStandard : L.topicDefinitionClassic;
  for (const t of topics) {
    if (!Token.isUnresolved(t.name) && !(lengthOk(t.name, L.topicName) && L.topicName.pattern.test(t.name))) {
      fail(scope, 'GuardrailTopicNameInvalid', `Denied topic name ${show(t.name)} must be ${range(L.topicName)} characters of `
        + `0-9 a-z A-Z - _ space ! ? . (pattern ${L.topicName.pattern.source}; ${L.topicName.source}). Rename it, e.g. 'Investment advice'.`);
    }
    checkLength(scope, 'GuardrailTopicDefinitionLength', `Definition of denied topic '${t.name}'`, t.definition, def,
      tier === GuardrailTier.STANDARD ? 'Shorten the definition.'
        : 'Shorten the definition, or use topicsTier: GuardrailTier.STANDARD (up to 1,000 characters, needs a crossRegionProfile).');
    const ex = t.examples ?? [];
    checkCount(scope, 'GuardrailTopicExampleCount', `Examples of denied topic '${t.name}'`, ex.length, L.topicExamples,
      'Keep the most representative ones.');
    for (const e of ex) {
      checkLength(scope, 'GuardrailTopicExampleLength', `Example of denied topic '${t.name}'`, e, L.topicExample, 'Shorten the example prompt.');
    }
    checkEnum(scope, 'GuardrailActionInvalid', `Denied topic '${t.name}' inputAction`, t.inputAction, GUARDRAIL_ENUMS.topicAction);
    checkEnum(scope, 'GuardrailActionInvalid', `Denied topic '${t.name}' outputAction`, t.outputAction, GUARDRAIL_ENUMS.topicAction);
  }
  const dup = duplicates(topics, (t) => t.name);
  if (dup.length > 0) {
    fail(scope, 'GuardrailTopicDuplicate', `Denied topic name '${dup.join("', '")}' is used more than once; a trace names the topic `
      + 'that matched, so each name must be unique. Rename or merge the topics.');
  }
}

function validateWords(scope: IConstruct, words: WordFilter[] | undefined) {
  if (words === undefined) return;
  const L = GUARDRAIL_LIMITS;
  checkCount(scope, 'GuardrailWordCount', 'words', words.length, L.words, 'Keep the list within the quota (or use profanityFilter for profanity).');
  for (const w of words) {
    checkLength(scope, 'GuardrailWordLength', 'Blocked word', w.text, L.word, 'Use a shorter word or phrase (words match exactly).');
    checkEnum(scope, 'GuardrailActionInvalid', `Word '${w.text}' inputAction`, w.inputAction, GUARDRAIL_ENUMS.wordAction);
    checkEnum(scope, 'GuardrailActionInvalid', `Word '${w.text}' outputAction`, w.outputAction, GUARDRAIL_ENUMS.wordAction);
  }
}

function validatePii(scope: IConstruct, pii: PiiEntityFilter[] | undefined) {
  if (pii === undefined) return;
  for (const p of pii) {
    if (!Token.isUnresolved(p.type) && !PII_ENTITY_TYPES.includes(p.type)) {
      const near = PII_ENTITY_TYPES.filter((t) => t.includes(String(p.type).toUpperCase()) || String(p.type).toUpperCase().includes(t));
      fail(scope, 'GuardrailPiiEntityUnknown', `PII entity type '${p.type}' is not in the API's enumeration (${PII_ENTITY_TYPES_SOURCE}). `
        + (near.length ? `Did you mean ${near.map((n) => `PiiEntityType.${n}`).join(' or ')}? ` : '')
        + 'Use a PiiEntityType value, or a regexes entry for a custom pattern.');
    }
    for (const [k, v] of [['action', p.action], ['inputAction', p.inputAction], ['outputAction', p.outputAction]] as const) {
      checkEnum(scope, 'GuardrailActionInvalid', `PII entity ${p.type} ${k}`, v, GUARDRAIL_ENUMS.sensitiveInformationAction);
    }
  }
  const dup = duplicates(pii, (p) => p.type);
  if (dup.length > 0) {
    fail(scope, 'GuardrailPiiEntityDuplicate', `PII entity type ${dup.join(', ')} is configured more than once, with possibly `
      + 'conflicting actions. Configure each type once (use inputAction/outputAction for different actions per side).');
  }
}

function validateRegexes(scope: IConstruct, regexes: RegexFilter[] | undefined) {
  if (regexes === undefined) return;
  const L = GUARDRAIL_LIMITS;
  checkCount(scope, 'GuardrailRegexCount', 'regexes', regexes.length, L.regexes,
    'Combine patterns with alternation (a|b).');
  for (const r of regexes) {
    checkLength(scope, 'GuardrailRegexNameLength', 'Regex name', r.name, L.regexName, 'Shorten the name.');
    checkLength(scope, 'GuardrailRegexPatternLength', `Pattern of regex '${r.name}'`, r.pattern, L.regexPattern, 'Simplify the pattern.');
    if (r.description !== undefined) {
      checkLength(scope, 'GuardrailRegexDescriptionLength', `Description of regex '${r.name}'`, r.description, L.regexDescription, 'Shorten it.');
    }
    for (const [k, v] of [['action', r.action], ['inputAction', r.inputAction], ['outputAction', r.outputAction]] as const) {
      checkEnum(scope, 'GuardrailActionInvalid', `Regex '${r.name}' ${k}`, v, GUARDRAIL_ENUMS.sensitiveInformationAction);
    }
  }
  const dup = duplicates(regexes, (r) => r.name);
  if (dup.length > 0) {
    fail(scope, 'GuardrailRegexDuplicate', `Regex name '${dup.join("', '")}' is used more than once; a trace names the regex that `
      + 'matched, so each name must be unique. Rename one.');
  }
}

function validateGrounding(scope: IConstruct, filters: ContextualGroundingFilter[] | undefined) {
  if (filters === undefined) return;
  const L = GUARDRAIL_LIMITS.groundingThreshold;
  for (const g of filters) {
    checkEnum(scope, 'GuardrailGroundingType', 'Contextual grounding type', g.type, GUARDRAIL_ENUMS.groundingType);
    checkEnum(scope, 'GuardrailActionInvalid', `Contextual grounding ${g.type} action`, g.action, GUARDRAIL_ENUMS.groundingAction);
    if (!Token.isUnresolved(g.threshold) && !(Number.isFinite(g.threshold) && g.threshold >= L.min && g.threshold <= L.max)) {
      fail(scope, 'GuardrailGroundingThreshold', `Contextual grounding ${g.type} threshold ${g.threshold} is outside ${L.min}-${L.max} `
        + `(${L.source}). Use e.g. 0.7; higher blocks more.`);
    }
  }
  const dup = duplicates(filters, (g) => g.type);
  if (dup.length > 0) {
    fail(scope, 'GuardrailGroundingDuplicate', `Contextual grounding ${dup.join(', ')} is configured more than once. Configure at `
      + 'most one GROUNDING and one RELEVANCE check.');
  }
}

/**
 * The checks that depend on the stack's Region (a concrete Region; callers handle an unresolved one): the guardrail
 * profile must be callable from the Region, and the IMAGE modality must be offered there for the category.
 * Returns warnings; throws on errors.
 */
export function validateForRegion(scope: IConstruct, region: string, profile: GuardrailProfile | undefined,
  filters: ContentFilter[] | undefined): GuardrailWarning[] {
  const warnings: GuardrailWarning[] = [];
  const profileProblem = profile
    && guardrailProfileRegionProblem(profile, region, (p) => `GuardrailProfile.fromProfileId('${p.profileId}')`);
  if (profileProblem) fail(scope, 'GuardrailProfileGeography', profileProblem);
  const image = IMAGE_FILTER_AVAILABILITY;
  for (const f of filters ?? []) {
    const usesImage = ([...(f.inputModalities ?? []), ...(f.outputModalities ?? [])] as string[]).includes('IMAGE');
    if (!usesImage) continue;
    const ga = (image.generallyAvailable.regions as readonly string[]).includes(region);
    const preview = (image.preview.regions as readonly string[]).includes(region);
    const categories: readonly string[] = ga ? image.generallyAvailable.categories : preview ? image.preview.categories : [];
    if (!categories.includes(f.category)) {
      const where = ga || preview
        ? `in ${region} it is offered for ${categories.join(', ')} only`
        : `it is offered in ${[...image.generallyAvailable.regions, ...image.preview.regions].join(', ')} only`;
      fail(scope, 'GuardrailImageModalityUnsupported', `Content filter ${f.category} filters IMAGE, but ${where} (${image.source}). `
        + `Use [GuardrailModality.TEXT] for ${f.category}, or deploy to ${image.generallyAvailable.regions.join(', ')}.`);
    }
    if (preview) {
      warnings.push({
        code: 'GuardrailImageFilterPreview',
        message: `Content filter ${f.category} filters IMAGE in ${region}, where image filtering is in preview (${image.source}).`,
      });
    }
  }
  return warnings;
}
