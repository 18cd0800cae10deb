import { Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';

/*
 * Bounds used below (Amazon Bedrock API reference, agent data types; the CloudFormation AWS::Bedrock::DataSource
 * property pages give the same numbers):
 * - FixedSizeChunkingConfiguration: maxTokens integer >= 1; overlapPercentage integer 1..99
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_FixedSizeChunkingConfiguration.html
 * - HierarchicalChunkingConfiguration: levelConfigurations exactly 2 items; overlapTokens integer >= 1
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_HierarchicalChunkingConfiguration.html
 * - HierarchicalChunkingLevelConfiguration: maxTokens integer 1..8192
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_HierarchicalChunkingLevelConfiguration.html
 * - SemanticChunkingConfiguration: maxTokens >= 1; bufferSize 0..1; breakpointPercentileThreshold 50..99
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent_SemanticChunkingConfiguration.html
 * In addition every chunk is embedded by the embeddings model, so no chunk may exceed the model's input limit
 * (the catalog's `contextWindow`, which for embedding models is the maximum input tokens, e.g. 8,192 for Titan
 * Text Embeddings V2 — AWS_DOC_TITAN_EMBED).
 */

/** `Chunking.DEFAULT`: the values of Bedrock's own default chunking, set explicitly. */
const DEFAULT_MAX_TOKENS = 300;
const DEFAULT_OVERLAP_PERCENTAGE = 20;

/** Hierarchical level bound from the API reference (HierarchicalChunkingLevelConfiguration.maxTokens). */
export const HIERARCHICAL_LEVEL_MAX_TOKENS = 8192;

/** Properties of fixed-size chunking. */
export interface FixedSizeChunkingProps {
  /**
   * Maximum tokens per chunk (integer, at least 1 and at most the embeddings model's input limit).
   */
  readonly maxTokens: number;
  /**
   * Overlap between adjacent chunks, in percent (integer 1–99).
   */
  readonly overlapPercentage: number;
}

/** Properties of hierarchical chunking (two layers: large parent chunks, smaller child chunks). */
export interface HierarchicalChunkingProps {
  /** Maximum tokens of a parent (first-layer) chunk (integer 1–8192, and at most the model's input limit). */
  readonly parentMaxTokens: number;
  /** Maximum tokens of a child (second-layer) chunk (integer 1–8192, not above `parentMaxTokens`). */
  readonly childMaxTokens: number;
  /** Tokens repeated across adjacent chunks of the same layer (integer, at least 1). */
  readonly overlapTokens: number;
}

/** Properties of semantic chunking. */
export interface SemanticChunkingProps {
  /** Maximum tokens per chunk (integer, at least 1 and at most the embeddings model's input limit). */
  readonly maxTokens: number;
  /**
   * Sentences on each side included when embedding a sentence for comparison (integer 0 or 1).
   */
  readonly bufferSize: number;
  /** Dissimilarity percentile at which a chunk is split (integer 50–99). */
  readonly breakpointPercentileThreshold: number;
}

/** Facts the chunking checks need; filled in by the KnowledgeBase. @internal */
export interface ChunkingCheckContext {
  /** Max input tokens of the embeddings model; undefined = not sourced. */
  readonly modelMaxInputTokens?: number;
  /** The embeddings model ID (for messages). */
  readonly modelId: string;
  /**
   * Per-vector byte budget of the store's non-filterable metadata, which holds the chunk text (shared with other
   * non-filterable keys); undefined = no such limit.
   */
  readonly textMetadataByteBudget?: number;
  /** Name of the store for messages. */
  readonly storeName: string;
}

/** A finding of the chunking checks. @internal */
export interface ChunkingFinding {
  readonly level: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
}

/**
 * Characters per token of English text with the Titan Text Embeddings tokenizer: "~4.7" (AWS Titan Embeddings page,
 * zh_cn copy; lib/catalog/data/bedrock-api-shapes.md, sourceCatalog AWS_DOC_TITAN_EMBED). Sourced, but an average.
 */
export const ENGLISH_CHARS_PER_TOKEN = 4.7;

/**
 * Bytes of UTF-8 per token assumed when judging whether a chunk's text could exceed a per-vector metadata budget.
 * **An estimate, not a sourced ratio.** English averages ~4.7 characters per token (ENGLISH_CHARS_PER_TOKEN), i.e.
 * ~4.7 bytes of ASCII; UTF-8 takes 2 bytes for accented Latin, Greek or Cyrillic letters and 3 for CJK characters
 * (RFC 3629), so a token of such text, or of text mixing it with English, can be several bytes more. 6 bytes per
 * token is the plausible high value used here, so that the warning fires where real content could exceed the budget;
 * ordinary English chunks stay about a fifth below the estimate.
 */
export const ESTIMATED_BYTES_PER_TOKEN = 6;

/**
 * How the data source splits documents before embedding. Use the static factories.
 */
export abstract class Chunking {
  /**
   * The default applied when no chunking is given: fixed-size, 300 tokens, 20% overlap (the values Bedrock's own
   * default uses, set explicitly so the template never depends on a service default).
   */
  public static get DEFAULT(): Chunking {
    return Chunking.fixedSize({ maxTokens: DEFAULT_MAX_TOKENS, overlapPercentage: DEFAULT_OVERLAP_PERCENTAGE });
  }

  /**
   * The chunking a Knowledge Base uses when none is given: `Chunking.DEFAULT`, with `maxTokens` lowered to the
   * embeddings model's sourced input limit when that is smaller (Amazon Titan Multimodal Embeddings G1 takes 128
   * tokens), so that the default always fits the model. The overlap stays 20%. @internal
   */
  public static _defaultFor(modelMaxInputTokens: number | undefined): Chunking {
    if (modelMaxInputTokens === undefined || Token.isUnresolved(modelMaxInputTokens) || !Number.isInteger(modelMaxInputTokens)
      || modelMaxInputTokens < 1 || modelMaxInputTokens >= DEFAULT_MAX_TOKENS) {
      return Chunking.DEFAULT;
    }
    return Chunking.fixedSize({ maxTokens: modelMaxInputTokens, overlapPercentage: DEFAULT_OVERLAP_PERCENTAGE });
  }

  /** Split into chunks of at most `maxTokens` tokens, overlapping by `overlapPercentage`. */
  public static fixedSize(props: FixedSizeChunkingProps): Chunking {
    return new FixedSizeChunking(props);
  }

  /** Two layers: parent chunks returned to the model, child chunks embedded and searched. */
  public static hierarchical(props: HierarchicalChunkingProps): Chunking {
    return new HierarchicalChunking(props);
  }

  /** Split where adjacent sentences are semantically dissimilar. */
  public static semantic(props: SemanticChunkingProps): Chunking {
    return new SemanticChunking(props);
  }

  /** No chunking: each file is one chunk (pre-chunked documents). */
  public static none(): Chunking {
    return new NoChunking();
  }

  /** The Bedrock chunking strategy (`FIXED_SIZE`, `HIERARCHICAL`, `SEMANTIC`, `NONE`). */
  public abstract readonly strategy: string;

  /** @internal */
  public abstract _render(): bedrock.CfnDataSource.ChunkingConfigurationProperty;

  /** @internal */
  public abstract _check(ctx: ChunkingCheckContext): ChunkingFinding[];

  /** The embedded chunk must fit the model's input. @internal */
  protected _checkModelLimit(ctx: ChunkingCheckContext, prop: string, tokens: number): ChunkingFinding[] {
    if (Token.isUnresolved(tokens) || ctx.modelMaxInputTokens === undefined || tokens <= ctx.modelMaxInputTokens) return [];
    return [{
      level: 'error',
      code: 'ChunkTooLargeForModel',
      message: `chunking: ${prop} is ${tokens} tokens, above the input limit of the embeddings model `
        + `'${ctx.modelId}' (${ctx.modelMaxInputTokens} tokens); every chunk is embedded in one call, so set `
        + `${prop} to at most ${ctx.modelMaxInputTokens}.`,
    }];
  }

  /** The chunk text must fit the store's per-vector metadata budget (estimate). @internal */
  protected _checkStoreBudget(ctx: ChunkingCheckContext, prop: string, tokens: number): ChunkingFinding[] {
    if (Token.isUnresolved(tokens) || ctx.textMetadataByteBudget === undefined) return [];
    const estimate = tokens * ESTIMATED_BYTES_PER_TOKEN;
    if (estimate <= ctx.textMetadataByteBudget) return [];
    const safe = Math.floor(ctx.textMetadataByteBudget / ESTIMATED_BYTES_PER_TOKEN);
    return [{
      level: 'warning',
      code: 'ChunkMayExceedVectorMetadata',
      message: `chunking: ${prop} is ${tokens} tokens, which can be about ${estimate} bytes of text (an estimate of `
        + `${ESTIMATED_BYTES_PER_TOKEN} bytes per token: English averages ~${ENGLISH_CHARS_PER_TOKEN} characters per `
        + 'token, and non-ASCII characters take 2–4 bytes in UTF-8). '
        + `${ctx.storeName} stores each chunk's text as non-filterable vector metadata, which has at most `
        + `${ctx.textMetadataByteBudget} bytes per vector, shared with Bedrock's AMAZON_BEDROCK_METADATA and any `
        + `additional non-filterable keys, so ingestion of large chunks can fail. Lower ${prop} to about ${safe} or `
        + 'less, or use another vector store.',
    }];
  }
}

function checkInt(findings: ChunkingFinding[], prop: string, value: number, min: number, max: number | undefined,
  source: string): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
    findings.push({
      level: 'error',
      code: 'ChunkingOutOfRange',
      message: `chunking: ${prop} must be ${range} (${source}); got ${value}. Choose a value in that range.`,
    });
  }
}

