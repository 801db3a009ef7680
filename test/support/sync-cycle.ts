import type { Client } from '@temporalio/client';
import { syncSignals, syncWorkflowId } from '../../workflows/sync-contract';
import { waitFor } from './temporal';

/** Where the sync's workflow is: its status query, or the `workflow` of GET /api/v1/syncs/:id. */
interface WorkflowProgress {
  phase: string;
  backfill?: { left?: { done: boolean }; right?: { done: boolean } };
}

/** What GET /api/v1/syncs/:id answers about the workflow (the parts a cycle is read from). */
interface SyncDetail {
  workflow: WorkflowProgress;
  lastCycle: { left?: string; right?: string };
}

/**
 * A whole cycle (both sides read) that started after now has ended: the sync's workflow is asked
 * for one with an empty `sync.changes`, as its safety poll would, and `detail` (the sync's API
 * answer) is read until both sides' last cycle ended after the ask, with the workflow idle.
 */
export async function fullSyncCycle(client: Client, syncId: string, detail: () => Promise<SyncDetail>): Promise<void> {
  const t = new Date().toISOString();
  await client.workflow.getHandle(syncWorkflowId(syncId)).signal(syncSignals.changes, { side: 'left', ids: [] });
  await waitFor(
    async () => {
      const s = await detail();
      return s.workflow.phase === 'idle' && (s.lastCycle.left ?? '') > t && (s.lastCycle.right ?? '') > t;
    },
    'a full sync cycle',
    30_000,
  );
}

/**
 * The sync's backfill of both sides has ended and its workflow is idle (read from `status`, its
 * status query), and `then` holds of that status when given; resolves with the status.
 */
export const workflowBackfilled = <S extends WorkflowProgress>(status: () => Promise<S>, then?: { holds: (s: S) => boolean; what: string }): Promise<S> =>
  waitFor(
    async () => {
      const s = await status();
      return s.phase === 'idle' && !!s.backfill?.left?.done && !!s.backfill.right?.done && (then?.holds(s) ?? true) && s;
    },
    `the backfill of both sides${then ? `, then ${then.what}` : ''}`,
    60_000,
  );

/** The sync's backfill of both sides has ended and its workflow is idle (read from `detail`, the sync's API answer). */
export const syncBackfilled = async (detail: () => Promise<SyncDetail>): Promise<void> => void (await workflowBackfilled(async () => (await detail()).workflow));
