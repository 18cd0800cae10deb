import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * How cdk-nag prints a resource string in a finding ID (tokens become `<LogicalId.Attr>`), so that an acknowledgement
 * such as `AwsSolutions-IAM5[Resource::<KbDataBucket1234.Arn>/docs/*]` names exactly one finding.
 */
export function nagResourceString(scope: IConstruct, value: string): string {
  const resolved = Stack.of(scope).resolve(value);
  return renderIntrinsic(resolved);
}

function renderIntrinsic(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(renderIntrinsic).join(sep);
    }
    if ('Ref' in o) return `<${o.Ref}>`;
    if ('Fn::GetAtt' in o) {
      const [res, attr] = o['Fn::GetAtt'] as [string, string];
      return `<${res}.${attr}>`;
    }
  }
  return JSON.stringify(v);
}
