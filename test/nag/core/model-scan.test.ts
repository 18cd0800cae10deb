import { findModelReferences, judgeReference, parseModelArn } from '../../../lib/nag/core/model-scan';
import { NOW } from '../util';

const ctx = { region: 'us-east-1', now: NOW };

describe('model reference scan', () => {
  test('takes the Region of a model ARN from the ARN', () => {
    const ref = parseModelArn('arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0', 'R', ctx, false)!;
    expect(ref).toMatchObject({ id: 'amazon.nova-pro-v1:0', region: 'eu-west-1', kind: 'foundation-model-arn' });
    const hits = judgeReference(ref, ctx);
    expect(hits.map((h) => h.code)).toEqual(expect.arrayContaining(['CrossRegionArn', 'NotInRegion']));
  });

  test('ignores wildcard, non-model and application-profile ARNs', () => {
    expect(parseModelArn('arn:aws:bedrock:us-east-1::foundation-model/*', 'R', ctx, false)).toBeUndefined();
    expect(parseModelArn('arn:aws:bedrock:us-east-1:111111111111:knowledge-base/ABC', 'R', ctx, false)).toBeUndefined();
    expect(parseModelArn('arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc', 'R', ctx, false)).toBeUndefined();
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
});
