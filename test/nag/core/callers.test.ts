import { callerRegions } from '../../../lib/nag/core/callers';
import { checkTemplate } from '../../../lib/nag/core/check';
import { ALL_RULES } from '../../../lib/nag/rules';
import { NOW } from '../util';

const ctx = { region: 'ap-northeast-1', now: NOW };
const fn = (role: unknown, variables: Record<string, string>) => ({
  Type: 'AWS::Lambda::Function', Properties: { Role: role, Environment: { Variables: variables } },
});

describe('issue 23: the Regions a policy\'s principals call Bedrock in', () => {
  test('follows Role (Fn::GetAtt, long and short form), the Roles of policies, an ECS task role and a SAM function\'s own Policies', () => {
    const regions = callerRegions({ Resources: {
      A: fn({ 'Fn::GetAtt': ['RoleA', 'Arn'] }, { MODEL_REGION: 'us-east-1', MODEL_ID: 'amazon.nova-lite-v1:0' }),
      B: fn({ 'Fn::GetAtt': 'RoleB.Arn' }, { MODELS: JSON.stringify([{ modelId: 'amazon.nova-lite-v1:0', region: 'us-west-2' }]) }),
      C: fn({ 'Fn::GetAtt': ['RoleC', 'Arn'] }, { MODEL_ID: 'amazon.nova-lite-v1:0' }),
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { TaskRoleArn: { 'Fn::GetAtt': ['TaskRole', 'Arn'] }, ContainerDefinitions: [
        { Name: 'c', Environment: [{ Name: 'BEDROCK_REGION', Value: 'eu-west-2' }, { Name: 'MODEL_ID', Value: 'amazon.nova-lite-v1:0' }] },
      ] } },
      Sam: { Type: 'AWS::Serverless::Function', Properties: { Environment: { Variables: { LLM_REGION: 'us-east-2', MODEL_ID: 'amazon.nova-lite-v1:0' } } } },
      RoleA: { Type: 'AWS::IAM::Role', Properties: {} },
      PolicyB: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'RoleB' }] } },
      PolicyC: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'RoleC' }] } },
      TaskPolicy: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'TaskRole' }] } },
    } }, ctx);
    expect(Object.fromEntries([...regions].map(([k, v]) => [k, v.map((r) => `${r.region} by ${r.by}`)]))).toEqual({
      RoleA: ['us-east-1 by the function A (its MODEL_REGION variable)'],
      PolicyB: ["us-west-2 by the function B (the 'region' field beside Environment.Variables.MODELS[0].modelId)"],
      TaskPolicy: ['eu-west-2 by the task definition Task (its BEDROCK_REGION variable)'],
      Sam: ['us-east-2 by the function Sam (its LLM_REGION variable)'],
    });
  });

  test('a model ARN of the Region the function calls Bedrock in is judged there, not reported as another Region', () => {
    const template = { Resources: {
      Ask: fn({ 'Fn::GetAtt': ['Role', 'Arn'] }, { MODEL_REGION: 'us-east-1', MODEL_ID: 'amazon.nova-lite-v1:0' }),
      Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{
        Effect: 'Allow', Action: 'bedrock:InvokeModel',
        Resource: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0', 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0'],
      }] } }] } },
    } };
    const findings = checkTemplate(template, { region: 'ap-northeast-1', now: NOW, rules: ALL_RULES });
    expect(findings.map((f) => [f.ruleId, f.places.map((p) => [p.property, p.code])])).toEqual([
      ['Bedrock-ModelRegion', [['Policies[0](p).PolicyDocument.Statement[0].Resource[1]', 'CrossRegionArn']]],
    ]);
  });
});
