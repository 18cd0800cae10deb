import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { BedrockValidationError } from './errors';

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

/** How a value passed where a grantee or function was expected reads in a message. */
export function describeArgument(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Construct.isConstruct(value)) return `${value.constructor?.name ?? 'construct'} ${value.node.path}`;
  if (typeof value === 'object') return `an object of type ${value.constructor?.name ?? 'Object'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Throws `NotGrantable` unless `grantee` is an `iam.IGrantable` (has a `grantPrincipal`). Plain-JS callers, and apps
 * run through a transpiler that does not type-check, can pass a construct that merely holds a grantee (an invoker, whose
 * `function` is the grantee): without this check IAM fails with "Cannot read properties of undefined".
 * `method` names the call, e.g. `grantMarketplaceSubscribe`.
 */
export function assertGrantable(grantee: unknown, method: string, scope?: IConstruct): asserts grantee is iam.IGrantable {
  const principal = (grantee as Partial<iam.IGrantable> | undefined)?.grantPrincipal;
  if (principal !== undefined && principal !== null) return;
  const inner = (grantee as { function?: Partial<iam.IGrantable> } | undefined)?.function;
  const fix = inner?.grantPrincipal
    ? `pass its function instead: ${method}(${varName(grantee)}.function)`
    : 'pass an iam.IGrantable: an iam.Role, iam.User or iam.Group, or a lambda.Function (its role is granted)';
  throw new BedrockValidationError('NotGrantable', `${method}: got ${describeArgument(grantee)}, which is not an `
    + `iam.IGrantable (it has no grantPrincipal); ${fix}.`, scope ?? (Construct.isConstruct(grantee) ? grantee : undefined));
}

/** `invoker`, `chat` ...: the construct's ID in lower camel case, for a code example in a message. */
function varName(value: unknown): string {
  if (!Construct.isConstruct(value)) return 'x';
  const id = value.node.id.replace(/[^0-9a-zA-Z]+/g, '');
  return id ? id[0].toLowerCase() + id.slice(1) : 'x';
}
