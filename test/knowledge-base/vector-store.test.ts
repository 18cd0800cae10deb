import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DataDeletionPolicy, DistanceMetric, KnowledgeBase, KnowledgeBaseProps, VectorStore } from '../../lib/knowledge-base';

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

  test('throws for a duplicated non-filterable key (no silent double count against the 10-key limit)', () => {
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: ['source_url', 'page', 'source_url'] }) }))
      .toThrow(/vectorStore: additionalNonFilterableMetadataKeys lists 'source_url' more than once.*Remove the duplicate/);
    // The Bedrock keys are always there; naming one again does not duplicate it in the index.
    const { template } = build({ vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'page'] }) });
    template.hasResourceProperties('AWS::S3Vectors::Index', { MetadataConfiguration: { NonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA', 'page'] } });
    // Eight distinct extra keys fit (10 with the two Bedrock keys).
    const eight = Array.from({ length: 8 }, (_, i) => `k${i}`);
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: [...eight, 'k0'] }) }))
      .toThrow(/lists 'k0' more than once/);
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ additionalNonFilterableMetadataKeys: eight }) })).not.toThrow();
  });

  test('warns when the stack has no Region (availability cannot be checked)', () => {
    const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
    const stack = new Stack(app, 'NoRegion');
    // The embeddings model's own Region checks are not in question here; only the store's warning is.
    new KnowledgeBase(stack, 'Kb');
    Annotations.fromStack(stack).hasWarning('/NoRegion/Kb', Match.stringLikeRegexp('the stack has no Region \\(env.region is not set\\), so whether Amazon S3 Vectors is available.*\\[ack: cdk-bedrock-foundation:S3VectorsRegionUnknown\\]$'));
  });

  test('throws for the inner-product metric, which S3 Vectors does not offer', () => {
    expect(() => build({ vectorStore: VectorStore.s3Vectors({ distanceMetric: DistanceMetric.INNER_PRODUCT }) }))
      .toThrow(/distanceMetric 'innerproduct' is not supported by S3 Vectors \(cosine or euclidean\)/);
  });

  test('warns (does not fail) outside the sourced S3 Vectors Regions', () => {
    const { stack } = build({}, 'eu-west-2');
    Annotations.fromStack(stack).hasWarning('/S/Kb', Match.stringLikeRegexp('no source this library has confirms Amazon S3 Vectors in eu-west-2.*\\[ack: cdk-bedrock-foundation:S3VectorsRegionNotSourced\\]$'));
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
    // The policy is one JSON string joined around the two role ARNs: put placeholders in for them and parse it.
    const parts = policy.Policy['Fn::Join'][1] as unknown[];
    const json = parts.map((p) => (typeof p === 'string' ? p
      : `<${String((p as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, '')}.Arn>`)).join('');
    expect(JSON.parse(json)).toEqual([
      {
        Description: 'Bedrock Knowledge Base service role',
        Rules: [
          { ResourceType: 'collection', Resource: ['collection/docs-kb'], Permission: ['aoss:DescribeCollectionItems', 'aoss:CreateCollectionItems', 'aoss:UpdateCollectionItems'] },
          { ResourceType: 'index', Resource: ['index/docs-kb/*'], Permission: ['aoss:DescribeIndex', 'aoss:ReadDocument', 'aoss:WriteDocument', 'aoss:UpdateIndex'] },
        ],
        Principal: ['<KbRole.Arn>'],
      },
      {
        Description: 'Vector index custom resource',
        Rules: [
          { ResourceType: 'index', Resource: ['index/docs-kb/*'], Permission: ['aoss:CreateIndex', 'aoss:DescribeIndex', 'aoss:UpdateIndex', 'aoss:DeleteIndex'] },
        ],
        Principal: ['<CdkBedrockFoundationOssIndexHandlerRole.Arn>'],
      },
    ]);
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
    // The access policy by DependsOn; the collection by the Endpoint GetAtt (a DependsOn would be redundant, W3005).
    expect(index.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^KbCollectionAccessPolicy/)]));
    expect(index.Properties.Endpoint).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KbCollection[0-9A-F]+$/), 'CollectionEndpoint'] });
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
    expect(kb.stack.resolve(kb.vectorStoreArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KbCollection[0-9A-F]{8}$/), 'Arn'] });
  });

  test('the Knowledge Base role has exactly: the model, the documents and aoss:APIAccessAll on its collection', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^KbRole') }] } });
    expect(Object.keys(policies)).toHaveLength(1);
    expect(Object.values(policies)[0].Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'InvokeEmbeddingModel', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0']] } },
      { Sid: 'ListDocumentsBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KbDataBucket/), 'Arn'] } },
      { Sid: 'ReadDocuments', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^KbDataBucket/), 'Arn'] }, '/*']] } },
      { Sid: 'OpenSearchServerlessAccess', Effect: 'Allow', Action: 'aoss:APIAccessAll', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KbCollection[0-9A-F]{8}$/), 'Arn'] } },
    ]);
  });

  test('the index manager role may call the collection API of this collection only (plus its log group)', () => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^CdkBedrockFoundationOssIndexHandlerRole') }] } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((st: any) => String(st.Action).startsWith('aoss:'))).toEqual([
      { Effect: 'Allow', Action: 'aoss:APIAccessAll', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KbCollection[0-9A-F]{8}$/), 'Arn'] } },
    ]);
    expect(statements.filter((st: any) => !String(st.Action).startsWith('aoss:') && !String(st.Action).startsWith('logs:'))).toEqual([]);
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

  test('throws for index names OpenSearch rejects, citing its naming rules', () => {
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ indexName: 'My Index' }) }))
      .toThrow(/vectorStore: indexName 'My Index' is not a valid OpenSearch index name \(it has uppercase letters; it contains a space\)\. Index names are lowercase, do not begin with '_' or '-'.* — e.g. 'my-index'/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ indexName: '' }) }))
      .toThrow(/indexName '' is not a valid OpenSearch index name \(it is empty\)/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ indexName: '_docs' }) }))
      .toThrow(/indexName '_docs' is not a valid OpenSearch index name \(it begins with '_'\)/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ indexName: 'docs#1,a' }) }))
      .toThrow(/indexName 'docs#1,a' is not a valid OpenSearch index name \(it contains '#', ','\)/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ indexName: 'docs.v2-index_1' }) })).not.toThrow();
  });

  test('throws for empty, padded or shared field names', () => {
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ vectorField: '' }) }))
      .toThrow(/vectorStore: vectorField '' is empty; OpenSearch rejects an empty field name/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ textField: ' text' }) }))
      .toThrow(/vectorStore: textField ' text' has leading or trailing white space; write 'text'/);
    expect(() => build({ vectorStore: VectorStore.openSearchServerless({ vectorField: 'AMAZON_BEDROCK_TEXT_CHUNK' }) }))
      .toThrow(/vectorStore: vectorField and textField are both 'AMAZON_BEDROCK_TEXT_CHUNK'; the vector, text and metadata fields must be different/);
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

