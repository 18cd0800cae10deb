import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { IPinnedModelConfig } from '../config/pinned-model-config';
import { ENV } from '../contract';
import { BedrockModel } from '../models/bedrock-model';
import { BedrockValidationError } from '../private/errors';
import { InvokerOptions } from './invoker-options';
import { bindModel, checkOutputModality, createInvokerFunction, resolveModelSource } from './private/invoker-function';
import { EMBEDDING_FAMILIES, embeddingFamily } from './private/embedding-families';

/** Properties of an EmbeddingInvoker: exactly one of `model` or `config` + `role`. */
export interface EmbeddingInvokerProps extends InvokerOptions {
  /**
   * The embeddings model: Titan Text Embeddings V1/V2 or Cohere Embed v3/v4.
   * @default - none; then `config` and `role` are required
   */
  readonly model?: BedrockModel;
  /**
   * A pinned-model configuration in SSM whose `role` is an embeddings model.
   * @default - none; then `model` is required
   */
  readonly config?: IPinnedModelConfig;
  /**
   * The role of `config` to use, e.g. 'embed'.
   * @default - none; required with `config`
   */
  readonly role?: string;
  /**
   * Output dimensions for models that take them (Titan V2: 256, 512, 1024; Cohere v4: 256, 512, 1024, 1536).
   * Rejected at synth for models with a fixed size. Requests may choose another allowed value.
   * @default - the model's default (Titan V2: 1024)
   */
  readonly dimensions?: number;
  /**
   * Normalize vectors (Titan Text Embeddings V2 only; rejected for other models).
   * @default - the model's default (Titan V2: true)
   */
  readonly normalize?: boolean;
  /**
   * Concurrent InvokeModel calls for models that take one text per call (Titan).
   * @default 4
   */
  readonly concurrency?: number;
}

/**
 * A Lambda function that embeds texts with a pinned Bedrock embeddings model through InvokeModel with the
 * provider's own body (Titan: one text per call, bounded concurrency; Cohere: up to 96 texts per call). It grants
 * itself invoke on exactly that model and validates at synth that the model outputs embeddings and takes the
 * dimensions/normalize options given.
 */
export class EmbeddingInvoker extends Construct {
  /** The invoker function. */
  public readonly function: lambda.IFunction;
  /** The model, when known in this app. */
  public readonly model?: BedrockModel;

  constructor(scope: Construct, id: string, props: EmbeddingInvokerProps) {
    super(scope, id);
    const what = `EmbeddingInvoker ${this.node.path}`;
    this.model = resolveModelSource(this, what, props);
    if (props.concurrency !== undefined && !Token.isUnresolved(props.concurrency)
      && (!Number.isInteger(props.concurrency) || props.concurrency < 1 || props.concurrency > 64)) {
      throw new BedrockValidationError('InvalidConcurrency', `${what}: concurrency is ${props.concurrency}; give a whole number from 1 to 64.`, this);
    }
    if (this.model) this.checkOptions(what, this.model, props);
    const env: Record<string, string> = {};
    if (props.dimensions !== undefined) env[ENV.EMBEDDING_DIMENSIONS] = String(props.dimensions);
    if (props.normalize !== undefined) env[ENV.EMBEDDING_NORMALIZE] = String(props.normalize);
    if (props.concurrency !== undefined) env[ENV.EMBEDDING_CONCURRENCY] = String(props.concurrency);
    const fn = createInvokerFunction(this, 'embedding-invoker', props, 'index.handler', env);
    bindModel(fn, props, false); // InvokeModel only: embeddings are never streamed
    checkOutputModality(this, what, this.model, 'EMBEDDING', 'an embedding invoker needs an embeddings model (use ModelInvoker for text).', props);
    this.function = fn;
  }

  /** Grants `lambda:InvokeFunction` on the invoker. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }

  private checkOptions(what: string, model: BedrockModel, props: EmbeddingInvokerProps): void {
    const family = embeddingFamily(model.foundationModelId ?? model.modelId);
    if (!family) {
      if (model.isEmbeddingModel === false) return; // the modality check reports it
      throw new BedrockValidationError('UnsupportedEmbeddingModel', `${what}: model '${model.modelId}' has no request body this invoker `
        + `knows; supported: ${EMBEDDING_FAMILIES.map((f) => f.name).join(', ')}.`, this);
    }
    if (props.dimensions !== undefined && !Token.isUnresolved(props.dimensions)) {
      if (!family.dimensions) {
        throw new BedrockValidationError('DimensionsNotAccepted', `${what}: dimensions is ${props.dimensions}, but ${family.name} `
          + `('${model.modelId}') has a fixed output size and takes no dimensions parameter; remove it.`, this);
      }
      const allowed = model.embeddingDimensions ?? family.dimensions;
      if (!allowed.includes(props.dimensions)) {
        throw new BedrockValidationError('InvalidDimensions', `${what}: dimensions is ${props.dimensions}; '${model.modelId}' `
          + `accepts ${allowed.join(', ')}.`, this);
      }
    }
    if (props.normalize !== undefined && !family.normalize) {
      throw new BedrockValidationError('NormalizeNotAccepted', `${what}: normalize is set, but ${family.name} ('${model.modelId}') `
        + 'takes no normalize parameter (only Titan Text Embeddings V2 does); remove it.', this);
    }
  }
}
