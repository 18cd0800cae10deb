import { matchesAnyBedrockResource, modelScope, resourceMatches } from '../../../lib/nag/core/arn-pattern';

/**
 * IAM User Guide, "IAM JSON policy elements: Resource", "Using wildcards in resource ARNs": a '*' that is the last
 * character of an ARN segment can match beyond the colon boundaries; within a segment '*' also matches '/'.
 */
describe('resource patterns are matched as IAM matches them', () => {
  test.each([
    ['arn:aws:bedrock:*', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
    ['arn:aws:bedrock:us-east-1:*', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
    ['arn:aws:bedrock:us-east-1:*', 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0', false],
    ['arn:aws:bedrock:*:*:*', 'arn:aws:bedrock:eu-west-1:111111111111:inference-profile/eu.amazon.nova-pro-v1:0', true],
    ['arn:aws:bedrock:us-*-1::foundation-model/*', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
    ['arn:aws:bedrock:us-*-1::foundation-model/*', 'arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0', false],
    ['arn:aws:bedrock:*::foundation-model/anthropic.*', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1', true],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-?ro-v1:0', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', true],
    ['arn:aws:s3:::*', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', false],
  ])('%s matches %s: %s', (pattern, arn, expected) => {
    expect(resourceMatches(pattern, arn)).toBe(expected);
  });

  test('a wildcard inside a segment before the resource does not cross a colon', () => {
    expect(resourceMatches('arn:aws:bedrock:us-east-1*foundation-model/x', 'arn:aws:bedrock:us-east-1::foundation-model/x')).toBe(false);
  });
});

describe('what a Resource entry grants of Bedrock models', () => {
  test.each([
    ['*', 'all'],
    ['arn:aws:bedrock:*', 'all'],
    ['arn:aws:bedrock:us-east-1:*', 'all'],
    ['arn:aws:bedrock:*:*:*', 'all'],
    ['arn:aws:bedrock:us-east-1::foundation-model/*', 'all'],
    ['arn:aws:bedrock:us-east-1:111111111111:inference-profile/*', 'all'],
    ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.*', 'provider'],
    ['arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.*', 'provider'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-*', 'several'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', 'none'],
    ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:*', 'none'],
    ['arn:aws:bedrock:us-east-1:111111111111:knowledge-base/*', 'none'],
    ['arn:aws:s3:::bucket/*', 'none'],
  ])('%s: %s', (pattern, scope) => {
    expect(modelScope(pattern).scope).toBe(scope);
  });

  test('a provider wildcard names its provider; a family wildcard lists the catalog models it matches', () => {
    expect(modelScope('arn:aws:bedrock:us-east-1::foundation-model/anthropic.*').provider).toBe('anthropic');
    const family = modelScope('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-*');
    expect(family.matched).toEqual(expect.arrayContaining(['amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0']));
    expect(family.matched.every((m) => m.startsWith('amazon.nova-'))).toBe(true);
  });

  test('patterns that may match a Bedrock resource', () => {
    expect(matchesAnyBedrockResource('*')).toBe(true);
    expect(matchesAnyBedrockResource('arn:aws:*')).toBe(true);
    expect(matchesAnyBedrockResource('arn:aws:bedrock:us-east-1:111111111111:knowledge-base/ABC')).toBe(true);
    expect(matchesAnyBedrockResource('arn:aws:s3:::*')).toBe(false);
    expect(matchesAnyBedrockResource('arn:aws:lambda:us-east-1:111111111111:function:*')).toBe(false);
  });
});
