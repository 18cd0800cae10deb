import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/**
 * Limits of SSM parameter names (PutParameter `Name`, AWS Systems Manager API Reference, "Naming Constraints"):
 * a-zA-Z0-9_.- plus '/' for hierarchies, no "aws"/"ssm" prefix (case-insensitive), at most fifteen hierarchy levels.
 * Length: "The maximum length for a parameter name, including the full length of the parameter ARN, is 1011
 * characters. For example, the length of the following parameter name is 65 characters, not 20 characters:
 * arn:aws:ssm:us-east-2:111222333444:parameter/ExampleParameterName" (CloudFormation `AWS::SSM::Parameter` `Name`,
 * docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html, as mirrored in the
 * aws-cdk-lib `CfnParameterProps.name` docs; checked 2026-12-01).
 */
const SSM_NAME_MAX = 1011;
/** Longest partition (`aws-us-gov`) and Region names (`ap-southeast-7`, `eusc-de-east-1`), assumed when unresolved. */
const LONGEST_PARTITION = 'aws-us-gov';
const LONGEST_REGION = 'ap-southeast-7';
const SSM_MAX_DEPTH = 15;
/** Standard-tier String parameters hold at most 4 KB (Parameter Store quotas). */
export const SSM_STANDARD_VALUE_MAX = 4096;

/** `grantRead`: both read actions, for code that reads the parameters itself. */
export const READ_ACTIONS = ['ssm:GetParameter', 'ssm:GetParameters'];
/** `bindToFunction`: what the run-time helper (lambda/shared/model-config.ts) calls, on `/config` only. */
export const HELPER_ACTIONS = ['ssm:GetParameter'];

/**
 * The ARN of a parameter whose name starts with '/': `arn:<partition>:ssm:<region>:<account>:parameter` followed by
 * the name. Concatenated rather than sliced, so a Token name (e.g. from a CfnParameter) renders as an `Fn::Join`.
 */
function parameterArn(scope: IConstruct, name: string): string {
  return `${Stack.of(scope).formatArn({ service: 'ssm', resource: 'parameter', arnFormat: ArnFormat.NO_RESOURCE_NAME })}${name}`;
}

/** `actions` on exactly these parameter names. */
export function grantParameters(scope: IConstruct, grantee: iam.IGrantable, actions: string[], names: string[]): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: names.map((name) => parameterArn(scope, name)) });
}

/** One message per problem of a parameter prefix (none for a Token). */
export function validatePrefix(prefix: string): string[] {
  if (Token.isUnresolved(prefix)) return [];
  const out: string[] = [];
  if (/^\/+$/.test(prefix) || prefix === '') {
    out.push(`parameterPrefix '${prefix}' has no level, so the names would be '${prefix}/<role>'; give at least one level, e.g. '/bedrock/models'.`);
    return out;
  }
  if (!prefix.startsWith('/')) out.push(`parameterPrefix '${prefix}' must start with '/' (a parameter hierarchy), e.g. '/${prefix.replace(/^\/*/, '')}'.`);
  if (prefix.endsWith('/')) out.push(`parameterPrefix '${prefix}' must not end with '/'; write '${prefix.replace(/\/+$/, '')}'.`);
  if (prefix.includes('//')) {
    out.push(`parameterPrefix '${prefix}' contains an empty level ('//'); remove the extra slash: '${prefix.replace(/\/{2,}/g, '/').replace(/\/+$/, '')}'.`);
  }
  const bad = prefix.replace(/[a-zA-Z0-9_.\-/]/g, '');
  if (bad) out.push(`parameterPrefix '${prefix}' contains ${JSON.stringify([...new Set(bad)].join(''))}; SSM parameter names allow only a-zA-Z0-9_.- and '/'.`);
  const first = prefix.replace(/^\/+/, '').split('/')[0] ?? '';
  if (/^(aws|ssm)/i.test(first)) out.push(`parameterPrefix '${prefix}' starts with the reserved '${first.slice(0, 3)}' (SSM forbids names prefixed with "aws" or "ssm", case-insensitive); choose another prefix such as '/bedrock/models'.`);
  return out;
}

/** One message per problem of a role name under `prefix`: name segment, depth and length with the ARN. */
export function validateRole(scope: IConstruct, role: string, prefix: string): string[] {
  const out: string[] = [];
  if (!/^[a-zA-Z0-9_.-]+$/.test(role)) {
    out.push(`role '${role}' is not a valid SSM name segment; use only a-zA-Z0-9_.- (no '/').`);
    return out;
  }
  if (Token.isUnresolved(prefix)) return out;
  const name = `${prefix}/${role}/config`;
  const depth = name.split('/').filter(Boolean).length;
  if (depth > SSM_MAX_DEPTH) out.push(`parameter '${name}' has ${depth} hierarchy levels; SSM allows at most ${SSM_MAX_DEPTH}. Shorten the prefix.`);
  const arnPrefix = ssmArnPrefix(scope);
  const length = arnPrefix.length + name.length;
  if (length > SSM_NAME_MAX) {
    out.push(`parameter '${name.slice(0, 60)}…' is ${length} characters counted with its ARN prefix '${arnPrefix}' (${arnPrefix.length}); `
      + `SSM allows at most ${SSM_NAME_MAX} including the ARN, so the name may have at most ${SSM_NAME_MAX - arnPrefix.length}. Shorten the prefix or role.`);
  }
  return out;
}

/**
 * `arn:<partition>:ssm:<region>:<account>:parameter`: the partition of a known Region (aws-cdk-lib region-info), else
 * the longest partition; the longest Region name and a 12-digit account where unresolved.
 */
function ssmArnPrefix(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? LONGEST_REGION : stack.region;
  const partition = !Token.isUnresolved(stack.partition) ? stack.partition
    : (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).partition) || LONGEST_PARTITION;
  const account = Token.isUnresolved(stack.account) ? '123456789012' : stack.account;
  return `arn:${partition}:ssm:${region}:${account}:parameter`;
}
