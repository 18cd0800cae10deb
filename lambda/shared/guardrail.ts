/**
 * Guardrail interventions, shared by the text and RAG invokers. An intervention is not a failure: the handler answers
 * normally with `guardrailIntervened: true` (and the guardrail's blocked message as the answer), and records the EMF
 * metric `GuardrailInterventions` (Count, dimension `ModelId` like the other invoker metrics) and a log line.
 *
 * Signals (Bedrock API Reference): Converse `stopReason: 'guardrail_intervened'` (ConverseStream: the messageStop
 * event's stopReason), RetrieveAndGenerate `guardrailAction: 'INTERVENED'`.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from './observability';

/** Converse / ConverseStream stop reason of an answer the guardrail blocked or masked. */
export const GUARDRAIL_INTERVENED_STOP_REASON = 'guardrail_intervened';
/** RetrieveAndGenerate `guardrailAction` of an answer the guardrail blocked or masked. */
export const GUARDRAIL_INTERVENED_ACTION = 'INTERVENED';
/** The metric counting interventions. */
export const GUARDRAIL_INTERVENTIONS_METRIC = 'GuardrailInterventions';

/** Records one intervention: the metric and a log line naming the guardrail. */
export function recordGuardrailIntervention(modelId: string, guardrail: { guardrailIdentifier: string; guardrailVersion: string }): void {
  metrics.addDimension('ModelId', modelId);
  metrics.addMetric(GUARDRAIL_INTERVENTIONS_METRIC, MetricUnit.Count, 1);
  logger.info('guardrail intervened', { guardrailIdentifier: guardrail.guardrailIdentifier, guardrailVersion: guardrail.guardrailVersion });
}
