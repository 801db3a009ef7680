import { randomUUID } from 'node:crypto';
import { queueEngineEvent } from './engine-outbox';
import type { ApplyChange, StoredRecipe } from './recipes';
import type { Database } from './schema';
import type { SyncConversationTables } from './sync-conversations';
import { recordSyncVersion, syncVersion, syncVersions, type SyncVersionTables } from './sync-versions';
import { TableStore } from './table-store';

interface SyncTable {
  id: string;
  name: string;
  enabled: number;
  paused: number;
  version: number;
  hash: string;
  source_json: string;
  plan_json: string;
  created_at: string;
  updated_at: string;
}

interface SyncLinkTable {
  sync_id: string;
  left_id: string;
  right_id: string;
  left_hash: string;
  right_hash: string;
  state_json: string;
  /** Null for links saved before migration 017. */
  mapping: string | null;
  created_at: string;
  updated_at: string;
}

interface SyncRecordEventTable {
  id: string;
  sync_id: string;
  kind: string;
  side: string;
  record_id: string;
  other_id: string | null;
  detail_json: string;
  at: string;
}

interface SyncCursorTable {
  sync_id: string;
  side: string;
  cursor: string;
  updated_at: string;
}

type SyncTables = { syncs: SyncTable; sync_links: SyncLinkTable; sync_record_events: SyncRecordEventTable; sync_cursors: SyncCursorTable } & SyncConversationTables & SyncVersionTables;

export type Side = 'left' | 'right';

/** What the store needs of a compiled sync plan (workflows/sync-plan.ts has the full type). */
export interface SyncPlanHeader {
  syncId: string;
  name: string;
  enabled: boolean;
  version: string;
}

/** Engine events about syncs (outgoing-webhook topics), queued by the store in the transaction that records them. */
export type SyncEventTopic = 'sync.record.conflict' | 'sync.error';

interface SyncEventData {
  syncId: string;
  kind: 'conflict' | 'error';
  /** The side the record is on, its id there, and its counterpart's id when known. */
  side: 'left' | 'right';
  recordId: string;
  otherId: string | null;
  /** What the sync recorded: the fields in conflict and which value won, or the error's message. */
  detail: Record<string, unknown>;
}

/** A stored sync reads like a stored recipe, plus whether a person paused it. */
export interface StoredSync<P extends SyncPlanHeader = SyncPlanHeader> extends Omit<StoredRecipe, 'plan'> {
  paused: boolean;
  plan: P;
}

/** A pair of records that are the same contact on both sides, with what the last sync left on each. */
export interface SyncLink {
  leftId: string;
  rightId: string;
  /** Hash of the mapped fields as last written to (or read from) each side. */
  leftHash: string;
  rightHash: string;
  /** The mapped values at the last sync, per field mapping id and side: the base a change is measured against. */
  state: Record<string, { left: unknown[]; right: unknown[]; waiting?: unknown[] }>;
  /** Fingerprint of the field mapping the pair was last decided under (absent: unknown, a link from before it was kept). */
  mapping?: string;
}

/** `waiting`: a "linked" field's id has no link in its via-sync yet; the field is written once it has. */
export type SyncEventKind = 'write' | 'create' | 'conflict' | 'duplicate' | 'merge' | 'error' | 'unlink' | 'waiting';

export interface SyncRecordEvent {
  kind: SyncEventKind;
  /** The side the record is on (for a write: the side written). */
  side: Side;
  recordId: string;
  /** The counterpart (a write's source, a duplicate's second match). */
  otherId?: string;
  detail: Record<string, unknown>;
}

export interface StoredSyncEvent extends SyncRecordEvent {
  id: string;
  at: string;
}

/**
 * Sync definitions, links, record histories and cursors: everything a sync keeps between cycles
 * lives here (never in workflow history), on SQLite and PostgreSQL alike.
 */
export class SyncStore extends TableStore<SyncTables> {
  // ---- definitions ---------------------------------------------------------------------------

