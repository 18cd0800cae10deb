/**
 * Issue 23's catalog-side items as the checks see them (the policy side is tested in test/catalog and test/parity):
 * retired models are end-of-life, a profile AWS does not document names the AWS-documented one for the Region.
 */
import { checkTemplate } from '../../lib/nag/core/check';
import { ALL_RULES } from '../../lib/nag/rules';

const NOW = new Date('2026-12-07T00:00:00Z');

function findings(modelId: string, region: string) {
  const template = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { MODEL_ID: modelId } } } },
    },
  };
  return checkTemplate(template, { region, now: NOW, rules: ALL_RULES }).map((f) => ({ rule: f.ruleId, level: f.level, message: f.message }));
}

describe('catalog facts in the checks (issue 23)', () => {
  test.each(['anthropic.claude-v2', 'anthropic.claude-v2:1', 'anthropic.claude-instant-v1'])('%s is end-of-life, not "Region cannot be checked"', (id) => {
    const found = findings(id, 'us-east-1');
    expect(found.map((f) => f.rule)).toContain('Bedrock-ModelEndOfLife');
    expect(found.map((f) => f.message).join('\n')).not.toMatch(/cannot be checked/);
  });

  test('an apac. profile AWS does not document, called from ap-northeast-1, names the AWS-documented jp. profile', () => {
    const found = findings('apac.anthropic.claude-haiku-4-5-20251001-v1:0', 'ap-northeast-1');
    expect(found.map((f) => f.message).join('\n')).toMatch(/jp\.anthropic\.claude-haiku-4-5-20251001-v1:0/);
  });
});
