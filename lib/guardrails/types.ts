/**
 * The vocabulary of a guardrail's policies. Enum values are the CloudFormation / API enumerations
 * (see lib/catalog/guardrail-facts.ts, `GUARDRAIL_ENUMS`).
 */

/** A harmful-content category of the content filters. */
export enum ContentFilterCategory {
  SEXUAL = 'SEXUAL',
  VIOLENCE = 'VIOLENCE',
  HATE = 'HATE',
  INSULTS = 'INSULTS',
  MISCONDUCT = 'MISCONDUCT',
  /** Jailbreaks and prompt injection in user input; configured on the input side only. */
  PROMPT_ATTACK = 'PROMPT_ATTACK',
}

/** How strongly a content filter filters; `NONE` classifies without filtering. */
export enum FilterStrength {
  NONE = 'NONE',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
}

/** What a content, topic, word or grounding filter does on a match. */
export enum GuardrailAction {
  /** Block the content and return the blocked messaging. */
  BLOCK = 'BLOCK',
  /** Take no action; report the detection in the trace only. */
  NONE = 'NONE',
}

/** What a sensitive-information filter does on a match. */
export enum SensitiveInformationAction {
  /** Block the content and return the blocked messaging. */
  BLOCK = 'BLOCK',
  /** Mask the match with an identifier tag. */
  ANONYMIZE = 'ANONYMIZE',
  /** Take no action; report the detection in the trace only. */
  NONE = 'NONE',
}

/** A content modality of the content filters. */
export enum GuardrailModality {
  TEXT = 'TEXT',
  /** Images (PNG, JPEG); offered in some Regions and for some categories only. */
  IMAGE = 'IMAGE',
}

/** The safeguard tier of the content filters or the denied topics. */
export enum GuardrailTier {
  /** English, French and Spanish; topic definitions up to 200 characters. */
  CLASSIC = 'CLASSIC',
  /** Broader language support; topic definitions up to 1,000 characters; requires a cross-Region guardrail profile. */
  STANDARD = 'STANDARD',
}

/** A contextual grounding check. */
export enum ContextualGroundingType {
  /** Whether the response is grounded in the source. */
  GROUNDING = 'GROUNDING',
  /** Whether the response is relevant to the query. */
  RELEVANCE = 'RELEVANCE',
}

/** The trace setting a caller sends with the guardrail (Converse `guardrailConfig.trace`). */
export enum GuardrailTrace {
  DISABLED = 'disabled',
  ENABLED = 'enabled',
  ENABLED_FULL = 'enabled_full',
}

/** PII entity types (the API's `GuardrailPiiEntityType`). */
export enum PiiEntityType {
  ADDRESS = 'ADDRESS',
  AGE = 'AGE',
  AWS_ACCESS_KEY = 'AWS_ACCESS_KEY',
  AWS_SECRET_KEY = 'AWS_SECRET_KEY',
  CA_HEALTH_NUMBER = 'CA_HEALTH_NUMBER',
  CA_SOCIAL_INSURANCE_NUMBER = 'CA_SOCIAL_INSURANCE_NUMBER',
  CREDIT_DEBIT_CARD_CVV = 'CREDIT_DEBIT_CARD_CVV',
  CREDIT_DEBIT_CARD_EXPIRY = 'CREDIT_DEBIT_CARD_EXPIRY',
  CREDIT_DEBIT_CARD_NUMBER = 'CREDIT_DEBIT_CARD_NUMBER',
  DRIVER_ID = 'DRIVER_ID',
  EMAIL = 'EMAIL',
  INTERNATIONAL_BANK_ACCOUNT_NUMBER = 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  IP_ADDRESS = 'IP_ADDRESS',
  LICENSE_PLATE = 'LICENSE_PLATE',
  MAC_ADDRESS = 'MAC_ADDRESS',
  NAME = 'NAME',
  PASSWORD = 'PASSWORD',
  PHONE = 'PHONE',
  PIN = 'PIN',
  SWIFT_CODE = 'SWIFT_CODE',
  UK_NATIONAL_HEALTH_SERVICE_NUMBER = 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  UK_NATIONAL_INSURANCE_NUMBER = 'UK_NATIONAL_INSURANCE_NUMBER',
  UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER = 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  URL = 'URL',
  USERNAME = 'USERNAME',
  US_BANK_ACCOUNT_NUMBER = 'US_BANK_ACCOUNT_NUMBER',
  US_BANK_ROUTING_NUMBER = 'US_BANK_ROUTING_NUMBER',
  US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER = 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  US_PASSPORT_NUMBER = 'US_PASSPORT_NUMBER',
  US_SOCIAL_SECURITY_NUMBER = 'US_SOCIAL_SECURITY_NUMBER',
  VEHICLE_IDENTIFICATION_NUMBER = 'VEHICLE_IDENTIFICATION_NUMBER',
}

