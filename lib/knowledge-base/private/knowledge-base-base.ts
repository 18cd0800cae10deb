import { Resource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockModel } from '../../models/bedrock-model';
import { BedrockValidationError } from '../../private/errors';
import { assertGrantable, describeArgument, grantOnWildcard } from '../../private/wildcard-grant';
import { KB_INGESTION_ACTIONS, KB_RETRIEVE_ACTIONS, KB_RETRIEVE_AND_GENERATE_ACTIONS } from '../perms';
import { IKnowledgeBase } from '../types';

/** Construct ID (under the grantee's role, user or group) of the policy holding `bedrock:RetrieveAndGenerate` on `*`. */
const RAG_POLICY_ID = 'BedrockRetrieveAndGeneratePolicy';

/** The grants shared by a created and an imported Knowledge Base. */
export abstract class KnowledgeBaseBase extends Resource implements IKnowledgeBase {
  public abstract readonly knowledgeBaseId: string;
  public abstract readonly knowledgeBaseArn: string;
  public abstract readonly dataSourceId?: string;

  public grantRetrieve(grantee: iam.IGrantable): iam.Grant {
    assertGrantable(grantee, 'grantRetrieve', this);
    return iam.Grant.addToPrincipal({ grantee, actions: KB_RETRIEVE_ACTIONS, resourceArns: [this.knowledgeBaseArn] });
  }

  public grantRetrieveAndGenerate(grantee: iam.IGrantable, model: BedrockModel): iam.Grant {
    assertGrantable(grantee, 'grantRetrieveAndGenerate', this);
    if (typeof (model as Partial<BedrockModel> | undefined)?.grantInvoke !== 'function') {
      const example = typeof model === 'string' ? `BedrockModel.of('${model}')` : 'BedrockModel.of(\'<model ID>\')';
      throw new BedrockValidationError('NotABedrockModel', `grantRetrieveAndGenerate: model is ${describeArgument(model)}, not a `
        + `BedrockModel; pass the generation model as ${example}.`, this);
    }
    // bedrock:RetrieveAndGenerate has no resource type, so it can only be granted on "*": in a policy of its own on the
    // grantee's identity, acknowledged for cdk-nag there only.
    const rag = grantOnWildcard({
      grantee,
      actions: KB_RETRIEVE_AND_GENERATE_ACTIONS,
      policyId: RAG_POLICY_ID,
      reason: 'bedrock:RetrieveAndGenerate has no resource type in the IAM Service Authorization Reference, so it can '
        + 'only be granted on "*"; this policy holds only that statement, and access is still limited by '
        + 'bedrock:Retrieve on the one Knowledge Base ARN and invoke permission on the one generation model, both '
        + 'granted alongside.',
    });
    // RetrieveAndGenerate (not the Stream variant) calls the model with the caller's InvokeModel permission only.
    return rag.combine(this.grantRetrieve(grantee)).combine(model.grantInvoke(grantee, { responseStream: false }));
  }

  public grantStartIngestion(grantee: iam.IGrantable): iam.Grant {
    assertGrantable(grantee, 'grantStartIngestion', this);
    return iam.Grant.addToPrincipal({ grantee, actions: KB_INGESTION_ACTIONS, resourceArns: [this.knowledgeBaseArn] });
  }
}
