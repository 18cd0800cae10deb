import { App, CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SampleStack } from '../../bin/sample-stack';
import { BedrockChecks } from '../../lib/nag';
import { NOW_ISO } from './util';

/**
 * The sample app's BedrockMonitoring, added after its invokers (bin/sample-stack.ts): every
 * invoker is watched, including those fed by the PinnedModelConfig, and both packs stay clean.
 */
describe('BedrockMonitoring on the sample app', () => {
  const app = new App({ context: { 'cdk-bedrock-foundation:now': NOW_ISO } });
  const stack = new SampleStack(app, 'BedrockFoundationSample', { env: { region: 'us-east-1' } });
  const monitoring = stack.monitoring!;

  test('watches the chat, embedding and RAG invokers and their three model IDs', () => {
    expect(monitoring.invokerPaths).toEqual(['BedrockFoundationSample/Chat', 'BedrockFoundationSample/Embed', 'BedrockFoundationSample/Ask']);
    // The chat invoker calls through the tagged application inference profile (its ARN, a deploy-time value, is the
    // ModelId the monitoring watches); the RAG invoker calls the geographic profile directly.
    expect(stack.resolve(monitoring.modelIds)).toEqual([
      { 'Fn::GetAtt': [stack.getLogicalId(stack.chatProfile.node.defaultChild as CfnResource), 'InferenceProfileArn'] },
      'amazon.titan-embed-text-v2:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    ]);
    expect(monitoring.forecast!.models.map((m) => stack.resolve(m.modelId))).toHaveLength(2);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 3 * 4 + 3 * 2 + 1);
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
