import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../contract';
import { IGuardrail } from '../guardrails/guardrail';
import { IKnowledgeBase } from '../knowledge-base/knowledge-base';
import { BedrockModel } from '../models/bedrock-model';
import { BedrockValidationError } from '../private/errors';
import { InvokerOptions } from './invoker-options';
import { checkOutputModality, createInvokerFunction } from './private/invoker-function';

/** Properties of a RagInvoker. */
export interface RagInvokerProps extends InvokerOptions {
  /** The Knowledge Base to query. */
  readonly knowledgeBase: IKnowledgeBase;
  /** The text-generation model RetrieveAndGenerate answers with. */
  readonly model: BedrockModel;
  /**
   * Chunks retrieved per query (1-100); requests may override it.
   * @default 5
   */
  readonly numberOfResults?: number;
  /**
   * The guardrail RetrieveAndGenerate applies to generation (`generationConfiguration.guardrailConfiguration`), at its
   * pinned version (DRAFT only when asked for by name). The function is granted `bedrock:ApplyGuardrail` on it. An
   * intervention (`guardrailAction: 'INTERVENED'`) is answered with `guardrailIntervened: true` and counted in the
   * `GuardrailInterventions` metric. Retrieve (mode `retrieve`) generates nothing and is not guarded.
   * @default - no guardrail
   */
  readonly guardrail?: IGuardrail;
}

/**
 * A Lambda function that answers questions from a Knowledge Base with RetrieveAndGenerate (answer with citations)
 * or returns the matching chunks with Retrieve. It grants itself `bedrock:Retrieve` on the Knowledge Base, invoke
 * on exactly the model, and `bedrock:RetrieveAndGenerate` on `*` (that action has no resource type).
 */
export class RagInvoker extends Construct {
  /** The invoker function. */
  public readonly function: lambda.IFunction;
  /** The guardrail RetrieveAndGenerate applies, if any. */
  public readonly guardrail?: IGuardrail;

  constructor(scope: Construct, id: string, props: RagInvokerProps) {
    super(scope, id);
    const what = `RagInvoker ${this.node.path}`;
    const n = props.numberOfResults;
    if (n !== undefined && !Token.isUnresolved(n) && (!Number.isInteger(n) || n < 1 || n > 100)) {
      throw new BedrockValidationError('InvalidNumberOfResults', `${what}: numberOfResults is ${n}; give a whole number from 1 to 100.`, this);
    }
    const fn = createInvokerFunction(this, 'rag-invoker', props, 'index.handler', {
      [ENV.KNOWLEDGE_BASE_ID]: props.knowledgeBase.knowledgeBaseId,
      [ENV.MODEL_ARN]: props.model.invocationArn(this),
      [ENV.MODEL_ID]: props.model.modelId,
      [ENV.NUMBER_OF_RESULTS]: String(n ?? 5),
      ...(props.guardrail ? { [ENV.GUARDRAIL_ID]: props.guardrail.guardrailId, [ENV.GUARDRAIL_VERSION]: props.guardrail.guardrailVersion } : {}),
    });
    props.guardrail?.grantApply(fn);
    this.guardrail = props.guardrail;
    // Granted to the role (the grant's cdk-nag acknowledgement of RetrieveAndGenerate on "*" lands on the role, which
    // holds the policy); this also attaches the model's synth validation.
    props.knowledgeBase.grantRetrieveAndGenerate(fn.role!, props.model);
    checkOutputModality(this, what, props.model, 'TEXT', 'RetrieveAndGenerate needs a text-generation model.', { model: props.model });
    this.function = fn;
  }

  /** Grants `lambda:InvokeFunction` on the invoker. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }
}
