import { defineModelRule } from '../core/model-rule';

/**
 * Bedrock-ModelEndOfLife: the model reached end of life at the check date (context `cdk-bedrock-foundation:now` or
 * `--now`, else today) in the Region it is used from. The finding ID is the foundation-model ID (also for inference
 * profiles of that model).
 */
export default defineModelRule({
  name: 'ModelEndOfLife',
  level: 'error',
  codes: ['EndOfLife'],
  info: 'A Bedrock model has reached end of life; requests to it fail.',
  explanation: 'After its end-of-life date Bedrock rejects requests to a model. Migrate to the successor or to an '
    + 'active model of the same provider and modality (the message names candidates), then redeploy.',
});
