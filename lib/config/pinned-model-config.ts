import { createHash } from 'crypto';
import { Annotations, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { checkInferenceParameters } from './inference-parameters';
import { IPinnedModelConfig, PinnedModelConfigBase } from './pinned-model-config-base';
import { SSM_STANDARD_VALUE_MAX, validatePrefix, validateRole } from './private/parameters';
import { configHashInput, ENV, InferenceParameters, RuntimeModelConfig } from '../contract';
import { IGuardrail } from '../guardrails/guardrail';
import { GuardrailTrace } from '../guardrails/types';
import { BedrockModel, GrantInvokeOptions } from '../models/bedrock-model';
import { BedrockValidationError } from '../private/errors';

// Kept importable from this module (lib/invokers imports IPinnedModelConfig from here).
export { IPinnedModelConfig };

/** Environment variable naming the SSM parameter that holds a function's model configuration JSON (`ENV.MODEL_CONFIG_PARAMETER`). */
export const MODEL_CONFIG_PARAMETER_ENV = ENV.MODEL_CONFIG_PARAMETER;
/**
 * Environment variable carrying a hash of the configuration, so a config change recycles execution environments
 * (`ENV.MODEL_CONFIG_HASH`).
 */
export const MODEL_CONFIG_HASH_ENV = ENV.MODEL_CONFIG_HASH;

/** The default parameter prefix. */
export const DEFAULT_PARAMETER_PREFIX = '/bedrock/models';

/** Options of `PinnedModelConfig.fromParameterPrefix`. */
export interface ImportedPinnedModelConfigOptions {
  /**
   * The model the owning stack pinned for each imported role (every key must be one of `roles`). With it,
   * `bindToFunction` grants the function invoke on the model (`BedrockModel.grantInvoke`, which also validates it);
   * keep it in step with the owning stack.
   * @default - no model is known: `bindToFunction` grants no Bedrock permission and warns
   */
  readonly models?: Record<string, BedrockModel>;
  /**
   * The guardrail the owning stack put in each imported role's configuration (every key must be one of `roles`). With
   * it, `bindToFunction` grants the function `bedrock:ApplyGuardrail` on it (`IGuardrail.grantApply`); without it, a
   * role whose configuration names a guardrail fails every call with AccessDenied.
   * @default - no guardrail permission is granted
   */
  readonly guardrails?: Record<string, IGuardrail>;
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
  /**
   * The guardrail per role: its ID and pinned version go into the role's configuration JSON, so every call of a
   * function bound to the role is guarded, and a guardrail upgrade (a new published version) is a reviewed change of
   * this configuration that recycles the functions' execution environments exactly like a model upgrade. Functions
   * bound to the role are granted `bedrock:ApplyGuardrail` on it.
   * @default - no guardrail
   */
  readonly guardrails?: Record<string, IGuardrail>;
  /**
   * Per role with a guardrail: whether calls request the guardrail trace (returned with an intervention).
   * @default - GuardrailTrace.DISABLED for every role
   */
  readonly guardrailTrace?: Record<string, GuardrailTrace>;
}

/**
 * Pinned-model configuration in SSM Parameter Store: one String parameter per role (`<prefix>/<role>`, the model ID)
 * and a JSON companion (`<prefix>/<role>/config`) that functions read at run time. A model upgrade is a reviewed
 * change to this construct's props; the stack owns the parameters (editing them by hand is drift).
 */
export class PinnedModelConfig extends PinnedModelConfigBase {
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
    for (const role of Object.keys(options.guardrails ?? {})) {
      if (!roles.includes(role)) {
        problems.push(`options.guardrails has role '${role}', which is not in roles (${roles.join(', ') || 'none'}); add it to roles or remove its guardrail.`);
      }
    }
    if (problems.length > 0) {
      throw new BedrockValidationError('InvalidImportedModelConfig', `PinnedModelConfig.fromParameterPrefix: ${problems.join(' ')}`, scope);
    }
    if (roles.length === 0) {
      throw new BedrockValidationError('NoRolesToImport', 'PinnedModelConfig.fromParameterPrefix: roles is empty; name the roles to '
        + 'import, e.g. [\'chat\'].', scope);
    }
    return new ImportedPinnedModelConfig(scope, id, prefix, [...roles], { ...options.models }, { ...options.guardrails });
  }

  public readonly parameterPrefix: string;
  public readonly roles: string[];
  protected readonly roleListLabel = 'roles are';
  private readonly models: Record<string, BedrockModel>;
  private readonly guardrails: Record<string, IGuardrail>;
  private readonly configs: Record<string, RuntimeModelConfig> = {};
  private readonly parameters: Record<string, ssm.StringParameter> = {};
  private readonly configParameters: Record<string, ssm.StringParameter> = {};

  constructor(scope: Construct, id: string, props: PinnedModelConfigProps) {
    super(scope, id);
    this.parameterPrefix = props.parameterPrefix ?? DEFAULT_PARAMETER_PREFIX;
    this.models = { ...props.models };
    this.roles = Object.keys(this.models);
    this.guardrails = { ...props.guardrails };

    const problems: string[] = [...validatePrefix(this.parameterPrefix)];
    if (this.roles.length === 0) {
      problems.push('models is empty: give at least one role, e.g. { chat: BedrockModel.of(\'anthropic.claude-haiku-4-5-20251001-v1:0\') }.');
    }
    for (const role of this.roles) problems.push(...validateRole(this, role, this.parameterPrefix));
    for (const role of Object.keys(props.inferenceParameters ?? {})) {
      if (!this.roles.includes(role)) {
        problems.push(`inferenceParameters has role '${role}', which is not in models (${this.roles.join(', ') || 'none'}); `
          + 'add the model for that role or remove its inference parameters.');
      }
    }
    for (const [prop, record] of [['guardrails', props.guardrails], ['guardrailTrace', props.guardrailTrace]] as const) {
      for (const role of Object.keys(record ?? {})) {
        if (!this.roles.includes(role)) {
          problems.push(`${prop} has role '${role}', which is not in models (${this.roles.join(', ') || 'none'}); `
            + `add the model for that role or remove its ${prop === 'guardrails' ? 'guardrail' : 'guardrail trace'}.`);
        }
      }
    }
    for (const role of Object.keys(props.guardrailTrace ?? {})) {
      if (this.roles.includes(role) && !props.guardrails?.[role]) {
        problems.push(`guardrailTrace has role '${role}', which has no guardrail; add guardrails.${role} or remove its guardrailTrace.`);
      }
    }
    if (problems.length > 0) throw new BedrockValidationError('InvalidModelConfigProps', `PinnedModelConfig: ${problems.join(' ')}`, this);

    const paramProblems: string[] = [];
    for (const role of this.roles) {
      const model = this.models[role];
      model.validate(this);
      const params = props.inferenceParameters?.[role];
      if (params) paramProblems.push(...checkInferenceParameters(this, `inferenceParameters.${role}`, model, params));
      const guardrail = this.guardrails[role];
      const config: RuntimeModelConfig = {
        ...model.runtimeConfig(), role, ...(params ? { inferenceParameters: params } : {}),
        ...(guardrail ? { guardrail: runtimeGuardrail(guardrail, props.guardrailTrace?.[role]) } : {}),
      };
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

  /**
   * SHA-256 of the role's configuration JSON (`MODEL_CONFIG_HASH`). With a guardrail, whose ID and version are
   * deploy-time values: the SHA-256 of the JSON with them blanked, then `:<guardrail ID>:<version>` (tokens until
   * deployment), so a new guardrail version changes it as a model change does.
   */
  public configHash(role: string): string {
    // Deploy-time values (an application profile's ARN, a guardrail's ID and version) are left out of the hashed JSON
    // and appended as they deploy (lib/contract configHashInput), so the hash does not depend on token numbering and
    // the handler's drift check computes the same value from what it reads.
    const { json, suffix } = configHashInput(this.runtimeConfig(role));
    return `${createHash('sha256').update(json).digest('hex')}${suffix}`;
  }

  /** The guardrail of a role, if any. */
  public tryGetGuardrail(role: string): IGuardrail | undefined {
    return this.roles.includes(role) ? this.guardrails[role] : undefined;
  }

  public tryGetModel(role: string): BedrockModel | undefined {
    return this.roles.includes(role) ? this.models[role] : undefined;
  }

  /**
   * Wires a function to a role: sets `MODEL_CONFIG_PARAMETER` and `MODEL_CONFIG_HASH`, grants `ssm:GetParameter` on
   * the role's `/config` parameter and invoke on its model. Because the hash is in the environment, a deploy that
   * changes the model publishes a new function configuration and recycles warm execution environments while IAM moves
   * to the new model. Throws when the function is already bound to another role or configuration. `options` go to
   * `BedrockModel.grantInvoke` (`responseStream: false` for a function that never streams).
   */
  public bindToFunction(fn: lambda.Function, role: string, options: GrantInvokeOptions = {}): void {
    super.bindToFunction(fn, role, options);
  }

  protected bindModel(fn: lambda.Function, role: string, options: GrantInvokeOptions): void {
    fn.addEnvironment(ENV.MODEL_CONFIG_HASH, this.configHash(role));
    fn.node.addDependency(this.parameters[role], this.configParameters[role]);
    this.models[role].grantInvoke(fn, options);
    this.guardrails[role]?.grantApply(fn);
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
}

/** A configuration another stack wrote: names and grants only; the models only when the importer passed them. */
class ImportedPinnedModelConfig extends PinnedModelConfigBase {
  protected readonly roleListLabel = 'imported roles are';

  constructor(scope: Construct, id: string, public readonly parameterPrefix: string, public readonly roles: string[],
    private readonly models: Record<string, BedrockModel>, private readonly guardrails: Record<string, IGuardrail>) {
    super(scope, id);
  }

  public tryGetModel(role: string): BedrockModel | undefined {
    return this.roles.includes(role) ? this.models[role] : undefined;
  }

  public tryGetGuardrail(role: string): IGuardrail | undefined {
    return this.roles.includes(role) ? this.guardrails[role] : undefined;
  }

  protected bindModel(fn: lambda.Function, role: string, options: GrantInvokeOptions): void {
    const model = this.tryGetModel(role);
    if (model) model.grantInvoke(fn, options);
    this.guardrails[role]?.grantApply(fn);
    Annotations.of(fn).addWarningV2('cdk-bedrock-foundation:ImportedConfigNoHash', `Function ${fn.node.path} reads the imported `
      + `model configuration ${this.configParameterName(role)}; this app cannot see its contents, so a model change made by the owning `
      + 'stack does not recycle this function\'s warm execution environments'
      + (model
        ? ` (invoke is granted on '${model.modelId}', given in fromParameterPrefix's models; keep it in step with the owning stack).`
        : ', and no Bedrock permission was granted: pass the role\'s model to fromParameterPrefix (options.models) or grant it with '
          + 'BedrockModel.grantInvoke.'));
  }
}

/** The configuration's guardrail fragment: the guardrail's pinned version (DRAFT only when the guardrail was asked for at DRAFT by name). */
export function runtimeGuardrail(guardrail: IGuardrail, trace: GuardrailTrace | undefined): NonNullable<RuntimeModelConfig['guardrail']> {
  const c = guardrail.runtimeConfig({ trace });
  return { guardrailIdentifier: c.guardrailIdentifier, guardrailVersion: c.guardrailVersion, trace: c.trace as NonNullable<RuntimeModelConfig['guardrail']>['trace'] };
}