const API = 'Bedrock API reference';

class FixedSizeChunking extends Chunking {
  public readonly strategy = 'FIXED_SIZE';
  constructor(private readonly props: FixedSizeChunkingProps) { super(); }
  public _render(): bedrock.CfnDataSource.ChunkingConfigurationProperty {
    return {
      chunkingStrategy: this.strategy,
      fixedSizeChunkingConfiguration: {
        maxTokens: this.props.maxTokens,
        overlapPercentage: this.props.overlapPercentage,
      },
    };
  }
  public _check(ctx: ChunkingCheckContext): ChunkingFinding[] {
    const f: ChunkingFinding[] = [];
    checkInt(f, 'fixedSize.maxTokens', this.props.maxTokens, 1, undefined, `${API} FixedSizeChunkingConfiguration`);
    checkInt(f, 'fixedSize.overlapPercentage', this.props.overlapPercentage, 1, 99, `${API} FixedSizeChunkingConfiguration`);
    if (f.length === 0) {
      f.push(...this._checkModelLimit(ctx, 'fixedSize.maxTokens', this.props.maxTokens));
      f.push(...this._checkStoreBudget(ctx, 'fixedSize.maxTokens', this.props.maxTokens));
    }
    return f;
  }
}

class HierarchicalChunking extends Chunking {
  public readonly strategy = 'HIERARCHICAL';
  constructor(private readonly props: HierarchicalChunkingProps) { super(); }
  public _render(): bedrock.CfnDataSource.ChunkingConfigurationProperty {
    return {
      chunkingStrategy: this.strategy,
      hierarchicalChunkingConfiguration: {
        levelConfigurations: [
          { maxTokens: this.props.parentMaxTokens },
          { maxTokens: this.props.childMaxTokens },
        ],
        overlapTokens: this.props.overlapTokens,
      },
    };
  }
  public _check(ctx: ChunkingCheckContext): ChunkingFinding[] {
    const f: ChunkingFinding[] = [];
    const src = `${API} HierarchicalChunkingLevelConfiguration`;
    checkInt(f, 'hierarchical.parentMaxTokens', this.props.parentMaxTokens, 1, HIERARCHICAL_LEVEL_MAX_TOKENS, src);
    checkInt(f, 'hierarchical.childMaxTokens', this.props.childMaxTokens, 1, HIERARCHICAL_LEVEL_MAX_TOKENS, src);
    checkInt(f, 'hierarchical.overlapTokens', this.props.overlapTokens, 1, undefined, `${API} HierarchicalChunkingConfiguration`);
    if (f.length > 0) return f;
    const { parentMaxTokens: parent, childMaxTokens: child } = this.props;
    if (!Token.isUnresolved(parent) && !Token.isUnresolved(child) && child > parent) {
      f.push({
        level: 'error',
        code: 'ChunkingOutOfRange',
        message: `chunking: hierarchical.childMaxTokens (${child}) is larger than hierarchical.parentMaxTokens `
          + `(${parent}); child chunks are derived from the parent layer, so make childMaxTokens at most parentMaxTokens.`,
      });
    }
    // Child chunks are what gets embedded; the parent text is what retrieval returns, so the (larger) parent is the
    // conservative size for the store's metadata budget.
    f.push(...this._checkModelLimit(ctx, 'hierarchical.childMaxTokens', child));
    f.push(...this._checkStoreBudget(ctx, 'hierarchical.parentMaxTokens', parent));
    return f;
  }
}

