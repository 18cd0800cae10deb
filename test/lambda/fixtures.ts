import type { RuntimeModelConfig } from '../../lib/contract';

/** Runtime model configurations (lib/contract `RuntimeModelConfig`, as the constructs write them) used by the handler tests. */
export const HAIKU_CONFIG: RuntimeModelConfig = {
  schemaVersion: 1,
  role: 'chat',
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
  invocationForm: 'geo-profile',
  inferenceParameters: { maxTokens: 512, temperature: 0.2 },
  contextWindow: 200000,
  maxOutputTokens: 64000,
  embedding: null,
  price: { inputPer1M: 1.1, outputPer1M: 5.5, currency: 'USD', rateBasis: 'geo/in-Region rate', asOf: '2026-10-05', approximate: false, source: ['test-fixture'] },
  catalogGeneratedAt: '2026-11-25',
};

export const TITAN_V2_CONFIG: RuntimeModelConfig = {
  schemaVersion: 1,
  modelId: 'amazon.titan-embed-text-v2:0',
  foundationModelId: 'amazon.titan-embed-text-v2:0',
  invocationForm: 'in-region',
  contextWindow: 8192,
  maxOutputTokens: null,
  embedding: { dimensions: [256, 512, 1024], default: 1024 },
  price: { inputPer1M: 0.02, outputPer1M: null, currency: 'USD', rateBasis: 'in-Region rate', asOf: '2026-10-05', approximate: false, source: ['test-fixture'] },
  catalogGeneratedAt: '2026-11-25',
};

export const COHERE_V3_CONFIG: RuntimeModelConfig = {
  schemaVersion: 1,
  modelId: 'cohere.embed-english-v3',
  foundationModelId: 'cohere.embed-english-v3',
  invocationForm: 'in-region',
  contextWindow: 512,
  maxOutputTokens: null,
  embedding: { dimensions: [1024], default: 1024 },
  // The catalog's price (BedrockModel.of('cohere.embed-english-v3').runtimeConfig(), lib/catalog/data): the handler
  // still emits no cost for Cohere, because no Cohere response carries a token count (see embedding-invoker/index.ts).
  price: { inputPer1M: 0.1, outputPer1M: null, currency: 'USD', rateBasis: 'Standard on-demand', asOf: '2026-10-05', approximate: false, source: ['sourceCatalog:AWS_TK_PRICING'] },
  catalogGeneratedAt: '2026-11-25',
};
