import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  BedrockModel, BedrockMonitoring, BedrockMonitoringProps, EmbeddingInvoker, KnowledgeBase, ModelInvoker,
  PinnedModelConfig, RagInvoker,
} from '../../lib';
import { BedrockValidationError } from '../../lib/private/errors';
import { dashboardBody, testStack } from './util';

const HAIKU_US = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

function chatStack(): { stack: Stack; chat: ModelInvoker } {
  const stack = testStack();
  const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(HAIKU_US) });
  return { stack, chat };
}

/** The BedrockValidationError a construction throws (fails the test when none is thrown). */
function errorOf(fn: () => unknown): BedrockValidationError {
  try { fn(); } catch (e) { return e as BedrockValidationError; }
  throw new Error('expected a BedrockValidationError, nothing was thrown');
}

function alarmsOf(t: Template, scopeMatch: RegExp): Record<string, any> {
  return Object.fromEntries(Object.entries(t.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => scopeMatch.test(id)));
}

describe('BedrockMonitoring', () => {
  describe('defaults', () => {
    const { stack } = chatStack();
    const mon = new BedrockMonitoring(stack, 'Monitoring');
    const t = Template.fromStack(stack);
    const topic = { Ref: stack.getLogicalId(mon.node.findChild('AlarmTopic').node.defaultChild as sns.CfnTopic) };
    const service = (name: string) => ({ Namespace: 'AWS/Bedrock', MetricName: name, Dimensions: [{ Name: 'ModelId', Value: HAIKU_US }] });
    const common = { EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching', Period: 300, AlarmActions: [topic] };

    test('creates an SNS topic that only accepts publishing over TLS', () => {
      t.resourceCountIs('AWS::SNS::Topic', 1);
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [topic],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]) },
      });
    });

    test.each([
      ['InvocationThrottles', 5],
      ['InvocationServerErrors', 1],
      ['InvocationClientErrors', 5],
    ])('alarms on AWS/Bedrock %s per model at >= %d per 5 minutes in 2 of 3 periods', (metric, threshold) => {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...service(metric), ...common, Statistic: 'Sum', Threshold: threshold, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    test('alarms on the model\'s p99 InvocationLatency above 30 s (half the invoker timeout)', () => {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...service('InvocationLatency'), ...common, ExtendedStatistic: 'p99', Threshold: 30000, ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    test('alarms on the invoker\'s own p99 Latency, by service and ModelId', () => {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'CdkBedrockFoundation', MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 30000, ...common,
        Dimensions: Match.arrayEquals([{ Name: 'ModelId', Value: HAIKU_US }, { Name: 'service', Value: 'text-invoker' }]),
      });
    });

    test('alarms on the invoker\'s Errors with and without the ModelId dimension, summed', () => {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(withModel, 0) + FILL(beforeModel, 0)', ReturnData: true }),
          Match.objectLike({ Id: 'withModel', MetricStat: Match.objectLike({ Stat: 'Sum', Period: 300, Metric: {
            Namespace: 'CdkBedrockFoundation', MetricName: 'Errors',
            Dimensions: Match.arrayEquals([{ Name: 'ModelId', Value: HAIKU_US }, { Name: 'service', Value: 'text-invoker' }]),
          } }) }),
          Match.objectLike({ Id: 'beforeModel', MetricStat: Match.objectLike({ Metric: {
            Namespace: 'CdkBedrockFoundation', MetricName: 'Errors', Dimensions: [{ Name: 'service', Value: 'text-invoker' }],
          } }) }),
        ]),
      });
    });

    test('creates 6 alarms (4 for the model, 2 for the invoker), no spend alarm and no budget', () => {
      t.resourceCountIs('AWS::CloudWatch::Alarm', 6);
      t.resourceCountIs('AWS::Budgets::Budget', 0);
      expect(mon.dailyCostAlarm).toBeUndefined();
      expect(mon.modelIds).toEqual([HAIKU_US]);
      expect(mon.invokerPaths).toEqual(['Mon/Chat']);
    });

    test('the dashboard has a header, the alarm states, a row per model and a row per invoker on a 24-column grid', () => {
      const widgets = dashboardBody(t).widgets;
      expect(widgets[0]).toMatchObject({ type: 'text', width: 24 });
      expect(widgets[1]).toMatchObject({ type: 'alarm', width: 24, properties: { title: 'Alarms' } });
      expect(widgets[1].properties.alarms).toHaveLength(6);
      const titles = widgets.filter((w: any) => w.type === 'metric').map((w: any) => w.properties.title);
      expect(titles).toEqual(['Invocations', 'Tokens', 'Latency (ms)', 'Throttles', 'Errors', 'Estimated cost (USD)',
        'Calls and errors', 'Latency (ms)', 'Tokens', 'Estimated cost (USD)']);
      for (const w of widgets) expect(w.x + w.width).toBeLessThanOrEqual(24);
      const latency = widgets.find((w: any) => w.properties.title === 'Latency (ms)');
      expect(latency.properties.metrics).toEqual([
        ['AWS/Bedrock', 'InvocationLatency', 'ModelId', HAIKU_US, expect.objectContaining({ stat: 'p50' })],
        ['AWS/Bedrock', 'InvocationLatency', 'ModelId', HAIKU_US, expect.objectContaining({ stat: 'p99' })],
      ]);
    });
  });

  test('every threshold is configurable', () => {
    const { stack } = chatStack();
    new BedrockMonitoring(stack, 'Monitoring', {
      thresholds: {
        throttlesPerPeriod: 20, serverErrorsPerPeriod: 3, clientErrorsPerPeriod: 50, latencyMs: 8000, latencyPercentile: 99.9,
        invokerErrorsPerPeriod: 7, invokerLatencyMs: 9000, period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3,
      },
    });
    const t = Template.fromStack(stack);
    const at = { Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3 };
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationThrottles', Threshold: 20, ...at });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationServerErrors', Threshold: 3, ...at });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationClientErrors', Threshold: 50, ...at });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationLatency', ExtendedStatistic: 'p99.9', Threshold: 8000, ...at });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', ExtendedStatistic: 'p99.9', Threshold: 9000, ...at });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 7, EvaluationPeriods: 5, Metrics: Match.anyValue() });
  });

  describe('rejects thresholds out of range, naming the value and the valid range', () => {
    test.each<[string, BedrockMonitoringProps['thresholds'], RegExp]>([
      ['zero throttles', { throttlesPerPeriod: 0 }, /thresholds\.throttlesPerPeriod is 0; give a whole number from 1/],
      ['fractional server errors', { serverErrorsPerPeriod: 1.5 }, /thresholds\.serverErrorsPerPeriod is 1\.5; give a whole number from 1/],
      ['negative client errors', { clientErrorsPerPeriod: -2 }, /thresholds\.clientErrorsPerPeriod is -2/],
      ['zero latency', { latencyMs: 0 }, /thresholds\.latencyMs is 0; give a number greater than 0/],
      ['infinite invoker latency', { invokerLatencyMs: Infinity }, /thresholds\.invokerLatencyMs is Infinity/],
      ['percentile 100', { latencyPercentile: 100 }, /thresholds\.latencyPercentile is 100; give a number greater than 0 and at most 99\.99 with at most 2 decimal places: e\.g\. 99 for p99/],
      ['percentile with 3 decimals', { latencyPercentile: 99.995 }, /latencyPercentile is 99\.995/],
      ['zero invoker errors', { invokerErrorsPerPeriod: 0 }, /thresholds\.invokerErrorsPerPeriod is 0/],
      ['25 evaluation periods', { evaluationPeriods: 25 }, /thresholds\.evaluationPeriods is 25; give a whole number from 1 to 24/],
      ['more datapoints than periods', { evaluationPeriods: 2, datapointsToAlarm: 3 }, /thresholds\.datapointsToAlarm is 3; give a whole number from 1 to 2: at most evaluationPeriods \(2\)/],
      ['a 30-second period', { period: Duration.seconds(30) }, /thresholds\.period is 30 seconds; give whole minutes from Duration\.minutes\(1\) to Duration\.minutes\(60\)/],
      ['a 2-hour period', { period: Duration.hours(2) }, /thresholds\.period is 2 hours/],
    ])('%s', (_name, thresholds, message) => {
      const { stack } = chatStack();
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', { thresholds }));
      expect(e).toBeInstanceOf(BedrockValidationError);
      expect(e.code).toBe('InvalidThreshold');
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/\(at Mon\/Monitoring\)/);
    });
  });

  describe('spend control', () => {
    test('a daily alarm on the invokers\' EstimatedCostUSD summed over 24 hours at the monthly budget / 30.4375', () => {
      const { stack } = chatStack();
      new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of(TITAN_V2) });
      const mon = new BedrockMonitoring(stack, 'Monitoring', { monthlyBudgetUsd: 304.375 });
      const t = Template.fromStack(stack);
      expect(mon.dailyCostAlarm).toBeDefined();
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(m0, 0) + FILL(m1, 0)' }),
          Match.objectLike({ Id: 'm0', MetricStat: Match.objectLike({ Period: 86400, Stat: 'Sum', Metric: Match.objectLike({ MetricName: 'EstimatedCostUSD',
            Dimensions: Match.arrayWith([{ Name: 'service', Value: 'text-invoker' }]) }) }) }),
          Match.objectLike({ Id: 'm1', MetricStat: Match.objectLike({ Period: 86400, Metric: Match.objectLike({ MetricName: 'EstimatedCostUSD',
            Dimensions: Match.arrayWith([{ Name: 'service', Value: 'embedding-invoker' }]) }) }) }),
        ]),
      });
      const widgets = dashboardBody(t).widgets;
      expect(widgets[1]).toMatchObject({ type: 'metric', width: 12, properties: { title: 'Estimated cost per 24 h (USD) vs daily budget',
        annotations: { horizontal: [{ value: 10, label: 'daily budget' }] } } });
      expect(widgets[2]).toMatchObject({ type: 'alarm', width: 12, x: 12 });
    });

    test('dailyCostAlarmUsd overrides the daily threshold; one invoker is watched without metric math', () => {
      const { stack } = chatStack();
      new BedrockMonitoring(stack, 'Monitoring', { monthlyBudgetUsd: 500, dailyCostAlarmUsd: 40 });
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'EstimatedCostUSD', Statistic: 'Sum', Period: 86400, Threshold: 40,
        Dimensions: Match.arrayEquals([{ Name: 'ModelId', Value: HAIKU_US }, { Name: 'service', Value: 'text-invoker' }]),
      });
    });

    test.each<[string, Partial<BedrockMonitoringProps>, string, RegExp]>([
      ['a budget of zero', { monthlyBudgetUsd: 0 }, 'InvalidBudget', /monthlyBudgetUsd is 0; give a number greater than 0: a budget of 0 would make every cent an overrun/],
      ['a negative budget', { monthlyBudgetUsd: -10 }, 'InvalidBudget', /monthlyBudgetUsd is -10/],
      ['a budget that is not a number', { monthlyBudgetUsd: NaN }, 'InvalidBudget', /monthlyBudgetUsd is NaN/],
      ['a daily alarm of zero', { monthlyBudgetUsd: 10, dailyCostAlarmUsd: 0 }, 'InvalidBudget', /dailyCostAlarmUsd is 0/],
      ['a daily alarm without a budget', { dailyCostAlarmUsd: 5 }, 'BudgetMissing', /dailyCostAlarmUsd needs monthlyBudgetUsd/],
      ['an AWS budget without a budget', { awsBudget: { serviceNames: ['Amazon Bedrock'] } }, 'BudgetMissing', /awsBudget needs monthlyBudgetUsd/],
      ['an AWS budget without service names', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: [] } }, 'InvalidBudgetFilter', /awsBudget\.serviceNames is \[\]; list the non-empty service names/],
      ['an AWS budget with a blank service name', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: [' '] } }, 'InvalidBudgetFilter', /serviceNames is \[" "\]/],
      ['11 email subscribers', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: ['S'], emailAddresses: Array.from({ length: 11 }, (_, i) => `ops${i}@example.com`) } },
        'InvalidBudgetSubscribers', /has 11 addresses; AWS Budgets takes at most 10 email subscribers/],
      ['a budget that notifies nobody', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: ['S'], notifyAlarmTopic: false } }, 'InvalidBudgetSubscribers', /notifies nobody/],
      ['a threshold of 0 %', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: ['S'], actualThresholdsPercent: [0] } }, 'InvalidBudgetThreshold', /actualThresholdsPercent\[0\] is 0/],
      ['a forecast threshold above 1,000,000 %', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: ['S'], forecastedThresholdPercent: 2e6 } }, 'InvalidBudgetThreshold', /forecastedThresholdPercent is 2000000; give a number greater than 0 and at most 1000000/],
      ['10 actual thresholds', { monthlyBudgetUsd: 10, awsBudget: { serviceNames: ['S'], actualThresholdsPercent: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] } }, 'InvalidBudgetThreshold', /11 notifications .* at most 10/],
    ])('fails for %s', (_name, props, code, message) => {
      const { stack } = chatStack();
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', props));
      expect({ code: e.code, message: e.message }).toEqual({ code, message: expect.stringMatching(message) });
    });

    test('an AWS Budgets budget over the named services, notifying the topic (allowed to publish) and the emails', () => {
      const { stack } = chatStack();
      const mon = new BedrockMonitoring(stack, 'Monitoring', {
        monthlyBudgetUsd: 250, awsBudget: { serviceNames: ['Amazon Bedrock'], emailAddresses: ['ops@example.com'] },
      });
      const t = Template.fromStack(stack);
      const topic = { Ref: stack.getLogicalId(mon.node.findChild('AlarmTopic').node.defaultChild as sns.CfnTopic) };
      const subscribers = [{ SubscriptionType: 'SNS', Address: topic }, { SubscriptionType: 'EMAIL', Address: 'ops@example.com' }];
      const n = (type: string, threshold: number) => ({
        Notification: { NotificationType: type, ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
        Subscribers: subscribers,
      });
      t.hasResourceProperties('AWS::Budgets::Budget', {
        Budget: {
          BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 250, Unit: 'USD' },
          FilterExpression: { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } },
        },
        NotificationsWithSubscribers: [n('ACTUAL', 80), n('ACTUAL', 100), n('FORECASTED', 100)],
      });
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AWSBudgetsSNSPublishingPermissions', Effect: 'Allow', Principal: { Service: 'budgets.amazonaws.com' }, Action: 'SNS:Publish',
          Resource: topic,
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':budgets::123456789012:*']] } },
          },
        })]) },
      });
      const [budget] = Object.values(t.findResources('AWS::Budgets::Budget')) as any[];
      const [policyId] = Object.keys(t.findResources('AWS::SNS::TopicPolicy'));
      expect(budget.DependsOn).toContain(policyId);
    });

    test('with an imported topic, warns that its policy must allow AWS Budgets to publish', () => {
      const { stack } = chatStack();
      const topic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:us-east-1:123456789012:ops');
      new BedrockMonitoring(stack, 'Monitoring', { alarmTopic: topic, monthlyBudgetUsd: 10, awsBudget: { serviceNames: ['Amazon Bedrock'] } });
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::SNS::Topic', 0);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'] });
      Annotations.fromStack(stack).hasWarning('/Mon/Monitoring', Match.stringLikeRegexp(
        'imported.*allow budgets.amazonaws.com to SNS:Publish.*budgets-sns-policy.html.*\\[ack: cdk-bedrock-foundation:MonitoringBudgetTopicPolicy\\]'));
    });

    test('warns that RetrieveAndGenerate spend is not in the daily cost alarm', () => {
      const { stack } = chatStack();
      const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
      new RagInvoker(stack, 'Ask', { knowledgeBase: kb, model: BedrockModel.of(HAIKU_US) });
      new BedrockMonitoring(stack, 'Monitoring', { monthlyBudgetUsd: 100 });
      Annotations.fromStack(stack).hasWarning('/Mon/Monitoring', Match.stringLikeRegexp(
        'does not see RagInvoker Mon/Ask \\(us\\.anthropic.*no token usage.*MonitoringCostNotMeasured'));
    });

    test('fails when the daily cost would need more than 10 metrics in one alarm', () => {
      const stack = testStack();
      for (let i = 0; i < 11; i++) new ModelInvoker(stack, `Chat${i}`, { model: BedrockModel.of(HAIKU_US), serviceName: `chat-${i}` });
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', { monthlyBudgetUsd: 100 }));
      expect(e.code).toBe('TooManyCostSeries');
      expect(e.message).toMatch(/sum 11 EstimatedCostUSD series .* at most 10 metrics\. Give invokers of the same model the same serviceName/);
    });
  });

  describe('which invokers and models', () => {
    test('finds every invoker of the stack; invokers of one model and service share their alarms', () => {
      const { stack } = chatStack();
      new ModelInvoker(stack, 'Chat2', { model: BedrockModel.of(HAIKU_US) });
      new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of(TITAN_V2), metricsNamespace: 'Custom/Embeddings', serviceName: 'embedder' });
      const mon = new BedrockMonitoring(stack, 'Monitoring');
      const t = Template.fromStack(stack);
      expect(mon.invokerPaths).toEqual(['Mon/Chat', 'Mon/Chat2', 'Mon/Embed']);
      expect(mon.modelIds).toEqual([HAIKU_US, TITAN_V2]);
      t.resourceCountIs('AWS::CloudWatch::Alarm', 2 * 4 + 2 * 2);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Custom/Embeddings', MetricName: 'Latency',
        Dimensions: Match.arrayEquals([{ Name: 'ModelId', Value: TITAN_V2 }, { Name: 'service', Value: 'embedder' }]),
      });
      expect(Object.values(alarmsOf(t, /Invoker/)).map((a: any) => a.Properties.AlarmDescription).join('\n')).toMatch(/Latency of Mon\/Chat, Mon\/Chat2 /);
    });

    test('fails at synth, naming the invoker, when an invoker is created after the monitoring', () => {
      const { stack } = chatStack();
      new BedrockMonitoring(stack, 'Monitoring');
      new EmbeddingInvoker(stack, 'Late', { model: BedrockModel.of(TITAN_V2) });
      expect(() => Template.fromStack(stack)).toThrow(
        /BedrockMonitoring Mon\/Monitoring was created before Mon\/Late, so it does not watch it: create the monitoring after every invoker, or list the invokers in `invokers`/);
    });

    test('watches only the invokers given, and no late-invoker check applies', () => {
      const { stack, chat } = chatStack();
      new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of(TITAN_V2) });
      const mon = new BedrockMonitoring(stack, 'Monitoring', { invokers: [chat] });
      new EmbeddingInvoker(stack, 'Late', { model: BedrockModel.of(TITAN_V2), serviceName: 'late' });
      expect(mon.invokerPaths).toEqual(['Mon/Chat']);
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('fails for an `invokers` entry that is not an invoker', () => {
      const { stack } = chatStack();
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', { invokers: [new Construct(stack, 'Other')] }));
      expect({ code: e.code, message: e.message }).toEqual({ code: 'NotAnInvoker', message: expect.stringMatching(
        /invokers contains Mon\/Other, which is not a ModelInvoker, EmbeddingInvoker or RagInvoker; watch its model with `models` instead/) });
    });

    test('fails at synth when there is nothing to watch', () => {
      const stack = testStack();
      new BedrockMonitoring(stack, 'Monitoring');
      expect(() => Template.fromStack(stack)).toThrow(/has nothing to watch: no invoker was found in Mon when it was created, and `models` is empty/);
    });

    test('`models` adds service alarms for a model without an invoker', () => {
      const stack = testStack();
      const mon = new BedrockMonitoring(stack, 'Monitoring', { models: [BedrockModel.of('amazon.nova-pro-v1:0')] });
      const t = Template.fromStack(stack);
      expect(mon.modelIds).toEqual(['amazon.nova-pro-v1:0']);
      t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationThrottles', Dimensions: [{ Name: 'ModelId', Value: 'amazon.nova-pro-v1:0' }] });
    });

    test('serviceMetricsModelIds changes the ModelId the AWS/Bedrock metrics are watched under; an ARN is watched under its last segment', () => {
      const stack = testStack();
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234efgh';
      new BedrockMonitoring(stack, 'Monitoring', {
        models: [BedrockModel.of('amazon.nova-pro-v1:0'), BedrockModel.of(arn, { custom: { sourceModelId: 'amazon.nova-lite-v1:0' } })],
        serviceMetricsModelIds: { 'amazon.nova-pro-v1:0': 'nova-pro-as-recorded' },
      });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationThrottles', Dimensions: [{ Name: 'ModelId', Value: 'nova-pro-as-recorded' }] });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'InvocationThrottles', Dimensions: [{ Name: 'ModelId', Value: 'abcd1234efgh' }] });
    });

    test('fails for a serviceMetricsModelIds key that is not a watched model', () => {
      const { stack } = chatStack();
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', { serviceMetricsModelIds: { 'anthropic.claude-haiku-4-5-20251001-v1:0': 'x' } }));
      expect(e.code).toBe('UnknownModelOverride');
      expect(e.message).toMatch(/names 'anthropic\.claude-haiku-4-5-20251001-v1:0', which is not a watched model \(watched: us\.anthropic\.claude-haiku-4-5-20251001-v1:0\); key it by the model ID as invoked/);
    });

    test('warns and skips an invoker whose model this app cannot see (imported configuration)', () => {
      const stack = testStack();
      const config = PinnedModelConfig.fromParameterPrefix(stack, 'Imported', '/shared/models', ['chat']);
      new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
      const mon = new BedrockMonitoring(stack, 'Monitoring', { models: [BedrockModel.of(HAIKU_US)] });
      expect(mon.invokerPaths).toEqual([]);
      Annotations.fromStack(stack).hasWarning('/Mon/Monitoring', Match.stringLikeRegexp(
        'ModelInvoker Mon/Chat reads an imported configuration whose model this app cannot see.*fromParameterPrefix.*MonitoringModelUnknown'));
    });

    test('watches a RagInvoker under the model ID it reports (its MODEL_ID)', () => {
      const stack = testStack();
      const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
      new RagInvoker(stack, 'Ask', { knowledgeBase: kb, model: BedrockModel.of(HAIKU_US), serviceName: 'ask' });
      new BedrockMonitoring(stack, 'Monitoring');
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Latency', Dimensions: Match.arrayEquals([{ Name: 'ModelId', Value: HAIKU_US }, { Name: 'service', Value: 'ask' }]),
      });
    });
  });

  test('passes cdk-nag AwsSolutionsChecks with no error on the monitoring\'s resources', () => {
    const { stack } = chatStack();
    new BedrockMonitoring(stack, 'Monitoring', { monthlyBudgetUsd: 100, awsBudget: { serviceNames: ['Amazon Bedrock'] } });
    const report = new AwsSolutionsChecks().validateScope(stack.node.root);
    const errors = report.violations.filter((v) => v.severity === 'error')
      .flatMap((v) => v.violatingResources.filter((r) => (r.constructPath ?? '').includes('/Monitoring/')).map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(errors).toEqual([]);
    expect(report.violations.filter((v) => v.severity === 'error')).toEqual([]);
  });
});