class SemanticChunking extends Chunking {
  public readonly strategy = 'SEMANTIC';
  constructor(private readonly props: SemanticChunkingProps) { super(); }
  public _render(): bedrock.CfnDataSource.ChunkingConfigurationProperty {
    return {
      chunkingStrategy: this.strategy,
      semanticChunkingConfiguration: {
        maxTokens: this.props.maxTokens,
        bufferSize: this.props.bufferSize,
        breakpointPercentileThreshold: this.props.breakpointPercentileThreshold,
      },
    };
  }
  public _check(ctx: ChunkingCheckContext): ChunkingFinding[] {
    const f: ChunkingFinding[] = [];
    const src = `${API} SemanticChunkingConfiguration`;
    checkInt(f, 'semantic.maxTokens', this.props.maxTokens, 1, undefined, src);
    checkInt(f, 'semantic.bufferSize', this.props.bufferSize, 0, 1, src);
    checkInt(f, 'semantic.breakpointPercentileThreshold', this.props.breakpointPercentileThreshold, 50, 99, src);
    if (f.length === 0) {
      f.push(...this._checkModelLimit(ctx, 'semantic.maxTokens', this.props.maxTokens));
      f.push(...this._checkStoreBudget(ctx, 'semantic.maxTokens', this.props.maxTokens));
    }
    return f;
  }
}

class NoChunking extends Chunking {
  public readonly strategy = 'NONE';
  public _render(): bedrock.CfnDataSource.ChunkingConfigurationProperty {
    return { chunkingStrategy: this.strategy };
  }
  public _check(ctx: ChunkingCheckContext): ChunkingFinding[] {
    if (ctx.textMetadataByteBudget === undefined) return [];
    return [{
      level: 'warning',
      code: 'ChunkMayExceedVectorMetadata',
      message: `chunking: Chunking.none() stores each whole file as one chunk, but ${ctx.storeName} keeps each `
        + `chunk's text as non-filterable vector metadata, which has at most ${ctx.textMetadataByteBudget} bytes per `
        + 'vector (shared with Bedrock\'s AMAZON_BEDROCK_METADATA), so larger files fail to ingest. Pre-split your '
        + 'files below that size or use Chunking.fixedSize().',
    }];
  }
}
