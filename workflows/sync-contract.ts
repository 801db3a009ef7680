/**
 * What the CRM sync workflow and the host (API, CLI, dispatcher) agree on: the workflow's type and
 * id, the signals that steer it and the query that reads it. These names are written into
 * histories: never rename one, only add. No SDK imports, so src/ can start and signal a sync
 * without loading workflow code.
 */

/** Workflow type of the long-running sync workflow (one per sync definition). */
export const syncWorkflowType = 'syncWorkflow';

/** Workflow id of a sync's workflow: one at a time per sync. */
export function syncWorkflowId(syncId: string): string {
  return `sync:${syncId}`;
}

/** Signals (names are public contracts). */
export const syncSignals = {
  /** Records changed on one side (from a vendor webhook): read and sync them now, before the next poll. */
  changes: 'sync.changes',
  /** Start (or restart from the beginning) the backfill of both sides. */
  backfill: 'sync.backfill',
  /** Sync one record again now, ignoring the recorded hashes. */
  resync: 'sync.resync',
  /** A person paused or resumed the sync; the workflow waits while paused and keeps its cursors. */
  paused: 'sync.paused',
  /** The definition changed (apply): continue with the new plan at the next cycle. */
  planChanged: 'sync.planChanged',
} as const;

export interface SyncChangesSignal {
  side: 'left' | 'right';
  ids: string[];
}

export interface SyncResyncSignal {
  side: 'left' | 'right';
  id: string;
}

export interface SyncPausedSignal {
  paused: boolean;
}

/** Query: what the workflow is doing now (the API merges it with the store's counts). */
export const syncStatusQuery = 'sync.status';

export type SyncPhase = 'backfill' | 'idle' | 'cycle' | 'paused' | 'waiting';

export interface SyncStatus {
  phase: SyncPhase;
  /** The version (content hash) of the definition the workflow follows now. */
  version?: string;
  /** Why it waits (a disconnected or paused connection, named), when phase is "waiting". */
  waitingFor?: string;
  /** ISO time each side's last cycle ended. */
  lastCycle: Partial<Record<'left' | 'right', string>>;
  /** Backfill progress per side, while one runs. */
  backfill?: Partial<Record<'left' | 'right', { read: number; done: boolean }>>;
  /** The check of linked records for deletes no webhook told of: a page of links per poll interval. */
  verify?: SyncVerifyStatus;
  /** The re-evaluation of the linked records last written under another field mapping (absent until a change, or a run's first look at the links, found some). */
  remap?: SyncRemapStatus;
}

export interface SyncRemapStatus {
  /** The plan version whose mapping the linked records are (being) brought to. */
  version: string;
  /** Links re-evaluated: those last written under another mapping. */
  checked: number;
  writes: number;
  /** Every link re-evaluated. */
  done: boolean;
  /** Where the walk stands (the last left id re-evaluated). */
  after?: string;
}

export interface SyncVerifyStatus {
  /** Links checked and unlinked (a side no longer had the record) since the sync's workflow started. */
  checked: number;
  unlinked: number;
  /** Walks over every link completed. */
  passes: number;
  /** Where the current walk stands (the last left id checked); absent at the start of a walk. */
  after?: string;
  /** ISO time of the last page checked. */
  lastAt?: string;
}
