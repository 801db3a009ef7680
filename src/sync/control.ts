import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { conversationsClosedSignal, syncConversationsStatusQuery, syncConversationsWorkflowId, type ConversationsClosedSignal, type SyncConversationsStatus } from '../../workflows/sync-conversations-contract';
import { syncSignals, syncStatusQuery, syncWorkflowId, syncWorkflowType, type SyncChangesSignal, type SyncStatus } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
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

/** What applying a stored sync did to its workflow. */
export type SyncApplyOutcome = 'started' | 'signalled' | 'cancelled' | 'none';

/** The stored state of a sync that its workflow follows (src/store/syncs.ts StoredSync fits it). */
export interface AppliedSync {
  id: string;
  enabled: boolean;
  paused: boolean;
  plan: SyncPlan;
}

/**
 * Brings a sync's workflow in step with its stored definition; call it after every apply
 * (API PUT, `recipe apply`, the recipes directory at start), enable/disable and delete (`sync`
 * undefined). Enabled: started with the plan if no workflow runs, otherwise sent
 * `sync.planChanged` with it in the same call (signal-with-start, so no race with a closing run);
 * the workflow ignores a plan with the version it already has, so applying an unchanged definition
 * changes nothing, and a changed one takes effect at its next page with the cursors it has.
 * Disabled or deleted: its workflow is cancelled (the cursors and links stay in the store while
 * the definition does).
 */
export async function applySync(client: Client, taskQueue: string, syncId: string, sync: AppliedSync | undefined): Promise<SyncApplyOutcome> {
  if (!sync || !sync.enabled) return (await cancelSync(client, syncId)) ? 'cancelled' : 'none';
  const running = (await executionStatus(client, syncId)) === 'RUNNING';
  const input: SyncWorkflowInput = { plan: sync.plan, paused: sync.paused };
  await client.workflow.signalWithStart(syncWorkflowType, {
    taskQueue,
    workflowId: syncWorkflowId(syncId),
    args: [input],
    signal: syncSignals.planChanged,
    signalArgs: [sync.plan],
  });
  return running ? 'signalled' : 'started';
}

/** The sync workflow's execution status name (RUNNING, COMPLETED, …), or undefined when it never ran. */
function executionStatus(client: Client, syncId: string): Promise<string | undefined> {
  return workflowStatus(client, syncWorkflowId(syncId));
}

async function workflowStatus(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
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

/** What a workflow says it is doing, or why it could not say (not running, no worker answered in time). */
export type StatusAnswer<T> = { running: true; status: T } | { running: boolean; unavailable: string };
export type SyncStatusAnswer = StatusAnswer<SyncStatus>;

/** Asks the running workflow its `sync.status`, within a deadline; never throws for a workflow that does not answer. */
export function querySyncStatus(client: Client, syncId: string, deadlineMs = 10_000): Promise<SyncStatusAnswer> {
  return queryStatus<SyncStatus>(client, syncWorkflowId(syncId), syncStatusQuery, deadlineMs);
}

/** The same for the sync's `syncConversations` workflow (a sync that copies closed conversations). */
export function querySyncConversationsStatus(client: Client, syncId: string, deadlineMs = 10_000): Promise<StatusAnswer<SyncConversationsStatus>> {
  return queryStatus<SyncConversationsStatus>(client, syncConversationsWorkflowId(syncId), syncConversationsStatusQuery, deadlineMs);
}

async function queryStatus<T>(client: Client, workflowId: string, query: string, deadlineMs: number): Promise<StatusAnswer<T>> {
  let status: string | undefined;
  try {
    status = await workflowStatus(client, workflowId);
  } catch (err) {
    return { running: false, unavailable: `Temporal did not describe the workflow (${(err as Error).message})` };
  }
  if (status !== 'RUNNING') return { running: false, unavailable: `the workflow ${workflowId} is not running (${status?.toLowerCase() ?? 'never started'})` };
  try {
    const answer = await client.withDeadline(Date.now() + deadlineMs, () => client.workflow.getHandle(workflowId).query<T>(query));
    return { running: true, status: answer };
  } catch (err) {
    return { running: true, unavailable: `the workflow did not answer its ${query} query (${(err as Error).message}); is a worker running?` };
  }
}

/**
 * Cancels the sync's workflow if it runs and waits (up to `graceMs`) until it closed, so a start
 * right after (enable, a new apply) starts a new run instead of signalling the closing one. A run
 * that does not close in time (no worker polls) is terminated: everything a sync keeps is in the
 * store, and a page cut short is read again by the next run. True when there was one to cancel.
 */
export async function cancelSync(client: Client, syncId: string, graceMs = 10_000): Promise<boolean> {
  if ((await executionStatus(client, syncId)) !== 'RUNNING') return false;
  const handle = client.workflow.getHandle(syncWorkflowId(syncId));
  try {
    await handle.cancel();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
  try {
    await client.withDeadline(Date.now() + graceMs, () => handle.result());
  } catch {
    // Closed as cancelled (the result is that failure), or the grace ran out: the status says which.
  }
  if ((await executionStatus(client, syncId)) === 'RUNNING') {
    await handle.terminate(`sync ${syncId}: not closed within ${graceMs} ms of its cancellation`).catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
  }
  return true;
}

/**
 * Records one inbound event names on a side of a realtime sync (kept in the event's inbox row until
 * signalled); with `conversationIds`, closed conversations for the sync's `syncConversations` workflow.
 */
export type SyncChange = SyncChangesSignal & { syncId: string; conversationIds?: string[] };

/**
 * Sends each sync its `sync.changes`. A sync whose workflow is not running is skipped (it reads
 * its feed from its cursor when it starts); any other failure rejects, so the inbox row that
 * holds the changes stays and is retried.
 */
export async function signalSyncChanges(client: Client, changes: readonly SyncChange[]): Promise<void> {
  for (const { syncId, side, ids, conversationIds } of changes) {
    const signal: SyncChangesSignal = { side, ids };
    const closed: ConversationsClosedSignal = { conversationIds: conversationIds ?? [] };
    try {
      if (conversationIds) await client.workflow.getHandle(syncConversationsWorkflowId(syncId)).signal(conversationsClosedSignal, closed);
      else await client.workflow.getHandle(syncWorkflowId(syncId)).signal(syncSignals.changes, signal);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}
