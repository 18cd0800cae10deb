import * as crypto from 'crypto';
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as aoss from 'aws-cdk-lib/aws-opensearchserverless';
import { Construct } from 'constructs';
import {
  BEDROCK_AGENT_ACTIONS, BEDROCK_AGENT_RUNTIME_ACTIONS, BEDROCK_CONTROL_PLANE_ACTIONS, BEDROCK_RUNTIME_ACTIONS, CLOUDFORMATION_ACTIONS,
  CLOUDWATCH_LOGS_ACTIONS, LAMBDA_ACTIONS, S3_RESPONSE_ACTIONS, SSM_ACTIONS, STEP_FUNCTIONS_ACTIONS,
} from './perms';
import { BedrockValidationError } from '../private/errors';

/**
 * An AWS service reachable through an interface endpoint of `BedrockVpcEndpoints`, with the actions its endpoint
 * policy allows. Service names come from aws-cdk-lib's `InterfaceVpcEndpointAwsService` (`com.amazonaws.<region>.<name>`);
 * the four Bedrock endpoints are those the Bedrock user guide lists ("Use interface VPC endpoints (AWS PrivateLink)",
 * vpc-interface-endpoints.html: bedrock, bedrock-runtime, bedrock-agent, bedrock-agent-runtime).
 */
