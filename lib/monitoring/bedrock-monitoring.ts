import { createHash } from 'crypto';
import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct, IDependable } from 'constructs';
import { ModelCatalog } from '../catalog';
import { DEFAULT_TIMEOUT } from '../invokers';
import { BedrockModel } from '../models';
import { allowCloudWatchAlarms } from '../compliance/key-policies';
import { envelopeFor } from '../private/envelope';
import { BedrockValidationError } from '../private/errors';
import {
  CostForecast, DAYS_PER_MONTH, InvokerTraffic, ModelCostForecast, describeForecast, formatUsd,
} from './forecast';
import {
  BEDROCK_MODEL_ID_DIMENSION, BEDROCK_RUNTIME_METRICS_SOURCE, BEDROCK_RUNTIME_NAMESPACE, INVOKER_METRICS,
  INVOKER_MODEL_ID_DIMENSION, INVOKER_SERVICE_DIMENSION,
} from './metrics';
import { checkNumber } from './private/validate';
import { WatchedInvoker, isInvoker, watchInvoker } from './private/watched-invoker';

/**
 * Alarm thresholds. Counts are per `period`; a period breaches when the count reaches the threshold, and an alarm fires
 * when `datapointsToAlarm` of the last `evaluationPeriods` periods breach. Missing data (no traffic) never breaches.
 */
