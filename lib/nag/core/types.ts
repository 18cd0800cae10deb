import type { IntrinsicContext, TemplateParameter } from './intrinsics';

/** Severity of a rule, as cdk-nag and the CLI report it. */
export type RuleLevel = 'error' | 'warning';

/** One CloudFormation resource as it appears in a template. */
export interface CfnResourceJson {
  readonly Type?: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
  readonly [key: string]: unknown;
}

/** A (partial) CloudFormation template. */
export interface CfnTemplateJson {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly Parameters?: Record<string, TemplateParameter>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly [key: string]: unknown;
}

/** A resource of the application being checked (every stack checked together), with the stack it is in. */
export interface ApplicationResource {
  /** The stack (or template) the resource is in. */
  readonly stack: string;
  readonly logicalId: string;
  /** The stack's Region; undefined = unknown (environment-agnostic). */
  readonly region?: string;
  readonly resource: CfnResourceJson;
}

/** What the rules know about the template being checked. */
export interface CheckContext extends IntrinsicContext {
  /** The date at which model lifecycle is judged. */
  readonly now: Date;
  /**
   * Every resource of the application, for rules that judge the application rather than one resource
   * (`BedrockRule.application`). Undefined when the caller did not collect them.
   */
  readonly application?: readonly ApplicationResource[];
  /**
   * Where `region` comes from: `stack` (the stack's own Region: the pack, a cloud assembly's manifest) or `option` (given
   * by the caller for a template that has none, e.g. the CLI's `--region`). Only used to say so in messages.
   * @default 'stack'
   */
  readonly regionOrigin?: 'stack' | 'option';
  /**
   * Whether the template comes from a CDK app (the pack, a cloud assembly): remedies then name CDK's
   * `Validations.of(...)`; otherwise (a plain CloudFormation or SAM template) they name the template's own metadata.
   * A resource with `aws:cdk:path` metadata counts as from a CDK app either way.
   * @default false
   */
  readonly cdkApp?: boolean;
  /**
   * A SAM template's `Globals.Function.Environment.Variables`: every `AWS::Serverless::Function` inherits them (its own
   * variables win).
   * @default - none
   */
  readonly samFunctionVariables?: Record<string, unknown>;
  /**
   * For resources that hold identity policies (by logical ID): Regions their principals call Bedrock in, as named beside
   * the principals' model IDs (`callerRegions` in `callers.ts`). A model ARN of such a Region is where the model is
   * called, not "another Region".
   * @default - none
   */
  readonly callerRegions?: ReadonlyMap<string, readonly CallerRegion[]>;
}

/** A Region a policy's principal calls Bedrock in, and who says so. */
export interface CallerRegion {
  readonly region: string;
  /** e.g. `the function ChatFunction (its MODEL_REGION variable)`. */
  readonly by: string;
}

/** One step of a property path: a key of an object or an index of a list. */
export type PathSegment = string | number;

/**
 * Where the Region a model reference is judged in came from: a Region-named field beside the model ID in the same
 * JSON object (`json-field`), a Region-named environment variable of the same function or container (`variable`), a
 * Region the principal of a policy calls Bedrock in (`caller`, for model ARNs of that Region), the ARN itself (`arn`),
 * the stack (`stack`) or the caller's option for a template without one (`option`).
 */
export type RegionSource = 'json-field' | 'variable' | 'caller' | 'arn' | 'stack' | 'option';

/** One place a finding was found at. */
export interface FindingPlace {
  readonly logicalId: string;
  readonly resourceType: string;
  /**
   * Path of the property in the resource as written in the template, from the resource (`['Properties', 'Environment',
   * 'Variables', 'MODEL_ID']`); a value inside a JSON string ends at the string's property. A path that starts with
   * `Globals` is from the template's root (a SAM `Globals` variable the resource inherits).
   */
  readonly path: readonly PathSegment[];
  /** The property as shown, also inside JSON strings: `Environment.Variables.MODELS[0].modelId`. */
  readonly property: string;
  /** The value found there, as written (unknown parts rendered as `${AWS::Region}`, `<unknown>`). */
  readonly value?: string;
  readonly level: RuleLevel;
  readonly code?: string;
  /** The Region the value was judged in, and why (model findings). */
  readonly region?: string;
  readonly regionSource?: RegionSource;
  /** What is wrong at this place and how to fix it, without the place itself. */
  readonly detail: string;
  /** The place and its detail in one sentence: `<property> ('<value>'; ...): <detail>`. */
  readonly message: string;
}

/** A finding of one rule on one resource. */
export interface CoreFinding {
  /** Full rule ID, e.g. `Bedrock-ModelLegacy`. */
  readonly ruleId: string;
  readonly level: RuleLevel;
  /**
   * The granular part of the acknowledgement ID (`Bedrock-ModelLegacy[<findingId>]`), or undefined for rules that
   * report a resource as a whole (acknowledged with the plain rule ID).
   */
  readonly findingId?: string;
  /** What is wrong, with the offending value, where it is and how to fix it. */
  readonly message: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** Policy code for model findings (`Alias`, `EndOfLife` ...) or a rule-specific code. */
  readonly code?: string;
  readonly modelId?: string;
  /**
   * Every place the finding stands for, each with its own property path, code and message (one finding per rule,
   * value and resource; with grouping by value, one per rule and value across resources).
   */
  readonly places: readonly FindingPlace[];
}

/** The ID users acknowledge: `Bedrock-Rule` or `Bedrock-Rule[finding]`. */
export function acknowledgementId(f: Pick<CoreFinding, 'ruleId' | 'findingId'>): string {
  return f.findingId === undefined ? f.ruleId : `${f.ruleId}[${f.findingId}]`;
}

/** A rule of the pack: metadata plus a pure check over one resolved resource. */
export interface BedrockRule {
  /** PascalCase name; the rule ID is `Bedrock-<name>`. */
  readonly name: string;
  readonly id: string;
  readonly level: RuleLevel;
  /** One sentence: what is wrong. */
  readonly info: string;
  /** Why it matters and how to fix it. */
  readonly explanation: string;
  /** Whether findings are granular (acknowledged per `Bedrock-Rule[finding]`). */
  readonly granular: boolean;
  /**
   * Whether the rule reads `CheckContext.application` (every resource of the application), so that callers collect it.
   * @default false
   */
  readonly application?: boolean;
  /** Findings of this rule on one resource. */
  check(logicalId: string, resource: CfnResourceJson, ctx: CheckContext): CoreFinding[];
}
