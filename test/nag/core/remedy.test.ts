import { checkTemplate } from '../../../lib/nag/core/check';
import { adaptRemedy, audienceOf, LIBRARY_MARKER } from '../../../lib/nag/core/remedy';
import { ALL_RULES } from '../../../lib/nag/rules';
import { NOW } from '../util';

const UNKNOWN_MESSAGE = "Model ID 'amazon.nova-ultra-v9:0' is not in the model catalog (generated 2026-11-25). Did you mean 'amazon.nova-pro-v1:0'? "
  + "If it is a model newer than the catalog, declare it: BedrockModel.of(id, { custom: { regions: ['<region>', ...] } }).";

describe('issue 23: remedies fit the input', () => {
  test('who can act on a finding: this library\'s constructs, a CDK app, or a plain template', () => {
    const ctx = { now: NOW };
    expect(audienceOf({ Type: 'AWS::SSM::Parameter', Metadata: { [LIBRARY_MARKER]: 'PinnedModelConfig' } }, ctx)).toBe('library');
    expect(audienceOf({ Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: {
      MODEL_CONFIG: JSON.stringify({ schemaVersion: 1, modelId: 'm', foundationModelId: 'm', invocationForm: 'in-region' }),
    } } } }, ctx)).toBe('library');
    expect(audienceOf({ Type: 'AWS::SSM::Parameter', Metadata: { 'aws:cdk:path': 'App/Stack/P/Resource' } }, ctx)).toBe('cdk');
    expect(audienceOf({ Type: 'AWS::SSM::Parameter' }, { ...ctx, cdkApp: true })).toBe('cdk');
    expect(audienceOf({ Type: 'AWS::SSM::Parameter' }, ctx)).toBe('template');
  });

  test('construct advice is kept for the library, replaced by an acknowledgement for a CDK app and a template', () => {
    const id = 'Bedrock-ModelIdKnown[amazon.nova-ultra-v9:0]';
    expect(adaptRemedy(UNKNOWN_MESSAGE, 'library', id)).toBe(UNKNOWN_MESSAGE);
    const cdk = adaptRemedy(UNKNOWN_MESSAGE, 'cdk', id);
    expect(cdk).toContain("Did you mean 'amazon.nova-pro-v1:0'?");
    expect(cdk).not.toContain('BedrockModel');
    expect(cdk).toContain(`Validations.of(<construct>).acknowledge({ id: '${id}'`);
    const template = adaptRemedy(UNKNOWN_MESSAGE, 'template', id);
    expect(template).not.toMatch(/BedrockModel|Validations/);
    expect(template).toContain(`Metadata: { cdk_nag: { rules_to_suppress: [{ id: '${id}'`);
  });

  test('asides about the constructs are dropped for other inputs', () => {
    expect(adaptRemedy('Add a condition { StringEquals: { x: y } } (BedrockModel.grantInvoke does both).', 'template', 'Bedrock-ModelRegion[m]'))
      .toBe('Add a condition { StringEquals: { x: y } }.');
  });

  test('through the core: a plain template gets the template remedy, a resource this library built the construct one', () => {
    const message = (metadata?: Record<string, unknown>) => checkTemplate({
      Resources: { P: { Type: 'AWS::SSM::Parameter', ...(metadata ? { Metadata: metadata } : {}), Properties: { Type: 'String', Value: 'amazon.nova-pro-v9:0' } } },
    }, { region: 'us-east-1', now: NOW, rules: ALL_RULES }).map((f) => f.message).join(' ');
    expect(message()).not.toContain('BedrockModel');
    expect(message()).toContain('rules_to_suppress');
    expect(message({ [LIBRARY_MARKER]: 'PinnedModelConfig' })).toContain('BedrockModel.of(');
  });
});
