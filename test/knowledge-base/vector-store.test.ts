import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DistanceMetric, KnowledgeBase, KnowledgeBaseProps, VectorStore } from '../../lib/knowledge-base';

const ENV = { account: '123456789012', region: 'us-east-1' };

function build(props: KnowledgeBaseProps, region = ENV.region) {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  const stack = new Stack(app, 'S', { env: { ...ENV, region } });
  const kb = new KnowledgeBase(stack, 'Kb', props);
  return { stack, kb, template: Template.fromStack(stack) };
}

describe('VectorStore.s3Vectors', () => {
  test('options: euclidean metric, names, extra non-filterable keys, retained', () => {
    const { template } = build({
      vectorStore: VectorStore.s3Vectors({
        distanceMetric: DistanceMetric.EUCLIDEAN,
        vectorBucketName: 'docs-vectors',
        indexName: 'docs.index-1',
        additionalNonFilterableMetadataKeys: ['source_url'],
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    });
    template.hasResourceProperties('AWS::S3Vectors::VectorBucket', { VectorBucketName: 'docs-vectors' });
    template.hasResource('AWS::S3Vectors::Index', {
      Properties: {
        IndexName: 'docs.index-1',
        DistanceMetric: 'euclidean',
        MetadataConfiguration: { NonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA', 'source_url'] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the vector store is destroyed with the stack by default (derived data)', () => {
    const { template } = build({});
    template.hasResource('AWS::S3Vectors::VectorBucket', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::S3Vectors::Index', { DeletionPolicy: 'Delete' });
  });

  test('throws for more than 10 non-filterable keys', () => {
    const keys = Array.from({ length: 9 }, (_, i) => `k${i}`);
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: keys }) }))
      .toThrow(/vectorStore: 11 non-filterable metadata keys .*S3 Vectors allows at most 10 per index, and 2 are taken by the Bedrock keys. Pass at most 8/);
  });

  test('throws for a key over 63 characters, an invalid bucket name and an invalid index name', () => {
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: ['x'.repeat(64)] }) }))
      .toThrow(/non-filterable metadata key 'x{64}' is 64 characters; S3 Vectors keys must be 1–63 characters/);
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ vectorBucketName: 'Docs.Vectors' }) }))
      .toThrow(/vectorBucketName 'Docs.Vectors' is invalid; a vector bucket name is 3–63 characters of lowercase letters, digits and hyphens/);
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ indexName: '-idx' }) }))
      .toThrow(/indexName '-idx' is invalid/);
  });

  test('throws for the inner-product metric, which S3 Vectors does not offer', () => {
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ distanceMetric: DistanceMetric.INNER_PRODUCT }) }))
      .toThrow(/distanceMetric 'innerproduct' is not supported by S3 Vectors \(cosine or euclidean\)/);
  });

  test('warns (does not fail) outside the sourced S3 Vectors Regions', () => {
    const { stack } = build({}, 'eu-west-2');
    Annotations.fromStack(stack).hasWarning('/S/Kb', Match.stringLikeRegexp('no source this library has confirms Amazon S3 Vectors in eu-west-2'));
    const inside = build({}, 'eu-central-1');
    Annotations.fromStack(inside.stack).hasNoWarning('/S/Kb', Match.stringLikeRegexp('S3 Vectors in'));
  });
});

