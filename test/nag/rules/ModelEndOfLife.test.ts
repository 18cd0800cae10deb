import { App, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { packViolations, testStack } from '../util';

const RULE = 'Bedrock-ModelEndOfLife';

describe('Bedrock-ModelEndOfLife: models have not reached end of life', () => {
  test('Noncompliance 1: model past its end-of-life date at the synth date', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'anthropic.claude-3-haiku-20240307-v1:0' });
    expect(packViolations(app, RULE)).toEqual([`${RULE}[anthropic.claude-3-haiku-20240307-v1:0]`]);
  });

  test('Compliance 1: the same model judged before its end-of-life date (context cdk-bedrock-foundation:now)', () => {
    const app = new App({ context: { 'cdk-bedrock-foundation:now': '2024-06-01' } });
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
    new ssm.StringParameter(stack, 'P', { stringValue: 'anthropic.claude-3-haiku-20240307-v1:0' });
    expect(packViolations(app, RULE)).toEqual([]);
  });

  test('Compliance 2: active model', () => {
    const { app, stack } = testStack();
    new ssm.StringParameter(stack, 'P', { stringValue: 'anthropic.claude-haiku-4-5-20251001-v1:0' });
    expect(packViolations(app, RULE)).toEqual([]);
  });
});
