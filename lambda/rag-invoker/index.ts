/**
 * RAG invoker: Bedrock Knowledge Bases RetrieveAndGenerate (answer with citations) and plain Retrieve (chunks).
 * Env: KNOWLEDGE_BASE_ID, MODEL_ARN (the generation model's invocation ARN), NUMBER_OF_RESULTS (default 5),
 * MODEL_ID (metrics dimension; defaults to MODEL_ARN).
 * RetrieveAndGenerate reports no token usage, so only latency and errors are recorded as metrics.
 */
import {
  BedrockAgentRuntimeClient, RetrieveAndGenerateCommand, RetrieveCommand,
  type KnowledgeBaseRetrievalResult, type RetrievedReference,
} from '@aws-sdk/client-bedrock-agent-runtime';
import * as z from 'zod/mini';
import { InvokerError, fromSdkError } from '../shared/errors';
import { GUARDRAIL_INTERVENED_ACTION, recordGuardrailIntervention } from '../shared/guardrail';
import { invoke, logger, recordCall } from '../shared/observability';
import { ENV, envInt, envString } from '../shared/env';
import { clientOptions, type ContextLike } from '../shared/sdk';
import { parseInput } from '../shared/validation';

export { setClock } from '../shared/clock';

const client = new BedrockAgentRuntimeClient(clientOptions());

const requestSchema = z.strictObject({
  query: z.string().check(z.minLength(1)),
  mode: z.optional(z.enum(['retrieveAndGenerate', 'retrieve'])),
  numberOfResults: z.optional(z.int().check(z.gte(1), z.lte(100))),
  sessionId: z.optional(z.string().check(z.minLength(1))),
  correlationId: z.optional(z.string()),
});

export type RagRequest = z.infer<typeof requestSchema>;

export interface Source {
  readonly text?: string;
  readonly location?: unknown;
  readonly uri?: string;
  readonly metadata?: Record<string, unknown>;
}

export interface RagAnswer {
  readonly mode: 'retrieveAndGenerate';
  readonly answer: string;
  readonly sessionId?: string;
  readonly citations: { readonly text?: string; readonly span?: { start?: number; end?: number }; readonly sources: Source[] }[];
  readonly guardrailAction?: string;
  /**
   * With a guardrail configured (env GUARDRAIL_ID): whether it intervened (`guardrailAction` `INTERVENED`); `answer`
   * is then the guardrail's blocked message (or the masked answer). Absent without a guardrail.
   */
  readonly guardrailIntervened?: boolean;
  readonly latencyMs: number;
}

export interface RagChunks {
  readonly mode: 'retrieve';
  readonly results: (Source & { readonly score?: number; readonly documentId?: string })[];
  readonly latencyMs: number;
}

function required(name: string): string {
  const v = envString(name);
  if (!v) throw new InvokerError('ConfigError', 500, `Environment variable ${name} is not set; RagInvoker sets it at deploy.`);
  return v;
}

function uriOf(location: any): string | undefined {
  if (!location || typeof location !== 'object') return undefined;
  for (const v of Object.values(location)) {
    if (v && typeof v === 'object') {
      const u = (v as { uri?: string; url?: string }).uri ?? (v as { url?: string }).url;
      if (typeof u === 'string') return u;
    }
  }
  return undefined;
}

function source(r: RetrievedReference | KnowledgeBaseRetrievalResult): Source {
  return { text: r.content?.text, location: r.location, uri: uriOf(r.location), metadata: r.metadata as Record<string, unknown> | undefined };
}

export async function handler(event: unknown, context?: ContextLike): Promise<RagAnswer | RagChunks> {
  return invoke(context, (event as { correlationId?: string } | null)?.correlationId, async ({ deadline, setModel }) => {
    const req = parseInput(requestSchema, event);
    const knowledgeBaseId = required(ENV.KNOWLEDGE_BASE_ID);
    const modelArn = required(ENV.MODEL_ARN);
    const modelId = envString(ENV.MODEL_ID) ?? modelArn;
    setModel(modelId);
    logger.appendKeys({ knowledgeBaseId });
    const numberOfResults = req.numberOfResults ?? envInt(ENV.NUMBER_OF_RESULTS, 5);
    const retrievalConfiguration = { vectorSearchConfiguration: { numberOfResults } };
    const mode = req.mode ?? 'retrieveAndGenerate';
    const guardrailId = envString(ENV.GUARDRAIL_ID);
    const guardrail = guardrailId ? { guardrailId, guardrailVersion: required(ENV.GUARDRAIL_VERSION) } : undefined;
    const started = performance.now();
    const target = mode === 'retrieve' ? `knowledge base ${knowledgeBaseId}` : `${modelId} with knowledge base ${knowledgeBaseId}`;
    try {
      if (mode === 'retrieve') {
        const out = await client.send(new RetrieveCommand({ knowledgeBaseId, retrievalQuery: { text: req.query }, retrievalConfiguration }),
          { abortSignal: deadline.signal });
        const latencyMs = performance.now() - started;
        recordCall({ modelId, latencyMs });
        const results = (out.retrievalResults ?? []).map((r) => ({ ...source(r), score: r.score, documentId: r.documentId }));
        logger.info('retrieve ok', { results: results.length, latencyMs: Math.round(latencyMs) });
        return { mode, results, latencyMs: Math.round(latencyMs) };
      }
      const out = await client.send(new RetrieveAndGenerateCommand({
        input: { text: req.query },
        ...(req.sessionId ? { sessionId: req.sessionId } : {}),
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: {
            knowledgeBaseId, modelArn, retrievalConfiguration,
            ...(guardrail ? { generationConfiguration: { guardrailConfiguration: guardrail } } : {}),
          },
        },
      }), { abortSignal: deadline.signal });
      const latencyMs = performance.now() - started;
      if (typeof out.output?.text !== 'string') {
        throw new InvokerError('MalformedModelResponse', 502, `RetrieveAndGenerate for ${target} returned no output text.`, { modelId });
      }
      recordCall({ modelId, latencyMs });
      const citations = (out.citations ?? []).map((c) => ({
        text: c.generatedResponsePart?.textResponsePart?.text,
        span: c.generatedResponsePart?.textResponsePart?.span,
        sources: (c.retrievedReferences ?? []).map(source),
      }));
      const intervened = out.guardrailAction === GUARDRAIL_INTERVENED_ACTION;
      if (guardrail && intervened) recordGuardrailIntervention(modelId, { guardrailIdentifier: guardrail.guardrailId, guardrailVersion: guardrail.guardrailVersion });
      logger.info('retrieveAndGenerate ok', { citations: citations.length, latencyMs: Math.round(latencyMs) });
      return {
        mode, answer: out.output.text, sessionId: out.sessionId, citations, latencyMs: Math.round(latencyMs),
        ...(out.guardrailAction ? { guardrailAction: out.guardrailAction } : {}),
        ...(guardrail ? { guardrailIntervened: intervened } : {}),
      };
    } catch (e) {
      throw fromSdkError(e, modelId, mode === 'retrieve' ? `Retrieve (${target})` : `RetrieveAndGenerate (${target})`, deadline.budgetMs);
    }
  });
}