export interface BedrockAlarmThresholds {
  /**
   * AWS/Bedrock `InvocationThrottles` per model per period (a whole number of at least 1). The SDK retries throttled
   * calls, so a few are normal; a sustained count means the account's quota for the model is too small.
   * @default 5
   */
  readonly throttlesPerPeriod?: number;
  /**
   * AWS/Bedrock `InvocationServerErrors` per model per period (a whole number of at least 1).
   * @default 1
   */
  readonly serverErrorsPerPeriod?: number;
  /**
   * AWS/Bedrock `InvocationClientErrors` per model per period (a whole number of at least 1). Client errors include
   * requests the model rejects (validation, access), so the default leaves room for the odd bad request.
   * @default 5
   */
  readonly clientErrorsPerPeriod?: number;
  /**
   * AWS/Bedrock `InvocationLatency` percentile per model, in milliseconds (greater than 0).
   * @default 30000 - half of an invoker's default timeout (60 s)
   */
  readonly latencyMs?: number;
  /**
   * The latency percentile the latency alarms watch (service and invokers): greater than 0 and less than 100, at most
   * two decimal places.
   * @default 99
   */
  readonly latencyPercentile?: number;
  /**
   * The invoker's own `Errors` per invoker per period (a whole number of at least 1): failed calls to the model and
   * invalid requests (the handler counts both).
   * @default 5
   */
  readonly invokerErrorsPerPeriod?: number;
  /**
   * The invoker's own `Latency` percentile (the SDK call including its retries), in milliseconds (greater than 0).
   * @default 30000 - half of an invoker's default timeout (60 s)
   */
  readonly invokerLatencyMs?: number;
  /**
   * The period the alarms aggregate over: whole minutes, from 1 to 60.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * How many recent periods an alarm looks at (a whole number from 1 to 24).
   * @default 3
   */
  readonly evaluationPeriods?: number;
  /**
   * How many of those periods must breach to fire (a whole number from 1 to `evaluationPeriods`).
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

/** An AWS Budgets budget (`AWS::Budgets::Budget`) over the Bedrock charges of the account, with notifications. */
export interface BedrockAwsBudgetOptions {
  /**
   * The values of the budget's `SERVICE` filter: the service names under which Bedrock charges appear in your bill, as
   * Cost Explorer's Service filter lists them. Required, because no AWS source this library cites names them (and
   * models sold through AWS Marketplace may be billed under their own product names): check Cost Explorer and copy
   * them.
   */
  readonly serviceNames: string[];
  /**
   * Email addresses notified with each threshold (at most 10: AWS Budgets allows one SNS topic and up to 10 email
   * subscribers per notification).
   * @default - none; the alarm topic only
   */
  readonly emailAddresses?: string[];
  /**
   * Notify the alarm topic too. The construct allows `budgets.amazonaws.com` to publish to a topic it creates (with the
   * `aws:SourceAccount` / `aws:SourceArn` conditions AWS gives); a topic you pass must allow it itself.
   * @default true
   */
  readonly notifyAlarmTopic?: boolean;
  /**
   * Percentages of the monthly budget at which actual spend notifies (each greater than 0, at most 1,000,000).
   * @default [80, 100]
   */
  readonly actualThresholdsPercent?: number[];
  /**
   * Percentage of the monthly budget at which forecasted spend notifies (greater than 0, at most 1,000,000).
   * @default 100
   */
  readonly forecastedThresholdPercent?: number;
}

/** Properties of a BedrockMonitoring. */
export interface BedrockMonitoringProps {
  /**
   * Where to look for invokers (`ModelInvoker`, `EmbeddingInvoker`, `RagInvoker`), at construction time: create the
   * monitoring after the invokers. An invoker created in this scope afterwards fails synthesis with a message naming
   * it (create the monitoring last, or list the invokers in `invokers`).
   * @default - the stack this construct is in
   */
  readonly invokerScope?: IConstruct;
  /**
   * The invokers to watch, instead of every invoker in `invokerScope`.
   * @default - every invoker in `invokerScope`
   */
  readonly invokers?: Construct[];
  /**
   * More models to watch on the AWS/Bedrock metrics (service alarms and a dashboard row), e.g. models called by code
   * that is not one of this library's invokers.
   * @default - only the invokers' models
   */
  readonly models?: BedrockModel[];
  /**
   * The `ModelId` dimension value to watch a model's AWS/Bedrock metrics under, per model ID as invoked. The AWS page
   * listing the metrics does not say which value a call through an inference profile is recorded under (see
   * BEDROCK_RUNTIME_METRICS_SOURCE); set this if your account's metrics show another one.
   * @default - the model ID as invoked (for an ARN, its last path segment: the profile or model ID)
   */
  readonly serviceMetricsModelIds?: { [modelId: string]: string };
  /**
   * Where alarms (and the AWS Budgets budget, if any) notify.
   * @default - a new SNS topic that only accepts publishing over TLS (`enforceSSL`); subscribe to it yourself
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Alarm thresholds.
   * @default - the documented default of each threshold
   */
  readonly thresholds?: BedrockAlarmThresholds;
  /**
   * Budget in USD per month for the invokers' estimated model cost (greater than 0). Turns on the daily cost alarm and
   * the forecast comparison.
   * @default - no spend control
   */
  readonly monthlyBudgetUsd?: number;
  /**
   * Estimated cost in USD of a 24-hour period above which the daily cost alarm fires (greater than 0; needs
   * `monthlyBudgetUsd`).
   * @default - monthlyBudgetUsd / 30.4375 (the mean Gregorian month)
   */
  readonly dailyCostAlarmUsd?: number;
  /**
   * Also create an AWS Budgets budget of `monthlyBudgetUsd` per month over the account's Bedrock charges.
   * @default - no AWS Budgets budget
   */
  readonly awsBudget?: BedrockAwsBudgetOptions;
  /**
   * Expected traffic per invoker: the construct forecasts the monthly cost per model at the catalog's sourced rates,
   * reports it as an info annotation (a warning when it exceeds `monthlyBudgetUsd`) and exposes it as `forecast`.
   * @default - no forecast
   */
  readonly traffic?: InvokerTraffic[];
  /**
   * Name of the CloudWatch dashboard.
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;
}

/** A model the monitoring watches on the AWS/Bedrock metrics. */
interface WatchedModel {
  readonly model: BedrockModel;
  /** ModelId dimension value of the AWS/Bedrock metrics. */
  readonly serviceModelId: string;
  readonly invokers: WatchedInvoker[];
}

/** One invoker metric series set: invokers emitting into the same namespace, service and model ID share it. */
interface InvokerSeries {
  readonly namespace: string;
  readonly service: string;
  readonly modelId: string;
  readonly invokers: WatchedInvoker[];
}

/** Defaults of {@link BedrockAlarmThresholds}. */
const DEFAULT_LATENCY_MS = DEFAULT_TIMEOUT.toMilliseconds() / 2;

/**
 * One alarm on an invoker's own metrics. Guardrail interventions are the next row: when the invokers emit a guardrail
 * metric (`lambda/shared/observability.ts`), add its name to `INVOKER_METRICS`, a threshold to
 * `BedrockAlarmThresholds` and a row here; the emitter-watcher test then checks the handlers emit it.
 */
interface InvokerAlarmSpec {
  readonly id: string;
  readonly what: string;
  readonly metric: (s: InvokerSeries, t: ResolvedThresholds) => cloudwatch.IMetric;
  readonly threshold: (t: ResolvedThresholds) => number;
  readonly comparison: cloudwatch.ComparisonOperator;
}

interface ResolvedThresholds {
  readonly throttles: number;
  readonly serverErrors: number;
  readonly clientErrors: number;
  readonly latencyMs: number;
  readonly latencyStat: string;
  readonly invokerErrors: number;
  readonly invokerLatencyMs: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/**
 * "Alarms based on metric math expressions can reference a maximum of 10 metrics. This is a hard limit"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html).
 */
const ALARM_MATH_METRIC_LIMIT = 10;

/**
 * Alarms, a dashboard and spend control for the Bedrock models an app's invokers use.
 *
 * - **Per model** (AWS/Bedrock runtime metrics, dimension `ModelId`): throttles, server errors, client errors and a
 *   latency percentile.
 * - **Per invoker** (its own EMF metrics: namespace `POWERTOOLS_METRICS_NAMESPACE`, dimensions `service` + `ModelId`):
 *   errors (also those recorded before the model is known, dimension `service` only) and a latency percentile.
 * - **Spend**: with `monthlyBudgetUsd`, an alarm on the invokers' `EstimatedCostUSD` summed over 24 hours, optionally an
 *   AWS Budgets budget; with `traffic`, a synth-time monthly forecast per model at the catalog's sourced rates.
 * - **A dashboard**: per model invocations, tokens, latency p50/p99, throttles, errors and estimated cost; per invoker
 *   calls, errors, tokens, latency and estimated cost; the forecast and every alarm's state on top.
 *
 * Invokers are found at construction time in `invokerScope` (default: the stack): create the monitoring after them.
 *
 * @example
 * new BedrockMonitoring(stack, 'Monitoring', {
 *   monthlyBudgetUsd: 300,
 *   traffic: [{ invoker: chat, requestsPerDay: 5000, inputTokensPerRequest: 1500, outputTokensPerRequest: 400 }],
 * });
 */
export class BedrockMonitoring extends Construct {
  /** Where the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The daily estimated-cost alarm, when `monthlyBudgetUsd` is set and some invoker reports its cost. */
  public readonly dailyCostAlarm?: cloudwatch.Alarm;
  /** The AWS Budgets budget, when `awsBudget` is set. */
  public readonly budget?: budgets.CfnBudget;
  /** The synth-time cost forecast, when `traffic` is given. */
  public readonly forecast?: CostForecast;
  /** The model IDs watched on the AWS/Bedrock metrics (as invoked). */
  public readonly modelIds: string[];
  /** The invokers watched (construct paths). */
  public readonly invokerPaths: string[];