describe('retention: what each removal policy keeps', () => {
  const kept = (t: Template, type: string) => Object.values(t.findResources(type)).map((r: any) => r.DeletionPolicy ?? 'Delete');

  test('RETAIN on an S3 Vectors store keeps the vectors: bucket, index and the data source\'s vectors are retained', () => {
    const { template } = build({ vectorStore: VectorStore.s3Vectors({ removalPolicy: RemovalPolicy.RETAIN }) });
    expect(kept(template, 'AWS::S3Vectors::VectorBucket')).toEqual(['Retain']);
    expect(kept(template, 'AWS::S3Vectors::Index')).toEqual(['Retain']);
    template.hasResourceProperties('AWS::Bedrock::DataSource', { DataDeletionPolicy: 'RETAIN' });
  });

  test('RETAIN on an OpenSearch store keeps the collection, its three policies, the index and the vectors', () => {
    const { template } = build({ vectorStore: VectorStore.openSearchServerless({ removalPolicy: RemovalPolicy.RETAIN }) });
    expect(kept(template, 'AWS::OpenSearchServerless::Collection')).toEqual(['Retain']);
    expect(kept(template, 'AWS::OpenSearchServerless::SecurityPolicy')).toEqual(['Retain', 'Retain']);
    expect(kept(template, 'AWS::OpenSearchServerless::AccessPolicy')).toEqual(['Retain']);
    template.hasResourceProperties('Custom::OpenSearchServerlessVectorIndex', { Retain: 'true' });
    template.hasResourceProperties('AWS::Bedrock::DataSource', { DataDeletionPolicy: 'RETAIN' });
  });

  test('DESTROY (the default) deletes the store and lets Bedrock delete the vectors; templates carry no Retain', () => {
    const { template } = build({ vectorStore: VectorStore.openSearchServerless({}) });
    expect(kept(template, 'AWS::OpenSearchServerless::SecurityPolicy')).toEqual(['Delete', 'Delete']);
    expect(kept(template, 'AWS::OpenSearchServerless::AccessPolicy')).toEqual(['Delete']);
    template.hasResourceProperties('Custom::OpenSearchServerlessVectorIndex', { Retain: Match.absent() });
    template.hasResourceProperties('AWS::Bedrock::DataSource', { DataDeletionPolicy: 'DELETE' });
  });

  test('dataDeletionPolicy is a prop that overrides the default either way', () => {
    const { template: a } = build({
      vectorStore: VectorStore.s3Vectors({ removalPolicy: RemovalPolicy.RETAIN }),
      dataSource: { dataDeletionPolicy: DataDeletionPolicy.DELETE },
    });
    a.hasResourceProperties('AWS::Bedrock::DataSource', { DataDeletionPolicy: 'DELETE' });
    const { template: b } = build({ dataSource: { dataDeletionPolicy: DataDeletionPolicy.RETAIN } });
    b.hasResourceProperties('AWS::Bedrock::DataSource', { DataDeletionPolicy: 'RETAIN' });
  });

  test('every custom resource the Knowledge Base adds has a ServiceTimeout; the OpenSearch index at most 15 minutes', () => {
    const { template } = build({ vectorStore: VectorStore.openSearchServerless({}) });
    template.hasResourceProperties('Custom::OpenSearchServerlessVectorIndex', { ServiceTimeout: '900' });
  });
});
