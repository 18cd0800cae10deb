import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelIdKnown: a model identifier is not in the model catalog, is an inference-profile ID that is not
 * sourced for the model, is a Provisioned-Throughput-only context variant used on demand, or hides its model
 * (application-inference-profile ARN without a declared source model).
 */
export default defineModelRule({
  name: 'ModelIdKnown',
  level: 'error',
  codes: ['UnknownModel', 'ProfileUnknown', 'ProvisionedOnly', 'HiddenModel'],
  info: 'A Bedrock model identifier is not a known, on-demand model or inference-profile ID.',
  explanation: 'A misspelt or unknown ID fails only at run time, when the first request reaches Bedrock. Use the ID '
    + 'the message suggests. If the model is newer than the catalog and you verified the ID, acknowledge this finding '
    + 'for that ID (in a CDK app Validations.of(scope).acknowledge({ id: \'Bedrock-ModelIdKnown[<id>]\', reason }); in a '
    + 'template the resource\'s Metadata.cdk_nag.rules_to_suppress); with this library\'s constructs, declare it with '
    + 'BedrockModel.of(id, { custom: { regions: [...] } }).',
});