  private readonly topicCreated: boolean;

  constructor(scope: Construct, id: string, props: BedrockMonitoringProps = {}) {
    super(scope, id);
    const t = this.resolveThresholds(props.thresholds ?? {});
    this.checkSpendProps(props);

    const invokerScope = props.invokerScope ?? Stack.of(this);
    const candidates = props.invokers ?? invokerScope.node.findAll().filter(isInvoker);
    const watched: WatchedInvoker[] = [];
    for (const c of candidates) {
      if (!isInvoker(c)) {
        throw new BedrockValidationError('NotAnInvoker', `invokers contains ${c.node.path}, which is not a ModelInvoker, `
          + 'EmbeddingInvoker or RagInvoker; watch its model with `models` instead.', this);
      }
      const w = watchInvoker(c);
      if (typeof w === 'string') Annotations.of(this).addWarningV2('cdk-bedrock-foundation:MonitoringModelUnknown', w);
      else watched.push(w);
    }
    this.invokerPaths = watched.map((w) => w.construct.node.path);
    if (!props.invokers) {
      const known = new Set(candidates);
      this.node.addValidation({
        validate: () => invokerScope.node.findAll().filter((c) => isInvoker(c) && !known.has(c)).map((c) =>
          `BedrockMonitoring ${this.node.path} was created before ${c.node.path}, so it does not watch it: create the `
          + 'monitoring after every invoker, or list the invokers in `invokers`.'),
      });
    }

    const models = this.groupModels(watched, props);
    this.modelIds = models.map((m) => m.model.modelId);
    const series = groupSeries(watched);
    if (models.length === 0) {
      this.node.addValidation({
        validate: () => candidates.length > 0 ? [] : [`BedrockMonitoring ${this.node.path} has nothing to watch: no invoker was `
          + `found in ${invokerScope.node.path || 'the app'} when it was created, and \`models\` is empty. Create it after the `
          + 'invokers, pass `invokers`, or list the models to watch in `models`.'],
      });
    }

    this.topicCreated = !props.alarmTopic;
    const topicKey = props.alarmTopic ? undefined : envelopeFor(this).encryptionKey;
    if (topicKey) allowCloudWatchAlarms(this, topicKey);
    this.alarmTopic = props.alarmTopic ?? new sns.Topic(this, 'AlarmTopic', { displayName: 'Bedrock monitoring alarms', enforceSSL: true, masterKey: topicKey });
    const action = new actions.SnsAction(this.alarmTopic);

    for (const m of models) this.modelAlarms(m, t, action);
    for (const s of series) this.invokerAlarms(s, t, action);

    let dailyCost: cloudwatch.IMetric | undefined;
    if (props.monthlyBudgetUsd !== undefined) {
      const daily = props.dailyCostAlarmUsd ?? props.monthlyBudgetUsd / DAYS_PER_MONTH;
      dailyCost = this.dailyCostMetric(series);
      if (dailyCost) {
        this.dailyCostAlarm = new cloudwatch.Alarm(this, 'DailyCost', {
          metric: dailyCost,
          threshold: daily,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          alarmDescription: `Estimated Bedrock cost of the monitored invokers (sum of EstimatedCostUSD over 24 hours) is above `
            + `${Token.isUnresolved(daily) ? 'the daily budget' : formatUsd(daily)} (monthly budget `
            + `${Token.isUnresolved(props.monthlyBudgetUsd) ? 'set at deploy' : formatUsd(props.monthlyBudgetUsd)}). `
            + 'The figure is tokens x the catalog price in the invokers\' configuration, not the bill.',
        });
        this.dailyCostAlarm.addAlarmAction(action);
        this.alarms.push(this.dailyCostAlarm);
      }
      const unmeasured = watched.filter((w) => !w.costMeasured).map((w) => `${w.kind} ${w.construct.node.path} (${w.modelId})`);
      if (unmeasured.length > 0) {
        Annotations.of(this).addWarningV2('cdk-bedrock-foundation:MonitoringCostNotMeasured', `The daily cost alarm of `
          + `${this.node.path} does not see ${unmeasured.join(', ')}: ${unmeasured.length === 1 ? 'its responses report' : 'their responses report'} `
          + 'no token usage (RetrieveAndGenerate; Cohere Embed), so no EstimatedCostUSD is emitted. Forecast their cost with '
          + '`traffic`, and use `awsBudget` for a budget on the bill itself.');
      }
      if (props.awsBudget) this.budget = this.createBudget(props.monthlyBudgetUsd, props.awsBudget);
    }

    if (props.traffic) {
      this.forecast = this.computeForecast(props.traffic, watched, props.monthlyBudgetUsd);
      this.reportForecast(this.forecast);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    this.layoutDashboard(models, series, t, dailyCost, props);
  }

  private resolveThresholds(th: BedrockAlarmThresholds): ResolvedThresholds {
    const count = { min: 1, minInclusive: true, integer: true };
    const ms = { min: 0, minInclusive: false };
    checkNumber(this, 'InvalidThreshold', 'thresholds.throttlesPerPeriod', th.throttlesPerPeriod, count);
    checkNumber(this, 'InvalidThreshold', 'thresholds.serverErrorsPerPeriod', th.serverErrorsPerPeriod, count);
    checkNumber(this, 'InvalidThreshold', 'thresholds.clientErrorsPerPeriod', th.clientErrorsPerPeriod, count);
    checkNumber(this, 'InvalidThreshold', 'thresholds.invokerErrorsPerPeriod', th.invokerErrorsPerPeriod, count);
    checkNumber(this, 'InvalidThreshold', 'thresholds.latencyMs', th.latencyMs, ms);
    checkNumber(this, 'InvalidThreshold', 'thresholds.invokerLatencyMs', th.invokerLatencyMs, ms);
    checkNumber(this, 'InvalidThreshold', 'thresholds.latencyPercentile', th.latencyPercentile,
      { min: 0, minInclusive: false, max: 99.99, maxDecimals: 2 }, 'e.g. 99 for p99, 99.9 for p99.9');
    checkNumber(this, 'InvalidThreshold', 'thresholds.evaluationPeriods', th.evaluationPeriods, { min: 1, minInclusive: true, max: 24, integer: true });
    const evaluationPeriods = th.evaluationPeriods ?? 3;
    checkNumber(this, 'InvalidThreshold', 'thresholds.datapointsToAlarm', th.datapointsToAlarm,
      { min: 1, minInclusive: true, max: evaluationPeriods, integer: true }, `at most evaluationPeriods (${evaluationPeriods})`);
    const period = th.period ?? Duration.minutes(5);
    if (!period.isUnresolved()) {
      const s = period.toSeconds();
      if (s % 60 !== 0 || s < 60 || s > 3600) {
        throw new BedrockValidationError('InvalidThreshold', `thresholds.period is ${period.toHumanString()}; give whole minutes `
          + 'from Duration.minutes(1) to Duration.minutes(60).', this);
      }
    }
    return {
      throttles: th.throttlesPerPeriod ?? 5,
      serverErrors: th.serverErrorsPerPeriod ?? 1,
      clientErrors: th.clientErrorsPerPeriod ?? 5,
      latencyMs: th.latencyMs ?? DEFAULT_LATENCY_MS,
      latencyStat: `p${th.latencyPercentile ?? 99}`,
      invokerErrors: th.invokerErrorsPerPeriod ?? 5,
      invokerLatencyMs: th.invokerLatencyMs ?? DEFAULT_LATENCY_MS,
      period,
      evaluationPeriods,
      datapointsToAlarm: th.datapointsToAlarm ?? Math.min(2, evaluationPeriods),
    };
  }

  private checkSpendProps(props: BedrockMonitoringProps): void {
    const positive = { min: 0, minInclusive: false };
    checkNumber(this, 'InvalidBudget', 'monthlyBudgetUsd', props.monthlyBudgetUsd, positive,
      'a budget of 0 would make every cent an overrun. Give the USD you plan to spend per month, or leave monthlyBudgetUsd out to turn spend control off.');
    checkNumber(this, 'InvalidBudget', 'dailyCostAlarmUsd', props.dailyCostAlarmUsd, positive,
      'the USD a 24-hour period may cost, or leave it out for monthlyBudgetUsd / 30.4375.');
    if (props.monthlyBudgetUsd === undefined && (props.dailyCostAlarmUsd !== undefined || props.awsBudget)) {
      throw new BedrockValidationError('BudgetMissing', `${props.awsBudget ? 'awsBudget' : 'dailyCostAlarmUsd'} needs monthlyBudgetUsd: `
        + 'give the budget in USD per month (e.g. monthlyBudgetUsd: 500).', this);
    }
    const b = props.awsBudget;
    if (!b) return;
    if (b.serviceNames.length === 0 || b.serviceNames.some((s) => !Token.isUnresolved(s) && s.trim() === '')) {
      throw new BedrockValidationError('InvalidBudgetFilter', `awsBudget.serviceNames is ${JSON.stringify(b.serviceNames)}; list the `
        + 'non-empty service names your Bedrock charges appear under in Cost Explorer\'s Service filter (copy them from there).', this);
    }
    const emails = b.emailAddresses ?? [];
    if (emails.length > 10) {
      throw new BedrockValidationError('InvalidBudgetSubscribers', `awsBudget.emailAddresses has ${emails.length} addresses; AWS Budgets `
        + 'takes at most 10 email subscribers per notification. Send to a mailing list, or subscribe the addresses to the alarm topic.', this);
    }
    if (b.notifyAlarmTopic === false && emails.length === 0) {
      throw new BedrockValidationError('InvalidBudgetSubscribers', 'awsBudget notifies nobody: notifyAlarmTopic is false and '
        + 'emailAddresses is empty. Give emailAddresses or leave notifyAlarmTopic on.', this);
    }
    const pct = { min: 0, minInclusive: false, max: 1_000_000 };
    (b.actualThresholdsPercent ?? []).forEach((p, i) => checkNumber(this, 'InvalidBudgetThreshold', `awsBudget.actualThresholdsPercent[${i}]`, p, pct));
    checkNumber(this, 'InvalidBudgetThreshold', 'awsBudget.forecastedThresholdPercent', b.forecastedThresholdPercent, pct);
    const notifications = (b.actualThresholdsPercent ?? [80, 100]).length + 1;
    if (notifications > 10) {
      throw new BedrockValidationError('InvalidBudgetThreshold', `awsBudget has ${notifications} notifications (actualThresholdsPercent `
        + 'plus the forecasted one); an AWS Budgets budget takes at most 10. Give at most 9 actual thresholds.', this);
    }
  }

  /** The models to watch on AWS/Bedrock: the invokers' (by model ID as invoked) and `models`. */
  private groupModels(watched: WatchedInvoker[], props: BedrockMonitoringProps): WatchedModel[] {
    const byId = new Map<string, { model: BedrockModel; invokers: WatchedInvoker[] }>();
    for (const w of watched) {
      const entry = byId.get(w.modelId) ?? { model: w.model, invokers: [] };
      entry.invokers.push(w);
      byId.set(w.modelId, entry);
    }
    for (const m of props.models ?? []) if (!byId.has(m.modelId)) byId.set(m.modelId, { model: m, invokers: [] });
    const overrides = props.serviceMetricsModelIds ?? {};
    for (const key of Object.keys(overrides)) {
      if (!byId.has(key)) {
        throw new BedrockValidationError('UnknownModelOverride', `serviceMetricsModelIds names '${key}', which is not a watched model `
          + `(watched: ${[...byId.keys()].join(', ') || 'none'}); key it by the model ID as invoked.`, this);
      }
    }
    return [...byId.entries()].map(([id, e]) => ({
      model: e.model,
      invokers: e.invokers,
      // An ARN's resource ID, as for an imported application-profile ARN (a profile of this app: its ID attribute).
      serviceModelId: overrides[id] ?? (Token.isUnresolved(id) && e.model.parsed.arn ? e.model.parsed.arn.resourceId
        : id.startsWith('arn:') ? id.slice(id.lastIndexOf('/') + 1) : id),
    }));
  }

  private alarm(scope: Construct, id: string, metric: cloudwatch.IMetric, threshold: number, comparison: cloudwatch.ComparisonOperator,
    t: ResolvedThresholds, description: string, action: cloudwatch.IAlarmAction): cloudwatch.Alarm {
    const a = new cloudwatch.Alarm(scope, id, {
      metric,
      threshold,
      comparisonOperator: comparison,
      evaluationPeriods: t.evaluationPeriods,
      datapointsToAlarm: t.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    a.addAlarmAction(action);
    this.alarms.push(a);
    return a;
  }

  /**
   * A model ID as a construct ID part: '/' replaced; a token (an ApplicationInferenceProfile's ARN) as a hash of its
   * CloudFormation expression, since construct IDs cannot hold tokens.
   */
  private idLabel(modelId: string): string {
    if (!Token.isUnresolved(modelId)) return modelId.replace(/\//g, '|');
    return `profile-${createHash('sha256').update(JSON.stringify(Stack.of(this).resolve(modelId))).digest('hex').slice(0, 8)}`;
  }

  private modelAlarms(m: WatchedModel, t: ResolvedThresholds, action: cloudwatch.IAlarmAction): void {
    const scope = new Construct(this, `Model ${this.idLabel(m.model.modelId)}`);
    const per = `per ${t.period.toHumanString()} in ${t.datapointsToAlarm} of ${t.evaluationPeriods} periods`;
    const where = `model ${m.model.modelId} (AWS/Bedrock, ModelId=${m.serviceModelId})`;
    const ge = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    this.alarm(scope, 'Throttles', serviceMetric(m, 'InvocationThrottles', cloudwatch.Stats.SUM, t.period), t.throttles, ge, t,
      `${where}: at least ${t.throttles} throttled invocations ${per}. Request a higher quota for the model, use a cross-Region `
      + 'inference profile, or lower the request rate.', action);
    this.alarm(scope, 'ServerErrors', serviceMetric(m, 'InvocationServerErrors', cloudwatch.Stats.SUM, t.period), t.serverErrors, ge, t,
      `${where}: at least ${t.serverErrors} server errors ${per}. Check the AWS Health Dashboard for Bedrock in this Region.`, action);
    this.alarm(scope, 'ClientErrors', serviceMetric(m, 'InvocationClientErrors', cloudwatch.Stats.SUM, t.period), t.clientErrors, ge, t,
      `${where}: at least ${t.clientErrors} client errors ${per}. The invokers' logs name the error codes (validation, access denied).`, action);
    this.alarm(scope, 'Latency', serviceMetric(m, 'InvocationLatency', t.latencyStat, t.period), t.latencyMs,
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, t,
      `${where}: ${t.latencyStat} invocation latency above ${t.latencyMs} ms ${per}.`, action);
  }

  private invokerAlarms(s: InvokerSeries, t: ResolvedThresholds, action: cloudwatch.IAlarmAction): void {
    const scope = new Construct(this, `Invoker ${s.namespace} ${s.service} ${this.idLabel(s.modelId)}`.replace(/\//g, '|'));
    const names = s.invokers.map((w) => w.construct.node.path).join(', ');
    const per = `per ${t.period.toHumanString()} in ${t.datapointsToAlarm} of ${t.evaluationPeriods} periods`;
    for (const spec of INVOKER_ALARMS) {
      const threshold = spec.threshold(t);
      this.alarm(scope, spec.id, spec.metric(s, t), threshold, spec.comparison, t,
        `${spec.what} of ${names} (${s.namespace}, service=${s.service}, ModelId=${s.modelId}) `
        + `${spec.comparison === cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD ? 'above' : 'at least'} ${threshold} ${per}. `
        + 'The function\'s log group has the error codes and causes.', action);
    }
  }

  /** Sum of the invokers' EstimatedCostUSD over one day, across every series that reports cost. */
  private dailyCostMetric(series: InvokerSeries[]): cloudwatch.IMetric | undefined {
    const costed = series.filter((s) => s.invokers.some((w) => w.costMeasured));
    if (costed.length === 0) return undefined;
    if (costed.length > ALARM_MATH_METRIC_LIMIT) {
      throw new BedrockValidationError('TooManyCostSeries', `The daily cost alarm would sum ${costed.length} EstimatedCostUSD series `
        + `(${costed.map((s) => `${s.service}/${s.modelId}`).join(', ')}); a CloudWatch metric math alarm can reference at most `
        + `${ALARM_MATH_METRIC_LIMIT} metrics. Give invokers of the same model the same serviceName (they then share one series), `
        + 'or split them over several BedrockMonitoring constructs with their own budgets.', this);
    }
    return sumOf(costed.map((s) => invokerMetric(s, INVOKER_METRICS.estimatedCost, cloudwatch.Stats.SUM, Duration.days(1))),
      'estimated USD per 24 h', Duration.days(1), false);
  }

  private createBudget(monthlyUsd: number, b: BedrockAwsBudgetOptions): budgets.CfnBudget {
    const subscribers: budgets.CfnBudget.SubscriberProperty[] = (b.emailAddresses ?? [])
      .map((address) => ({ subscriptionType: 'EMAIL', address }));
    let policy: IDependable | undefined;
    if (b.notifyAlarmTopic !== false) {
      subscribers.unshift({ subscriptionType: 'SNS', address: this.alarmTopic.topicArn });
      // https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html: the budget needs permission
      // to publish, from the same account (cross-account SNS is not supported), scoped with these two conditions.
      const account = Stack.of(this).account;
      const result = this.alarmTopic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AWSBudgetsSNSPublishingPermissions',
        principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
        actions: ['SNS:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${Stack.of(this).partition}:budgets::${account}:*` },
        },
      }));
      if (result.statementAdded && result.policyDependable) policy = result.policyDependable;
      else if (!this.topicCreated) {
        Annotations.of(this).addWarningV2('cdk-bedrock-foundation:MonitoringBudgetTopicPolicy', `The alarm topic of ${this.node.path} `
          + 'is imported, so its policy cannot be changed here: allow budgets.amazonaws.com to SNS:Publish to it (see '
          + 'https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html), or the budget cannot notify it.');
      }
    }
    const notify = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });
    const budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: monthlyUsd, unit: 'USD' },
        // FilterExpression rather than the deprecated CostFilters; SERVICE is one of its documented dimension keys.
        filterExpression: { dimensions: { key: 'SERVICE', values: b.serviceNames } },
      },
      notificationsWithSubscribers: [
        ...(b.actualThresholdsPercent ?? [80, 100]).map((p) => notify('ACTUAL', p)),
        notify('FORECASTED', b.forecastedThresholdPercent ?? 100),
      ],
    });
    if (policy) budget.node.addDependency(policy);
    return budget;
  }

