/**
 * Replacement-safe names: the generated Knowledge Base name changes whenever a setting changes that changes one of
 * its create-only properties (lib/private/data/create-only-paths.json, vendored from cfn-lint's CloudFormation
 * resource provider schemas by scripts/vendor-create-only.mjs), so a replacement never collides with the old name.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Chunking, DistanceMetric, KnowledgeBase, KnowledgeBaseProps, VectorStore } from '../../lib/knowledge-base';
import createOnly from '../../lib/private/data/create-only-paths.json';

function synth(props: KnowledgeBaseProps) {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  new KnowledgeBase(stack, 'Kb', props);
  const t = Template.fromStack(stack);
  const [kb] = Object.values(t.findResources('AWS::Bedrock::KnowledgeBase')) as any[];
  return { stack, t, kb: kb.Properties };
}

/** The value at a JSON pointer `/properties/A/B` of a resource's Properties. */
function at(props: Record<string, any>, pointer: string): unknown {
  return pointer.split('/').slice(2).reduce<any>((o, k) => (o === undefined ? undefined : o[k]), props);
}

describe('generated Knowledge Base names follow its create-only properties', () => {
  const paths = (createOnly.types as Record<string, string[]>)['AWS::Bedrock::KnowledgeBase'];
  const s3 = synth({});
  const oss = synth({ vectorStore: VectorStore.openSearchServerless() });

  test('the data file records its source and covers the Knowledge Base', () => {
    expect(createOnly.source).toMatch(/^cfn-lint 1\.51\.0 /);
    expect(paths).toEqual(expect.arrayContaining(['/properties/StorageConfiguration', '/properties/KnowledgeBaseConfiguration/VectorKnowledgeBaseConfiguration']));
  });

  // Each variant changes at least one create-only path's value (directly, or through the ARN of a store resource that
  // is itself replaced); the test checks both that it does and that the name changes with it.
  const variants: Array<[string, ReturnType<typeof synth>, KnowledgeBaseProps, boolean]> = [
    ['dimensions', s3, { dimensions: 512 }, true],
    ['S3 Vectors distance metric (index replaced: new index ARN)', s3, { vectorStore: VectorStore.s3Vectors({ distanceMetric: DistanceMetric.EUCLIDEAN }) }, false],
    ['S3 Vectors index name', s3, { vectorStore: VectorStore.s3Vectors({ indexName: 'docs-v2' }) }, false],
    ['S3 Vectors vector bucket name', s3, { vectorStore: VectorStore.s3Vectors({ vectorBucketName: 'docs-vectors-2' }) }, false],
    ['S3 Vectors metadata configuration', s3, { vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: ['source_url'] }) }, false],
    ['storage type', s3, { vectorStore: VectorStore.openSearchServerless() }, true],
    ['OpenSearch index name', oss, { vectorStore: VectorStore.openSearchServerless({ indexName: 'docs-v2' }) }, true],
    ['OpenSearch vector field', oss, { vectorStore: VectorStore.openSearchServerless({ vectorField: 'embedding' }) }, true],
    ['OpenSearch text field', oss, { vectorStore: VectorStore.openSearchServerless({ textField: 'chunk' }) }, true],
    ['OpenSearch metadata field', oss, { vectorStore: VectorStore.openSearchServerless({ metadataField: 'meta' }) }, true],
    ['OpenSearch collection name', oss, { vectorStore: VectorStore.openSearchServerless({ collectionName: 'docs-kb' }) }, false],
    ['OpenSearch standby replicas (collection replaced: new ARN)', oss, { vectorStore: VectorStore.openSearchServerless({ standbyReplicas: false }) }, false],
  ];

  test.each(variants)('%s', (_what, base, props, directlyVisible) => {
    const v = synth(props);
    if (directlyVisible) {
      // The change shows in a create-only path of the Knowledge Base itself.
      expect(paths.some((p) => JSON.stringify(at(v.kb, p)) !== JSON.stringify(at(base.kb, p)))).toBe(true);
    }
    expect(v.kb.Name).not.toBe(base.kb.Name);
  });

  test('settings that are not create-only keep the name (no needless replacement); default stores keep their names', () => {
    expect(synth({ description: 'docs' }).kb.Name).toBe(s3.kb.Name);
    expect(synth({ vectorStore: VectorStore.openSearchServerless({ hnswM: 32 }) }).kb.Name).toBe(oss.kb.Name);
    // An explicit default is the default.
    expect(synth({ vectorStore: VectorStore.s3Vectors({ distanceMetric: DistanceMetric.COSINE }) }).kb.Name).toBe(s3.kb.Name);
  });

  test('a user-given name gets the NameNotReplacementSafe warning', () => {
    const { stack } = synth({ knowledgeBaseName: 'docs' });
    Annotations.fromStack(stack).hasWarning('/S/Kb', Match.stringLikeRegexp("knowledgeBaseName 'docs' is fixed.*\\[ack: cdk-bedrock-foundation:NameNotReplacementSafe\\]$"));
    Annotations.fromStack(synth({}).stack).hasNoWarning('/S/Kb', Match.stringLikeRegexp('NameNotReplacementSafe'));
  });
});

