import { displayValue, evaluateAll, evaluateStrings, hasUnknown, MAX_VARIANTS, partitionOf, UNKNOWN } from '../../../lib/nag/core/intrinsics';

const ctx = {
  region: 'eu-west-1',
  account: '111111111111',
  stackName: 'Api',
  parameters: {
    ModelId: { Type: 'String', Default: 'anthropic.claude-haiku-4-5-20251001-v1:0' },
    Ids: { Type: 'CommaDelimitedList', Default: 'a, b' },
    FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/config/model' },
    NoDefault: { Type: 'String' },
  },
  mappings: { Models: { 'eu-west-1': { Chat: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' } } },
};

describe('intrinsic evaluator', () => {
  test('evaluates the Fn::Join ARN CDK writes with pseudo parameters', () => {
    expect(evaluateAll({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':x/', { Ref: 'AWS::URLSuffix' }]] }, ctx))
      .toEqual(['arn:aws:bedrock:eu-west-1:111111111111:x/amazonaws.com']);
  });

  test('evaluates Fn::Sub with pseudo parameters, parameters, variables, literals and attributes', () => {
    expect(evaluateAll({ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${ModelId}' }, ctx))
      .toEqual(['arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0']);
    expect(evaluateAll({ 'Fn::Sub': ['${A}-${!Literal}-${AWS::StackName}', { A: { Ref: 'ModelId' } }] }, ctx))
      .toEqual(['anthropic.claude-haiku-4-5-20251001-v1:0-${Literal}-Api']);
    const [withAttr] = evaluateStrings({ 'Fn::Sub': '${Bucket.Arn}/x' }, ctx);
    expect(hasUnknown(withAttr)).toBe(true);
    expect(displayValue(withAttr)).toBe('<unknown>/x');
  });

  test('Fn::If yields both branches and AWS::NoValue disappears from lists', () => {
    expect(evaluateAll({ 'Fn::If': ['C', 'a', 'b'] }, ctx)).toEqual(['a', 'b']);
    expect(evaluateAll(['x', { 'Fn::If': ['C', 'y', { Ref: 'AWS::NoValue' }] }], ctx)).toEqual([['x', 'y'], ['x']]);
    expect(evaluateAll({ K: { 'Fn::If': ['C', 'v', { Ref: 'AWS::NoValue' }] } }, ctx)).toEqual([{ K: 'v' }, {}]);
  });

  test('Fn::Select, Fn::Split, Fn::FindInMap and list parameters', () => {
    expect(evaluateAll({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, ctx)).toEqual(['b']);
    expect(evaluateAll({ 'Fn::Select': ['0', { Ref: 'Ids' }] }, ctx)).toEqual(['a']);
    expect(evaluateAll({ 'Fn::FindInMap': ['Models', { Ref: 'AWS::Region' }, 'Chat'] }, ctx)).toEqual(['eu.anthropic.claude-haiku-4-5-20251001-v1:0']);
    expect(evaluateAll({ 'Fn::Select': [5, ['a']] }, ctx)).toEqual([UNKNOWN]);
  });

  test('unknowable values become markers, not guesses', () => {
    expect(evaluateAll({ 'Fn::GetAtt': ['Fn', 'Arn'] }, ctx)).toEqual([UNKNOWN]);
    expect(evaluateAll({ Ref: 'FromSsm' }, ctx)).toEqual([UNKNOWN]);
    expect(evaluateAll({ Ref: 'NoDefault' }, ctx)).toEqual([UNKNOWN]);
    expect(evaluateAll({ Ref: 'SomeResource' }, ctx)).toEqual([UNKNOWN]);
    expect(evaluateAll({ 'Fn::ImportValue': 'x' }, ctx)).toEqual([UNKNOWN]);
  });

  test('an unknown Region stays a marker that renders as ${AWS::Region}', () => {
    const [arn] = evaluateStrings({ 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/x' }, {});
    expect(displayValue(arn)).toBe('arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/x');
    expect(arn.split(':')).toHaveLength(6);
  });

  test('tries every Fn::If combination up to the cap', () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ 'Fn::If': ['C', `a${i}`, `b${i}`] }));
    const all = evaluateStrings({ 'Fn::Join': ['', five] }, ctx);
    expect(all).toHaveLength(32);
    expect(all).toContain('a0b1a2b3a4');
  });

  test('above the cap, keeps the number of variants bounded and every branch value in at least one variant', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ 'Fn::If': ['C', `a${i}`, { 'Fn::If': ['D', `b${i}`, `c${i}`] }] }));
    const joined = evaluateStrings({ 'Fn::Join': [',', many] }, ctx);
    expect(joined.length).toBeLessThanOrEqual(MAX_VARIANTS);
    for (let i = 0; i < 10; i++) {
      for (const v of [`a${i}`, `b${i}`, `c${i}`]) expect(joined.some((j) => j.split(',')[i] === v)).toBe(true);
    }
    const lists = evaluateAll(many, ctx) as string[][];
    expect(lists.length).toBeLessThanOrEqual(MAX_VARIANTS);
    for (let i = 0; i < 10; i++) {
      for (const v of [`a${i}`, `b${i}`, `c${i}`]) expect(lists.some((l) => l[i] === v)).toBe(true);
    }
  });

  test('partitions of Regions', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(evaluateAll({ Ref: 'AWS::URLSuffix' }, { region: 'cn-north-1' })).toEqual(['amazonaws.com.cn']);
  });
});