  private computeForecast(traffic: InvokerTraffic[], watched: WatchedInvoker[], monthlyBudgetUsd?: number): CostForecast {
    const catalog = ModelCatalog.default();
    const byModel = new Map<string, { w: WatchedInvoker; paths: string[]; requests: number; input: number; output: number }>();
    const seen = new Set<Construct>();
    traffic.forEach((tr, i) => {
      const w = watched.find((x) => x.construct === tr.invoker);
      if (!w) {
        throw new BedrockValidationError('TrafficInvokerNotMonitored', `traffic[${i}].invoker is ${tr.invoker.node.path}, which this `
          + `monitoring does not watch (watched: ${watched.map((x) => x.construct.node.path).join(', ') || 'none'}). Give one of those, `
          + 'or add it to `invokers`.', this);
      }
      if (seen.has(tr.invoker)) {
        throw new BedrockValidationError('DuplicateTraffic', `traffic lists ${tr.invoker.node.path} twice; give one entry per invoker.`, this);
      }
      seen.add(tr.invoker);
      const count = { min: 0, minInclusive: true };
      for (const [k, v] of [['requestsPerDay', tr.requestsPerDay], ['inputTokensPerRequest', tr.inputTokensPerRequest],
        ['outputTokensPerRequest', tr.outputTokensPerRequest]] as const) {
        if (v !== undefined && Token.isUnresolved(v)) {
          throw new BedrockValidationError('InvalidTraffic', `traffic[${i}].${k} is a token; the forecast is made at synth and needs a number.`, this);
        }
        checkNumber(this, 'InvalidTraffic', `traffic[${i}].${k}`, v, count);
      }
      const entry = byModel.get(w.modelId) ?? { w, paths: [], requests: 0, input: 0, output: 0 };
      entry.paths.push(w.construct.node.path);
      entry.requests += tr.requestsPerDay * DAYS_PER_MONTH;
      entry.input += tr.requestsPerDay * tr.inputTokensPerRequest * DAYS_PER_MONTH;
      entry.output += tr.requestsPerDay * (tr.outputTokensPerRequest ?? 0) * DAYS_PER_MONTH;
      byModel.set(w.modelId, entry);
    });
    const models: ModelCostForecast[] = [];
    for (const [modelId, e] of byModel) {
      const model = e.w.model;
      // The rate of the invocation form, exactly as the model's run-time configuration (what the handler multiplies
      // tokens by for EstimatedCostUSD): an application profile copied from a system profile takes that profile's rate.
      const form = model.sourceProfile ? (model.sourceProfile.profilePrefix === 'global' ? 'global-profile' : 'geo-profile') : model.invocationForm;
      const price = model.foundationModelId ? catalog.priceFor(model.foundationModelId, form) : undefined;
      if (!price) {
        throw new BedrockValidationError('ForecastNoPrice', `traffic for ${e.paths.join(', ')}: the model catalog (generated `
          + `${catalog.generatedAt}) has no sourced on-demand token price for '${model.foundationModelId ?? modelId}', so its monthly `
          + 'cost cannot be forecast. Remove its traffic entry (and estimate its cost from the AWS pricing page), or use a priced '
          + 'model (ModelCatalog.default().priceFor(id)).', this);
      }
      if (price.outputPer1M === null && e.output > 0) {
        throw new BedrockValidationError('ForecastOutputNotPriced', `traffic for ${e.paths.join(', ')}: '${price.foundationModelId}' is `
          + 'priced per input token only (an embeddings model), but outputTokensPerRequest is above 0. Set it to 0.', this);
      }
      const est = catalog.estimateCost(price.foundationModelId, e.input, e.output, form);
      models.push({
        modelId,
        foundationModelId: price.foundationModelId,
        invokers: e.paths,
        requestsPerMonth: e.requests,
        inputTokensPerMonth: e.input,
        outputTokensPerMonth: e.output,
        monthlyUsd: est.totalUsd,
        inputPer1M: price.inputPer1M,
        outputPer1M: price.outputPer1M ?? undefined,
        rateBasis: price.rateBasis,
        priceAsOf: price.asOf ?? undefined,
        priceSources: price.source,
        approximate: price.approximate,
        measured: watched.filter((w) => w.modelId === modelId && e.paths.includes(w.construct.node.path)).every((w) => w.costMeasured),
      });
    }
    models.sort((a, b) => b.monthlyUsd - a.monthlyUsd);
    return {
      models,
      monthlyUsd: models.reduce((s, m) => s + m.monthlyUsd, 0),
      monthlyBudgetUsd: monthlyBudgetUsd !== undefined && !Token.isUnresolved(monthlyBudgetUsd) ? monthlyBudgetUsd : undefined,
      catalogGeneratedAt: catalog.generatedAt,
    };
  }

