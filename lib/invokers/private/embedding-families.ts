/**
 * The embeddings request bodies the embedding-invoker handler knows (mirrors FAMILIES in
 * lambda/embedding-invoker/index.ts, which cannot be imported from here: the published package ships only dist/lib).
 * Sources: Titan https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html ;
 * Cohere v3 https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html ;
 * Cohere v4 https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v4.html
 */
export interface EmbeddingFamily {
  readonly name: string;
  readonly pattern: RegExp;
  /** Output dimensions the request can choose, or undefined when the model takes no dimensions parameter. */
  readonly dimensions?: readonly number[];
  readonly normalize: boolean;
}

export const EMBEDDING_FAMILIES: readonly EmbeddingFamily[] = [
  { name: 'Titan Text Embeddings V2', pattern: /(^|\.|\/)amazon\.titan-embed-text-v2/, dimensions: [256, 512, 1024], normalize: true },
  { name: 'Titan Text Embeddings G1', pattern: /(^|\.|\/)amazon\.titan-embed-text-v1/, normalize: false },
  { name: 'Cohere Embed v3', pattern: /(^|\.|\/)cohere\.embed-(english|multilingual)-v3/, normalize: false },
  { name: 'Cohere Embed v4', pattern: /(^|\.|\/)cohere\.embed-v4/, dimensions: [256, 512, 1024, 1536], normalize: false },
];

export function embeddingFamily(id: string): EmbeddingFamily | undefined {
  return EMBEDDING_FAMILIES.find((f) => f.pattern.test(id));
}