describe('VectorStore.openSearchServerless', () => {
  const { template, kb } = build({ vectorStore: VectorStore.openSearchServerless({ collectionName: 'docs-kb' }), dimensions: 512 });

  test('creates a VECTORSEARCH collection after its encryption and network policies', () => {
    template.hasResource('AWS::OpenSearchServerless::Collection', {
      Properties: { Name: 'docs-kb', Type: 'VECTORSEARCH', StandbyReplicas: 'ENABLED' },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^KbCollectionEncryptionPolicy'), Match.stringLikeRegexp('^KbCollectionNetworkPolicy')]),
    });
    template.hasResourceProperties('AWS::OpenSearchServerless::SecurityPolicy', {
      Name: 'docs-kb', Type: 'encryption',
      Policy: JSON.stringify({ Rules: [{ ResourceType: 'collection', Resource: ['collection/docs-kb'] }], AWSOwnedKey: true }),
    });
    template.hasResourceProperties('AWS::OpenSearchServerless::SecurityPolicy', {
      Name: 'docs-kb', Type: 'network',
      Policy: JSON.stringify([{ Rules: [{ ResourceType: 'collection', Resource: ['collection/docs-kb'] }], AllowFromPublic: true }]),
    });
  });

  test('the data-access policy admits the Knowledge Base role and the index custom resource, nothing else', () => {
    const policies = template.findResources('AWS::OpenSearchServerless::AccessPolicy');
    const policy = Object.values(policies)[0].Properties;
    expect(policy.Type).toBe('data');
    const text = JSON.stringify(policy.Policy);
    const principals = (policy.Policy['Fn::Join'][1] as unknown[]).filter((p) => typeof p === 'object');
    expect(principals).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^KbRole[0-9A-F]+$/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^CdkBedrockFoundationOssIndexHandlerRole[0-9A-F]+$/), 'Arn'] },
    ]);
    expect(text).toContain('aoss:CreateIndex');
    expect(text).toContain('aoss:WriteDocument');
    expect(text).not.toContain('aoss:*');
  });

  test('the vector index body derives from the dimensions: faiss, hnsw, l2, explicit parameters', () => {
    const index = Object.values(template.findResources('Custom::OpenSearchServerlessVectorIndex'))[0];
    expect(index.Properties.IndexName).toBe('bedrock-knowledge-base-default-index');
    expect(index.Properties.Endpoint).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KbCollection/), 'CollectionEndpoint'] });
    const body = JSON.parse(index.Properties.IndexBody);
    expect(body).toEqual({
      settings: { index: { 'knn': true, 'knn.algo_param.ef_search': 512 } },
      mappings: {
        properties: {
          'bedrock-knowledge-base-default-vector': {
            type: 'knn_vector', dimension: 512,
            method: { name: 'hnsw', engine: 'faiss', space_type: 'l2', parameters: { m: 16, ef_construction: 512 } },
          },
          'AMAZON_BEDROCK_TEXT_CHUNK': { type: 'text', index: true },
          'AMAZON_BEDROCK_METADATA': { type: 'text', index: false },
        },
      },
    });
    expect(index.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^KbCollectionAccessPolicy/), expect.stringMatching(/^KbCollection[0-9A-F]+$/)]));
  });

  test('the Knowledge Base uses OPENSEARCH_SERVERLESS storage with the field mapping, after the index exists', () => {
    template.hasResource('AWS::Bedrock::KnowledgeBase', {
      Properties: {
        StorageConfiguration: {
          Type: 'OPENSEARCH_SERVERLESS',
          OpensearchServerlessConfiguration: {
            CollectionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KbCollection'), 'Arn'] },
            VectorIndexName: 'bedrock-knowledge-base-default-index',
            FieldMapping: { VectorField: 'bedrock-knowledge-base-default-vector', TextField: 'AMAZON_BEDROCK_TEXT_CHUNK', MetadataField: 'AMAZON_BEDROCK_METADATA' },
          },
        },
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^KbVectorIndex')]),
    });
    expect(kb.vectorStoreArn).toBeDefined();
  });

  test('the Knowledge Base role gets aoss:APIAccessAll on its collection only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^KbRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Sid: 'OpenSearchServerlessAccess', Effect: 'Allow', Action: 'aoss:APIAccessAll', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KbCollection'), 'Arn'] } }]),
      },
    });
  });

  test('the index handler is our prebuilt nodejs24.x arm64 bundle with a log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^CdkBedrockFoundationOssIndexLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('inner product and HNSW parameters are passed explicitly', () => {
    const { template: t } = build({ vectorStore: VectorStore.openSearchServerless({ distanceMetric: DistanceMetric.INNER_PRODUCT, hnswM: 32, efConstruction: 256, efSearch: 128, standbyReplicas: false }) });
    const body = JSON.parse(Object.values(t.findResources('Custom::OpenSearchServerlessVectorIndex'))[0].Properties.IndexBody);
    const vector = body.mappings.properties['bedrock-knowledge-base-default-vector'];
    expect(vector.method).toEqual({ name: 'hnsw', engine: 'faiss', space_type: 'innerproduct', parameters: { m: 32, ef_construction: 256 } });
    expect(vector.dimension).toBe(1024);
    expect(body.settings.index['knn.algo_param.ef_search']).toBe(128);
    t.hasResourceProperties('AWS::OpenSearchServerless::Collection', { StandbyReplicas: 'DISABLED', Name: Match.stringLikeRegexp('^kb-[0-9a-f]{12}$') });
  });

  test('throws for cosine, a bad collection name and out-of-range HNSW parameters', () => {
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ distanceMetric: DistanceMetric.COSINE }) }))
      .toThrow(/distanceMetric 'cosine' is not offered for the OpenSearch Serverless store .*use DistanceMetric.EUCLIDEAN/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ collectionName: 'Docs_KB' }) }))
      .toThrow(/collectionName 'Docs_KB' is invalid; use 3–32 characters of lowercase letters, digits and hyphens, starting with a letter/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ hnswM: 1 }) }))
      .toThrow(/vectorStore: hnswM must be an integer from 2 to 100; got 1/);
  });
});
