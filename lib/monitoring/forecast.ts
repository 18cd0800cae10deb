import { Construct } from 'constructs';

/**
 * Days in a month for the forecast: the mean Gregorian month (365.25 / 12), so 12 forecast months make a year. A
 * calendar month has 28 to 31 days; the forecast is an average, not a bill.
 */
export const DAYS_PER_MONTH = 365.25 / 12;

/** Expected traffic through one invoker, for the synth-time cost forecast. */
export interface InvokerTraffic {
  /** The invoker (a `ModelInvoker`, `EmbeddingInvoker` or `RagInvoker` that the monitoring watches). */
  readonly invoker: Construct;
  /** Requests per day (a number of at least 0). */
  readonly requestsPerDay: number;
  /** Mean input tokens per request (at least 0). */
  readonly inputTokensPerRequest: number;
  /**
   * Mean output tokens per request (at least 0). Embeddings models are priced per input token only: leave it 0 for
   * an `EmbeddingInvoker`.
   * @default 0
   */
  readonly outputTokensPerRequest?: number;
}

/** The forecast monthly cost of one model, at the catalog's sourced rate for the way it is invoked. */
export interface ModelCostForecast {
  /** The model ID the invokers send (a foundation-model or inference-profile ID, or an ARN). */
  readonly modelId: string;
  /** The foundation model whose price applies. */
  readonly foundationModelId: string;
  /** The invokers (construct paths) whose traffic this sums. */
  readonly invokers: string[];
  /** Requests per month (requests per day x {@link DAYS_PER_MONTH}). */
  readonly requestsPerMonth: number;
  readonly inputTokensPerMonth: number;
  readonly outputTokensPerMonth: number;
  /** Forecast cost per month in USD. */
  readonly monthlyUsd: number;
  /** USD per 1M input tokens. */
  readonly inputPer1M: number;
  /** USD per 1M output tokens; undefined for a model priced per input token only (embeddings). */
  readonly outputPer1M?: number;
  /** Which rate applies, e.g. 'global cross-Region profile rate'. */
  readonly rateBasis: string;
  /** Date of the price (ISO), when the source gives one. */
  readonly priceAsOf?: string;
  /** Where the price comes from (catalog source keys). */
  readonly priceSources: string[];
  /** Whether the source marks the price approximate. */
  readonly approximate: boolean;
  /**
   * Whether the invokers' `EstimatedCostUSD` metric measures this spend at run time (the daily cost alarm watches it).
   * False for a `RagInvoker` (RetrieveAndGenerate reports no token usage) and for Cohere Embed (its responses carry no
   * token count).
   */
  readonly measured: boolean;
}

/** The synth-time cost forecast of a `BedrockMonitoring`. */
export interface CostForecast {
  /** Per model, highest cost first. */
  readonly models: ModelCostForecast[];
  /** Sum of the models' monthly cost in USD. */
  readonly monthlyUsd: number;
  /** The monthly budget it is compared with, when one is set. */
  readonly monthlyBudgetUsd?: number;
  /** Generation date of the model catalog whose prices were used. */
  readonly catalogGeneratedAt: string;
}

/** `$1,234.57` (cents), `$0.0042` below one dollar (four significant figures). */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 1) return `$${Number(usd.toPrecision(4))}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** One line per model, then the total: the text of the forecast annotation and dashboard panel. */
export function describeForecast(f: CostForecast): string[] {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = f.models.map((m) => {
    const rate = `${formatUsd(m.inputPer1M)} in${m.outputPer1M !== undefined ? ` / ${formatUsd(m.outputPer1M)} out` : ''} per 1M tokens`;
    return `${m.modelId}: ${formatUsd(m.monthlyUsd)}/month for ${n(m.requestsPerMonth)} requests, ${n(m.inputTokensPerMonth)} input`
      + `${m.outputPer1M !== undefined ? ` + ${n(m.outputTokensPerMonth)} output` : ''} tokens at ${rate} (${m.rateBasis}`
      + `${m.approximate ? ', approximate' : ''}; price as of ${m.priceAsOf ?? 'an undated source'}, ${m.priceSources.join(', ')})`
      + `${m.measured ? '' : ' [not measured at run time: no token usage is reported, so the daily cost alarm does not see it]'}`;
  });
  lines.push(`total ${formatUsd(f.monthlyUsd)}/month${f.monthlyBudgetUsd !== undefined ? ` against a budget of ${formatUsd(f.monthlyBudgetUsd)}/month` : ''}`
    + ` (${DAYS_PER_MONTH} days a month; model catalog of ${f.catalogGeneratedAt})`);
  return lines;
}
