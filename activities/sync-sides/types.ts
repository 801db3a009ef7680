import { registry } from '../../connectors/registry';
import type { ActionContext } from '../../connectors/sdk/types';
import type { SyncSidePlan } from '../../workflows/sync-plan';
import type { FieldWrites, SyncRecord } from '../../src/sync/record-logic';

/** One page of a side's change feed, oldest change first. */
interface ChangePage {
  records: SyncRecord[];
  /** Where the next page starts (stored after the page is synced). */
  cursor: string;
  /** More changes wait beyond this page now. */
  more: boolean;
}

/** A write's outcome for one record, in the order given. */
export type WriteResult = { ok: true; id: string } | { ok: false; message: string; code?: string; gone?: boolean; existingId?: string };

/**
 * What the sync engine needs of one vendor's object (one file per vendor, so HubSpot and Pipedrive
 * are added the same way). Every call goes through the connection's HTTP client (`ctx.http`):
 * OAuth refresh, 429/Retry-After, egress policy and error classification are the connector SDK's.
 */
export interface SideAdapter {
  /** The cursor a backfill starts from (the beginning of the object's history). */
  startCursor(): string;
  /** Records changed after `cursor`, at most about `pageSize`. */
  readChanges(ctx: ActionContext, side: SyncSidePlan, fields: readonly string[], cursor: string, pageSize: number): Promise<ChangePage>;
  /** The records with these ids that exist (a deleted one is absent). */
  fetch(ctx: ActionContext, side: SyncSidePlan, fields: readonly string[], ids: readonly string[]): Promise<SyncRecord[]>;
  /** Records whose field `path` equals one of `values` (case-insensitive for text): match-rule candidates. */
  findBy(ctx: ActionContext, side: SyncSidePlan, fields: readonly string[], path: string, values: readonly (string | number | boolean)[]): Promise<SyncRecord[]>;
  /** Creates records (batched where the vendor allows). */
  create(ctx: ActionContext, side: SyncSidePlan, records: readonly FieldWrites[]): Promise<WriteResult[]>;
  /** Sets fields on existing records, only the fields given (batched where the vendor allows). */
  update(ctx: ActionContext, side: SyncSidePlan, writes: readonly { id: string; fields: FieldWrites }[]): Promise<WriteResult[]>;
}

/**
 * Merges the record `duplicateId` into `primaryId` (`onDuplicate: "merge"`, one per connector of
 * src/sync/merges.ts): the duplicate stops existing. Resolves with the merged record's id (HubSpot
 * gives it a new one; Pipedrive keeps the primary's).
 */
export type Merge = (ctx: ActionContext, side: SyncSidePlan, primaryId: string, duplicateId: string) => Promise<string>;

/** `{"a.b": 1, c: 2}` → `{a: {b: 1}, c: 2}`: dotted field paths as a vendor's nested JSON body. */
export function nested(fields: FieldWrites): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(fields)) {
    const parts = path.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts.at(-1)!] = value;
  }
  return out;
}

export const chunks = <T>(list: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

/** Runs a connector action (`<connector>.<action>`) from the registry: its input parsed, its output checked. */
export async function callAction<O>(ctx: ActionContext, type: string, input: unknown): Promise<O> {
  const found = registry.getAction(type);
  if (!found) throw new Error(`no action ${type} in the registry`);
  return found.action.output.parse(await found.action.run(ctx, found.action.input.parse(input))) as O;
}

/** One poll of a connector's polling trigger (`<connector>.<trigger>`) from the registry, its items checked. */
export async function pollTrigger<T>(ctx: ActionContext, type: string, input: unknown, cursor: string): Promise<{ items: T[]; cursor: string }> {
  const found = registry.getPollingTrigger(type);
  if (!found) throw new Error(`no polling trigger ${type} in the registry`);
  const result = await found.trigger.poll(ctx, found.trigger.input.parse(input), cursor);
  return { items: result.items.map((i) => found.trigger.output.parse(i.item) as T), cursor: result.cursor ?? cursor };
}
