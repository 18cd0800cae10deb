import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Where a wildcard grant's own policy goes and what its cdk-nag acknowledgement says. */
export interface WildcardGrantOptions {
  readonly grantee: iam.IGrantable;
  /** Actions that have no resource type in the IAM Service Authorization Reference (so only `*` can name them). */
  readonly actions: string[];
  /** Construct ID of the policy under the grantee's identity; one policy per identity and ID, shared by every call. */
  readonly policyId: string;
  /** The reason recorded with the `AwsSolutions-IAM5[Resource::*]` acknowledgement. */
  readonly reason: string;
}

/**
 * Grants actions that have no resource type on `Resource: *`, in a policy of their own attached to the grantee's
 * identity (role, user or group), and acknowledges cdk-nag's `AwsSolutions-IAM5[Resource::*]` on that policy only: the
 * acknowledgement covers exactly these statements, wherever the identity lives (a function's explicit role is outside
 * the function's subtree), and an unrelated `*` on the same identity is still reported. A grantee without an identity
 * construct (e.g. an imported principal) gets the statement the usual way, without an acknowledgement.
 * (aws-cdk-lib `Validations.of(...).acknowledge`: constructs never import cdk-nag.)
 */
export function grantOnWildcard(options: WildcardGrantOptions): iam.Grant {
  const { grantee, actions, policyId, reason } = options;
  const principal = grantee.grantPrincipal as unknown;
  const identity = Construct.isConstruct(principal) && typeof (principal as Partial<iam.IIdentity>).attachInlinePolicy === 'function'
    ? principal as unknown as iam.IIdentity : undefined;
  if (!identity) return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: ['*'] });
  let policy = identity.node.tryFindChild(policyId) as iam.Policy | undefined;
  if (!(policy instanceof iam.Policy)) {
    policy = new iam.Policy(identity, policyId);
    identity.attachInlinePolicy(policy);
    Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
  }
  return iam.Grant.addToPrincipal({ grantee: policy, actions, resourceArns: ['*'] });
}
