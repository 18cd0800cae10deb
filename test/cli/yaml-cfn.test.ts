import { parseCfnYaml } from '../../lib/cli/yaml-cfn';

describe('YAML CloudFormation short-form tags', () => {
  test('become the long forms', () => {
    const t = parseCfnYaml([
      'Resources:',
      '  R:',
      '    Properties:',
      '      A: !Ref ModelId',
      "      B: !Sub 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${ModelId}'",
      "      C: !Sub ['${X}', { X: !Ref AWS::Region }]",
      '      D: !GetAtt Role.Arn',
      '      E: !GetAtt [Role, Arn]',
      "      F: !Join ['', [a, !Select [1, !Split [',', 'x,y']]]]",
      '      G: !If [IsProd, !FindInMap [M, !Ref AWS::Region, Model], !Ref AWS::NoValue]',
      '      H: !ImportValue Shared-Model',
      '      I: !Base64 { "Fn::Sub": "x" }',
      '      J: !Condition IsProd',
      '      K: !Not [!Equals [a, b]]',
      '      L: !GetAZs ""',
    ].join('\n')) as any;
    expect(t.Resources.R.Properties).toEqual({
      A: { Ref: 'ModelId' },
      B: { 'Fn::Sub': 'arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${ModelId}' },
      C: { 'Fn::Sub': ['${X}', { X: { Ref: 'AWS::Region' } }] },
      D: { 'Fn::GetAtt': ['Role', 'Arn'] },
      E: { 'Fn::GetAtt': ['Role', 'Arn'] },
      F: { 'Fn::Join': ['', ['a', { 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y'] }] }]] },
      G: { 'Fn::If': ['IsProd', { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'Model'] }, { Ref: 'AWS::NoValue' }] },
      H: { 'Fn::ImportValue': 'Shared-Model' },
      I: { 'Fn::Base64': { 'Fn::Sub': 'x' } },
      J: { Condition: 'IsProd' },
      K: { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] },
      L: { 'Fn::GetAZs': '' },
    });
  });

  test('keeps dates and versions as written by CloudFormation', () => {
    const t = parseCfnYaml("AWSTemplateFormatVersion: '2010-09-09'\nVersion: 2012-10-17\nResources: {}\n") as any;
    expect(t.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(t.Version).toBe('2012-10-17');
  });

  test('throws on malformed YAML with the position', () => {
    expect(() => parseCfnYaml('Resources:\n  A: [unclosed\n')).toThrow(/line \d+, column \d+/);
  });
});
