import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SampleStack } from '../../bin/sample-stack';
import { BedrockMonitoring } from '../../lib';
import { BedrockChecks } from '../../lib/nag';
import { NOW_ISO } from './util';

/**
 * The sample app with a BedrockMonitoring added after its invokers (the lines proposed for bin/sample-stack.ts): every
 * invoker is watched, including those fed by the PinnedModelConfig, and both packs stay clean.
 */
describe('BedrockMonitoring on the sample app', () => {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });
  const monitoring = new BedrockMonitoring(stack, 'Monitoring', {
    monthlyBudgetUsd: 300,
    traffic: [
      { invoker: stack.chat, requestsPerDay: 2000, inputTokensPerRequest: 1500, outputTokensPerRequest: 400 },
      { invoker: stack.embedder, requestsPerDay: 20000, inputTokensPerRequest: 300 },
    ],
  });

  test('watches the chat, embedding and RAG invokers and their two models', () => {
    expect(monitoring.invokerPaths).toEqual(['BedrockFoundationSample/Chat', 'BedrockFoundationSample/Embed', 'BedrockFoundationSample/Ask']);
    expect(monitoring.modelIds).toEqual(['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.titan-embed-text-v2:0']);
    expect(monitoring.forecast!.models.map((m) => m.modelId)).toEqual(['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'amazon.titan-embed-text-v2:0']);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 2 * 4 + 3 * 2 + 1);
  });

  test.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Bedrock', () => new BedrockChecks()],
  ])('has zero errors in the %s pack', (_name, pack) => {
    const errors = pack().validateScope(app).violations.filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });
});
