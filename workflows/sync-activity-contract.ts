import type { SyncPlan, SyncSideName } from './sync-plan';

/**
 * The activities of the sync workflow (activities/sync-activities.ts) and their arguments. Written
 * into histories: extend only with optional fields.
 */
export interface SyncPageInput {
  plan: SyncPlan;
  /** The side whose change feed is read (its cursor, kept in the store, moves after the page). */
  side: SyncSideName;
  /** Records per page (vendor page sizes are capped by each side's adapter). */
  pageSize?: number;
  /** Instead of the feed: sync these records of `side` now, ignoring the recorded hashes (sync.resync); one that is gone unlinks. */
  ids?: string[];
  /** With `ids`: only unlink those that are gone (records a webhook named; the feed brings the others' changes). */
  goneOnly?: boolean;
}

export interface SyncPageResult {
  read: number;
  /** More changes wait beyond this page: call again. */
  more: boolean;
  writes: Record<SyncSideName, number>;
  creates: Record<SyncSideName, number>;
  duplicates: number;
  conflicts: number;
  errors: number;
  unlinked: number;
}

/** The first connection of the sync that is not connected (named with its status), or ready. */
type SyncConnectionsResult = { ready: true } | { ready: false; waitingFor: string };

/** The stored definition now: its plan and whether a person paused it; absent when deleted. */
type SyncDefinitionResult = { found: false } | { found: true; plan: SyncPlan; paused: boolean };

export interface SyncActivities {
  syncPage(input: SyncPageInput): Promise<SyncPageResult>;
  syncConnections(input: { connections: string[] }): Promise<SyncConnectionsResult>;
  syncDefinition(input: { syncId: string }): Promise<SyncDefinitionResult>;
  /** Forgets both sides' cursors: the next cycles read each side from its beginning (a backfill). */
  syncResetCursors(input: { syncId: string }): Promise<void>;
}
