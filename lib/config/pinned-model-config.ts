import { createHash } from 'crypto';
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BedrockModel } from '../models/bedrock-model';
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
 * a-zA-Z0-9_.- plus '/' for hierarchies, no "aws"/"ssm" prefix (case-insensitive), at most fifteen hierarchy levels,
 * and 2048 characters of which 1037 are reserved for internal use, so 1011 for the fully qualified name.
 */
const SSM_NAME_MAX = 1011;
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
  /** Grants `ssm:GetParameter(s)` on the role's parameters (all roles when omitted). */
  grantRead(grantee: iam.IGrantable, role?: string): iam.Grant;
  /**
   * Wires a function to a role: sets `MODEL_CONFIG_PARAMETER` (and `MODEL_CONFIG_HASH` when the configuration is known
   * in this app) and grants read access to the parameters.
   */
  bindToFunction(fn: lambda.Function, role: string): void;
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
  /** Imports a configuration written by another stack (or app) under `prefix` for `roles`. */
  public static fromParameterPrefix(scope: Construct, id: string, prefix: string, roles: string[]): IPinnedModelConfig {
    const problems = [...validatePrefix(prefix), ...roles.flatMap((r) => validateRole(r, prefix))];
    if (problems.length > 0) throw new Error(`PinnedModelConfig.fromParameterPrefix: ${problems.join(' ')}`);
    if (roles.length === 0) {
      throw new Error('PinnedModelConfig.fromParameterPrefix: roles is empty; name the roles to import, e.g. [\'chat\'].');
    }
    return new ImportedPinnedModelConfig(scope, id, prefix, roles);
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
    for (const role of this.roles) problems.push(...validateRole(role, this.parameterPrefix));
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
        stringValue: model.modelId,
        description: `Pinned Bedrock model for role '${role}' (cdk-bedrock-foundation; owned by stack ${Stack.of(this).stackName}).`,
        tier: ssm.ParameterTier.STANDARD,
      });
      this.configParameters[role] = new ssm.StringParameter(this, `${role}Config`, {
        parameterName: this.configParameterName(role),
        stringValue: json,
        description: `Run-time configuration (schemaVersion ${config.schemaVersion}) of role '${role}' (cdk-bedrock-foundation).`,
        tier: ssm.ParameterTier.STANDARD,
      });
    }
    if (paramProblems.length > 0) {
      this.node.addValidation({ validate: () => paramProblems });
    }
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

  public grantRead(grantee: iam.IGrantable, role?: string): iam.Grant {
    const roles = role === undefined ? this.roles : [role];
    roles.forEach((r) => this.assertRole(r));
    return grantReadParameters(this, grantee, roles.flatMap((r) => [this.parameterName(r), this.configParameterName(r)]));
  }

  /**
   * Wires a function to a role: sets `MODEL_CONFIG_PARAMETER` and `MODEL_CONFIG_HASH`, grants read on the role's
   * parameters and invoke on its model. Because the hash is in the environment, a deploy that changes the model
   * publishes a new function configuration and recycles warm execution environments while IAM moves to the new model.
   */
  public bindToFunction(fn: lambda.Function, role: string): void {
    this.assertRole(role);
    fn.addEnvironment(MODEL_CONFIG_PARAMETER_ENV, this.configParameterName(role));
    fn.addEnvironment(MODEL_CONFIG_HASH_ENV, this.configHash(role));
    fn.node.addDependency(this.parameters[role], this.configParameters[role]);
    this.grantRead(fn, role);
    this.models[role].grantInvoke(fn);
  }

  private assertRole(role: string) {
    if (!this.models[role]) {
      throw new Error(`PinnedModelConfig ${this.node.path}: unknown role '${role}'; the roles are ${this.roles.join(', ')}.`);
    }
  }
}

class ImportedPinnedModelConfig extends Construct implements IPinnedModelConfig {
  constructor(scope: Construct, id: string, public readonly parameterPrefix: string, public readonly roles: string[]) {
    super(scope, id);
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
    return grantReadParameters(this, grantee, roles.flatMap((r) => [this.parameterName(r), this.configParameterName(r)]));
  }

  public bindToFunction(fn: lambda.Function, role: string): void {
    fn.addEnvironment(MODEL_CONFIG_PARAMETER_ENV, this.configParameterName(role));
    this.grantRead(fn, role);
    Annotations.of(fn).addWarningV2('cdk-bedrock-foundation:config:importedNoHash', `Function ${fn.node.path} reads the imported `
      + `model configuration ${this.configParameterName(role)}; this app cannot see its contents, so a model change made by the owning `
      + 'stack does not recycle this function\'s warm execution environments, and invoke permission on the model must be granted '
      + 'separately (BedrockModel.grantInvoke).');
  }

  private assertRole(role: string) {
    if (!this.roles.includes(role)) {
      throw new Error(`PinnedModelConfig ${this.node.path}: unknown role '${role}'; the imported roles are ${this.roles.join(', ')}.`);
    }
  }
}

/** `ssm:GetParameter(s)` on exactly these parameter names (what the run-time helper calls). */
function grantReadParameters(scope: Construct, grantee: iam.IGrantable, names: string[]): iam.Grant {
  const stack = Stack.of(scope);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['ssm:GetParameter', 'ssm:GetParameters'],
    resourceArns: names.map((name) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) })),
  });
}

function validatePrefix(prefix: string): string[] {
  if (Token.isUnresolved(prefix)) return [];
  const out: string[] = [];
  if (!prefix.startsWith('/')) out.push(`parameterPrefix '${prefix}' must start with '/' (a parameter hierarchy), e.g. '/${prefix.replace(/^\/*/, '')}'.`);
  if (prefix.length > 1 && prefix.endsWith('/')) out.push(`parameterPrefix '${prefix}' must not end with '/'; write '${prefix.replace(/\/+$/, '')}'.`);
  if (prefix.includes('//')) out.push(`parameterPrefix '${prefix}' contains an empty level ('//').`);
  const bad = prefix.replace(/[a-zA-Z0-9_.\-/]/g, '');
  if (bad) out.push(`parameterPrefix '${prefix}' contains ${JSON.stringify([...new Set(bad)].join(''))}; SSM parameter names allow only a-zA-Z0-9_.- and '/'.`);
  const first = prefix.replace(/^\/+/, '').split('/')[0] ?? '';
  if (/^(aws|ssm)/i.test(first)) out.push(`parameterPrefix '${prefix}' starts with the reserved '${first.slice(0, 3)}' (SSM forbids names prefixed with "aws" or "ssm", case-insensitive); choose another prefix such as '/bedrock/models'.`);
  return out;
}

function validateRole(role: string, prefix: string): string[] {
  const out: string[] = [];
  if (!/^[a-zA-Z0-9_.-]+$/.test(role)) {
    out.push(`role '${role}' is not a valid SSM name segment; use only a-zA-Z0-9_.- (no '/').`);
    return out;
  }
  const name = `${prefix}/${role}/config`;
  const depth = name.split('/').filter(Boolean).length;
  if (depth > SSM_MAX_DEPTH) out.push(`parameter '${name}' has ${depth} hierarchy levels; SSM allows at most ${SSM_MAX_DEPTH}. Shorten the prefix.`);
  if (name.length > SSM_NAME_MAX) out.push(`parameter '${name.slice(0, 60)}…' is ${name.length} characters; SSM allows at most ${SSM_NAME_MAX}. Shorten the prefix or role.`);
  return out;
}