  private reportForecast(f: CostForecast): void {
    const text = `Bedrock cost forecast of ${this.node.path}:\n  ${describeForecast(f).join('\n  ')}`;
    if (f.monthlyBudgetUsd !== undefined && f.monthlyUsd > f.monthlyBudgetUsd) {
      Annotations.of(this).addWarningV2('cdk-bedrock-foundation:MonitoringForecastOverBudget', `${text}\nThe forecast `
        + `(${formatUsd(f.monthlyUsd)}/month) exceeds the budget (${formatUsd(f.monthlyBudgetUsd)}/month) by `
        + `${formatUsd(f.monthlyUsd - f.monthlyBudgetUsd)}: raise monthlyBudgetUsd, lower the traffic or tokens per request, or pick `
        + 'a cheaper model (ModelCatalog.default().select(...)).');
    } else {
      Annotations.of(this).addInfo(text);
    }
  }

  private layoutDashboard(models: WatchedModel[], series: InvokerSeries[], t: ResolvedThresholds,
    dailyCost: cloudwatch.IMetric | undefined, props: BedrockMonitoringProps): void {
    const d = this.dashboard;
    const head = ['# Bedrock monitoring', '',
      `Alarms notify the SNS topic of \`${this.node.path}\`. AWS/Bedrock metrics: [${BEDROCK_RUNTIME_METRICS_SOURCE.title}](${BEDROCK_RUNTIME_METRICS_SOURCE.url}).`];
    if (this.forecast) head.push('', '**Forecast** (synth time, catalog rates):', '', ...describeForecast(this.forecast).map((l) => `- ${l}`));
    d.addWidgets(new cloudwatch.TextWidget({ markdown: head.join('\n'), width: 24, height: this.forecast ? 3 + this.forecast.models.length + 2 : 3 }));
    const status = new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: dailyCost ? 12 : 24, height: 6 });
    if (dailyCost && props.monthlyBudgetUsd !== undefined) {
      const daily = props.dailyCostAlarmUsd ?? props.monthlyBudgetUsd / DAYS_PER_MONTH;
      d.addWidgets(new cloudwatch.GraphWidget({
        title: 'Estimated cost per 24 h (USD) vs daily budget', width: 12, height: 6, left: [dailyCost],
        leftAnnotations: [{ value: daily, label: 'daily budget' }], period: Duration.days(1),
      }), status);
    } else {
      d.addWidgets(status);
    }
    const w = 4; const h = 6;
    for (const m of models) {
      d.addWidgets(new cloudwatch.TextWidget({
        markdown: `## Model \`${m.model.modelId}\`\nAWS/Bedrock ModelId = \`${m.serviceModelId}\`; invokers: ${m.invokers.map((i) => i.construct.node.path).join(', ') || 'none'}`,
        width: 24, height: 2,
      }));
      const seriesOf = series.filter((s) => s.modelId === m.model.modelId);
      const costed = seriesOf.filter((s) => s.invokers.some((i) => i.costMeasured));
      const sum = cloudwatch.Stats.SUM;
      d.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Invocations', width: w, height: h,
          left: [serviceMetric(m, 'Invocations', sum, t.period, 'Bedrock invocations'),
            ...seriesOf.map((s) => invokerMetric(s, INVOKER_METRICS.latency, cloudwatch.Stats.SAMPLE_COUNT, t.period, `calls via ${s.service}`))],
        }),
        new cloudwatch.GraphWidget({
          title: 'Tokens', width: w, height: h,
          left: [serviceMetric(m, 'InputTokenCount', sum, t.period, 'input'), serviceMetric(m, 'OutputTokenCount', sum, t.period, 'output')],
        }),
        new cloudwatch.GraphWidget({
          title: 'Latency (ms)', width: w, height: h,
          left: [serviceMetric(m, 'InvocationLatency', 'p50', t.period, 'p50'), serviceMetric(m, 'InvocationLatency', 'p99', t.period, 'p99')],
          leftAnnotations: [{ value: t.latencyMs, label: `alarm (${t.latencyStat})` }],
        }),
        new cloudwatch.GraphWidget({
          title: 'Throttles', width: w, height: h,
          left: [serviceMetric(m, 'InvocationThrottles', sum, t.period, 'throttles')],
          leftAnnotations: [{ value: t.throttles, label: 'alarm' }],
        }),
        new cloudwatch.GraphWidget({
          title: 'Errors', width: w, height: h,
          left: [serviceMetric(m, 'InvocationServerErrors', sum, t.period, 'server'), serviceMetric(m, 'InvocationClientErrors', sum, t.period, 'client')],
        }),
        new cloudwatch.GraphWidget({
          title: 'Estimated cost (USD)', width: w, height: h,
          left: costed.length > 0
            ? [sumOf(costed.map((s) => invokerMetric(s, INVOKER_METRICS.estimatedCost, sum, t.period)), 'estimated USD (invokers)', t.period)]
            : [],
        }),
      );
    }
    for (const s of series) {
      const sum = cloudwatch.Stats.SUM;
      const emits = (what: 'inputTokens' | 'outputTokens' | 'costMeasured') => s.invokers.some((i) => i[what]);
      d.addWidgets(new cloudwatch.TextWidget({
        markdown: `## Invoker ${s.invokers.map((i) => `\`${i.construct.node.path}\``).join(', ')}\n${s.namespace}: service = \`${s.service}\`, ModelId = \`${s.modelId}\``
          + (emits('costMeasured') ? '' : ' (its responses report no token usage: no token or cost figures)'),
        width: 24, height: 2,
      }));
      const tokens = [
        ...(emits('inputTokens') ? [invokerMetric(s, INVOKER_METRICS.inputTokens, sum, t.period, 'input')] : []),
        ...(emits('outputTokens') ? [invokerMetric(s, INVOKER_METRICS.outputTokens, sum, t.period, 'output')] : []),
      ];
      d.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Calls and errors', width: 6, height: h,
          left: [invokerMetric(s, INVOKER_METRICS.latency, cloudwatch.Stats.SAMPLE_COUNT, t.period, 'calls'), invokerErrors(s, t.period)],
        }),
        new cloudwatch.GraphWidget({
          title: 'Latency (ms)', width: 6, height: h,
          left: [invokerMetric(s, INVOKER_METRICS.latency, 'p50', t.period, 'p50'), invokerMetric(s, INVOKER_METRICS.latency, 'p99', t.period, 'p99')],
          leftAnnotations: [{ value: t.invokerLatencyMs, label: `alarm (${t.latencyStat})` }],
        }),
        ...(tokens.length > 0 ? [new cloudwatch.GraphWidget({ title: 'Tokens', width: 6, height: h, left: tokens })] : []),
        ...(emits('costMeasured') ? [new cloudwatch.GraphWidget({
          title: 'Estimated cost (USD)', width: 6, height: h,
          left: [invokerMetric(s, INVOKER_METRICS.estimatedCost, sum, t.period, 'estimated USD')],
        })] : []),
      );
    }
  }
}

