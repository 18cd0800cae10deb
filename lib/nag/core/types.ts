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
