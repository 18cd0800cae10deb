import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BedrockEndpointService, BedrockVpcEndpoints, BedrockVpcEndpointsProps } from '../../lib/network';
import * as perms from '../../lib/network/perms';
import { largeApp } from './apps';

const ENV = { account: '123456789012', region: 'us-east-1' };

function build(props: Partial<BedrockVpcEndpointsProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Net', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const endpoints = new BedrockVpcEndpoints(stack, 'Endpoints', { vpc, ...props });
  return { app, stack, vpc, endpoints, t: Template.fromStack(stack) };
}

const serviceName = (name: string) => `com.amazonaws.us-east-1.${name}`;

describe('BedrockVpcEndpoints', () => {
  test('creates the endpoints the library calls, each with a policy of exactly its actions for this account', () => {
    const { t } = build();
    const expected: Array<[string, string[]]> = [
      ['bedrock-runtime', ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:ApplyGuardrail']],
      ['bedrock-agent-runtime', ['bedrock:Retrieve', 'bedrock:RetrieveAndGenerate']],
      ['bedrock', ['bedrock:GetFoundationModelAvailability', 'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration']],
      ['bedrock-agent', ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob']],
      ['ssm', ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:PutParameter', 'ssm:DeleteParameter']],
      ['cloudformation', 'cloudformation:DescribeStacks' as unknown as string[]],
      ['lambda', 'lambda:InvokeFunction' as unknown as string[]],
    ];
    const interfaces = t.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } });
    expect(Object.keys(interfaces)).toHaveLength(expected.length);
    for (const [name, actions] of expected) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: serviceName(name),
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        PolicyDocument: {
          Statement: [{
            Sid: 'CdkBedrockFoundationActions',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: actions,
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } },
          }],
        },
      });
    }
    t.resourceCountIs('AWS::OpenSearchServerless::VpcEndpoint', 0);
  });

  test('an S3 gateway endpoint allows only the custom-resource response PUT', () => {
    const { t } = build();
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      VpcEndpointType: 'Gateway',
      PolicyDocument: { Statement: [{ Sid: 'CustomResourceResponses', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: '*' }] },
    });
    const { t: without } = build({ s3Gateway: false });
    expect(Object.keys(without.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }))).toEqual([]);
  });

  test('opt-in services and an OpenSearch Serverless endpoint (its own resource type, no endpoint policy)', () => {
    const { t, endpoints } = build({
      services: [BedrockEndpointService.CLOUDWATCH_LOGS, BedrockEndpointService.STS],
      openSearchServerless: true,
      openSearchEndpointName: 'bedrock-kb',
    });
    expect(endpoints.interfaceEndpointList).toHaveLength(2);
    expect(endpoints.endpoint(BedrockEndpointService.SSM)).toBeUndefined();
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: serviceName('logs'),
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] })] },
    });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: serviceName('sts'),
      PolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:*', Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } } })] },
    });
    const sg = Object.keys(t.findResources('AWS::EC2::SecurityGroup'))[0];
    t.hasResourceProperties('AWS::OpenSearchServerless::VpcEndpoint', {
      Name: 'bedrock-kb',
      VpcId: { Ref: Match.stringLikeRegexp('^Vpc') },
      SubnetIds: [{ Ref: Match.stringLikeRegexp('IsolatedSubnet1') }, { Ref: Match.stringLikeRegexp('IsolatedSubnet2') }],
      SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
    });
    expect(endpoints.openSearchEndpointId).toBeDefined();
  });

  test('the default OpenSearch Serverless endpoint name fits its pattern', () => {
    const { t } = build({ openSearchServerless: true });
    const [aossEndpoint] = Object.values(t.findResources('AWS::OpenSearchServerless::VpcEndpoint'));
    expect(aossEndpoint.Properties.Name).toMatch(/^bedrock-[0-9a-f]{8}$/);
  });

  test('the default security group allows HTTPS from the VPC, or from the client security groups only', () => {
    const { t } = build();
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] } }],
    });
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const fnSg = new ec2.SecurityGroup(stack, 'Functions', { vpc });
    new BedrockVpcEndpoints(stack, 'Endpoints', { vpc, clientSecurityGroups: [fnSg] });
    const t2 = Template.fromStack(stack);
    t2.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(fnSg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
    });
    t2.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'cdk-bedrock-foundation VPC endpoints: HTTPS from the clients',
      SecurityGroupIngress: Match.absent() });
  });

  test('passes AwsSolutions with the token CIDR acknowledged, and only there', () => {
    const { app } = build();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.filter((v) => v.severity === 'error' && v.violatingResources.some((r) => r.constructPath?.startsWith('Net/Endpoints')))
      .map((v) => v.ruleName)).toEqual([]);
  });

  test.each([
    ['a bad OpenSearch endpoint name', { openSearchServerless: true, openSearchEndpointName: 'Bedrock_KB' }, /openSearchEndpointName 'Bedrock_KB' is not a valid.*\^\[a-z\]\[a-z0-9-\]\{2,31\}\$/],
    ['a name without the endpoint', { openSearchEndpointName: 'bedrock-kb' }, /openSearchEndpointName is set but openSearchServerless is not/],
    ['a service twice', { services: [BedrockEndpointService.SSM, BedrockEndpointService.SSM] }, /services lists ssm twice/],
    ['empty client security groups', { clientSecurityGroups: [] }, /clientSecurityGroups is empty/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => build(props as Partial<BedrockVpcEndpointsProps>)).toThrow(message);
  });

  test('every action a library role is granted on a served service is in that endpoint\'s policy', () => {
    // A larger app with every construct; any grant added to the library later shows up here.
    const app = largeApp();
    const stack = app.node.findAll().find((c) => Stack.isStack(c)) as Stack;
    const template = Template.fromStack(stack).toJSON();
    const served: Record<string, string[]> = {
      'bedrock': [...perms.BEDROCK_RUNTIME_ACTIONS, ...perms.BEDROCK_AGENT_RUNTIME_ACTIONS, ...perms.BEDROCK_CONTROL_PLANE_ACTIONS,
        ...perms.BEDROCK_AGENT_ACTIONS],
      'ssm': perms.SSM_ACTIONS,
      'cloudformation': perms.CLOUDFORMATION_ACTIONS,
      'lambda': perms.LAMBDA_ACTIONS,
      'states': perms.STEP_FUNCTIONS_ACTIONS,
    };
    const granted = new Set<string>();
    for (const r of Object.values(template.Resources) as Array<{ Type: string; Properties: any }>) {
      const docs = r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy' ? [r.Properties.PolicyDocument]
        : r.Type === 'AWS::IAM::Role' ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument) : [];
      for (const doc of docs) {
        for (const s of doc.Statement) for (const a of [s.Action].flat()) granted.add(a);
      }
    }
    // Bedrock actions that Bedrock performs as a service for the Knowledge Base role (not through the VPC) are not
    // called by functions: the KB role's InvokeModel on the embeddings model is covered by bedrock-runtime anyway.
    const missing = [...granted].filter((a) => {
      const [service] = a.split(':');
      return served[service] && !served[service].includes(a);
    });
    expect(missing).toEqual([]);
    expect([...granted].filter((a) => a.startsWith('bedrock:')).length).toBeGreaterThan(3); // the check sees the grants
  });
});
