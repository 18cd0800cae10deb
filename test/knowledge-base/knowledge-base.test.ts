import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { Chunking, KnowledgeBase, KnowledgeBaseProps, VectorStore } from '../../lib/knowledge-base';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockModel } from '../../lib/models';

const ENV = { account: '123456789012', region: 'us-east-1' };

function stackOf(region = ENV.region): { app: App; stack: Stack } {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': '2026-11-25' } });
  return { app, stack: new Stack(app, 'S', { env: { ...ENV, region } }) };
}

function kb(props: KnowledgeBaseProps = {}, region?: string) {
  const { app, stack } = stackOf(region);
  const knowledgeBase = new KnowledgeBase(stack, 'Kb', props);
  return { app, stack, knowledgeBase, template: () => Template.fromStack(stack) };
}

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

describe('KnowledgeBase', () => {
  describe('defaults (Titan Text Embeddings V2, S3 Vectors)', () => {
    const { template: t } = kb();
    const template = t();

    test('creates an S3 Vectors bucket and a float32 cosine index of 1024 dimensions with the Bedrock keys non-filterable', () => {
      template.hasResourceProperties('AWS::S3Vectors::VectorBucket', { EncryptionConfiguration: { SseType: 'AES256' } });
      template.hasResourceProperties('AWS::S3Vectors::Index', {
        DataType: 'float32',
        Dimension: 1024,
        DistanceMetric: 'cosine',
        MetadataConfiguration: { NonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'] },
        VectorBucketArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KbVectorBucket'), 'VectorBucketArn'] },
      });
    });

    test('configures the Knowledge Base with the Titan V2 ARN, 1024 FLOAT32 and S3_VECTORS storage', () => {
      template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
        Name: Match.stringLikeRegexp('^S-Kb-[0-9a-f]{8}$'),
        KnowledgeBaseConfiguration: {
          Type: 'VECTOR',
          VectorKnowledgeBaseConfiguration: {
            EmbeddingModelArn: partitionArn(':bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0'),
            EmbeddingModelConfiguration: { BedrockEmbeddingModelConfiguration: { Dimensions: 1024, EmbeddingDataType: 'FLOAT32' } },
          },
        },
        StorageConfiguration: {
          Type: 'S3_VECTORS',
          S3VectorsConfiguration: { IndexArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KbVectorIndex'), 'IndexArn'] } },
        },
      });
    });

    test('creates the Knowledge Base after its role policy and index exist', () => {
      const kbs = template.findResources('AWS::Bedrock::KnowledgeBase');
      const dependsOn = Object.values(kbs)[0].DependsOn as string[];
      // The policy by DependsOn; the index and the role by the GetAtts of the configuration (a DependsOn on them would
      // be redundant, cfn-lint W3005).
      expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^KbRoleDefaultPolicy/)]));
      expect(dependsOn).not.toEqual(expect.arrayContaining([expect.stringMatching(/^KbVectorIndex|^KbRole[0-9A-F]{8}$/)]));
      expect(Object.values(kbs)[0].Properties.StorageConfiguration.S3VectorsConfiguration.IndexArn)
        .toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^KbVectorIndex/), 'IndexArn'] });
    });

    test('creates a private, TLS-only, encrypted, versioned documents bucket that is retained', () => {
      template.hasResource('AWS::S3::Bucket', {
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          VersioningConfiguration: { Status: 'Enabled' },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
      });
    });

    test('the data source uses explicit fixed-size chunking (300 tokens, 20%) and deletes its vectors with it', () => {
      template.hasResourceProperties('AWS::Bedrock::DataSource', {
        KnowledgeBaseId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Kb'), 'KnowledgeBaseId'] },
        DataDeletionPolicy: 'DELETE',
        DataSourceConfiguration: {
          Type: 'S3',
          S3Configuration: { BucketArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KbDataBucket'), 'Arn'] }, InclusionPrefixes: Match.absent() },
        },
        VectorIngestionConfiguration: {
          ChunkingConfiguration: { ChunkingStrategy: 'FIXED_SIZE', FixedSizeChunkingConfiguration: { MaxTokens: 300, OverlapPercentage: 20 } },
        },
      });
    });

    test('the role trusts only Bedrock, from this account, for Knowledge Bases of this Region and account', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': partitionArn(':bedrock:us-east-1:123456789012:knowledge-base/*') },
            },
          }],
        },
      });
    });

    test('the role has exactly: InvokeModel on the embeddings model, S3 list/get on the bucket, the index actions on the index', () => {
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^KbRole') }] },
      });
      expect(Object.keys(policies)).toHaveLength(1);
      const doc = Object.values(policies)[0].Properties.PolicyDocument;
      expect(doc.Statement).toEqual([
        {
          Sid: 'InvokeEmbeddingModel', Effect: 'Allow', Action: 'bedrock:InvokeModel',
          Resource: partitionArn(':bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0'),
        },
        { Sid: 'ListDocumentsBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KbDataBucket/), 'Arn'] } },
        {
          Sid: 'ReadDocuments', Effect: 'Allow', Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^KbDataBucket/), 'Arn'] }, '/*']] },
        },
        {
          Sid: 'S3VectorsIndexAccess', Effect: 'Allow',
          Action: ['s3vectors:PutVectors', 's3vectors:GetVectors', 's3vectors:DeleteVectors', 's3vectors:QueryVectors', 's3vectors:GetIndex'],
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KbVectorIndex/), 'IndexArn'] },
        },
      ]);
      expect(JSON.stringify(doc)).not.toContain('"Resource":"*"');
    });

    test('needs no custom resource', () => {
      template.resourceCountIs('AWS::Lambda::Function', 0);
      template.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
    });
  });

  describe('props', () => {
    test('dimensions 512 flow to the index and the embedding configuration', () => {
      const template = kb({ dimensions: 512 }).template();
      template.hasResourceProperties('AWS::S3Vectors::Index', { Dimension: 512 });
      template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
        KnowledgeBaseConfiguration: { VectorKnowledgeBaseConfiguration: { EmbeddingModelConfiguration: { BedrockEmbeddingModelConfiguration: { Dimensions: 512 } } } },
      });
    });

    test('Titan Text Embeddings V1 defaults to 1536 dimensions', () => {
      const { template, knowledgeBase } = kb({ embeddingModel: BedrockModel.of('amazon.titan-embed-text-v1') });
      expect(knowledgeBase.dimensions).toBe(1536);
      template().hasResourceProperties('AWS::S3Vectors::Index', { Dimension: 1536 });
    });

    test('an inclusion prefix scopes the data source and the role\'s object read', () => {
      const template = kb({ dataSource: { inclusionPrefix: 'docs/' } }).template();
      template.hasResourceProperties('AWS::Bedrock::DataSource', { DataSourceConfiguration: { S3Configuration: { InclusionPrefixes: ['docs/'] } } });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadDocuments', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/docs/*']] } })]) },
      });
    });

    test('uses a given bucket (no bucket created) and grants decrypt on its KMS key', () => {
      const { stack } = stackOf();
      const key = new kms.Key(stack, 'Key');
      const bucket = new s3.Bucket(stack, 'Docs', { encryptionKey: key, enforceSSL: true });
      new KnowledgeBase(stack, 'Kb', { dataSource: { bucket } });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::S3::Bucket', 1);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^KbRole') }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } })]) },
      });
    });

    test('the documents bucket can be given another removal policy and server access logs', () => {
      const { stack } = stackOf();
      const logs = new s3.Bucket(stack, 'Logs');
      new KnowledgeBase(stack, 'Kb', { dataBucketRemovalPolicy: RemovalPolicy.DESTROY, serverAccessLogsBucket: logs });
      Template.fromStack(stack).hasResource('AWS::S3::Bucket', {
        Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^Logs') } } },
        DeletionPolicy: 'Delete',
      });
    });

    test('a chunking change renames the data source (replacement without a name conflict), the KB name stays', () => {
      const a = kb({ dataSource: { chunking: Chunking.fixedSize({ maxTokens: 300, overlapPercentage: 20 }) } }).template();
      const b = kb({ dataSource: { chunking: Chunking.fixedSize({ maxTokens: 500, overlapPercentage: 20 }) } }).template();
      const name = (t: Template, type: string) => Object.values(t.findResources(type))[0].Properties.Name;
      expect(name(a, 'AWS::Bedrock::DataSource')).not.toEqual(name(b, 'AWS::Bedrock::DataSource'));
      expect(name(a, 'AWS::Bedrock::KnowledgeBase')).toEqual(name(b, 'AWS::Bedrock::KnowledgeBase'));
    });

    test('names and descriptions are passed through', () => {
      const template = kb({ knowledgeBaseName: 'product_docs-kb', description: 'Product docs', dataSource: { description: 'Manuals' } }).template();
      template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', { Name: 'product_docs-kb', Description: 'Product docs' });
      template.hasResourceProperties('AWS::Bedrock::DataSource', { Description: 'Manuals' });
    });
  });

  describe('synth validation', () => {
    test('throws for a text model, naming it and the fix', () => {
      expect(() => kb({ embeddingModel: BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0') }))
        .toThrow(/embeddingModel: 'anthropic.claude-haiku-4-5-20251001-v1:0' is not an embeddings model \(its output is TEXT\); a Knowledge Base needs an embeddings model such as BedrockModel.of\('amazon.titan-embed-text-v2:0'\)/);
    });

    test('throws for the partial ID amazon.titan-embed-text with the pinned IDs to write', () => {
      expect(() => kb({ embeddingModel: BedrockModel.of('amazon.titan-embed-text') }))
        .toThrow(/embeddingModel: Model ID 'amazon.titan-embed-text' is a model family or partial ID.*'amazon.titan-embed-text-v2:0'/);
    });

    test('throws for an unknown ID', () => {
      expect(() => kb({ embeddingModel: BedrockModel.of('amazon.titan-embed-text-v9:0') }))
        .toThrow(/embeddingModel: Model ID 'amazon.titan-embed-text-v9:0' is not in the model catalog/);
    });

    test('throws for an embeddings model without a sourced Knowledge Base answer, saying how to declare it', () => {
      expect(() => kb({ embeddingModel: BedrockModel.of('cohere.embed-v4:0') }))
        .toThrow(/no source says whether 'cohere.embed-v4:0' can be the embeddings model of a Knowledge Base.*custom: \{ knowledgeBaseSupported: true, embeddingDimensions/);
    });

    test('accepts such a model declared custom, with a warning', () => {
      const { stack } = kb({ embeddingModel: BedrockModel.of('cohere.embed-v4:0', { custom: { knowledgeBaseSupported: true, embeddingDimensions: [1536] } }) });
      Annotations.fromStack(stack).hasWarning('/S/Kb', Match.stringLikeRegexp("Knowledge Base support of 'cohere.embed-v4:0' is not sourced.*\\[ack: cdk-bedrock-foundation:KnowledgeBaseModelDeclared\\]$"));
      Template.fromStack(stack).hasResourceProperties('AWS::S3Vectors::Index', { Dimension: 1536 });
    });

    test('throws for a model the catalog refuses only through the CDK flag, and says that basis is weak', () => {
      // openai.gpt-oss-safeguard-20b: knowledgeBase { supported: false, basis: 'cdkFlag' }, modalities not sourced.
      expect(() => kb({ embeddingModel: BedrockModel.of('openai.gpt-oss-safeguard-20b') }))
        .toThrow(/'openai.gpt-oss-safeguard-20b' is not supported as the embeddings model of a Knowledge Base per the catalog.*weak: it only reflects the CDK libraries' supportsKnowledgeBase flag, not an AWS page/s);
    });

    test('throws for 1536 dimensions with Titan V2, listing the supported ones', () => {
      expect(() => kb({ dimensions: 1536 }))
        .toThrow(/dimensions: 1536 is not a dimension 'amazon.titan-embed-text-v2:0' supports in a Knowledge Base \(supported: 256, 512, 1024\)/);
    });

    test('throws when custom embeddingDimensions contradict the sourced ones (sourced facts win)', () => {
      const overridden = BedrockModel.of('amazon.titan-embed-text-v2:0', { custom: { embeddingDimensions: [1536] } });
      expect(() => kb({ embeddingModel: overridden, dimensions: 1536 }))
        .toThrow(/embeddingModel: custom.embeddingDimensions \[1536\] of 'amazon.titan-embed-text-v2:0' contradicts its sourced Knowledge Base dimensions \(256, 512, 1024\): 1536 is not among them. custom only declares facts the catalog lacks/);
      expect(() => kb({ embeddingModel: overridden })).toThrow(/contradicts its sourced Knowledge Base dimensions/);
      // Repeating (part of) the sourced facts is harmless; the sourced list still decides.
      const repeated = kb({ embeddingModel: BedrockModel.of('amazon.titan-embed-text-v2:0', { custom: { embeddingDimensions: [512] } }), dimensions: 1024 });
      expect(repeated.knowledgeBase.dimensions).toBe(1024);
    });

    test('throws when the model is not a Knowledge Base embeddings model in the stack\'s Region', () => {
      expect(() => kb({ embeddingModel: BedrockModel.of('amazon.titan-embed-text-v2:0') }, 'ap-southeast-1'))
        .toThrow(/embeddingModel: .*'amazon.titan-embed-text-v2:0'.*ap-southeast-1/);
      // Offered on demand there (declared), but not a sourced Knowledge Base Region of the model:
      const onDemandOnly = BedrockModel.of('amazon.titan-embed-text-v2:0', { custom: { regions: ['ap-southeast-1'] } });
      expect(() => kb({ embeddingModel: onDemandOnly }, 'ap-southeast-1'))
        .toThrow(/embeddingModel: 'amazon.titan-embed-text-v2:0' is not listed as a Knowledge Base embeddings model in ap-southeast-1 \(sourced Regions: ap-northeast-1, .*\)/);
      const declared = BedrockModel.of('amazon.titan-embed-text-v2:0', { custom: { regions: ['ap-southeast-1'], knowledgeBaseSupported: true } });
      expect(() => kb({ embeddingModel: declared }, 'ap-southeast-1')).not.toThrow();
    });

    test('throws for an invalid name, an over-long description and a bad prefix', () => {
      expect(() => kb({ knowledgeBaseName: 'my kb!' })).toThrow(/knowledgeBaseName: 'my kb!' is not a valid name; use 1–100 letters and digits/);
      expect(() => kb({ knowledgeBaseName: 'a--b' })).toThrow(/knowledgeBaseName: 'a--b' is not a valid name/);
      expect(() => kb({ description: 'x'.repeat(201) })).toThrow(/description: is 201 characters; it must be 1–200 characters/);
      expect(() => kb({ dataSource: { description: '' } })).toThrow(/dataSource.description: is 0 characters; it must be 1–200 characters. Shorten it or omit it/);
      expect(() => kb({ dataSource: { inclusionPrefix: '/docs/' } })).toThrow(/dataSource.inclusionPrefix: '\/docs\/' starts with '\/'.*Write 'docs\/'/);
      expect(() => kb({ dataSource: { inclusionPrefix: 'docs/*.pdf' } })).toThrow(/contains '\*'; it is a literal key prefix.*'docs\/'/);
      expect(() => kb({ dataSource: { inclusionPrefix: 'p'.repeat(301) } })).toThrow(/is 301 characters; it must be 1–300/);
    });

    test('throws for chunking beyond the model\'s input limit (Titan V2: 8,192 tokens)', () => {
      expect(() => kb({ dataSource: { chunking: Chunking.semantic({ maxTokens: 9000, bufferSize: 0, breakpointPercentileThreshold: 95 }) } }))
        .toThrow(/chunking: semantic.maxTokens is 9000 tokens, above the input limit of the embeddings model 'amazon.titan-embed-text-v2:0' \(8192 tokens\).*at most 8192/);
      expect(() => kb({ dataSource: { chunking: Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 10 }) } })).not.toThrow();
    });

    test('the default chunking fits a model with a small input limit (Titan Multimodal Embeddings G1)', () => {
      // Before: "fixedSize.maxTokens is 300 tokens, above the input limit ... (128 tokens)" although chunking was never set.
      const image = BedrockModel.of('amazon.titan-embed-image-v1');
      const limit = image.contextWindow!; // the catalog's input limit (128 at the time of writing)
      expect(limit).toBeLessThan(300);
      const { template } = kb({ embeddingModel: image });
      template().hasResourceProperties('AWS::Bedrock::DataSource', {
        VectorIngestionConfiguration: {
          ChunkingConfiguration: { ChunkingStrategy: 'FIXED_SIZE', FixedSizeChunkingConfiguration: { MaxTokens: limit, OverlapPercentage: 20 } },
        },
      });
      // Chunking the user sets is still checked against the limit.
      expect(() => kb({ embeddingModel: image, dataSource: { chunking: Chunking.DEFAULT } })).toThrow(new RegExp(
        `chunking: fixedSize.maxTokens is 300 tokens, above the input limit of the embeddings model 'amazon.titan-embed-image-v1' \\(${limit} tokens\\).*set fixedSize.maxTokens to at most ${limit}`));
    });

    test('throws for out-of-range chunking parameters', () => {
      expect(() => kb({ dataSource: { chunking: Chunking.fixedSize({ maxTokens: 300, overlapPercentage: 0 }) } }))
        .toThrow(/chunking: fixedSize.overlapPercentage must be an integer from 1 to 99 \(Bedrock API reference FixedSizeChunkingConfiguration\); got 0/);
    });

    test('warns through the real S3 Vectors budget when chunks may not fit its non-filterable metadata; not for OpenSearch', () => {
      const big = kb({ dataSource: { chunking: Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 10 }) } });
      Annotations.fromStack(big.stack).hasWarning('/S/Kb', Match.stringLikeRegexp('fixedSize.maxTokens is 8192 tokens.*Amazon S3 Vectors.*at most 38912 bytes per vector.*\\[ack: cdk-bedrock-foundation:ChunkMayExceedVectorMetadata\\]$'));
      const ok = kb({ dataSource: { chunking: Chunking.fixedSize({ maxTokens: 6485, overlapPercentage: 10 }) } });
      Annotations.fromStack(ok.stack).hasNoWarning('/S/Kb', Match.stringLikeRegexp('fixedSize.maxTokens'));
      const oss = kb({ vectorStore: VectorStore.openSearchServerless(), dataSource: { chunking: Chunking.fixedSize({ maxTokens: 8192, overlapPercentage: 10 }) } });
      Annotations.fromStack(oss.stack).hasNoWarning('/S/Kb', Match.stringLikeRegexp('fixedSize.maxTokens'));
    });

    test('warns when whole files (Chunking.none) must fit S3 Vectors metadata', () => {
      const { stack } = kb({ dataSource: { chunking: Chunking.none() } });
      Annotations.fromStack(stack).hasWarning('/S/Kb', Match.stringLikeRegexp('Chunking.none\\(\\) stores each whole file as one chunk.*Amazon S3 Vectors.*38912 bytes.*\\[ack: cdk-bedrock-foundation:ChunkMayExceedVectorMetadata\\]$'));
    });

    test('throws for syncOnDeploy options that do not fit together', () => {
      expect(() => kb({ syncOnDeploy: { totalTimeout: Duration.minutes(10) } })).toThrow(/syncOnDeploy.totalTimeout only applies with waitForCompletion: true/);
      expect(() => kb({ syncOnDeploy: { queryInterval: Duration.seconds(10) } })).toThrow(/syncOnDeploy.queryInterval only applies with waitForCompletion: true/);
    });

    test('failOnDocumentFailures needs waitForCompletion, and reaches the sync resource only when set', () => {
      expect(() => kb({ syncOnDeploy: { failOnDocumentFailures: true } }))
        .toThrow(/syncOnDeploy.failOnDocumentFailures is set without waitForCompletion.*Set waitForCompletion: true as well/);
      const on = Template.fromStack(kb({ syncOnDeploy: { waitForCompletion: true, failOnDocumentFailures: true } }).stack);
      on.hasResourceProperties('Custom::BedrockKnowledgeBaseSync', { FailOnDocumentFailures: 'true' });
      const off = Template.fromStack(kb({ syncOnDeploy: { waitForCompletion: true } }).stack);
      off.hasResourceProperties('Custom::BedrockKnowledgeBaseSync', { FailOnDocumentFailures: Match.absent() });
    });

    test('the sync custom resource is bounded: the start step plus a minute, or the whole hour with the wait inside it', () => {
      Template.fromStack(kb({ syncOnDeploy: {} }).stack)
        .hasResourceProperties('Custom::BedrockKnowledgeBaseSync', { ServiceTimeout: '180' });
      Template.fromStack(kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.minutes(58) } }).stack)
        .hasResourceProperties('Custom::BedrockKnowledgeBaseSync', { ServiceTimeout: '3600' });
    });

    test('throws for a wait longer than CloudFormation allows a custom resource (1 hour, minus the start step)', () => {
      const long = /syncOnDeploy.totalTimeout: (2 hours|1 hour|59 minutes) is too long; CloudFormation gives a custom resource at most 3600 seconds \(1 hour\) and the start step may take up to 2 minutes of it, so the wait may be at most 58 minutes \(Duration.minutes\(58\)\)/;
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.hours(2) } })).toThrow(long);
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.hours(1) } })).toThrow(long);
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.minutes(59) } })).toThrow(long);
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.minutes(58) } })).not.toThrow();
    });

    test('throws for wait durations the waiter cannot use, naming the prop, the value and what is allowed', () => {
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, queryInterval: Duration.millis(500) } }))
        .toThrow(/syncOnDeploy.queryInterval: 500 milliseconds \(500 millis\) is not allowed; use whole seconds of at least 1 second, e.g. Duration.seconds\(30\)/);
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.millis(90500) } }))
        .toThrow(/syncOnDeploy.totalTimeout: 90500 milliseconds \(1 minute 30 seconds\) is not allowed; use whole seconds from 1 second to 58 minutes/);
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, queryInterval: Duration.seconds(7) } }))
        .toThrow(/syncOnDeploy.queryInterval: 7 seconds does not divide totalTimeout \(30 minutes = 1800 s\) evenly.*Duration.seconds\(6\) or Duration.seconds\(8\)/);
      expect(() => kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.minutes(1), queryInterval: Duration.minutes(2) } }))
        .toThrow(/syncOnDeploy.queryInterval: 2 minutes is longer than totalTimeout \(1 minute\)/);
    });

    test('accepts a wait that is not whole minutes (90 s polled every 30 s)', () => {
      const { template } = kb({ syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.seconds(90) } });
      expect(Object.keys(template().findResources('Custom::BedrockKnowledgeBaseSync'))).toEqual([expect.stringMatching(/^KbSyncWait90s30s[0-9A-F]{8}$/)]);
      // The handler polls every 30 s for at most 90 s (its own clock; no waiter state machine).
      template().hasResourceProperties('Custom::BedrockKnowledgeBaseSync', { TotalTimeoutSeconds: '90', QueryIntervalSeconds: '30' });
      template().resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    });
  });

  describe('grants', () => {
    function withFunction() {
      const { stack, knowledgeBase } = kb();
      const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
      return { stack, knowledgeBase, fn };
    }
    const fnPolicy = (stack: Stack) => {
      const policies = Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^FnServiceRole') }] },
      })).filter(([id]) => /^FnServiceRoleDefaultPolicy/.test(id));
      expect(policies).toHaveLength(1);
      return policies[0][1].Properties.PolicyDocument.Statement;
    };

    test('grantRetrieve: bedrock:Retrieve on the Knowledge Base ARN only', () => {
      const { stack, knowledgeBase, fn } = withFunction();
      const grant = knowledgeBase.grantRetrieve(fn);
      expect(grant.success).toBe(true);
      expect(fnPolicy(stack)).toEqual([{ Action: 'bedrock:Retrieve', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Kb/), 'KnowledgeBaseArn'] } }]);
    });

    test('grantRetrieveAndGenerate: RetrieveAndGenerate on * in its own policy on the role, Retrieve on the KB and invoke on the model in the role\'s policy', () => {
      const { stack, knowledgeBase, fn } = withFunction();
      const grant = knowledgeBase.grantRetrieveAndGenerate(fn, BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0'));
      expect(grant.success).toBe(true);
      expect(fnPolicy(stack)).toEqual([
        { Action: 'bedrock:Retrieve', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Kb/), 'KnowledgeBaseArn'] } },
        {
          Action: 'bedrock:InvokeModel', Effect: 'Allow', // RetrieveAndGenerate (not the Stream variant) needs no streaming permission
          Resource: partitionArn(':bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
        },
      ]);
      const rag = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: [{ Action: 'bedrock:RetrieveAndGenerate', Effect: 'Allow', Resource: '*' }] } },
      });
      expect(Object.keys(rag)).toEqual([expect.stringMatching(/^FnServiceRoleBedrockRetrieveAndGeneratePolicy/)]);
      expect(Object.values(rag)[0].Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^FnServiceRole[0-9A-F]+$/) }]);
    });

    test('grantRetrieveAndGenerate from two Knowledge Bases to one function shares one RetrieveAndGenerate policy', () => {
      const { stack, knowledgeBase, fn } = withFunction();
      const other = new KnowledgeBase(stack, 'Kb2');
      knowledgeBase.grantRetrieveAndGenerate(fn, BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0'));
      other.grantRetrieveAndGenerate(fn, BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0'));
      const rag = Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'bedrock:RetrieveAndGenerate' })]) } },
      });
      expect(Object.values(rag).map((r) => r.Properties.PolicyDocument.Statement)).toEqual([[{ Action: 'bedrock:RetrieveAndGenerate', Effect: 'Allow', Resource: '*' }]]);
    });

    test('each grant names the fix when given a construct that only holds a grantee (e.g. an invoker), instead of a TypeError', () => {
      const { stack, knowledgeBase, fn } = withFunction();
      const holder = new (class Wrapper extends Construct { public readonly function = fn; })(stack, 'Answerer');
      const notGrantee = holder as unknown as iam.IGrantable;
      expect(() => knowledgeBase.grantRetrieve(notGrantee))
        .toThrow(/grantRetrieve: got Wrapper S\/Answerer, which is not an iam.IGrantable \(it has no grantPrincipal\); pass its function instead: grantRetrieve\(answerer.function\)/);
      expect(() => knowledgeBase.grantStartIngestion(notGrantee)).toThrow(/grantStartIngestion: got Wrapper S\/Answerer.*grantStartIngestion\(answerer.function\)/);
      expect(() => knowledgeBase.grantRetrieveAndGenerate(notGrantee, BedrockModel.of('anthropic.claude-haiku-4-5-20251001-v1:0')))
        .toThrow(/grantRetrieveAndGenerate: got Wrapper S\/Answerer.*grantRetrieveAndGenerate\(answerer.function\)/);
      expect(fn.role!.node.tryFindChild('BedrockRetrieveAndGeneratePolicy')).toBeUndefined();
    });

    test('grantRetrieveAndGenerate names the fix when the model is a model ID string instead of a BedrockModel', () => {
      const { knowledgeBase, fn } = withFunction();
      expect(() => knowledgeBase.grantRetrieveAndGenerate(fn, 'anthropic.claude-haiku-4-5-20251001-v1:0' as unknown as BedrockModel))
        .toThrow(/grantRetrieveAndGenerate: model is string "anthropic.claude-haiku-4-5-20251001-v1:0", not a BedrockModel; pass the generation model as BedrockModel.of\('anthropic.claude-haiku-4-5-20251001-v1:0'\)/);
    });

    test('grantStartIngestion: StartIngestionJob and GetIngestionJob on the KB ARN', () => {
      const { stack, knowledgeBase, fn } = withFunction();
      knowledgeBase.grantStartIngestion(fn);
      expect(fnPolicy(stack)).toEqual([{
        Action: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'], Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Kb/), 'KnowledgeBaseArn'] },
      }]);
    });
  });

  describe('grantRetrieveAndGenerate under cdk-nag AwsSolutionsChecks', () => {
    const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
    /** Unacknowledged IAM5 errors, as `<finding> at <construct path>`. */
    function iam5(app: App): string[] {
      return new AwsSolutionsChecks(app).validateScope(app).violations
        .filter((v) => v.severity === 'error' && v.ruleName.startsWith('AwsSolutions-IAM5'))
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    }
    const code = lambda.Code.fromInline('exports.handler = async () => {}');

    test('a Function with its own role: no unacknowledged finding', () => {
      const { app, stack, knowledgeBase } = kb();
      const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
      knowledgeBase.grantRetrieveAndGenerate(fn, BedrockModel.of(HAIKU));
      expect(iam5(app)).toEqual([]);
    });

    test('a Function created with an explicit role: no unacknowledged finding (the policy sits on that role)', () => {
      const { app, stack, knowledgeBase } = kb();
      const role = new iam.Role(stack, 'FnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code, role });
      knowledgeBase.grantRetrieveAndGenerate(fn, BedrockModel.of(HAIKU));
      expect(iam5(app)).toEqual([]);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^FnRole') }],
        PolicyDocument: { Statement: [{ Action: 'bedrock:RetrieveAndGenerate', Effect: 'Allow', Resource: '*' }] },
      });
    });

    test('a Role grantee: no unacknowledged finding, but an unrelated "*" on the same role is still reported', () => {
      const { app, stack, knowledgeBase } = kb();
      const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      knowledgeBase.grantRetrieveAndGenerate(role, BedrockModel.of(HAIKU));
      expect(iam5(app)).toEqual([]);
      // Negative control: the acknowledgement covers only the RetrieveAndGenerate policy.
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      expect(iam5(app)).toEqual(['AwsSolutions-IAM5[Resource::*] at S/Caller/DefaultPolicy/Resource']);
    });

    test('the same unrelated "*" is reported on a Function\'s own role too (the grant hides nothing on the function)', () => {
      const { app, stack, knowledgeBase } = kb();
      const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
      knowledgeBase.grantRetrieveAndGenerate(fn, BedrockModel.of(HAIKU));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      expect(iam5(app)).toEqual(['AwsSolutions-IAM5[Resource::*] at S/Fn/ServiceRole/DefaultPolicy/Resource']);
    });
  });

  describe('fromKnowledgeBaseAttributes', () => {
    test('imports a Knowledge Base into another stack with working grants', () => {
      const app = new App();
      const producer = new Stack(app, 'Producer', { env: ENV });
      const consumer = new Stack(app, 'Consumer', { env: ENV });
      const created = new KnowledgeBase(producer, 'Kb');
      const imported = KnowledgeBase.fromKnowledgeBaseAttributes(consumer, 'Imported', { knowledgeBaseId: created.knowledgeBaseId });
      const role = new iam.Role(consumer, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      imported.grantRetrieve(role);
      Template.fromStack(consumer).hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [{
            Action: 'bedrock:Retrieve', Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:123456789012:knowledge-base/', { 'Fn::ImportValue': Match.stringLikeRegexp('^Producer:') }]] },
          }],
        },
      });
    });

    test('uses a given ARN and rejects something that is not an ID', () => {
      const { stack } = stackOf();
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ';
      const imported = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'I', { knowledgeBaseId: 'ABCDEFGHIJ', knowledgeBaseArn: arn, dataSourceId: 'DS1' });
      expect(imported.knowledgeBaseArn).toBe(arn);
      expect(imported.dataSourceId).toBe('DS1');
      expect(() => KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'J', { knowledgeBaseId: arn }))
        .toThrow(/knowledgeBaseId 'arn:aws:bedrock:.*' is not a Knowledge Base ID \(1–10 letters and digits/);
    });
  });

  describe('syncOnDeploy', () => {
    test('starts an ingestion after the data source and the content deployment, re-running when the content changes', () => {
      const { stack } = stackOf();
      const bucket = new s3.Bucket(stack, 'Docs');
      const deployment = new s3deploy.BucketDeployment(stack, 'Upload', { destinationBucket: bucket, sources: [s3deploy.Source.data('a.txt', 'hello')] });
      new KnowledgeBase(stack, 'Kb', { dataSource: { bucket }, syncOnDeploy: { contentDeployments: [deployment], contentHash: 'v1' } });
      const template = Template.fromStack(stack);
      const syncs = template.findResources('Custom::BedrockKnowledgeBaseSync');
      expect(Object.keys(syncs)).toHaveLength(1);
      const sync = Object.values(syncs)[0];
      expect(sync.Properties).toMatchObject({
        KnowledgeBaseId: { 'Fn::GetAtt': [expect.stringMatching(/^Kb/), 'KnowledgeBaseId'] },
        DataSourceId: { 'Fn::GetAtt': [expect.stringMatching(/^KbDataSource/), 'DataSourceId'] },
        WaitForCompletion: 'false',
        ContentHash: 'v1',
        ContentObjectKeys: [{ 'Fn::Join': [',', { 'Fn::GetAtt': [expect.stringMatching(/^UploadCustomResource/), 'SourceObjectKeys'] }] }],
      });
      // After the data source and after every resource of the content deployment (its custom resource included).
      const logicalIds = (prefix: RegExp) => Object.keys(template.toJSON().Resources).filter((id) => prefix.test(id));
      const uploadIds = logicalIds(/^UploadCustomResource/);
      expect(uploadIds).toHaveLength(1);
      // The data source by the DataSourceId GetAtt above (a DependsOn would be redundant, cfn-lint W3005).
      expect(sync.DependsOn).toEqual(expect.arrayContaining(uploadIds));
      // Return-at-once mode: a provider without a waiter state machine.
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
      // The handler may start/poll jobs of this Knowledge Base only, and read this stack's status (rollback detection).
      const handlerPolicies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^CdkBedrockFoundationKbSyncHandlerRole') }] } });
      expect(Object.keys(handlerPolicies)).toHaveLength(1);
      const handlerStatements = Object.values(handlerPolicies)[0].Properties.PolicyDocument.Statement;
      expect(handlerStatements.filter((st: any) => !String(st.Action).startsWith('logs:'))).toEqual([
        { Action: ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Kb[0-9A-F]{8}$/), 'KnowledgeBaseArn'] } },
        { Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } },
      ]);
      // One function backs the sync directly (no provider framework), with Lambda's asynchronous retries off.
      const fns = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('ingestion jobs on deployment') } });
      expect(Object.keys(fns)).toHaveLength(1);
      const [fnId, fn] = Object.entries(fns)[0];
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
      expect(sync.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fnId }, MaximumRetryAttempts: 0 });
      // A sync that does not wait never invokes anything: no lambda:InvokeFunction anywhere.
      expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('lambda:InvokeFunction');
    });

    test('waitForCompletion polls in the same function, bounded by totalTimeout; its role may invoke only that function', () => {
      const { stack } = stackOf();
      new KnowledgeBase(stack, 'Kb', { syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.minutes(45), queryInterval: Duration.seconds(20) } });
      const template = Template.fromStack(stack);
      // 45 minutes polled every 20 s, inside the one-hour ServiceTimeout; no waiter state machine, no second function.
      template.hasResourceProperties('Custom::BedrockKnowledgeBaseSync', {
        WaitForCompletion: 'true', TotalTimeoutSeconds: '2700', QueryIntervalSeconds: '20', ServiceTimeout: '3600',
      });
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
      const fns = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('ingestion jobs on deployment') } });
      expect(Object.keys(fns)).toHaveLength(1);
      const [fnId, fn] = Object.entries(fns)[0];
      expect(fn.Properties.Timeout).toBe(900);
      // The continuation of a long wait: lambda:InvokeFunction on the function's own ARN only, in a policy of its own
      // (the function does not depend on it: no cycle), which the sync waits for.
      const invoke = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([, p]) => JSON.stringify(p).includes('lambda:InvokeFunction'));
      expect(invoke).toHaveLength(1);
      const [policyId, policy] = invoke[0];
      expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } }]);
      expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^CdkBedrockFoundationKbSyncHandlerRole/) }]);
      expect(fn.DependsOn ?? []).not.toContain(policyId);
      const sync = Object.values(template.findResources('Custom::BedrockKnowledgeBaseSync'))[0];
      expect(sync.DependsOn).toContain(policyId);
    });

    test('switching the sync mode uses a new logical ID (a ServiceToken cannot change in place)', () => {
      const ids = (props: KnowledgeBaseProps) => Object.keys(kb(props).template().findResources('Custom::BedrockKnowledgeBaseSync'));
      const atOnce = ids({ syncOnDeploy: {} });
      const waiting = ids({ syncOnDeploy: { waitForCompletion: true } });
      expect(atOnce).toEqual([expect.stringMatching(/^KbSync[0-9A-F]{8}$/)]);
      expect(waiting).toEqual([expect.stringMatching(/^KbSyncWait30m30s[0-9A-F]{8}$/)]);
    });

    test('addContentDeployment: a deployment into kb.dataBucket (made after the constructor) is synced after', () => {
      const { stack } = stackOf();
      const knowledgeBase = new KnowledgeBase(stack, 'Kb', { syncOnDeploy: {} });
      const deployment = new s3deploy.BucketDeployment(stack, 'Upload', { destinationBucket: knowledgeBase.dataBucket, sources: [s3deploy.Source.data('a.txt', 'hello')] });
      knowledgeBase.addContentDeployment(deployment);
      knowledgeBase.addContentDeployment(deployment); // idempotent
      const template = Template.fromStack(stack);
      const sync = Object.values(template.findResources('Custom::BedrockKnowledgeBaseSync'))[0];
      expect(sync.Properties.ContentObjectKeys).toEqual([{ 'Fn::Join': [',', { 'Fn::GetAtt': [expect.stringMatching(/^UploadCustomResource/), 'SourceObjectKeys'] }] }]);
      const uploadIds = Object.keys(template.toJSON().Resources).filter((id) => /^UploadCustomResource/.test(id));
      expect(sync.DependsOn).toEqual(expect.arrayContaining(uploadIds));
      template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketName: { Ref: Match.stringLikeRegexp('^KbDataBucket') } });
      // The deployment into the KB's bucket does not make a cycle.
      expect(() => Template.fromStack(stack).toJSON()).not.toThrow();
    });

    test('throws for addContentDeployment without syncOnDeploy, and for a deployment with outputObjectKeys: false', () => {
      const { stack } = stackOf();
      const plain = new KnowledgeBase(stack, 'Plain');
      const d1 = new s3deploy.BucketDeployment(stack, 'Upload1', { destinationBucket: plain.dataBucket, sources: [s3deploy.Source.data('a.txt', 'a')] });
      expect(() => plain.addContentDeployment(d1))
        .toThrow(/addContentDeployment\(S\/Upload1\): this Knowledge Base has no syncOnDeploy.*Pass syncOnDeploy: \{\}/);
      const synced = new KnowledgeBase(stack, 'Synced', { syncOnDeploy: {} });
      const noKeys = new s3deploy.BucketDeployment(stack, 'NoKeys', { destinationBucket: synced.dataBucket, sources: [s3deploy.Source.data('a.txt', 'a')], outputObjectKeys: false });
      expect(() => synced.addContentDeployment(noKeys))
        .toThrow(/content deployment S\/NoKeys has outputObjectKeys: false; the Knowledge Base sync reads its SourceObjectKeys.*Remove outputObjectKeys: false/);
      const bucket = new s3.Bucket(stack, 'Docs');
      const noKeys2 = new s3deploy.BucketDeployment(stack, 'NoKeys2', { destinationBucket: bucket, sources: [s3deploy.Source.data('a.txt', 'a')], outputObjectKeys: false });
      expect(() => new KnowledgeBase(stack, 'Props', { dataSource: { bucket }, syncOnDeploy: { contentDeployments: [noKeys2] } }))
        .toThrow(/content deployment S\/NoKeys2 has outputObjectKeys: false/);
    });

    test('two Knowledge Bases in a stack share one sync function, whichever mode each uses', () => {
      const { stack } = stackOf();
      new KnowledgeBase(stack, 'A', { syncOnDeploy: {} });
      new KnowledgeBase(stack, 'B', { syncOnDeploy: {} });
      new KnowledgeBase(stack, 'C', { syncOnDeploy: { waitForCompletion: true } });
      new KnowledgeBase(stack, 'D', { syncOnDeploy: { waitForCompletion: true, totalTimeout: Duration.minutes(10) } });
      const t = Template.fromStack(stack);
      const fns = t.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('ingestion jobs on deployment') } });
      expect(Object.keys(fns)).toHaveLength(1);
      const tokens = Object.values(t.findResources('Custom::BedrockKnowledgeBaseSync')).map((r) => JSON.stringify(r.Properties.ServiceToken));
      expect(new Set(tokens)).toEqual(new Set([JSON.stringify({ 'Fn::GetAtt': [Object.keys(fns)[0], 'Arn'] })]));
      expect(Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('lambda:InvokeFunction'))).toHaveLength(1);
    });
  });
});
