import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * What the handlers' rollback probe (lambda/shared/stack-status.ts) calls: `cloudformation:DescribeStacks`
 * (resource type `stack` in the Service Authorization Reference). During an update rollback CloudFormation re-sends a
 * custom resource's Update with the old properties; the handler reads the stack's status so that it never fails a
 * rollback.
 */
export const STACK_STATUS_ACTIONS = ['cloudformation:DescribeStacks'];

/** Grants the rollback probe on exactly the role's own stack. */
export function grantStackStatus(role: iam.IRole): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: STACK_STATUS_ACTIONS, resources: [Stack.of(role).stackId] }));
}
