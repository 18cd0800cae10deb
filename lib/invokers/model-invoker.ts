import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkInferenceParameters } from '../config/inference-parameters';
import { IPinnedModelConfig, runtimeGuardrail } from '../config/pinned-model-config';
import { IGuardrail } from '../guardrails/guardrail';
import { GuardrailTrace } from '../guardrails/types';
import { BedrockModel } from '../models/bedrock-model';
import { InferenceParameters } from '../models/runtime-config';
import { BedrockValidationError } from '../private/errors';
import { InvokerOptions } from './invoker-options';
import { bindModel, checkOutputModality, createInvokerFunction, resolveModelSource } from './private/invoker-function';

/** Properties of a ModelInvoker: exactly one of `model` or `config` + `role`. */
export interface ModelInvokerProps extends InvokerOptions {
  /**
   * The text-generation model, pinned. Its run-time configuration goes into the function's environment
   * (`MODEL_CONFIG`). Give this or `config` + `role`.
   * @default - none; then `config` and `role` are required
   */
  readonly model?: BedrockModel;
  /**
   * A pinned-model configuration in SSM; the function reads `<prefix>/<role>/config` once per execution environment,
   * and a hash of it in the environment recycles warm environments when it changes. Give this with `role`, or `model`.
   * @default - none; then `model` is required
   */
  readonly config?: IPinnedModelConfig;
  /**
   * The role of `config` to use, e.g. 'chat'.
   * @default - none; required with `config`
   */
  readonly role?: string;
  /**
   * Default inference parameters (with `model` only; a PinnedModelConfig carries its own). Requests may override
   * them within the model's bounds.
   * @default - the model's own defaults
   */
  readonly inferenceParameters?: InferenceParameters;
  /**
   * The guardrail every Converse / ConverseStream call is sent with (`guardrailConfig`), at its pinned version (DRAFT
   * only when the guardrail was asked for at DRAFT by name). The function is granted `bedrock:ApplyGuardrail` on it
   * (`grantApply`). An intervention is answered with `guardrailIntervened: true` (see docs/invokers.md) and counted in
   * the `GuardrailInterventions` metric. With `model` only: with `config`, set the role's guardrail in
   * `PinnedModelConfigProps.guardrails`, so that it is part of the reviewed configuration.
   * @default - no guardrail
   */
  readonly guardrail?: IGuardrail;
  /**
   * Whether calls request the guardrail trace; an intervention's answer then carries it (`trace`). With `guardrail`.
   * @default GuardrailTrace.DISABLED
   */
  readonly guardrailTrace?: GuardrailTrace;
  /**
   * Serve ConverseStream through a Lambda Function URL with response streaming (NDJSON). The function's handler is
   * then `index.streamHandler` and it is invoked through the URL.
   * @default false
   */
  readonly streaming?: boolean;
  /**
   * Auth type of the streaming Function URL.
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly urlAuthType?: lambda.FunctionUrlAuthType;
}

/**
 * A Lambda function that generates text with a pinned Bedrock model through the Converse API (and, with
 * `streaming`, ConverseStream behind a Function URL). It grants itself invoke on exactly that model (and read on its
 * SSM configuration), validates at synth that the model outputs text, and emits token, latency and cost metrics.
 *
 * @example
 * const chat = new ModelInvoker(this, 'Chat', { config: models, role: 'chat', streaming: true });
 * chat.grantInvokeUrl(frontendRole);
 */
export class ModelInvoker extends Construct {
  /** The invoker function. */
  public readonly function: lambda.IFunction;
  /** The streaming Function URL, when `streaming` is on. */
  public readonly functionUrl?: lambda.FunctionUrl;
  /** The model, when known in this app (given directly or a role of a PinnedModelConfig defined here). */
  public readonly model?: BedrockModel;
  /** The guardrail calls are sent with, when known in this app (given directly or a role's guardrail of the configuration). */
  public readonly guardrail?: IGuardrail;

