/**
 * Whether CloudFormation is rolling back an update of a stack. During UPDATE_ROLLBACK_IN_PROGRESS CloudFormation re-sends
 * a custom resource's Update with the previous properties; a custom resource that fails that Update leaves the stack in
 * UPDATE_ROLLBACK_FAILED, so handlers ask before failing (or waiting). Shared by the access-check and kb-sync handlers;
 * the caller grants `cloudformation:DescribeStacks` on exactly its own stack.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** Stack statuses in which CloudFormation is rolling back an update (and re-sends Updates with the old properties). */
export const ROLLBACK_STATUSES: readonly string[] = ['UPDATE_ROLLBACK_IN_PROGRESS'];

export interface StackRollbackAnswer {
  /** True only when DescribeStacks answered with a rollback status. */
  readonly rollingBack: boolean;
  /** The stack status, when DescribeStacks answered with one. */
  readonly status?: string;
  /** Why the status is unknown (no StackId, no status in the response, or the call's error). */
  readonly error?: unknown;
}

/** Asks CloudFormation for the stack's status. Never throws: a failure comes back as `error` with `rollingBack: false`. */
export async function stackRollbackStatus(client: CloudFormationClient, stackId: string | undefined,
  abortSignal?: AbortSignal): Promise<StackRollbackAnswer> {
  if (!stackId) return { rollingBack: false, error: new Error('the event carries no StackId') };
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackId }), { abortSignal });
    const status = out.Stacks?.[0]?.StackStatus;
    if (!status) return { rollingBack: false, error: new Error('the response named no stack status') };
    return { rollingBack: ROLLBACK_STATUSES.includes(status), status };
  } catch (error) {
    return { rollingBack: false, error };
  }
}
