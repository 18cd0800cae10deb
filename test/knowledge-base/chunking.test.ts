import { Chunking } from '../../lib/knowledge-base';

const ctx = { modelId: 'amazon.titan-embed-text-v2:0', modelMaxInputTokens: 8192, storeName: 'Amazon S3 Vectors', textMetadataByteBudget: 38912 };

describe('Chunking', () => {
  test('renders each strategy as the CloudFormation chunking configuration', () => {
    expect(Chunking.fixedSize({ maxTokens: 512, overlapPercentage: 10 })._render()).toEqual({
      chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { maxTokens: 512, overlapPercentage: 10 },
    });
    expect(Chunking.hierarchical({ parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 60 })._render()).toEqual({
      chunkingStrategy: 'HIERARCHICAL',
      hierarchicalChunkingConfiguration: { levelConfigurations: [{ maxTokens: 1500 }, { maxTokens: 300 }], overlapTokens: 60 },
    });
    expect(Chunking.semantic({ maxTokens: 300, bufferSize: 1, breakpointPercentileThreshold: 95 })._render()).toEqual({
      chunkingStrategy: 'SEMANTIC', semanticChunkingConfiguration: { maxTokens: 300, bufferSize: 1, breakpointPercentileThreshold: 95 },
    });
    expect(Chunking.none()._render()).toEqual({ chunkingStrategy: 'NONE' });
    expect(Chunking.DEFAULT._render()).toEqual({
      chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 20 },
    });
  });

  test('the default for a model fits its input limit: 300 tokens, or the limit when it is smaller, 20% overlap', () => {
    const fixed = (maxTokens: number) => ({ chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { maxTokens, overlapPercentage: 20 } });
    expect(Chunking._defaultFor(8192)._render()).toEqual(fixed(300));
    expect(Chunking._defaultFor(300)._render()).toEqual(fixed(300));
    expect(Chunking._defaultFor(undefined)._render()).toEqual(fixed(300));
    expect(Chunking._defaultFor(128)._render()).toEqual(fixed(128));
    expect(Chunking._defaultFor(128)._check({ ...ctx, modelId: 'amazon.titan-embed-image-v1', modelMaxInputTokens: 128 })).toEqual([]);
    // A limit that is no usable token count leaves the default (and its checks) as they are.
    expect(Chunking._defaultFor(0)._render()).toEqual(fixed(300));
  });

  test('valid configurations have no findings', () => {
    expect(Chunking.fixedSize({ maxTokens: 6000, overlapPercentage: 99 })._check(ctx)).toEqual([]);
    expect(Chunking.hierarchical({ parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 1 })._check(ctx)).toEqual([]);
    expect(Chunking.semantic({ maxTokens: 1, bufferSize: 0, breakpointPercentileThreshold: 50 })._check(ctx)).toEqual([]);
    // At the model's limit with no metadata budget (OpenSearch): nothing either.
    const noBudget = { ...ctx, textMetadataByteBudget: undefined };
    expect(Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 99 })._check(noBudget)).toEqual([]);
    expect(Chunking.hierarchical({ parentMaxTokens: 8192, childMaxTokens: 8192, overlapTokens: 1 })._check(noBudget)).toEqual([]);
  });

  test.each([
    [Chunking.fixedSize({ maxTokens: 0, overlapPercentage: 20 }), /fixedSize.maxTokens must be an integer of at least 1 .*got 0/],
    [Chunking.fixedSize({ maxTokens: 300.5, overlapPercentage: 20 }), /fixedSize.maxTokens must be an integer .*got 300.5/],
    [Chunking.fixedSize({ maxTokens: 300, overlapPercentage: 100 }), /fixedSize.overlapPercentage must be an integer from 1 to 99 .*got 100/],
    [Chunking.fixedSize({ maxTokens: 9000, overlapPercentage: 20 }), /fixedSize.maxTokens is 9000 tokens, above the input limit .*\(8192 tokens\)/],
    [Chunking.hierarchical({ parentMaxTokens: 9000, childMaxTokens: 300, overlapTokens: 60 }), /hierarchical.parentMaxTokens must be an integer from 1 to 8192 \(Bedrock API reference HierarchicalChunkingLevelConfiguration\); got 9000/],
    [Chunking.hierarchical({ parentMaxTokens: 300, childMaxTokens: 1500, overlapTokens: 60 }), /hierarchical.childMaxTokens \(1500\) is larger than hierarchical.parentMaxTokens \(300\)/],
    [Chunking.hierarchical({ parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 0 }), /hierarchical.overlapTokens must be an integer of at least 1/],
    [Chunking.semantic({ maxTokens: 300, bufferSize: 2, breakpointPercentileThreshold: 95 }), /semantic.bufferSize must be an integer from 0 to 1 .*got 2/],
    [Chunking.semantic({ maxTokens: 300, bufferSize: 0, breakpointPercentileThreshold: 49 }), /semantic.breakpointPercentileThreshold must be an integer from 50 to 99 .*got 49/],
  ])('rejects out-of-bound values: %#', (chunking, message) => {
    const errors = chunking._check(ctx).filter((f) => f.level === 'error').map((f) => f.message);
    expect(errors.join('\n')).toMatch(message);
  });

  test('the model limit applies to the embedded (child) chunks of hierarchical chunking', () => {
    const smallModel = { ...ctx, modelMaxInputTokens: 512 };
    const findings = Chunking.hierarchical({ parentMaxTokens: 1500, childMaxTokens: 600, overlapTokens: 60 })._check(smallModel);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/hierarchical.childMaxTokens is 600 tokens, above the input limit .*\(512 tokens\)/);
  });

  describe('S3 Vectors non-filterable metadata budget (40 KB total - 2 KB filterable = 38,912 bytes)', () => {
    const warnings = (c: Chunking) => c._check(ctx).filter((f) => f.level === 'warning');

    test('warns for chunks at the model limit: 8,192 tokens can be ~49 KB of text, above 38,912 bytes', () => {
      expect(warnings(Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 20 }))).toEqual([{
        level: 'warning',
        code: 'ChunkMayExceedVectorMetadata',
        message: expect.stringMatching(/^chunking: fixedSize.maxTokens is 8192 tokens, which can be about 49152 bytes of text \(an estimate of 6 bytes per token: English averages ~4.7 characters per token, and non-ASCII characters take 2–4 bytes in UTF-8\)\. Amazon S3 Vectors stores each chunk's text as non-filterable vector metadata, which has at most 38912 bytes per vector, shared with Bedrock's AMAZON_BEDROCK_METADATA .*Lower fixedSize.maxTokens to about 6485 or less/),
      }]);
      expect(warnings(Chunking.semantic({ maxTokens: 8192, bufferSize: 0, breakpointPercentileThreshold: 95 }))).toHaveLength(1);
      // Hierarchical: the parent text is what is stored with each child.
      expect(warnings(Chunking.hierarchical({ parentMaxTokens: 8192, childMaxTokens: 300, overlapTokens: 60 })).map((f) => f.message).join())
        .toMatch(/hierarchical.parentMaxTokens is 8192 tokens/);
    });

    test('the boundary is the budget divided by the estimated 6 bytes per token (6,485 tokens)', () => {
      expect(warnings(Chunking.fixedSize({ maxTokens: 6485, overlapPercentage: 20 }))).toEqual([]);
      expect(warnings(Chunking.fixedSize({ maxTokens: 6486, overlapPercentage: 20 }))).toHaveLength(1);
      expect(warnings(Chunking.DEFAULT)).toEqual([]);
    });

    test('no budget, no warning; Chunking.none() always warns when there is one', () => {
      expect(Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 20 })._check({ ...ctx, textMetadataByteBudget: undefined })).toEqual([]);
      expect(Chunking.none()._check({ ...ctx, textMetadataByteBudget: undefined })).toEqual([]);
      expect(Chunking.none()._check(ctx)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/at most 38912 bytes per vector/) })]);
    });
  });

  test('without a sourced model limit only the API bounds apply', () => {
    expect(Chunking.fixedSize({ maxTokens: 20000, overlapPercentage: 20 })._check({ ...ctx, modelMaxInputTokens: undefined, textMetadataByteBudget: undefined })).toEqual([]);
  });
});
