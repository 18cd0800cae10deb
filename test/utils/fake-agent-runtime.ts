/**
 * Fake Amazon Bedrock agent runtime (restJson1) on 127.0.0.1 for the real @aws-sdk/client-bedrock-agent-runtime.
 * That client also defaults to NodeHttp2Handler (its dist-es/runtimeConfig.js), so this is an h2c server too.
 * Point the client at it with AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME=fake.url.
 *
 * Shapes: Retrieve `POST /knowledgebases/{knowledgeBaseId}/retrieve`, RetrieveAndGenerate `POST /retrieveAndGenerate`
 * (request/response fields from @aws-sdk/client-bedrock-agent-runtime models, bedrock-api-shapes.md §3-4).
 */
import { H2cFakeServer, type RecordedRequest, type Reply } from './h2c-server';

/** Fake chunks "retrieved" for a query: one per word of the query, deterministic. */
export function fakeChunks(query: string, n: number): { text: string; uri: string; score: number }[] {
  const words = query.split(/\s+/).filter(Boolean);
  return Array.from({ length: n }, (_, i) => ({
    text: `chunk ${i + 1} about ${words[i % Math.max(1, words.length)] ?? 'nothing'}`,
    uri: `s3://docs-bucket/doc-${i + 1}.md`,
    score: Math.round((1 - i / (n + 1)) * 1000) / 1000,
  }));
}

export function retrieveReply(req: RecordedRequest): Reply {
  const n = req.body?.retrievalConfiguration?.vectorSearchConfiguration?.numberOfResults ?? 5;
  return {
    kind: 'json',
    body: {
      retrievalResults: fakeChunks(req.body?.retrievalQuery?.text ?? '', n).map((c, i) => ({
        content: { type: 'TEXT', text: c.text },
        location: { type: 'S3', s3Location: { uri: c.uri } },
        score: c.score,
        metadata: { 'x-amz-bedrock-kb-source-uri': c.uri },
        documentId: `doc-${i + 1}`,
      })),
    },
  };
}

/**
 * A RetrieveAndGenerate request with `generationConfiguration.guardrailConfiguration` whose query contains this word is
 * blocked by the fake's guardrail: the response's output is the blocked message, no citations, and
 * `guardrailAction: 'INTERVENED'` (RetrieveAndGenerateResponse.guardrailAction, GuadrailAction INTERVENED | NONE); other
 * guarded requests answer with `guardrailAction: 'NONE'`.
 */
export const FAKE_RAG_BLOCKED_WORD = 'forbidden';
export const FAKE_RAG_BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';

export function retrieveAndGenerateReply(req: RecordedRequest): Reply {
  const query: string = req.body?.input?.text ?? '';
  const guarded = req.body?.retrieveAndGenerateConfiguration?.knowledgeBaseConfiguration?.generationConfiguration?.guardrailConfiguration;
  if (guarded && query.includes(FAKE_RAG_BLOCKED_WORD)) {
    return {
      kind: 'json',
      body: { sessionId: req.body?.sessionId ?? 'fake-session-1', output: { text: FAKE_RAG_BLOCKED_MESSAGE }, citations: [], guardrailAction: 'INTERVENED' },
    };
  }
  const n = req.body?.retrieveAndGenerateConfiguration?.knowledgeBaseConfiguration?.retrievalConfiguration?.vectorSearchConfiguration?.numberOfResults ?? 2;
  const chunks = fakeChunks(query, n);
  const answer = `answer to: ${query}`;
  return {
    kind: 'json',
    body: {
      sessionId: req.body?.sessionId ?? 'fake-session-1',
      output: { text: answer },
      citations: [{
        generatedResponsePart: { textResponsePart: { text: answer, span: { start: 0, end: answer.length - 1 } } },
        retrievedReferences: chunks.map((c) => ({
          content: { type: 'TEXT', text: c.text },
          location: { type: 'S3', s3Location: { uri: c.uri } },
          metadata: { 'x-amz-bedrock-kb-source-uri': c.uri },
        })),
      }],
      ...(guarded ? { guardrailAction: 'NONE' } : {}),
    },
  };
}

export class FakeAgentRuntime extends H2cFakeServer {
  static async start(): Promise<FakeAgentRuntime> {
    return new FakeAgentRuntime().listen();
  }

  constructor() {
    super([
      { operation: 'retrieve', method: 'POST', pattern: '/knowledgebases/{knowledgeBaseId}/retrieve' },
      { operation: 'retrieve-and-generate', method: 'POST', pattern: '/retrieveAndGenerate' },
    ]);
    this.setDefault('retrieve', retrieveReply);
    this.setDefault('retrieve-and-generate', retrieveAndGenerateReply);
  }
}
