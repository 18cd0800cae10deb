import { createHash } from 'crypto';
import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { BedrockModel, GrantInvokeOptions } from '../models/bedrock-model';
import { InferenceParameters, RuntimeModelConfig } from '../models/runtime-config';
import { checkInferenceParameters } from './inference-parameters';

/** Environment variable naming the SSM parameter that holds a function's model configuration JSON. */
export const MODEL_CONFIG_PARAMETER_ENV = 'MODEL_CONFIG_PARAMETER';
/** Environment variable carrying a hash of the configuration, so a config change recycles execution environments. */
export const MODEL_CONFIG_HASH_ENV = 'MODEL_CONFIG_HASH';

/** The default parameter prefix. */
export const DEFAULT_PARAMETER_PREFIX = '/bedrock/models';

/**
 * Limits of SSM parameter names (PutParameter `Name`, AWS Systems Manager API Reference, "Naming Constraints"):
 * a-zA-Z0-9_.- plus '/' for hierarchies, no "aws"/"ssm" prefix (case-insensitive), at most fifteen hierarchy levels.
 * Length: "The maximum length for a parameter name, including the full length of the parameter ARN, is 1011
 * characters. For example, the length of the following parameter name is 65 characters, not 20 characters:
 * arn:aws:ssm:us-east-2:111222333444:parameter/ExampleParameterName" (CloudFormation `AWS::SSM::Parameter` `Name`,
 * docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html, as mirrored in the
 * aws-cdk-lib `CfnParameterProps.name` docs; checked 2026-12-01).
 */
const SSM_NAME_MAX = 1011;
/** Longest partition (`aws-us-gov`) and Region names (`ap-southeast-7`, `eusc-de-east-1`), assumed when unresolved. */
const LONGEST_PARTITION = 'aws-us-gov';
const LONGEST_REGION = 'ap-southeast-7';
const SSM_MAX_DEPTH = 15;
/** Standard-tier String parameters hold at most 4 KB (Parameter Store quotas). */
const SSM_STANDARD_VALUE_MAX = 4096;

/** A model configuration that functions can read: created here or imported from another stack. */
export interface IPinnedModelConfig {
  /** The parameter prefix, e.g. `/bedrock/models`. */
  readonly parameterPrefix: string;
  /** The role names, e.g. `chat`, `embed`. */
  readonly roles: string[];
  /** Name of the String parameter holding the role's model ID: `<prefix>/<role>`. */
  parameterName(role: string): string;
  /** Name of the JSON companion parameter: `<prefix>/<role>/config`. */
  configParameterName(role: string): string;
  /**
   * Grants `ssm:GetParameter` and `ssm:GetParameters` on the role's parameters, `<prefix>/<role>` and
   * `<prefix>/<role>/config` (all roles when omitted): for code that reads the configuration by itself.
   */
  grantRead(grantee: iam.IGrantable, role?: string): iam.Grant;
  /**
   * Wires a function to a role: sets `MODEL_CONFIG_PARAMETER` (and `MODEL_CONFIG_HASH` when the configuration is known
   * in this app), grants `ssm:GetParameter` on `<prefix>/<role>/config` (what the run-time helper calls) and, when the
   * role's model is known in this app, invoke on the model. A function reads one configuration: binding it to a
   * second role or configuration throws.
   */
  bindToFunction(fn: lambda.Function, role: string, options?: GrantInvokeOptions): void;
  /** The role's model when this app knows it (always for a `PinnedModelConfig`; for an import, when `models` was given). */
  tryGetModel(role: string): BedrockModel | undefined;
}

/** Options of `PinnedModelConfig.fromParameterPrefix`. */
export interface ImportedPinnedModelConfigOptions {
  /**
   * The model the owning stack pinned for each imported role (every key must be one of `roles`). With it,
   * `bindToFunction` grants the function invoke on the model (`BedrockModel.grantInvoke`, which also validates it);
   * keep it in step with the owning stack.
   * @default - no model is known: `bindToFunction` grants no Bedrock permission and warns
   */
  readonly models?: Record<string, BedrockModel>;
}