/** One content filter. */
export interface ContentFilter {
  /** The harmful-content category. */
  readonly category: ContentFilterCategory;
  /** Strength on prompts. */
  readonly inputStrength: FilterStrength;
  /**
   * Strength on model responses. `PROMPT_ATTACK` is configured on the input only: leave this unset (or `NONE`).
   * @default - `inputStrength`; `NONE` for `PROMPT_ATTACK`
   */
  readonly outputStrength?: FilterStrength;
  /** @default GuardrailAction.BLOCK */
  readonly inputAction?: GuardrailAction;
  /** @default GuardrailAction.BLOCK */
  readonly outputAction?: GuardrailAction;
  /** Whether prompts are evaluated (a disabled side is not charged). @default true */
  readonly inputEnabled?: boolean;
  /** Whether responses are evaluated. @default true */
  readonly outputEnabled?: boolean;
  /** Modalities filtered on prompts (1 or 2, no duplicates). @default [GuardrailModality.TEXT] */
  readonly inputModalities?: GuardrailModality[];
  /** Modalities filtered on responses (1 or 2, no duplicates). @default [GuardrailModality.TEXT] */
  readonly outputModalities?: GuardrailModality[];
}

/** One denied topic. */
export interface DeniedTopic {
  /** Name: 1-100 characters of `0-9 a-z A-Z - _ space ! ? .`. */
  readonly name: string;
  /** What the topic covers: up to 200 characters (Classic tier or no tier) or 1,000 (Standard tier). */
  readonly definition: string;
  /** Up to 5 example prompts, 1-100 characters each. @default - no examples */
  readonly examples?: string[];
  /** @default GuardrailAction.BLOCK */
  readonly inputAction?: GuardrailAction;
  /** @default GuardrailAction.BLOCK */
  readonly outputAction?: GuardrailAction;
  /** @default true */
  readonly inputEnabled?: boolean;
  /** @default true */
  readonly outputEnabled?: boolean;
}

/** One blocked word or phrase (exact match). */
export interface WordFilter {
  /** The word or phrase: 1-100 characters. */
  readonly text: string;
  /** @default GuardrailAction.BLOCK */
  readonly inputAction?: GuardrailAction;
  /** @default GuardrailAction.BLOCK */
  readonly outputAction?: GuardrailAction;
  /** @default true */
  readonly inputEnabled?: boolean;
  /** @default true */
  readonly outputEnabled?: boolean;
}

/** The managed profanity word list. */
export interface ProfanityFilter {
  /** @default GuardrailAction.BLOCK */
  readonly inputAction?: GuardrailAction;
  /** @default GuardrailAction.BLOCK */
  readonly outputAction?: GuardrailAction;
  /** @default true */
  readonly inputEnabled?: boolean;
  /** @default true */
  readonly outputEnabled?: boolean;
}

/** One PII entity filter. */
export interface PiiEntityFilter {
  /** The PII entity type (the API's enumeration). */
  readonly type: PiiEntityType;
  /** What to do on a match. */
  readonly action: SensitiveInformationAction;
  /** @default - `action` */
  readonly inputAction?: SensitiveInformationAction;
  /** @default - `action` */
  readonly outputAction?: SensitiveInformationAction;
  /** @default true */
  readonly inputEnabled?: boolean;
  /** @default true */
  readonly outputEnabled?: boolean;
}

/** One custom regular expression of the sensitive-information policy. */
export interface RegexFilter {
  /** Name: 1-100 characters. */
  readonly name: string;
  /** The pattern: 1-500 characters. */
  readonly pattern: string;
  /** What to do on a match. */
  readonly action: SensitiveInformationAction;
  /** 1-1,000 characters. @default - no description */
  readonly description?: string;
  /** @default - `action` */
  readonly inputAction?: SensitiveInformationAction;
  /** @default - `action` */
  readonly outputAction?: SensitiveInformationAction;
  /** @default true */
  readonly inputEnabled?: boolean;
  /** @default true */
  readonly outputEnabled?: boolean;
}

/** One contextual grounding check (at most one per type). */
export interface ContextualGroundingFilter {
  readonly type: ContextualGroundingType;
  /** Minimum confidence score a response needs to pass: 0 to 0.99. */
  readonly threshold: number;
  /** @default GuardrailAction.BLOCK */
  readonly action?: GuardrailAction;
  /** @default true */
  readonly enabled?: boolean;
}