/*
 * Every other resource the library names: for each variant that changes one of a named resource's create-only
 * properties (compared by logical ID against the default store), its name must change too, or be left to
 * CloudFormation (absent: CloudFormation generates a new one on replacement).
 */
describe('every named store resource gets a new name when one of its create-only properties changes', () => {
  const NAME_PROP: Record<string, string> = {
    'AWS::Bedrock::DataSource': 'Name',
    'AWS::OpenSearchServerless::Collection': 'Name',
    'AWS::OpenSearchServerless::SecurityPolicy': 'Name',
    'AWS::OpenSearchServerless::AccessPolicy': 'Name',
    'AWS::S3Vectors::VectorBucket': 'VectorBucketName',
    'AWS::S3Vectors::Index': 'IndexName',
  };
  const types = createOnly.types as Record<string, string[]>;
  const resources = (props: KnowledgeBaseProps) => synth(props).t.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const s3 = resources({});
  const oss = resources({ vectorStore: VectorStore.openSearchServerless() });

  test('the data file covers every type the library names', () => {
    expect(Object.keys(types)).toEqual(expect.arrayContaining(Object.keys(NAME_PROP)));
  });

  const variants: Array<[string, ReturnType<typeof resources>, KnowledgeBaseProps]> = [
    ['chunking', s3, { dataSource: { chunking: Chunking.fixedSize({ maxTokens: 500, overlapPercentage: 10 }) } }],
    ['dimensions', s3, { dimensions: 512 }],
    ['S3 Vectors distance metric', s3, { vectorStore: VectorStore.s3Vectors({ distanceMetric: DistanceMetric.EUCLIDEAN }) }],
    ['S3 Vectors metadata configuration', s3, { vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: ['source_url'] }) }],
    ['OpenSearch standby replicas', oss, { vectorStore: VectorStore.openSearchServerless({ standbyReplicas: false }) }],
    ['OpenSearch chunking', oss, { vectorStore: VectorStore.openSearchServerless(), dataSource: { chunking: Chunking.semantic({ maxTokens: 300, bufferSize: 1, breakpointPercentileThreshold: 95 }) } }],
  ];

  test.each(variants)('%s', (_what, base, props) => {
    const v = resources(props);
    let changed = 0;
    for (const [id, r] of Object.entries(v)) {
      const nameProp = NAME_PROP[r.Type];
      const before = base[id];
      if (!nameProp || !before || before.Type !== r.Type) continue;
      const differs = types[r.Type].filter((p) => !p.endsWith(`/${nameProp}`))
        .filter((p) => JSON.stringify(at(r.Properties, p)) !== JSON.stringify(at(before.Properties, p)));
      if (differs.length === 0) continue;
      changed++;
      const name = r.Properties[nameProp];
      // Absent: CloudFormation generates a new name on replacement. Present: it must not be the old one.
      if (name !== undefined) expect({ id, differs, name }).not.toEqual({ id, differs, name: before.Properties[nameProp] });
    }
    expect(changed).toBeGreaterThan(0); // the variant does change a create-only property of a named resource
  });

  test('default stores keep their generated names', () => {
    const names = (rs: ReturnType<typeof resources>) => Object.values(rs).filter((r) => NAME_PROP[r.Type]).map((r) => r.Properties[NAME_PROP[r.Type]]);
    expect(names(resources({ vectorStore: VectorStore.openSearchServerless({ standbyReplicas: true }) }))).toEqual(names(oss));
    expect(names(oss)).toContain(`kb-${require('crypto').createHash('sha256').update('S/Kb').digest('hex').slice(0, 12)}`);
  });

  test('fixed store names get the NameNotReplacementSafe warning', () => {
    const warned = (props: KnowledgeBaseProps, prop: string) => Annotations.fromStack(synth(props).stack)
      .hasWarning('/S/Kb', Match.stringLikeRegexp(`vectorStore: ${prop} '.*' is fixed.*NameNotReplacementSafe`));
    warned({ vectorStore: VectorStore.openSearchServerless({ collectionName: 'docs-kb' }) }, 'collectionName');
    warned({ vectorStore: VectorStore.s3Vectors({ vectorBucketName: 'docs-vectors' }) }, 'vectorBucketName');
    warned({ vectorStore: VectorStore.s3Vectors({ indexName: 'docs' }) }, 'indexName');
    Annotations.fromStack(synth({}).stack).hasNoWarning('/S/Kb', Match.stringLikeRegexp('NameNotReplacementSafe'));
  });
});
