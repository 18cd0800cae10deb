import { PositionIndex } from '../../lib/cli/positions';

describe('lines of properties in a template', () => {
  const json = [
    '{',
    '  "Resources": {',
    '    "Fn": {',
    '      "Type": "AWS::Lambda::Function",',
    '      "Properties": {',
    '        "Environment": { "Variables": {',
    '          "A\\"B": "x",',
    '          "MODEL_ID": "anthropic.claude-3-haiku-20240307-v1:0"',
    '        } },',
    '        "Layers": [',
    '          "one",',
    '          { "Ref": "Two" }',
    '        ]',
    '      }',
    '    },',
    '    "Other": { "Type": "AWS::SSM::Parameter", "Properties": { "Value": "v" } }',
    '  }',
    '}',
  ].join('\n');

  test('JSON: the line of a key, of a list element, and of the deepest known part of a longer path', () => {
    const idx = PositionIndex.of(json, 'json', new Set(['Fn']));
    expect(idx.lineOf(['Resources', 'Fn'])).toEqual({ line: 3, exact: true });
    expect(idx.lineOf(['Resources', 'Fn', 'Properties', 'Environment', 'Variables', 'MODEL_ID'])).toEqual({ line: 8, exact: true });
    expect(idx.lineOf(['Resources', 'Fn', 'Properties', 'Environment', 'Variables', 'A"B'])).toEqual({ line: 7, exact: true });
    expect(idx.lineOf(['Resources', 'Fn', 'Properties', 'Layers', 1])).toEqual({ line: 12, exact: true });
    expect(idx.lineOf(['Resources', 'Fn', 'Properties', 'Layers', 1, 'Ref', 'x'])).toEqual({ line: 12, exact: false });
    // Resources not asked for: only their own line.
    expect(idx.lineOf(['Resources', 'Other', 'Properties', 'Value'])).toEqual({ line: 16, exact: false });
  });

  test('minified JSON puts everything on line 1', () => {
    const idx = PositionIndex.of(JSON.stringify(JSON.parse(json)), 'json', new Set(['Fn']));
    expect(idx.lineOf(['Resources', 'Fn', 'Properties', 'Environment', 'Variables', 'MODEL_ID'])).toEqual({ line: 1, exact: true });
  });

  test('YAML with short-form tags: key lines, list elements, tagged values', () => {
    const yaml = [
      'Resources:',
      '  Policy:',
      '    Type: AWS::IAM::ManagedPolicy',
      '    Properties:',
      '      PolicyDocument:',
      '        Statement:',
      '          - Effect: Allow',
      '            Action: bedrock:InvokeModel',
      '            Resource:',
      '              - !Sub arn:${AWS::Partition}:bedrock:*',
      '              - !GetAtt Profile.Arn',
    ].join('\n');
    const idx = PositionIndex.of(yaml, 'yaml', new Set(['Policy']));
    expect(idx.lineOf(['Resources', 'Policy'])).toEqual({ line: 2, exact: true });
    expect(idx.lineOf(['Resources', 'Policy', 'Properties', 'PolicyDocument', 'Statement', 0, 'Action'])).toEqual({ line: 8, exact: true });
    expect(idx.lineOf(['Resources', 'Policy', 'Properties', 'PolicyDocument', 'Statement', 0, 'Resource', 1])).toEqual({ line: 11, exact: true });
  });

  test('a truncated file gives the positions read so far, without an error or a hang', () => {
    const idx = PositionIndex.of('{"Resources": {\n"A": {"Properties": [', 'json', new Set(['A']));
    expect(idx.lineOf(['Resources', 'A', 'Properties'])).toEqual({ line: 2, exact: true });
    expect(PositionIndex.of('Resources: [unclosed', 'yaml', new Set(['A'])).lineOf(['Resources', 'A'])).toEqual({ line: 1, exact: false });
  });
});