export interface PinnedModelConfigProps {
  /** The pinned model per role, e.g. `{ chat: BedrockModel.of('...'), embed: BedrockModel.of('amazon.titan-embed-text-v2:0') }`. */
  readonly models: Record<string, BedrockModel>;
  /**
   * Hierarchy prefix of the parameters (leading slash, no trailing slash).
   * @default '/bedrock/models'
   */
  readonly parameterPrefix?: string;
  /**
   * Inference parameters per role, stored in the role's JSON companion and validated against the model's sourced limits.
   * @default - none: the model's own defaults apply
   */
  readonly inferenceParameters?: Record<string, InferenceParameters>;
}

/**
 * Pinned-model configuration in SSM Parameter Store: one String parameter per role (`<prefix>/<role>`, the model ID)
 * and a JSON companion (`<prefix>/<role>/config`) that functions read at run time. A model upgrade is a reviewed
 * change to this construct's props; the stack owns the parameters (editing them by hand is drift).
 */
export class PinnedModelConfig extends Construct implements IPinnedModelConfig {
  /**
   * Imports a configuration written by another stack (or app) under `prefix` for `roles`. Pass `options.models` (the
   * model of each role) so that `bindToFunction` can grant invoke on it.
   */
  public static fromParameterPrefix(scope: Construct, id: string, prefix: string, roles: string[],
    options: ImportedPinnedModelConfigOptions = {}): IPinnedModelConfig {
    const problems = [...validatePrefix(prefix), ...roles.flatMap((r) => validateRole(scope, r, prefix))];
    for (const role of Object.keys(options.models ?? {})) {
      if (!roles.includes(role)) {
        problems.push(`options.models has role '${role}', which is not in roles (${roles.join(', ') || 'none'}); add it to roles or remove its model.`);
      }
    }
    if (problems.length > 0) throw new Error(`PinnedModelConfig.fromParameterPrefix: ${problems.join(' ')}`);
    if (roles.length === 0) {
      throw new Error('PinnedModelConfig.fromParameterPrefix: roles is empty; name the roles to import, e.g. [\'chat\'].');
    }
    return new ImportedPinnedModelConfig(scope, id, prefix, [...roles], { ...options.models });
  }

  public readonly parameterPrefix: string;
  public readonly roles: string[];
  private readonly models: Record<string, BedrockModel>;
  private readonly configs: Record<string, RuntimeModelConfig> = {};
  private readonly parameters: Record<string, ssm.StringParameter> = {};
  private readonly configParameters: Record<string, ssm.StringParameter> = {};

  constructor(scope: Construct, id: string, props: PinnedModelConfigProps) {
    super(scope, id);
    this.parameterPrefix = props.parameterPrefix ?? DEFAULT_PARAMETER_PREFIX;
    this.models = { ...props.models };
    this.roles = Object.keys(this.models);

    const problems: string[] = [...validatePrefix(this.parameterPrefix)];
    if (this.roles.length === 0) {
      problems.push('models is empty: give at least one role, e.g. { chat: BedrockModel.of(\'anthropic.claude-haiku-4-5-20251001-v1:0\') }.');
    }
    for (const role of this.roles) problems.push(...validateRole(this, role, this.parameterPrefix));
    for (const role of Object.keys(props.inferenceParameters ?? {})) {
      if (!this.models[role]) {
        problems.push(`inferenceParameters has role '${role}', which is not in models (${this.roles.join(', ') || 'none'}); `
          + 'add the model for that role or remove its inference parameters.');
      }
    }
    if (problems.length > 0) throw new Error(`PinnedModelConfig ${this.node.path}: ${problems.join(' ')}`);

    const paramProblems: string[] = [];
    for (const role of this.roles) {
      const model = this.models[role];
      model.validate(this);
      const params = props.inferenceParameters?.[role];
      if (params) paramProblems.push(...checkInferenceParameters(this, `inferenceParameters.${role}`, model, params));
      const config: RuntimeModelConfig = { ...model.runtimeConfig(), role, ...(params ? { inferenceParameters: params } : {}) };
      const json = JSON.stringify(config);
      if (Buffer.byteLength(json) > SSM_STANDARD_VALUE_MAX) {
        paramProblems.push(`the configuration of role '${role}' is ${Buffer.byteLength(json)} bytes, over the 4 KB limit of a Standard `
          + 'String parameter; shorten its stopSequences.');
      }
      this.configs[role] = config;
      this.parameters[role] = new ssm.StringParameter(this, `${role}Model`, {
        parameterName: this.parameterName(role),
        // Names always start with '/'; said explicitly so that a Token prefix (e.g. a CfnParameter) works too.
        simpleName: false,
        stringValue: model.modelId,
        description: `Pinned Bedrock model for role '${role}' (cdk-bedrock-foundation; owned by stack ${Stack.of(this).stackName}).`,
        tier: ssm.ParameterTier.STANDARD,
      });
      this.configParameters[role] = new ssm.StringParameter(this, `${role}Config`, {
        parameterName: this.configParameterName(role),
        simpleName: false,
        stringValue: json,
        description: `Run-time configuration (schemaVersion ${config.schemaVersion}) of role '${role}' (cdk-bedrock-foundation).`,
        tier: ssm.ParameterTier.STANDARD,
      });
    }
    if (paramProblems.length > 0) {
      this.node.addValidation({ validate: () => paramProblems });
    }
    this.node.addValidation({ validate: () => this.duplicateNames() });
  }