function serviceMetric(m: WatchedModel, name: string, statistic: string, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: BEDROCK_RUNTIME_NAMESPACE, metricName: name, statistic, period, label,
    dimensionsMap: { [BEDROCK_MODEL_ID_DIMENSION]: m.serviceModelId },
  });
}

function invokerMetric(s: InvokerSeries, name: string, statistic: string, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: s.namespace, metricName: name, statistic, period, label,
    dimensionsMap: { [INVOKER_SERVICE_DIMENSION]: s.service, [INVOKER_MODEL_ID_DIMENSION]: s.modelId },
  });
}

/**
 * The invoker's Errors: those recorded with the model (dimensions service + ModelId) and those recorded before the
 * model was known (invalid requests, unreadable configuration: dimension service only, shared by every invoker with
 * that service name).
 */
function invokerErrors(s: InvokerSeries, period: Duration): cloudwatch.IMetric {
  return new cloudwatch.MathExpression({
    expression: 'FILL(withModel, 0) + FILL(beforeModel, 0)',
    usingMetrics: {
      withModel: invokerMetric(s, INVOKER_METRICS.errors, cloudwatch.Stats.SUM, period),
      beforeModel: new cloudwatch.Metric({
        namespace: s.namespace, metricName: INVOKER_METRICS.errors, statistic: cloudwatch.Stats.SUM, period,
        dimensionsMap: { [INVOKER_SERVICE_DIMENSION]: s.service },
      }),
    },
    label: 'errors',
    period,
  });
}

