import { findModelReferences, judgeReference, parseModelArn } from '../../../lib/nag/core/model-scan';
import { MODEL_RULES } from '../../../lib/nag/rules';
import { NOW } from '../util';

/** The rule that reports a code: the model rule that declares it. */
const ruleOf = (code: string) => MODEL_RULES.find((r) => (r.codes as readonly string[]).includes(code))?.name;

const ctx = { region: 'us-east-1', now: NOW };

describe('model reference scan', () => {
  test('takes the Region of a model ARN from the ARN', () => {
    const ref = parseModelArn('arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0', 'R', ctx, false)!;
    expect(ref).toMatchObject({ id: 'amazon.nova-pro-v1:0', region: 'eu-west-1', kind: 'foundation-model-arn' });
    const hits = judgeReference(ref, ctx);
    expect(hits.map((h) => h.code)).toEqual(expect.arrayContaining(['CrossRegionArn', 'NotInRegion']));
  });

  test('ignores wildcard and non-model ARNs; application-profile ARNs give one HiddenModel warning', () => {
    expect(parseModelArn('arn:aws:bedrock:us-east-1::foundation-model/*', 'R', ctx, false)).toBeUndefined();
    expect(parseModelArn('arn:aws:bedrock:us-east-1:111111111111:knowledge-base/ABC', 'R', ctx, false)).toBeUndefined();
    const app = parseModelArn('arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc', 'R', ctx, false)!;
    expect(app).toMatchObject({ id: 'abc', kind: 'hidden-model-arn' });
    expect(judgeReference(app, ctx).map((h) => [ruleOf(h.code), h.level, h.code])).toEqual([['ModelIdKnown', 'warning', 'HiddenModel']]);
    expect(parseModelArn('arn:aws:s3:::anthropic.claude-haiku-4-5-20251001-v1:0', 'R', ctx, false)).toBeUndefined();
  });

  test('destination-Region FM ARNs under bedrock:InferenceProfileArn skip Region checks', () => {
    const ref = parseModelArn('arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0', 'R', ctx, true)!;
    expect(judgeReference(ref, ctx)).toEqual([]);
  });

  test('reads modelId fields of JSON values but not foundationModelId', () => {
    const refs = findModelReferences({
      Type: 'AWS::SSM::Parameter',
      Properties: { Value: JSON.stringify({ modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', foundationModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', nested: { embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0' } }) },
    }, ctx);
    expect(refs.map((r) => [r.where, r.id])).toEqual([
      ['Value.modelId', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
      ['Value.nested.embeddingModelArn', 'amazon.titan-embed-text-v2:0'],
    ]);
  });

  test('values that only resemble model IDs are not model IDs', () => {
    const refs = findModelReferences({
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { A: 'amazon.com', B: 'example.com:443', C: 'v1.2.3', D: 'foo.bar-baz-v1:0' } } },
    }, ctx);
    expect(refs).toEqual([]);
  });

  test('strings that share a provider prefix are not model IDs; family forms without a version are', () => {
    const refs = findModelReferences({
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: {
        A: 'amazon.com-logs', B: 'meta.data-2024.json', C: 'openai.my-proxy.example.com', D: 'meta.llama3', E: 'anthropic.claude',
      } } },
    }, ctx);
    expect(refs.map((r) => r.id)).toEqual(['meta.llama3', 'anthropic.claude']);
  });

  test('fields that can only hold a model are judged whatever the value looks like', () => {
    const refs = findModelReferences({
      Type: 'AWS::Bedrock::Agent',
      Properties: { FoundationModel: { 'Fn::If': ['C', 'anthropic.claude', 'claude-3-haiku'] } },
    }, ctx);
    expect(refs.map((r) => r.id)).toEqual(['anthropic.claude', 'claude-3-haiku']);
    const codes = refs.flatMap((r) => judgeReference(r, ctx)).map((h) => [ruleOf(h.code), h.code]);
    expect(codes).toEqual([['ModelIdPinned', 'Unversioned'], ['ModelIdPinned', 'Syntax']]);
  });

  test('a Knowledge Base embedding model ARN is judged even when its ID does not look like a model ID', () => {
    const refs = findModelReferences({
      Type: 'AWS::Bedrock::KnowledgeBase',
      Properties: { KnowledgeBaseConfiguration: { VectorKnowledgeBaseConfiguration: {
        EmbeddingModelArn: { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/titan-embed' },
      } } },
    }, ctx);
    expect(refs.map((r) => [r.id, r.kind])).toEqual([['titan-embed', 'foundation-model-arn']]);
    expect(judgeReference(refs[0], ctx).map((h) => h.code)).toEqual(['Syntax']);
  });

  test('model-only fields skip unknown values and other Bedrock model ARNs, and report non-Bedrock ARNs', () => {
    const refs = findModelReferences({
      Type: 'AWS::Bedrock::Agent',
      Properties: { FoundationModel: { 'Fn::GetAtt': ['Profile', 'InferenceProfileArn'] } },
    }, ctx);
    expect(refs).toEqual([]);
    expect(findModelReferences({
      Type: 'AWS::Bedrock::Agent',
      Properties: { FoundationModel: 'arn:aws:bedrock:us-east-1:111111111111:custom-model/abc' },
    }, ctx)).toEqual([]);
    const s3 = findModelReferences({ Type: 'AWS::Bedrock::Agent', Properties: { FoundationModel: 'arn:aws:s3:::models/claude' } }, ctx);
    expect(s3.flatMap((r) => judgeReference(r, ctx)).map((h) => h.code)).toEqual(['Syntax']);
  });

  test('foundation-model ARNs in policies are judged even when looksLikeModelId would say no', () => {
    const ref = parseModelArn('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude', 'R', ctx, false)!;
    expect(ref.id).toBe('anthropic.claude');
    expect(judgeReference(ref, ctx).map((h) => h.code)).toEqual(['Unversioned']);
  });

  test('every Fn::If branch of a policy is judged, also above the variant cap', () => {
    const arn = (id: string) => `arn:aws:bedrock:us-east-1::foundation-model/${id}`;
    const good = 'anthropic.claude-haiku-4-5-20251001-v1:0';
    const other = 'amazon.titan-embed-text-v2:0';
    const alias = 'anthropic.claude-3-5-sonnet-latest';
    const statement = (a: string, b: string) => ({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: { 'Fn::If': ['C', arn(a), arn(b)] } });
    // The alias is only in the second branch of the first of six Fn::If (2^6 combinations > MAX_VARIANTS).
    const statements = [statement(good, alias), ...Array.from({ length: 5 }, () => statement(good, other))];
    for (const list of [statements.slice(0, 1), statements]) {
      const ids = findModelReferences({ Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: list } } }, ctx).map((r) => r.id);
      expect(ids).toContain(alias);
    }
  });
});
