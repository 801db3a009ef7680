import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { syncSignals, syncStatusQuery, syncWorkflowId, syncWorkflowType, type SyncStatus } from '../../workflows/sync-contract';
import { Refusal } from '../refusal';

/**
 * The host's side of a sync's workflow (`sync:<syncId>`), by the contract's names only: start it,
 * signal it, ask its status, cancel it. The API, the CLI's server side and `recipe apply` use
 * these; none loads workflow code.
 */

type SyncSignal = keyof typeof syncSignals;

/** A signal or cancel for a sync whose workflow is not running: the API answers 409. */
function syncNotRunning(syncId: string, status: string): Refusal {
  return new Refusal('conflict', 'sync_not_running', `the workflow of sync ${syncId} (${syncWorkflowId(syncId)}) is not running (${status}); apply the sync to start it`, { syncId, workflowId: syncWorkflowId(syncId), status });
}

/**
 * Starts the sync's workflow unless one runs already (then that one is kept: send it
 * `sync.planChanged` to move it to a new plan). `args` are the workflow's arguments.
 */
export async function startSync(client: Client, opts: { taskQueue: string; syncId: string; args: unknown[] }): Promise<{ workflowId: string; runId: string }> {
  const workflowId = syncWorkflowId(opts.syncId);
  const handle = await client.workflow.start(syncWorkflowType, { taskQueue: opts.taskQueue, workflowId, args: opts.args, workflowIdConflictPolicy: 'USE_EXISTING' });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/** The workflow's execution status name (RUNNING, COMPLETED, …), or undefined when it never ran. */
async function executionStatus(client: Client, syncId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(syncWorkflowId(syncId)).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Sends one of the contract's signals; a workflow that is not running is a `sync_not_running` Refusal. */
export async function signalSync(client: Client, syncId: string, signal: SyncSignal, arg?: unknown): Promise<void> {
  const status = await executionStatus(client, syncId);
  if (status !== 'RUNNING') throw syncNotRunning(syncId, status?.toLowerCase() ?? 'never started');
  try {
    await client.workflow.getHandle(syncWorkflowId(syncId)).signal(syncSignals[signal], ...(arg === undefined ? [] : [arg]));
  } catch (err) {
    // It closed between the check and the signal.
    if (err instanceof WorkflowNotFoundError) throw syncNotRunning(syncId, 'closed');
    throw err;
  }
}

/** What the workflow says it is doing, or why it could not say (not running, no worker answered in time). */
export type SyncStatusAnswer = { running: true; status: SyncStatus } | { running: boolean; unavailable: string };

/** Asks the running workflow its `sync.status`, within a deadline; never throws for a workflow that does not answer. */
export async function querySyncStatus(client: Client, syncId: string, deadlineMs = 10_000): Promise<SyncStatusAnswer> {
  let status: string | undefined;
  try {
    status = await executionStatus(client, syncId);
  } catch (err) {
    return { running: false, unavailable: `Temporal did not describe the workflow (${(err as Error).message})` };
  }
  if (status !== 'RUNNING') return { running: false, unavailable: `the workflow ${syncWorkflowId(syncId)} is not running (${status?.toLowerCase() ?? 'never started'})` };
  try {
    const answer = await client.withDeadline(Date.now() + deadlineMs, () => client.workflow.getHandle(syncWorkflowId(syncId)).query<SyncStatus>(syncStatusQuery));
    return { running: true, status: answer };
  } catch (err) {
    return { running: true, unavailable: `the workflow did not answer its ${syncStatusQuery} query (${(err as Error).message}); is a worker running?` };
  }
}

/** Cancels the sync's workflow if it runs; true when there was one to cancel. */
export async function cancelSync(client: Client, syncId: string): Promise<boolean> {
  if ((await executionStatus(client, syncId)) !== 'RUNNING') return false;
  try {
    await client.workflow.getHandle(syncWorkflowId(syncId)).cancel();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