  public parameterName(role: string): string {
    this.assertRole(role);
    return `${this.parameterPrefix}/${role}`;
  }

  public configParameterName(role: string): string {
    this.assertRole(role);
    return `${this.parameterPrefix}/${role}/config`;
  }

  /** The model of a role. */
  public model(role: string): BedrockModel {
    this.assertRole(role);
    return this.models[role];
  }

  /** The run-time configuration JSON of a role (what `<prefix>/<role>/config` holds). */
  public runtimeConfig(role: string): RuntimeModelConfig {
    this.assertRole(role);
    return this.configs[role];
  }

  /** SHA-256 of the role's configuration JSON. */
  public configHash(role: string): string {
    return createHash('sha256').update(JSON.stringify(this.runtimeConfig(role))).digest('hex');
  }

  public tryGetModel(role: string): BedrockModel | undefined {
    return this.models[role];
  }

  public grantRead(grantee: iam.IGrantable, role?: string): iam.Grant {
    const roles = role === undefined ? this.roles : [role];
    roles.forEach((r) => this.assertRole(r));
    return grantParameters(this, grantee, READ_ACTIONS, roles.flatMap((r) => [this.parameterName(r), this.configParameterName(r)]));
  }

  /**
   * Wires a function to a role: sets `MODEL_CONFIG_PARAMETER` and `MODEL_CONFIG_HASH`, grants `ssm:GetParameter` on
   * the role's `/config` parameter and invoke on its model. Because the hash is in the environment, a deploy that
   * changes the model publishes a new function configuration and recycles warm execution environments while IAM moves
   * to the new model. Throws when the function is already bound to another role or configuration. `options` go to
   * `BedrockModel.grantInvoke` (`responseStream: false` for a function that never streams).
   */
  public bindToFunction(fn: lambda.Function, role: string, options: GrantInvokeOptions = {}): void {
    this.assertRole(role);
    if (!claimBinding(fn, this, role)) return;
    fn.addEnvironment(MODEL_CONFIG_PARAMETER_ENV, this.configParameterName(role));
    fn.addEnvironment(MODEL_CONFIG_HASH_ENV, this.configHash(role));
    fn.node.addDependency(this.parameters[role], this.configParameters[role]);
    grantParameters(this, fn, HELPER_ACTIONS, [this.configParameterName(role)]);
    this.models[role].grantInvoke(fn, options);
  }

  /** Parameter names this configuration shares with a PinnedModelConfig defined earlier in the same stack. */
  private duplicateNames(): string[] {
    const out: string[] = [];
    const mine = new Set(this.roles.flatMap((r) => [this.parameterName(r), this.configParameterName(r)]));
    for (const other of Stack.of(this).node.findAll()) {
      if (other === this) break;
      if (!(other instanceof PinnedModelConfig) || Stack.of(other) !== Stack.of(this)) continue;
      const shared = other.roles.flatMap((r) => [other.parameterName(r), other.configParameterName(r)]).filter((n) => mine.has(n));
      if (shared.length > 0) {
        out.push(`PinnedModelConfig ${this.node.path} writes the parameter(s) ${shared.map((n) => `'${n}'`).join(', ')}, which `
          + `PinnedModelConfig ${other.node.path} in the same stack also writes (same parameterPrefix '${this.parameterPrefix}' and role); SSM `
          + 'parameter names are unique per account and Region, so the deployment would fail. Give one of them another parameterPrefix or '
          + 'other role names, or put all the roles in one PinnedModelConfig.');
      }
    }
    return out;
  }