  constructor(scope: Construct, id: string, props: ModelInvokerProps) {
    super(scope, id);
    const what = `ModelInvoker ${this.node.path}`;
    this.model = resolveModelSource(this, what, props);
    if (props.inferenceParameters && !props.model) {
      throw new BedrockValidationError('InferenceParametersWithConfig', `${what}: inferenceParameters apply only with \`model\`; `
        + `a PinnedModelConfig carries its own (PinnedModelConfigProps.inferenceParameters.${props.role}).`, this);
    }
    if (props.config && (props.guardrail || props.guardrailTrace !== undefined)) {
      throw new BedrockValidationError('GuardrailWithConfig', `${what}: ${props.guardrail ? 'guardrail' : 'guardrailTrace'} applies only `
        + `with \`model\`; with a PinnedModelConfig the guardrail is part of the role's configuration: set it in `
        + `PinnedModelConfigProps.guardrails.${props.role} (and guardrailTrace.${props.role}).`, this);
    }
    if (props.guardrailTrace !== undefined && !props.guardrail) {
      throw new BedrockValidationError('GuardrailTraceWithoutGuardrail', `${what}: guardrailTrace is set but there is no guardrail; `
        + 'give guardrail (a Guardrail or Guardrail.fromGuardrailAttributes) or remove guardrailTrace.', this);
    }
    if (props.urlAuthType !== undefined && !props.streaming) {
      throw new BedrockValidationError('UrlWithoutStreaming', `${what}: urlAuthType is set but streaming is off; set streaming: true `
        + 'to get a Function URL, or remove urlAuthType.', this);
    }
    if (props.model && props.inferenceParameters) {
      // Checked against the Converse ranges and the model's sourced limits (maxTokens, temperature/topP exclusivity),
      // as PinnedModelConfig checks its own; reported at synth, where a run-time failure of every call would be late.
      const problems = checkInferenceParameters(this, `${what}: inferenceParameters`, props.model, props.inferenceParameters);
      if (problems.length > 0) this.node.addValidation({ validate: () => problems });
    }
    const fn = createInvokerFunction(this, 'text-invoker', props, props.streaming ? 'index.streamHandler' : 'index.handler');
    // Converse needs bedrock:InvokeModel; ConverseStream (the streaming handler) bedrock:InvokeModelWithResponseStream.
    bindModel(fn, props, props.streaming === true, {
      ...(props.inferenceParameters ? { inferenceParameters: props.inferenceParameters } : {}),
      ...(props.guardrail ? { guardrail: runtimeGuardrail(props.guardrail, props.guardrailTrace) } : {}),
    });
    // Converse with guardrailConfig needs bedrock:ApplyGuardrail on the guardrail (Bedrock user guide, "Set up
    // permissions to use Amazon Bedrock Guardrails", guardrails-permissions.html; lib/guardrails/perms.ts).
    props.guardrail?.grantApply(fn);
    this.guardrail = props.guardrail ?? props.config?.tryGetGuardrail(props.role!);
    checkOutputModality(this, what, this.model, 'TEXT', 'a text invoker needs a text-generation model (use EmbeddingInvoker for embeddings).', props);
    if (props.streaming) {
      this.functionUrl = fn.addFunctionUrl({
        authType: props.urlAuthType ?? lambda.FunctionUrlAuthType.AWS_IAM,
        invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      });
    }
    this.function = fn;
  }

  /** Grants `lambda:InvokeFunction` on the invoker. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }

  /** Grants invoking the streaming Function URL (`lambda:InvokeFunctionUrl`). Throws when streaming is off. */
  public grantInvokeUrl(grantee: iam.IGrantable): iam.Grant {
    if (!this.functionUrl) {
      throw new BedrockValidationError('NoFunctionUrl', `ModelInvoker ${this.node.path} has no Function URL; create it with streaming: true.`, this);
    }
    return this.function.grantInvokeUrl(grantee);
  }
}
