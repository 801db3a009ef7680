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
  /** With `ids`: records a webhook named: those gone unlink, the others sync against their recorded hashes (not forced, unlike a resync). */
  goneOnly?: boolean;
}

export interface SyncPageResult {
  read: number;
  /** More changes wait beyond this page: call again. */
  more: boolean;
  writes: Record<SyncSideName, number>;
  creates: Record<SyncSideName, number>;
  duplicates: number;
  /** Records merged away (`onDuplicate: "merge"`). */
  merges?: number;
  conflicts: number;
  errors: number;
  unlinked: number;
}

/** A page of links to check against both sides (`syncVerifyLinks`) or to re-evaluate (`syncRemapLinks`). */
export interface SyncVerifyInput {
  plan: SyncPlan;
  /** Where the walk stands: links after this left id (from the beginning when absent). */
  after?: string;
  /** Links per page. */
  limit?: number;
}

export interface SyncVerifyResult {
  checked: number;
  /** Links whose record one side no longer returns (deleted or merged away without a webhook): unlinked. */
  unlinked: number;
  /** The last left id of a full page: the next page starts after it; absent when the walk reached the end. */
  next?: string;
}

/** A page of links re-evaluated under the plan's mapping (`syncRemapLinks`). */
export interface SyncRemapResult {
  checked: number;
  /** Records written (only where the mapping now calls for a value the record does not hold). */
  writes: number;
  /** The last left id of a full page: the next page starts after it; absent when the walk reached the end. */
  next?: string;
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
  /** Fetches a page of linked records on both sides; a link whose record a side no longer returns is unlinked (as a webhook's delete is), nothing is written. */
  syncVerifyLinks(input: SyncVerifyInput): Promise<SyncVerifyResult>;
  /** Re-evaluates a page of the linked pairs last decided under another mapping than the plan's (each link records it), whatever the recorded hashes say; writes only values that differ. */
  syncRemapLinks(input: SyncVerifyInput): Promise<SyncRemapResult>;
}
