import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { BedrockModel } from '../../models/bedrock-model';
import { BedrockValidationError } from '../../private/errors';
import { DEFAULT_EMBEDDING_MODEL_ID } from '../types';

/**
 * The generic model rules (pinned, known, offered in the Region, lifecycle: the catalog's one policy) applied to the
 * embeddings model; throws `InvalidEmbeddingModel` with every error, each prefixed with the prop.
 */
export function validateEmbeddingModel(scope: IConstruct, model: BedrockModel): void {
  model.validate(scope);
  const modelErrors = model.evaluate(scope).filter((f) => f.level === 'error').map((f) => `embeddingModel: ${f.message}`);
  if (modelErrors.length > 0) {
    throw new BedrockValidationError('InvalidEmbeddingModel', modelErrors.join('\n'), scope);
  }
}

/**
 * The Knowledge-Base-specific checks of the embeddings model: an embeddings model, supported by Knowledge Bases (sourced,
 * or declared with `custom.knowledgeBaseSupported`, then a warning), in the stack's Region, with FLOAT32 vectors; and the
 * vector dimension: `dimensionsProp` when it is one the model supports, else the model's default. Pushes one message per
 * problem onto `errors`; returns the dimension to use.
 */
export function checkEmbeddingModel(scope: IConstruct, model: BedrockModel, dimensionsProp: number | undefined,
  errors: string[]): number {
  const id = model.modelId;
  const example = `BedrockModel.of('${DEFAULT_EMBEDDING_MODEL_ID}')`;
  if (model.parsed.kind === 'application-inference-profile') {
    // Bedrock API Reference, VectorKnowledgeBaseConfiguration.embeddingModelArn: a foundation-model, custom-model or
    // provisioned-model ARN, or a model ID; no inference-profile ARN.
    const what = model.profileSource ? `the application inference profile over '${model.profileSource.modelId}'` : `'${id}'`;
    errors.push(`embeddingModel: ${what} is an application inference profile, which a Knowledge Base does not take: its `
      + 'embeddingModelArn is a foundation-model, custom-model or provisioned-model ARN (Bedrock API Reference, '
      + `VectorKnowledgeBaseConfiguration). Give the embeddings model itself, e.g. BedrockModel.of('${model.foundationModelId ?? DEFAULT_EMBEDDING_MODEL_ID}').`);
    return dimensionsProp ?? 0;
  }
  if (model.isEmbeddingModel === false) {
    errors.push(`embeddingModel: '${id}' is not an embeddings model (its output is `
      + `${(model.outputModalities ?? []).join(', ') || 'not embeddings'}); a Knowledge Base needs an embeddings model `
      + `such as ${example}.`);
    return dimensionsProp ?? 0;
  }
  const kb = model.record?.knowledgeBase ?? undefined;
  const declared = model.custom?.knowledgeBaseSupported === true;
  if (kb?.supported === true) {
    // Sourced support.
  } else if (declared) {
    Annotations.of(scope).addWarningV2('cdk-bedrock-foundation:KnowledgeBaseModelDeclared',
      `embeddingModel: Knowledge Base support of '${id}' is ${kb ? 'refused by the catalog' : 'not sourced'}; `
      + 'you declared it with custom.knowledgeBaseSupported, so the deployment is the test.');
  } else if (kb?.supported === false) {
    const weak = kb.basis === 'cdkFlag'
      ? ' That answer is weak: it only reflects the CDK libraries\' supportsKnowledgeBase flag, not an AWS page;'
        + ' if AWS documents support for it, declare it with BedrockModel.of(id, { custom: { knowledgeBaseSupported: true,'
        + ' embeddingDimensions: [...] } }).'
      : '';
    errors.push(`embeddingModel: '${id}' is not supported as the embeddings model of a Knowledge Base per the `
      + `catalog (${kb.sources.join('; ')}).${weak} Use a supported embeddings model such as ${example}.`);
  } else {
    errors.push(`embeddingModel: no source says whether '${id}' can be the embeddings model of a Knowledge Base. `
      + `Use a model the catalog lists as supported (e.g. ${example}), or declare it: BedrockModel.of('${id}', `
      + '{ custom: { knowledgeBaseSupported: true, embeddingDimensions: [<dims>] } }).');
  }
  const region = Stack.of(scope).region;
  if (kb?.supported === true && kb.regions && !Token.isUnresolved(region) && !kb.regions.includes(region)
    && !declared) {
    errors.push(`embeddingModel: '${id}' is not listed as a Knowledge Base embeddings model in ${region} (sourced `
      + `Regions: ${kb.regions.join(', ')}); deploy to one of those Regions, choose another model, or declare `
      + 'custom: { knowledgeBaseSupported: true } if AWS now supports it there.');
  }
  if (kb?.vectorTypes && !kb.vectorTypes.includes('FLOAT32')) {
    errors.push(`embeddingModel: '${id}' supports only ${kb.vectorTypes.join(', ')} vectors in a Knowledge Base; `
      + 'this construct stores FLOAT32 vectors.');
  }
  // Sourced dimensions win: `custom` only fills facts the catalog lacks, it never overrides them.
  const sourced = (kb?.supported ? kb.dimensions ?? undefined : undefined) ?? model.record?.embedding?.dimensions
    ?? undefined;
  const custom = model.custom?.embeddingDimensions;
  if (sourced && sourced.length > 0 && custom) {
    const contradicting = custom.filter((d) => !Token.isUnresolved(d) && !sourced.includes(d));
    if (contradicting.length > 0) {
      errors.push(`embeddingModel: custom.embeddingDimensions [${custom.join(', ')}] of '${id}' contradicts its `
        + `sourced Knowledge Base dimensions (${sourced.join(', ')}): ${contradicting.join(', ')} is not among them. `
        + 'custom only declares facts the catalog lacks; drop custom.embeddingDimensions and use one of the sourced '
        + 'dimensions, or a model that has the dimension you need.');
    }
  }
  const supported = (sourced && sourced.length > 0 ? sourced : undefined) ?? custom;
  if (!supported || supported.length === 0) {
    if (dimensionsProp === undefined) {
      errors.push(`dimensions: the vector dimensions of '${id}' are not sourced; pass dimensions and declare them with `
        + `BedrockModel.of('${id}', { custom: { embeddingDimensions: [<dims>] } }).`);
      return 0;
    }
    return dimensionsProp;
  }
  if (dimensionsProp !== undefined) {
    if (!Token.isUnresolved(dimensionsProp) && !supported.includes(dimensionsProp)) {
      errors.push(`dimensions: ${dimensionsProp} is not a dimension '${id}' supports in a Knowledge Base `
        + `(supported: ${supported.join(', ')}); use one of those, or a model with ${dimensionsProp} dimensions.`);
    }
    return dimensionsProp;
  }
  const def = model.defaultEmbeddingDimension;
  return def !== undefined && supported.includes(def) ? def : supported[supported.length - 1];
}
