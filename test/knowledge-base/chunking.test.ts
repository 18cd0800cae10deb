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

  test('valid configurations have no findings', () => {
    expect(Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 99 })._check(ctx)).toEqual([]);
    expect(Chunking.hierarchical({ parentMaxTokens: 8192, childMaxTokens: 8192, overlapTokens: 1 })._check(ctx)).toEqual([]);
    expect(Chunking.semantic({ maxTokens: 1, bufferSize: 0, breakpointPercentileThreshold: 50 })._check(ctx)).toEqual([]);
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

  test('warns when a chunk\'s text may exceed the store\'s per-vector metadata budget', () => {
    const tight = { ...ctx, textMetadataByteBudget: 1000 };
    const findings = Chunking.fixedSize({ maxTokens: 300, overlapPercentage: 20 })._check(tight);
    expect(findings).toEqual([expect.objectContaining({
      level: 'warning',
      message: expect.stringMatching(/fixedSize.maxTokens is 300 tokens \(about 1200 bytes at an estimated 4 bytes per token\); Amazon S3 Vectors stores each chunk's text as vector metadata limited to 1000 bytes/),
    })]);
    expect(Chunking.fixedSize({ maxTokens: 300, overlapPercentage: 20 })._check({ ...ctx, textMetadataByteBudget: undefined })).toEqual([]);
    expect(Chunking.none()._check({ ...ctx, textMetadataByteBudget: undefined })).toEqual([]);
  });

  test('without a sourced model limit only the API bounds apply', () => {
    expect(Chunking.fixedSize({ maxTokens: 20000, overlapPercentage: 20 })._check({ ...ctx, modelMaxInputTokens: undefined, textMetadataByteBudget: undefined })).toEqual([]);
  });
});