/**
 * `FILL(m0,0) + FILL(m1,0) + ...`, or the metric itself when there is one (for an alarm unlabelled, so that the alarm
 * stays a plain metric alarm).
 */
function sumOf(metrics: cloudwatch.Metric[], label: string, period: Duration, labelSingle = true): cloudwatch.IMetric {
  if (metrics.length === 1) return labelSingle ? metrics[0].with({ label }) : metrics[0];
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  metrics.forEach((m, i) => { usingMetrics[`m${i}`] = m; });
  return new cloudwatch.MathExpression({
    expression: metrics.map((_, i) => `FILL(m${i}, 0)`).join(' + '),
    usingMetrics, label, period,
  });
}

function groupSeries(watched: WatchedInvoker[]): InvokerSeries[] {
  const byKey = new Map<string, InvokerSeries>();
  for (const w of watched) {
    const key = JSON.stringify([w.namespace, w.service, w.modelId]);
    const s = byKey.get(key) ?? { namespace: w.namespace, service: w.service, modelId: w.modelId, invokers: [] };
    s.invokers.push(w);
    byKey.set(key, s);
  }
  return [...byKey.values()];
}

/** The alarms on each invoker metric series (see InvokerAlarmSpec for the guardrail extension point). */
const INVOKER_ALARMS: InvokerAlarmSpec[] = [
  {
    id: 'Errors',
    what: 'Errors',
    metric: (s, t) => invokerErrors(s, t.period),
    threshold: (t) => t.invokerErrors,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  },
  {
    id: 'Latency',
    what: 'Latency',
    metric: (s, t) => invokerMetric(s, INVOKER_METRICS.latency, t.latencyStat, t.period),
    threshold: (t) => t.invokerLatencyMs,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  },
];