  async apply<P extends SyncPlanHeader>(source: unknown, plan: P, now = new Date()): Promise<ApplyChange> {
    const at = now.toISOString();
    return this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('syncs').select(['version', 'hash', 'enabled']).where('id', '=', plan.syncId).executeTakeFirst();
      const enabled = plan.enabled ? 1 : 0;
      const row = { name: plan.name, enabled, hash: plan.version, source_json: JSON.stringify(source), plan_json: JSON.stringify(plan), updated_at: at };
      if (!existing) {
        await tx.insertInto('syncs').values({ id: plan.syncId, ...row, paused: 0, version: 1, created_at: at }).execute();
        await recordSyncVersion<Database & SyncTables>(tx, plan.syncId, 1, { hash: plan.version, source, plan, at });
        return { change: 'added', version: 1 };
      }
      if (existing.hash === plan.version && existing.enabled === enabled) return { change: 'unchanged', version: existing.version };
      const version = existing.version + 1;
      await tx.updateTable('syncs').set({ ...row, version }).where('id', '=', plan.syncId).execute();
      await recordSyncVersion<Database & SyncTables>(tx, plan.syncId, version, { hash: plan.version, source, plan, at });
      return { change: 'changed', version, previous: existing.version };
    });
  }

  async get<P extends SyncPlanHeader = SyncPlanHeader>(id: string): Promise<StoredSync<P> | undefined> {
    const row = await this.db.selectFrom('syncs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSync<P>(row);
  }

  async list<P extends SyncPlanHeader = SyncPlanHeader>(): Promise<StoredSync<P>[]> {
    return (await this.db.selectFrom('syncs').selectAll().orderBy('id').execute()).map((r) => toSync<P>(r));
  }

  /** Its versions, oldest first (every apply that changed it). */
  versions(id: string): ReturnType<typeof syncVersions> {
    return syncVersions(this.db, id);
  }

  /** One version with the source it was applied from; undefined when there is no such version. */
  version(id: string, version: number): ReturnType<typeof syncVersion> {
    return syncVersion(this.db, id, version);
  }

  /** Pause or resume without a new version; undefined when there is no such sync. */
  async setPaused<P extends SyncPlanHeader = SyncPlanHeader>(id: string, paused: boolean, now = new Date()): Promise<StoredSync<P> | undefined> {
    const result = await this.db.updateTable('syncs').set({ paused: paused ? 1 : 0, updated_at: now.toISOString() }).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return this.get<P>(id);
  }

  /** Enable or disable without a new version (a disabled sync's workflow is cancelled, its links and cursors kept); undefined when there is no such sync. */
  async setEnabled<P extends SyncPlanHeader = SyncPlanHeader>(id: string, enabled: boolean, now = new Date()): Promise<StoredSync<P> | undefined> {
    const sync = await this.get<P>(id);
    if (!sync) return undefined;
    const plan = { ...sync.plan, enabled };
    await this.db.updateTable('syncs').set({ enabled: enabled ? 1 : 0, plan_json: JSON.stringify(plan), updated_at: now.toISOString() }).where('id', '=', id).execute();
    return this.get<P>(id);
  }

  /** Removes the definition and everything the sync kept (links, history, cursors, the conversations ledger, its versions). */
  async remove(id: string): Promise<boolean> {
    const result = await this.db.transaction().execute(async (tx) => {
      for (const table of ['sync_links', 'sync_record_events', 'sync_cursors', 'sync_conversations', 'sync_versions'] as const) await tx.deleteFrom(table).where('sync_id', '=', id).execute();
      return tx.deleteFrom('syncs').where('id', '=', id).executeTakeFirst();
    });
    return Number(result.numDeletedRows) > 0;
  }

  // ---- links ---------------------------------------------------------------------------------

  /** The links of these records on one side (ids without a link are absent from the map). */
  async links(syncId: string, side: Side, ids: readonly string[]): Promise<Map<string, SyncLink>> {
    const out = new Map<string, SyncLink>();
    const column = side === 'left' ? 'left_id' : 'right_id';
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (chunk.length === 0) continue;
      const rows = await this.db.selectFrom('sync_links').selectAll().where('sync_id', '=', syncId).where(column, 'in', chunk).execute();
      for (const r of rows) out.set(side === 'left' ? r.left_id : r.right_id, toLink(r));
    }
    return out;
  }

  /**
   * Records (or replaces) links and the events that go with them, in one transaction; conflicts
   * and errors also queue their outgoing-webhook event (`sync.record.conflict`, `sync.error`) in it.
   */
  async saveCycle(syncId: string, links: readonly SyncLink[], events: readonly SyncRecordEvent[], now = new Date()): Promise<void> {
    const at = now.toISOString();
    await this.db.transaction().execute(async (tx) => {
      for (const link of links) {
        const values = { left_hash: link.leftHash, right_hash: link.rightHash, state_json: JSON.stringify(link.state), mapping: link.mapping ?? null, updated_at: at };
        const updated = await tx.updateTable('sync_links').set({ ...values, right_id: link.rightId }).where('sync_id', '=', syncId).where('left_id', '=', link.leftId).executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) await tx.insertInto('sync_links').values({ sync_id: syncId, left_id: link.leftId, right_id: link.rightId, ...values, created_at: at }).execute();
      }
      for (const e of events) {
        await tx
          .insertInto('sync_record_events')
          .values({ id: randomUUID(), sync_id: syncId, kind: e.kind, side: e.side, record_id: e.recordId, other_id: e.otherId ?? null, detail_json: JSON.stringify(e.detail), at })
          .execute();
        const topic = syncEventTopics[e.kind];
        if (topic) await queueEngineEvent<Database & SyncTables>(tx, topic, syncEventData(syncId, e), now);
      }
    });
  }

  /** Removes the links of these left records (a counterpart was deleted or merged away). */
  async unlink(syncId: string, leftIds: readonly string[]): Promise<void> {
    for (let i = 0; i < leftIds.length; i += 500) {
      await this.db.deleteFrom('sync_links').where('sync_id', '=', syncId).where('left_id', 'in', leftIds.slice(i, i + 500)).execute();
    }
  }

  /** Links in left-id order after `afterLeftId` (exclusive), at most `limit`: a walk over every link a page at a time. */
  async linksAfter(syncId: string, afterLeftId: string, limit: number): Promise<SyncLink[]> {
    const rows = await this.db.selectFrom('sync_links').selectAll().where('sync_id', '=', syncId).where('left_id', '>', afterLeftId).orderBy('left_id').limit(limit).execute();
    return rows.map(toLink);
  }

  /**
   * Links not decided under the mapping with this fingerprint (another one, or unknown: before
   * migration 017), in left-id order after `afterLeftId`, at most `limit`: the remap walk's page.
   */
  async linksToRemap(syncId: string, mapping: string, afterLeftId: string, limit: number): Promise<SyncLink[]> {
    const rows = await this.db
      .selectFrom('sync_links')
      .selectAll()
      .where('sync_id', '=', syncId)
      .where('left_id', '>', afterLeftId)
      .where((eb) => eb.or([eb('mapping', 'is', null), eb('mapping', '<>', mapping)]))
      .orderBy('left_id')
      .limit(limit)
      .execute();
    return rows.map(toLink);
  }

  /** Records that these left records' links were re-evaluated under the mapping with this fingerprint. */
  async setLinksMapping(syncId: string, leftIds: readonly string[], mapping: string): Promise<void> {
    for (let i = 0; i < leftIds.length; i += 500) {
      await this.db.updateTable('sync_links').set({ mapping }).where('sync_id', '=', syncId).where('left_id', 'in', leftIds.slice(i, i + 500)).execute();
    }
  }

  /** The links with a "linked" field waiting for its via-sync's link (`state[…].waiting`): re-read each cycle until it has one. */
  async waitingLinks(syncId: string, limit = 1000): Promise<SyncLink[]> {
    const rows = await this.db.selectFrom('sync_links').selectAll().where('sync_id', '=', syncId).where('state_json', 'like', '%"waiting":%').orderBy('left_id').limit(limit).execute();
    return rows.map(toLink);
  }

  async linkCount(syncId: string): Promise<number> {
    const row = await this.db.selectFrom('sync_links').select((eb) => eb.fn.countAll<string | number>().as('n')).where('sync_id', '=', syncId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- history -------------------------------------------------------------------------------

  /** The newest events first, optionally of one kind. */
  async events(syncId: string, opts: { kind?: SyncEventKind; limit?: number } = {}): Promise<StoredSyncEvent[]> {
    let q = this.db.selectFrom('sync_record_events').selectAll().where('sync_id', '=', syncId);
    if (opts.kind) q = q.where('kind', '=', opts.kind);
    const rows = await q.orderBy('at', 'desc').orderBy('id').limit(opts.limit ?? 100).execute();
    return rows.map(toEvent);
  }

  /** Every event about these records (as the record, or as a write's source or a duplicate's other match), newest first. */
  async history(syncId: string, recordIds: readonly string[], limit = 1000): Promise<StoredSyncEvent[]> {
    if (recordIds.length === 0) return [];
    const ids = [...recordIds];
    const rows = await this.db
      .selectFrom('sync_record_events')
      .selectAll()
      .where('sync_id', '=', syncId)
      .where((eb) => eb.or([eb('record_id', 'in', ids), eb('other_id', 'in', ids)]))
      .orderBy('at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** How many events of each kind per side (writes per direction, conflicts, duplicates, errors). */
  async eventCounts(syncId: string): Promise<Record<SyncEventKind, Record<Side, number>>> {
    const rows = await this.db
      .selectFrom('sync_record_events')
      .select(['kind', 'side', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('sync_id', '=', syncId)
      .groupBy(['kind', 'side'])
      .execute();
    const zero = () => ({ left: 0, right: 0 });
    const out: Record<SyncEventKind, Record<Side, number>> = { write: zero(), create: zero(), conflict: zero(), duplicate: zero(), merge: zero(), error: zero(), unlink: zero(), waiting: zero() };
    for (const r of rows) if (r.kind in out && (r.side === 'left' || r.side === 'right')) out[r.kind as SyncEventKind][r.side] = Number(r.n);
    return out;
  }

  // ---- cursors -------------------------------------------------------------------------------

  async cursors(syncId: string): Promise<Partial<Record<Side, { cursor: string; updatedAt: string }>>> {
    const rows = await this.db.selectFrom('sync_cursors').selectAll().where('sync_id', '=', syncId).execute();
    const out: Partial<Record<Side, { cursor: string; updatedAt: string }>> = {};
    for (const r of rows) if (r.side === 'left' || r.side === 'right') out[r.side] = { cursor: r.cursor, updatedAt: r.updated_at };
    return out;
  }

  /** Forgets both sides' cursors: the next reads start from each side's beginning (a backfill). */
  async resetCursors(syncId: string): Promise<void> {
    await this.db.deleteFrom('sync_cursors').where('sync_id', '=', syncId).execute();
  }

  async setCursor(syncId: string, side: Side, cursor: string, now = new Date()): Promise<void> {
    const at = now.toISOString();
    await this.db.transaction().execute(async (tx) => {
      const updated = await tx.updateTable('sync_cursors').set({ cursor, updated_at: at }).where('sync_id', '=', syncId).where('side', '=', side).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) await tx.insertInto('sync_cursors').values({ sync_id: syncId, side, cursor, updated_at: at }).execute();
    });
  }
}

function toSync<P extends SyncPlanHeader>(row: SyncTable): StoredSync<P> {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    paused: row.paused === 1,
    version: row.version,
    hash: row.hash,
    source: JSON.parse(row.source_json),
    plan: JSON.parse(row.plan_json) as P,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The record events that are also outgoing-webhook topics, queued in the cycle's own transaction. */
const syncEventTopics: Partial<Record<SyncEventKind, SyncEventTopic>> = { conflict: 'sync.record.conflict', error: 'sync.error' };

function syncEventData(syncId: string, e: SyncRecordEvent): SyncEventData {
  return { syncId, kind: e.kind as SyncEventData['kind'], side: e.side, recordId: e.recordId, otherId: e.otherId ?? null, detail: e.detail };
}

function toEvent(r: SyncRecordEventTable): StoredSyncEvent {
  return { id: r.id, kind: r.kind as SyncEventKind, side: r.side as Side, recordId: r.record_id, ...(r.other_id !== null ? { otherId: r.other_id } : {}), detail: JSON.parse(r.detail_json) as Record<string, unknown>, at: r.at };
}

function toLink(row: SyncLinkTable): SyncLink {
  return { leftId: row.left_id, rightId: row.right_id, leftHash: row.left_hash, rightHash: row.right_hash, state: JSON.parse(row.state_json) as SyncLink['state'], ...(row.mapping !== null ? { mapping: row.mapping } : {}) };
}