  private assertRole(role: string) {
    if (!this.models[role]) {
      throw new Error(`PinnedModelConfig ${this.node.path}: unknown role '${role}'; the roles are ${this.roles.join(', ')}.`);
    }
  }
}

class ImportedPinnedModelConfig extends Construct implements IPinnedModelConfig {
  constructor(scope: Construct, id: string, public readonly parameterPrefix: string, public readonly roles: string[],
    private readonly models: Record<string, BedrockModel>) {
    super(scope, id);
  }

  public tryGetModel(role: string): BedrockModel | undefined {
    return this.models[role];
  }

  public parameterName(role: string): string {
    this.assertRole(role);
    return `${this.parameterPrefix}/${role}`;
  }

  public configParameterName(role: string): string {
    this.assertRole(role);
    return `${this.parameterPrefix}/${role}/config`;
  }

  public grantRead(grantee: iam.IGrantable, role?: string): iam.Grant {
    const roles = role === undefined ? this.roles : [role];
    roles.forEach((r) => this.assertRole(r));
    return grantParameters(this, grantee, READ_ACTIONS, roles.flatMap((r) => [this.parameterName(r), this.configParameterName(r)]));
  }

  public bindToFunction(fn: lambda.Function, role: string, options: GrantInvokeOptions = {}): void {
    this.assertRole(role);
    if (!claimBinding(fn, this, role)) return;
    fn.addEnvironment(MODEL_CONFIG_PARAMETER_ENV, this.configParameterName(role));
    grantParameters(this, fn, HELPER_ACTIONS, [this.configParameterName(role)]);
    const model = this.models[role];
    if (model) model.grantInvoke(fn, options);
    Annotations.of(fn).addWarningV2('cdk-bedrock-foundation:config:importedNoHash', `Function ${fn.node.path} reads the imported `
      + `model configuration ${this.configParameterName(role)}; this app cannot see its contents, so a model change made by the owning `
      + 'stack does not recycle this function\'s warm execution environments'
      + (model
        ? ` (invoke is granted on '${model.modelId}', given in fromParameterPrefix's models; keep it in step with the owning stack).`
        : ', and no Bedrock permission was granted: pass the role\'s model to fromParameterPrefix (options.models) or grant it with '
          + 'BedrockModel.grantInvoke.'));
  }

  private assertRole(role: string) {
    if (!this.roles.includes(role)) {
      throw new Error(`PinnedModelConfig ${this.node.path}: unknown role '${role}'; the imported roles are ${this.roles.join(', ')}.`);
    }
  }
}

/** `grantRead`: both read actions, for code that reads the parameters itself. */
const READ_ACTIONS = ['ssm:GetParameter', 'ssm:GetParameters'];
/** `bindToFunction`: what the run-time helper (lambda/shared/model-config.ts) calls, on `/config` only. */
const HELPER_ACTIONS = ['ssm:GetParameter'];

/**
 * The ARN of a parameter whose name starts with '/': `arn:<partition>:ssm:<region>:<account>:parameter` followed by
 * the name. Concatenated rather than sliced, so a Token name (e.g. from a CfnParameter) renders as an `Fn::Join`.
 */
function parameterArn(scope: Construct, name: string): string {
  return `${Stack.of(scope).formatArn({ service: 'ssm', resource: 'parameter', arnFormat: ArnFormat.NO_RESOURCE_NAME })}${name}`;
}

/** `actions` on exactly these parameter names. */
function grantParameters(scope: Construct, grantee: iam.IGrantable, actions: string[], names: string[]): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: names.map((name) => parameterArn(scope, name)) });
}

/** Which configuration and role each function is bound to (a function reads one MODEL_CONFIG_PARAMETER). */
const BINDINGS = new WeakMap<lambda.Function, { readonly config: Construct; readonly role: string }>();

