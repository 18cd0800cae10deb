// The rule core takes its rules from its callers: it must work without loading the rule list.
jest.mock('../../../lib/nag/rules', () => {
  throw new Error('lib/nag/rules was loaded');
});

import type { BedrockRule } from '../../../lib/nag/core/types';

describe('the rule core without lib/nag/rules', () => {
  test('loads and runs the rules its caller passes', () => {
    const { checkTemplate } = require('../../../lib/nag/core/check') as typeof import('../../../lib/nag/core/check');
    const { defineResourceRule } = require('../../../lib/nag/core/model-rule') as typeof import('../../../lib/nag/core/model-rule');
    const rule: BedrockRule = defineResourceRule({
      name: 'EveryTopic',
      level: 'warning',
      info: 'A topic.',
      explanation: 'Test rule.',
      check: (resource) => (resource.Type === 'AWS::SNS::Topic' ? [{ message: 'a topic', code: 'Topic' }] : []),
    });
    const findings = checkTemplate({ Resources: { T: { Type: 'AWS::SNS::Topic' }, Q: { Type: 'AWS::SQS::Queue' } } },
      { now: new Date('2026-11-25T00:00:00Z'), rules: [rule] });
    expect(findings.map((f) => [f.ruleId, f.logicalId, f.code])).toEqual([['Bedrock-EveryTopic', 'T', 'Topic']]);
  });

  test('the test itself would notice the rule list being loaded', () => {
    expect(() => require('../../../lib/nag/rules')).toThrow(/lib\/nag\/rules was loaded/);
  });
});
