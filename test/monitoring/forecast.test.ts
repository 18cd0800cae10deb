import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  BedrockModel, BedrockMonitoring, DAYS_PER_MONTH, EmbeddingInvoker, KnowledgeBase, ModelCatalog, ModelInvoker, RagInvoker,
  describeForecast, formatUsd,
} from '../../lib';
import { BedrockValidationError } from '../../lib/private/errors';
import { testStack } from './util';

const HAIKU_FM = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const catalog = ModelCatalog.default();

function errorOf(fn: () => unknown): BedrockValidationError {
  try { fn(); } catch (e) { return e as BedrockValidationError; }
  throw new Error('expected a BedrockValidationError, nothing was thrown');
}

describe('BedrockMonitoring cost forecast', () => {
  test('states the monthly cost per model at the catalog rate of the invocation form, with the price\'s source and date', () => {
    const stack = testStack();
    const geo = BedrockModel.of(`us.${HAIKU_FM}`);
    const chat = new ModelInvoker(stack, 'Chat', { model: geo });
    const batch = new ModelInvoker(stack, 'Batch', { model: BedrockModel.of(`global.${HAIKU_FM}`) });
    const embed = new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
    const mon = new BedrockMonitoring(stack, 'Monitoring', {
      traffic: [
        { invoker: chat, requestsPerDay: 1000, inputTokensPerRequest: 2000, outputTokensPerRequest: 500 },
        { invoker: batch, requestsPerDay: 1000, inputTokensPerRequest: 2000, outputTokensPerRequest: 500 },
        { invoker: embed, requestsPerDay: 10_000, inputTokensPerRequest: 300 },
      ],
    });
    const f = mon.forecast!;
    const geoPrice = catalog.priceFor(HAIKU_FM, 'geo-profile')!;
    const globalPrice = catalog.priceFor(HAIKU_FM, 'global-profile')!;
    const titan = catalog.priceFor('amazon.titan-embed-text-v2:0')!;
    // Claude Haiku 4.5 has a sourced global rate below the geo rate: the two profiles are priced apart.
    expect(globalPrice.inputPer1M).toBeLessThan(geoPrice.inputPer1M);
    const perMonth = (rpd: number, inTok: number, outTok: number, p: { inputPer1M: number; outputPer1M: number | null }) =>
      rpd * DAYS_PER_MONTH * (inTok * p.inputPer1M + outTok * (p.outputPer1M ?? 0)) / 1e6;
    const byId = Object.fromEntries(f.models.map((m) => [m.modelId, m]));
    expect(byId[`us.${HAIKU_FM}`]).toMatchObject({
      foundationModelId: HAIKU_FM, invokers: ['Mon/Chat'], requestsPerMonth: 1000 * DAYS_PER_MONTH,
      inputPer1M: geoPrice.inputPer1M, outputPer1M: geoPrice.outputPer1M, rateBasis: geoPrice.rateBasis,
      priceAsOf: geoPrice.asOf, priceSources: geoPrice.source, measured: true,
    });
    expect(byId[`us.${HAIKU_FM}`].monthlyUsd).toBeCloseTo(perMonth(1000, 2000, 500, geoPrice), 9);
    expect(byId[`global.${HAIKU_FM}`].monthlyUsd).toBeCloseTo(perMonth(1000, 2000, 500, globalPrice), 9);
    expect(byId['amazon.titan-embed-text-v2:0']).toMatchObject({ outputPer1M: undefined, outputTokensPerMonth: 0 });
    expect(byId['amazon.titan-embed-text-v2:0'].monthlyUsd).toBeCloseTo(perMonth(10_000, 300, 0, titan), 9);
    // The forecast uses the rate the handler multiplies tokens by for EstimatedCostUSD.
    expect(byId[`us.${HAIKU_FM}`].inputPer1M).toBe(geo.runtimeConfig().price!.inputPer1M);
    expect(f.monthlyUsd).toBeCloseTo(f.models.reduce((s, m) => s + m.monthlyUsd, 0), 9);
    expect(f.models.map((m) => m.monthlyUsd)).toEqual([...f.models.map((m) => m.monthlyUsd)].sort((a, b) => b - a));
    expect(f.catalogGeneratedAt).toBe(catalog.generatedAt);
    Annotations.fromStack(stack).hasInfo('/Mon/Monitoring', Match.stringLikeRegexp(
      `Bedrock cost forecast of Mon/Monitoring:[\\s\\S]*us\\.${HAIKU_FM.replace(/\./g, '\\.')}: \\$[0-9.,]+/month for 30,438 requests[\\s\\S]*price as of ${geoPrice.asOf}`));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('MonitoringForecastOverBudget'))).toHaveLength(0);
  });

  test('warns when the forecast exceeds the monthly budget, by how much and what to do', () => {
    const stack = testStack();
    const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(`us.${HAIKU_FM}`) });
    const mon = new BedrockMonitoring(stack, 'Monitoring', {
      monthlyBudgetUsd: 100,
      traffic: [{ invoker: chat, requestsPerDay: 1000, inputTokensPerRequest: 2000, outputTokensPerRequest: 500 }],
    });
    expect(mon.forecast!.monthlyBudgetUsd).toBe(100);
    expect(mon.forecast!.monthlyUsd).toBeGreaterThan(100);
    Annotations.fromStack(stack).hasWarning('/Mon/Monitoring', Match.stringLikeRegexp(
      `against a budget of \\$100\\.00/month[\\s\\S]*The forecast \\(${formatUsd(mon.forecast!.monthlyUsd).replace(/[$.]/g, '\\$&')}/month\\) exceeds the budget \\(\\$100\\.00/month\\) by .*raise monthlyBudgetUsd, lower the traffic.*MonitoringForecastOverBudget`));
  });

  test('marks a RetrieveAndGenerate forecast as not measured at run time', () => {
    const stack = testStack();
    const kb = KnowledgeBase.fromKnowledgeBaseAttributes(stack, 'Kb', { knowledgeBaseId: 'KB12345678' });
    const ask = new RagInvoker(stack, 'Ask', { knowledgeBase: kb, model: BedrockModel.of(`us.${HAIKU_FM}`) });
    const mon = new BedrockMonitoring(stack, 'Monitoring', { traffic: [{ invoker: ask, requestsPerDay: 100, inputTokensPerRequest: 3000, outputTokensPerRequest: 300 }] });
    expect(mon.forecast!.models[0].measured).toBe(false);
    expect(describeForecast(mon.forecast!)[0]).toMatch(/\[not measured at run time: no token usage is reported, so the daily cost alarm does not see it\]$/);
  });

  describe('fails with a clear error', () => {
    test('for traffic through a model without a sourced price', () => {
      const stack = testStack();
      const custom = new ModelInvoker(stack, 'Custom', {
        model: BedrockModel.of('acme.text-model-v1:0', { custom: { regions: ['us-east-1'], outputModalities: ['TEXT'] } }),
      });
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', { traffic: [{ invoker: custom, requestsPerDay: 10, inputTokensPerRequest: 10 }] }));
      expect(e.code).toBe('ForecastNoPrice');
      expect(e.message).toMatch(new RegExp(`traffic for Mon/Custom: the model catalog \\(generated ${catalog.generatedAt}\\) has no sourced on-demand `
        + 'token price for \'acme\\.text-model-v1:0\', so its monthly cost cannot be forecast\\. Remove its traffic entry'));
    });

    test('for output tokens on an embeddings model', () => {
      const stack = testStack();
      const embed = new EmbeddingInvoker(stack, 'Embed', { model: BedrockModel.of('amazon.titan-embed-text-v2:0') });
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', {
        traffic: [{ invoker: embed, requestsPerDay: 10, inputTokensPerRequest: 10, outputTokensPerRequest: 5 }],
      }));
      expect({ code: e.code, message: e.message }).toEqual({ code: 'ForecastOutputNotPriced',
        message: expect.stringMatching(/'amazon\.titan-embed-text-v2:0' is priced per input token only .* outputTokensPerRequest is above 0\. Set it to 0\./) });
    });

    test.each([
      ['negative requests', { requestsPerDay: -1, inputTokensPerRequest: 10 }, /traffic\[0\]\.requestsPerDay is -1; give a number from 0/],
      ['infinite tokens', { requestsPerDay: 1, inputTokensPerRequest: Infinity }, /traffic\[0\]\.inputTokensPerRequest is Infinity/],
      ['NaN output tokens', { requestsPerDay: 1, inputTokensPerRequest: 1, outputTokensPerRequest: NaN }, /traffic\[0\]\.outputTokensPerRequest is NaN/],
    ])('for %s', (_name, numbers, message) => {
      const stack = testStack();
      const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(`us.${HAIKU_FM}`) });
      const e = errorOf(() => new BedrockMonitoring(stack, 'Monitoring', { traffic: [{ invoker: chat, ...numbers }] }));
      expect({ code: e.code, message: e.message }).toEqual({ code: 'InvalidTraffic', message: expect.stringMatching(message) });
    });

    test('for traffic through an invoker the monitoring does not watch, and for an invoker listed twice', () => {
      const stack = testStack();
      const chat = new ModelInvoker(stack, 'Chat', { model: BedrockModel.of(`us.${HAIKU_FM}`) });
      const other = new ModelInvoker(stack, 'Other', { model: BedrockModel.of(`us.${HAIKU_FM}`), serviceName: 'other' });
      const e1 = errorOf(() => new BedrockMonitoring(stack, 'M1', { invokers: [chat], traffic: [{ invoker: other, requestsPerDay: 1, inputTokensPerRequest: 1 }] }));
      expect({ code: e1.code, message: e1.message }).toEqual({ code: 'TrafficInvokerNotMonitored',
        message: expect.stringMatching(/traffic\[0\]\.invoker is Mon\/Other, which this monitoring does not watch \(watched: Mon\/Chat\)/) });
      const e2 = errorOf(() => new BedrockMonitoring(stack, 'M2', { invokers: [chat],
        traffic: [{ invoker: chat, requestsPerDay: 1, inputTokensPerRequest: 1 }, { invoker: chat, requestsPerDay: 2, inputTokensPerRequest: 1 }] }));
      expect({ code: e2.code, message: e2.message }).toEqual({ code: 'DuplicateTraffic', message: expect.stringMatching(/traffic lists Mon\/Chat twice/) });
    });
  });

  test('formatUsd shows cents, and four significant figures below one dollar', () => {
    expect(formatUsd(1234.567)).toBe('$1,234.57');
    expect(formatUsd(0.004213)).toBe('$0.004213');
    expect(formatUsd(0)).toBe('$0.00');
    expect(DAYS_PER_MONTH).toBe(30.4375);
  });
});
