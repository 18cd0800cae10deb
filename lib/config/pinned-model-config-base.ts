import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { grantParameters, HELPER_ACTIONS, READ_ACTIONS } from './private/parameters';
import { ENV } from '../contract';
import { IGuardrail } from '../guardrails/guardrail';
import { BedrockModel, GrantInvokeOptions } from '../models/bedrock-model';
import { BedrockValidationError } from '../private/errors';
import { assertGrantable, describeArgument } from '../private/wildcard-grant';

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
  /** The role's guardrail when this app knows it (for an import, when `guardrails` was given). */
  tryGetGuardrail(role: string): IGuardrail | undefined;
}

/**
 * What a created `PinnedModelConfig` and an imported one share: parameter naming, role checks, `grantRead` and the
 * common part of `bindToFunction` (environment, the one-binding-per-function rule, the SSM grant). Subclasses add what
 * only they know in `bindModel` (the configuration hash and the model's invoke grant, or a warning that they cannot).
 */
export abstract class PinnedModelConfigBase extends Construct implements IPinnedModelConfig {
  public abstract readonly parameterPrefix: string;
  public abstract readonly roles: string[];

  public abstract tryGetModel(role: string): BedrockModel | undefined;
  public abstract tryGetGuardrail(role: string): IGuardrail | undefined;

  public parameterName(role: string): string {
    this.assertRole(role);
    return `${this.parameterPrefix}/${role}`;
  }

  public configParameterName(role: string): string {
    this.assertRole(role);
    return `${this.parameterPrefix}/${role}/config`;
  }

  public grantRead(grantee: iam.IGrantable, role?: string): iam.Grant {
    assertGrantable(grantee, 'grantRead', this);
    const roles = role === undefined ? this.roles : [role];
    roles.forEach((r) => this.assertRole(r));
    return grantParameters(this, grantee, READ_ACTIONS, roles.flatMap((r) => [this.parameterName(r), this.configParameterName(r)]));
  }

  public bindToFunction(fn: lambda.Function, role: string, options: GrantInvokeOptions = {}): void {
    this.assertRole(role);
    assertFunction(fn, this);
    if (!claimBinding(fn, this, role)) return;
    fn.addEnvironment(ENV.MODEL_CONFIG_PARAMETER, this.configParameterName(role));
    grantParameters(this, fn, HELPER_ACTIONS, [this.configParameterName(role)]);
    this.bindModel(fn, role, options);
  }

  /**
   * The rest of `bindToFunction`, which only the subclass knows: the configuration hash and invoke on the role's model,
   * or a warning where this app cannot see them.
   */
  protected abstract bindModel(fn: lambda.Function, role: string, options: GrantInvokeOptions): void;

  /** `roles are` / `imported roles are`: how the role list is introduced in the unknown-role message. */
  protected abstract readonly roleListLabel: string;

  /** Throws `UnknownModelConfigRole` unless `role` is one of `roles`. */
  protected assertRole(role: string): void {
    if (!this.roles.includes(role)) {
      throw new BedrockValidationError('UnknownModelConfigRole', `PinnedModelConfig: unknown role '${role}'; the `
        + `${this.roleListLabel} ${this.roles.join(', ')}.`, this);
    }
  }
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
  throw new BedrockValidationError('FunctionAlreadyBound', `bindToFunction: function ${fn.node.path} is already bound to role `
    + `'${existing.role}' of PinnedModelConfig ${existing.config.node.path}; binding it to role '${role}' of ${config.node.path} `
    + `would overwrite ${ENV.MODEL_CONFIG_PARAMETER} (the last binding would win while both grants stayed). A function reads one `
    + 'configuration: use one function per role.', fn);
}

/**
 * Throws `NotALambdaFunction` unless `fn` can take environment variables (a `lambda.Function` of this app). An invoker
 * binds its configuration itself (its `config` and `role` props); an imported function cannot be given an environment.
 */
function assertFunction(fn: unknown, scope: Construct): asserts fn is lambda.Function {
  if (typeof (fn as Partial<lambda.Function> | undefined)?.addEnvironment === 'function') return;
  const inner = (fn as { function?: unknown } | undefined)?.function;
  const fix = inner !== undefined
    ? 'an invoker (ModelInvoker, EmbeddingInvoker) reads a PinnedModelConfig when you pass config and role in its props; '
      + 'for another construct, pass its lambda.Function'
    : 'pass a lambda.Function defined in this app (an imported function cannot be given environment variables: set '
      + `${ENV.MODEL_CONFIG_PARAMETER} on it where it is defined and call grantRead)`;
  throw new BedrockValidationError('NotALambdaFunction', `bindToFunction: got ${describeArgument(fn)}, which is not a `
    + `lambda.Function; ${fix}.`, scope);
}