/** Records the binding; false when the function is already bound to this very role (nothing to do); throws on a second one. */
function claimBinding(fn: lambda.Function, config: Construct, role: string): boolean {
  const existing = BINDINGS.get(fn);
  if (existing === undefined) {
    BINDINGS.set(fn, { config, role });
    return true;
  }
  if (existing.config === config && existing.role === role) return false;
  throw new Error(`bindToFunction: function ${fn.node.path} is already bound to role '${existing.role}' of PinnedModelConfig `
    + `${existing.config.node.path}; binding it to role '${role}' of ${config.node.path} would overwrite ${MODEL_CONFIG_PARAMETER_ENV} (the last `
    + 'binding would win while both grants stayed). A function reads one configuration: use one function per role.');
}

function validatePrefix(prefix: string): string[] {
  if (Token.isUnresolved(prefix)) return [];
  const out: string[] = [];
  if (/^\/+$/.test(prefix) || prefix === '') {
    out.push(`parameterPrefix '${prefix}' has no level, so the names would be '${prefix}/<role>'; give at least one level, e.g. '/bedrock/models'.`);
    return out;
  }
  if (!prefix.startsWith('/')) out.push(`parameterPrefix '${prefix}' must start with '/' (a parameter hierarchy), e.g. '/${prefix.replace(/^\/*/, '')}'.`);
  if (prefix.endsWith('/')) out.push(`parameterPrefix '${prefix}' must not end with '/'; write '${prefix.replace(/\/+$/, '')}'.`);
  if (prefix.includes('//')) {
    out.push(`parameterPrefix '${prefix}' contains an empty level ('//'); remove the extra slash: '${prefix.replace(/\/{2,}/g, '/').replace(/\/+$/, '')}'.`);
  }
  const bad = prefix.replace(/[a-zA-Z0-9_.\-/]/g, '');
  if (bad) out.push(`parameterPrefix '${prefix}' contains ${JSON.stringify([...new Set(bad)].join(''))}; SSM parameter names allow only a-zA-Z0-9_.- and '/'.`);
  const first = prefix.replace(/^\/+/, '').split('/')[0] ?? '';
  if (/^(aws|ssm)/i.test(first)) out.push(`parameterPrefix '${prefix}' starts with the reserved '${first.slice(0, 3)}' (SSM forbids names prefixed with "aws" or "ssm", case-insensitive); choose another prefix such as '/bedrock/models'.`);
  return out;
}

function validateRole(scope: Construct, role: string, prefix: string): string[] {
  const out: string[] = [];
  if (!/^[a-zA-Z0-9_.-]+$/.test(role)) {
    out.push(`role '${role}' is not a valid SSM name segment; use only a-zA-Z0-9_.- (no '/').`);
    return out;
  }
  if (Token.isUnresolved(prefix)) return out;
  const name = `${prefix}/${role}/config`;
  const depth = name.split('/').filter(Boolean).length;
  if (depth > SSM_MAX_DEPTH) out.push(`parameter '${name}' has ${depth} hierarchy levels; SSM allows at most ${SSM_MAX_DEPTH}. Shorten the prefix.`);
  const arnPrefix = ssmArnPrefix(scope);
  const length = arnPrefix.length + name.length;
  if (length > SSM_NAME_MAX) {
    out.push(`parameter '${name.slice(0, 60)}…' is ${length} characters counted with its ARN prefix '${arnPrefix}' (${arnPrefix.length}); `
      + `SSM allows at most ${SSM_NAME_MAX} including the ARN, so the name may have at most ${SSM_NAME_MAX - arnPrefix.length}. Shorten the prefix or role.`);
  }
  return out;
}

/**
 * `arn:<partition>:ssm:<region>:<account>:parameter`: the partition of a known Region (aws-cdk-lib region-info), else
 * the longest partition; the longest Region name and a 12-digit account where unresolved.
 */
function ssmArnPrefix(scope: Construct): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? LONGEST_REGION : stack.region;
  const partition = !Token.isUnresolved(stack.partition) ? stack.partition
    : (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).partition) || LONGEST_PARTITION;
  const account = Token.isUnresolved(stack.account) ? '123456789012' : stack.account;
  return `arn:${partition}:ssm:${region}:${account}:parameter`;
}