export class BedrockEndpointService {
  /** `bedrock-runtime`: InvokeModel, InvokeModelWithResponseStream (Converse, ConverseStream) and ApplyGuardrail. */
  public static readonly BEDROCK_RUNTIME = new BedrockEndpointService('BedrockRuntime', ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
    BEDROCK_RUNTIME_ACTIONS);
  /** `bedrock-agent-runtime`: Retrieve and RetrieveAndGenerate. */
  public static readonly BEDROCK_AGENT_RUNTIME = new BedrockEndpointService('BedrockAgentRuntime',
    ec2.InterfaceVpcEndpointAwsService.BEDROCK_AGENT_RUNTIME, BEDROCK_AGENT_RUNTIME_ACTIONS);
  /** `bedrock` (control plane): GetFoundationModelAvailability and the model invocation logging configuration. */
  public static readonly BEDROCK = new BedrockEndpointService('Bedrock', ec2.InterfaceVpcEndpointAwsService.BEDROCK, BEDROCK_CONTROL_PLANE_ACTIONS);
  /** `bedrock-agent`: StartIngestionJob and GetIngestionJob. */
  public static readonly BEDROCK_AGENT = new BedrockEndpointService('BedrockAgent', ec2.InterfaceVpcEndpointAwsService.BEDROCK_AGENT,
    BEDROCK_AGENT_ACTIONS);
  /** `ssm`: the pinned model configuration and the invocation-logging ledger. */
  public static readonly SSM = new BedrockEndpointService('Ssm', ec2.InterfaceVpcEndpointAwsService.SSM, SSM_ACTIONS);
  /** `cloudformation`: DescribeStacks (the handlers' rollback probe). */
  public static readonly CLOUDFORMATION = new BedrockEndpointService('CloudFormation', ec2.InterfaceVpcEndpointAwsService.CLOUDFORMATION,
    CLOUDFORMATION_ACTIONS);
  /** `lambda`: the Knowledge Base sync's wait continues in a fresh invocation of its own function. */
  public static readonly LAMBDA = new BedrockEndpointService('Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA, LAMBDA_ACTIONS);
  /**
   * `states`: not called by the library's functions (its custom resources answer CloudFormation themselves, with no
   * provider framework or waiter state machine); for your own code.
   */
  public static readonly STEP_FUNCTIONS = new BedrockEndpointService('StepFunctions', ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
    STEP_FUNCTIONS_ACTIONS);
  /**
   * `logs`: not called by the library's functions (Lambda delivers their logs itself); for your own code that calls the
   * CloudWatch Logs API. The policy allows writing log streams and events only.
   */
  public static readonly CLOUDWATCH_LOGS = new BedrockEndpointService('CloudWatchLogs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    CLOUDWATCH_LOGS_ACTIONS);
  /**
   * `sts`: not called by the library's functions (Lambda provides their credentials); for your own code. The policy
   * limits callers to this account and does not limit actions.
   */
  public static readonly STS = new BedrockEndpointService('Sts', ec2.InterfaceVpcEndpointAwsService.STS, ['sts:*']);

  /** The endpoints the library's own functions call: the default of `BedrockVpcEndpointsProps.services`. */
  public static readonly LIBRARY: BedrockEndpointService[] = [
    BedrockEndpointService.BEDROCK_RUNTIME, BedrockEndpointService.BEDROCK_AGENT_RUNTIME, BedrockEndpointService.BEDROCK,
    BedrockEndpointService.BEDROCK_AGENT, BedrockEndpointService.SSM, BedrockEndpointService.CLOUDFORMATION,
    BedrockEndpointService.LAMBDA,
  ];

  private constructor(
    /** Construct ID of the endpoint under `BedrockVpcEndpoints`. */
    public readonly id: string,
    /** The aws-cdk-lib service (its `shortName` is the endpoint's service name without `com.amazonaws.<region>.`). */
    public readonly service: ec2.InterfaceVpcEndpointAwsService,
    /** The actions the endpoint policy allows. */
    public readonly actions: string[],
  ) {}
}

/** Properties of `BedrockVpcEndpoints`. */
export interface BedrockVpcEndpointsProps {
  /** The VPC the library's functions run in (`ComplianceEnvelopeProps.vpc`). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the interface endpoints (one per Availability Zone) and route tables of the S3 gateway endpoint.
   * @default - aws-cdk-lib's default selection: the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups of the interface endpoints.
   * @default - one security group that allows HTTPS (443) from `clientSecurityGroups` (or, without them, from the
   * VPC's CIDR block) and no outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Security groups of the functions that use the endpoints (`ComplianceEnvelopeProps.securityGroups`): the default
   * endpoint security group then allows HTTPS from these only, instead of from the whole VPC. Only without
   * `securityGroups`.
   * @default - HTTPS from the VPC's CIDR block
   */
  readonly clientSecurityGroups?: ec2.ISecurityGroup[];
  /**
   * The interface endpoints to create.
   * @default BedrockEndpointService.LIBRARY
   */
  readonly services?: BedrockEndpointService[];
  /**
   * Create an S3 gateway endpoint (free; custom-resource handlers in the VPC send their responses to CloudFormation's
   * pre-signed S3 URL through it).
   * @default true
   */
  readonly s3Gateway?: boolean;
  /**
   * Create an OpenSearch Serverless VPC endpoint (`AWS::OpenSearchServerless::VpcEndpoint`, its own resource type, not
   * an EC2 endpoint) for the index custom resource of an OpenSearch Serverless Knowledge Base and for your own code.
   * @default false
   */
  readonly openSearchServerless?: boolean;
  /**
   * Name of the OpenSearch Serverless VPC endpoint (3–32 characters: a lowercase letter, then lowercase letters, digits
   * and hyphens).
   * @default - `bedrock-` and a hash of the construct path
   */
  readonly openSearchEndpointName?: string;
}

/** The OpenSearch Serverless endpoint name pattern (CloudFormation AWS::OpenSearchServerless::VpcEndpoint `Name`). */
const AOSS_ENDPOINT_NAME = /^[a-z][a-z0-9-]{2,31}$/;

/**
 * The VPC endpoints the library's functions need when they run in a VPC without a route to the internet, each with an
 * endpoint policy that allows only what the library's roles do, and only to principals of this account:
 * interface endpoints (default `BedrockEndpointService.LIBRARY`), an S3 gateway endpoint, and optionally an
 * OpenSearch Serverless VPC endpoint.
 *
 * An endpoint policy does not grant anything: it is an extra limit next to the callers' IAM policies (AWS PrivateLink
 * guide, "Control access to VPC endpoints using endpoint policies", vpc-endpoints-access.html; an endpoint without a
 * policy allows full access). Your own code using the same endpoints needs its actions added:
 * `endpoints.endpoint(BedrockEndpointService.SSM)!.addToPolicy(...)`. OpenSearch Serverless VPC endpoints take no
 * endpoint policy; the collection's network and data-access policies control them.
 */
export class BedrockVpcEndpoints extends Construct {
  /** Security groups of the interface endpoints. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** The S3 gateway endpoint, unless `s3Gateway: false`. */
  public readonly s3Endpoint?: ec2.GatewayVpcEndpoint;
  /** The OpenSearch Serverless VPC endpoint, with `openSearchServerless: true`. */
  public readonly openSearchEndpoint?: aoss.CfnVpcEndpoint;
  /** Its ID, for `ComplianceEnvelopeProps.openSearchVpcEndpointIds`. */
  public readonly openSearchEndpointId?: string;
  private readonly interfaceEndpoints = new Map<BedrockEndpointService, ec2.InterfaceVpcEndpoint>();

  constructor(scope: Construct, id: string, props: BedrockVpcEndpointsProps) {
    super(scope, id);
    const services = props.services ?? BedrockEndpointService.LIBRARY;
    const duplicate = services.find((s, i) => services.indexOf(s) !== i);
    if (duplicate) {
      throw new BedrockValidationError('DuplicateEndpointService', `BedrockVpcEndpoints: services lists ${duplicate.service.shortName} twice; `
        + 'list each service once.', this);
    }
    const name = props.openSearchEndpointName;
    if (name !== undefined && !Token.isUnresolved(name) && !AOSS_ENDPOINT_NAME.test(name)) {
      throw new BedrockValidationError('InvalidOpenSearchEndpointName', `BedrockVpcEndpoints: openSearchEndpointName '${name}' is not a valid `
        + 'OpenSearch Serverless VPC endpoint name; use 3–32 characters: a lowercase letter, then lowercase letters, digits and hyphens '
        + '(pattern ^[a-z][a-z0-9-]{2,31}$), e.g. \'bedrock-kb\'.', this);
    }
    if (name !== undefined && !props.openSearchServerless) {
      throw new BedrockValidationError('OpenSearchEndpointNameUnused', 'BedrockVpcEndpoints: openSearchEndpointName is set but '
        + 'openSearchServerless is not; pass openSearchServerless: true to create the endpoint, or drop openSearchEndpointName.', this);
    }

    const account = Stack.of(this).account;
    if (props.securityGroups && props.securityGroups.length === 0) {
      throw new BedrockValidationError('EmptyEndpointSecurityGroups', 'BedrockVpcEndpoints: securityGroups is empty; pass at least one, '
        + 'or leave it out for a security group that allows HTTPS from the VPC.', this);
    }
    if (props.securityGroups && props.clientSecurityGroups) {
      throw new BedrockValidationError('EndpointClientsWithSecurityGroups', 'BedrockVpcEndpoints: clientSecurityGroups only shapes the '
        + 'default endpoint security group, but securityGroups was given too; add the ingress rules to your security groups, or drop '
        + 'securityGroups.', this);
    }
    if (props.clientSecurityGroups && props.clientSecurityGroups.length === 0) {
      throw new BedrockValidationError('EmptyEndpointClients', 'BedrockVpcEndpoints: clientSecurityGroups is empty; pass the functions\' '
        + 'security groups, or leave it out to allow HTTPS from the whole VPC.', this);
    }
    this.securityGroups = props.securityGroups ?? [this.defaultSecurityGroup(props.vpc, props.clientSecurityGroups)];

    for (const service of services) {
      const endpoint = new ec2.InterfaceVpcEndpoint(this, service.id, {
        vpc: props.vpc,
        service: service.service,
        subnets: props.subnets,
        securityGroups: this.securityGroups,
        open: false,
        privateDnsEnabled: true,
      });
      endpoint.addToPolicy(new iam.PolicyStatement({
        sid: 'CdkBedrockFoundationActions',
        principals: [new iam.AnyPrincipal()],
        actions: service.actions,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': account } },
      }));
      this.interfaceEndpoints.set(service, endpoint);
    }

    if (props.s3Gateway ?? true) {
      this.s3Endpoint = new ec2.GatewayVpcEndpoint(this, 'S3', {
        vpc: props.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: props.subnets ? [props.subnets] : undefined,
      });
      // The response PUT is signed by CloudFormation into a bucket CloudFormation owns (the pre-signed ResponseURL of
      // the custom-resource request, crpg-ref-requesttypes-create.html), so it is neither this account's principal nor
      // a bucket named here: the statement allows that one action on any bucket and nothing else.
      this.s3Endpoint.addToPolicy(new iam.PolicyStatement({
        sid: 'CustomResourceResponses',
        principals: [new iam.AnyPrincipal()],
        actions: S3_RESPONSE_ACTIONS,
        resources: ['*'],
      }));
    }

    if (props.openSearchServerless) {
      const subnetIds = props.vpc.selectSubnets({ ...props.subnets, onePerAz: true }).subnetIds;
      this.openSearchEndpoint = new aoss.CfnVpcEndpoint(this, 'OpenSearchServerless', {
        name: name ?? defaultEndpointName(this),
        vpcId: props.vpc.vpcId,
        subnetIds,
        securityGroupIds: this.securityGroups.map((sg) => sg.securityGroupId),
      });
      this.openSearchEndpointId = this.openSearchEndpoint.attrId;
    }
  }

  /** The interface endpoint of `service`, if this construct created one. */
  public endpoint(service: BedrockEndpointService): ec2.InterfaceVpcEndpoint | undefined {
    return this.interfaceEndpoints.get(service);
  }

  /** The interface endpoints this construct created, in the order of `services`. */
  public get interfaceEndpointList(): ec2.InterfaceVpcEndpoint[] {
    return [...this.interfaceEndpoints.values()];
  }

  private defaultSecurityGroup(vpc: ec2.IVpc, clients?: ec2.ISecurityGroup[]): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'cdk-bedrock-foundation VPC endpoints: HTTPS from the clients',
      allowAllOutbound: false,
    });
    if (clients) {
      for (const client of clients) sg.addIngressRule(client, ec2.Port.tcp(443), 'HTTPS from a client security group');
      return sg;
    }
    sg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC to the endpoints');
    // The rules that look for ingress from anywhere cannot read the VPC's CIDR block, a token (Fn::GetAtt of the VPC),
    // and report an error for it. (aws-cdk-lib Validations: constructs never import cdk-nag.)
    const reason = 'The only ingress rule allows TCP 443 from the VPC\'s own CIDR block (a token, Fn::GetAtt of the VPC, which the '
      + 'rule cannot evaluate), never 0.0.0.0/0 or ::/0. Pass clientSecurityGroups to allow the functions\' security groups instead.';
    Validations.of(sg).acknowledge(...CIDR_TOKEN_RULES.map((id) => ({ id, reason })));
    return sg;
  }
}

/** cdk-nag rules that cannot evaluate an ingress rule whose CIDR is a token. */
const CIDR_TOKEN_RULES = [
  'AwsSolutions-EC23',
  ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [`${pack}-EC2RestrictedCommonPorts`, `${pack}-EC2RestrictedSSH`]),
];

/** `bedrock-` + 8 hex characters of the construct path's hash (matches the AOSS name pattern). */
function defaultEndpointName(scope: Construct): string {
  return `bedrock-${crypto.createHash('sha256').update(scope.node.path).digest('hex').slice(0, 8)}`;
}
