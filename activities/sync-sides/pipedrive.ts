import { z } from 'zod';
import type { ActionContext } from '../../connectors/sdk/types';
import { readPath, type FieldWrites, type SyncRecord } from '../../src/sync/record-logic';
import type { SyncSidePlan } from '../../workflows/sync-plan';
import { callAction, nested, pollTrigger, type Merge, type SideAdapter } from './types';
import { inBatches, oneByOne } from './writes';

/** The v2 collection of each object a sync names (`person` → `/api/v2/persons`). */
const collections: Record<string, string> = { person: 'persons', organization: 'organizations', deal: 'deals' };
/** A v2 list page holds at most 500 records; `ids` takes at most 100. */
const listLimit = 500;
const idsLimit = 100;
/** Up to this many emails are looked up one search each; more are matched in one pass over the list (a search answers one term, and search calls have their own, lower rate limit). */
const searchedValues = 20;
/** Contact-point lists (`[{ value, primary, label }]`) a sync reads and writes as their primary value. */
const pointLists = ['emails', 'phones'] as const;

interface PdRecord {
  id: number;
  add_time?: string;
  update_time?: string;
  [field: string]: unknown;
}
interface Point {
  value: string;
  primary?: boolean;
  label?: string;
}

const listPage = z.object({ data: z.array(z.looseObject({ id: z.number().int() })), additional_data: z.looseObject({ next_cursor: z.string().nullish() }).nullish() });
/** A single record's answer (a create; a merge, whose `data` is the record kept, `merge_what_id` the one merged away). */
const oneRecord = z.object({ data: z.looseObject({ id: z.number().int() }) });

const path = (side: SyncSidePlan) => `/api/v2/${collections[side.object] ?? side.object}`;
const primary = (points: unknown): Point | undefined => (Array.isArray(points) ? ((points as Point[]).find((p) => p.primary) ?? (points as Point[])[0]) : undefined);

/** A record as the sync sees it: `emails` and `phones` as their primary value, the rest as Pipedrive returns it (custom fields under `custom_fields.<key>`). */
function toRecord(r: PdRecord): SyncRecord {
  const data: Record<string, unknown> = { ...r };
  for (const list of pointLists) if (list in r) data[list] = primary(r[list])?.value ?? null;
  return { id: String(r.id), modifiedAt: r.update_time ? Date.parse(r.update_time) : 0, ...(r.add_time ? { createdAt: Date.parse(r.add_time) } : {}), data };
}

/**
 * Fields as a v2 body. An email or phone replaces the primary point of the record's list (the
 * others are kept; `current` is the record before the write); blank removes it.
 */
function toBody(fields: FieldWrites, current?: PdRecord): Record<string, unknown> {
  const body = nested(fields);
  for (const list of pointLists) {
    if (!(list in body)) continue;
    const value = body[list];
    const points = Array.isArray(current?.[list]) ? (current[list] as Point[]) : [];
    const keep = points.filter((p) => p !== primary(points));
    if (value === null || value === '') body[list] = keep.map((p, i) => ({ ...p, primary: i === 0 }));
    else body[list] = [{ value: String(value), primary: true, label: primary(points)?.label ?? 'work' }, ...keep.map((p) => ({ ...p, primary: false }))];
  }
  return body;
}

/** Every record of the object, a list page (500) a call: for matching more values than searches would pay off. */
async function scan(ctx: ActionContext, side: SyncSidePlan, keep: (r: SyncRecord) => boolean): Promise<SyncRecord[]> {
  const out: SyncRecord[] = [];
  let cursor: string | undefined;
  do {
    const res = await ctx.http.request({ method: 'GET', path: path(side), query: { limit: listLimit, cursor } });
    const page = listPage.parse(res.body);
    for (const r of page.data) {
      const record = toRecord(r);
      if (keep(record)) out.push(record);
    }
    cursor = page.additional_data?.next_cursor ?? undefined;
    ctx.heartbeat();
  } while (cursor);
  return out;
}

/** Records by id as Pipedrive returns them (the list's `ids` filter, 100 a call); ids that are gone are absent. */
const fetchRaw = (ctx: ActionContext, side: SyncSidePlan, ids: readonly string[]): Promise<PdRecord[]> =>
  inBatches(ctx, ids, idsLimit, async (part) => {
    const res = await ctx.http.request({ method: 'GET', path: path(side), query: { ids: part.join(','), limit: idsLimit } });
    return listPage.parse(res.body).data;
  });

const textKey = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);

/**
 * Pipedrive persons, organizations or deals (API v2). Changes: the `changedRecords` polling
 * trigger's feed (`updated_since`, sorted by update_time, exact across one-second ties), from the
 * epoch for a backfill. Fetch: the list's `ids` filter, 100 a call. Match: a person's email by
 * search (one call per email) for a few values, else one pass over the list. Writes: one call per
 * record (Pipedrive has no batch write); a person's primary email and phone are read and written
 * as plain values, keeping the other points of the list.
 */
export const pipedriveSide: SideAdapter = {
  startCursor: () => JSON.stringify({ since: '1970-01-01T00:00:00Z', seen: [] }),

  async readChanges(ctx, side, _fields, cursor, pageSize) {
    const limit = Math.min(listLimit, pageSize);
    const result = await pollTrigger<PdRecord>(ctx, 'pipedrive.changedRecords', { object: side.object, limit, maxPages: Math.min(50, Math.ceil(pageSize / limit)) }, cursor);
    // A listing cut at its page bound carries Pipedrive's cursor ("sweep"): more waits.
    return { records: result.items.map(toRecord), cursor: result.cursor, more: /"sweep"/.test(result.cursor) };
  },

  fetch: async (ctx, side, _fields, ids) => (await fetchRaw(ctx, side, ids)).map(toRecord),

  async findBy(ctx, side, _fields, field, values) {
    const wanted = new Set(values.map(textKey));
    if (side.object === 'person' && field === 'emails' && values.length <= searchedValues) {
      const ids = new Set<string>();
      for (const email of values) {
        const found = await callAction<{ persons: { id: number }[] }>(ctx, 'pipedrive.searchPersons', { email: String(email), limit: 100 });
        for (const p of found.persons) ids.add(String(p.id));
      }
      // The search matches any of a person's emails; a sync matches the primary one.
      return (await fetchRaw(ctx, side, [...ids])).map(toRecord).filter((r) => wanted.has(textKey(readPath(r.data, field))));
    }
    return scan(ctx, side, (r) => wanted.has(textKey(readPath(r.data, field))));
  },

  create: (ctx, side, records) =>
    oneByOne(ctx, records, async (fields) => {
      const res = await ctx.http.request({ method: 'POST', path: path(side), json: toBody(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null))) });
      return String(oneRecord.parse(res.body).data.id);
    }),

  async update(ctx, side, writes) {
    // The lists whose primary point changes are read first, so their other points are kept.
    const touching = writes.filter((w) => pointLists.some((l) => l in w.fields)).map((w) => w.id);
    const current = new Map((touching.length > 0 ? await fetchRaw(ctx, side, touching) : []).map((r) => [String(r.id), r]));
    return oneByOne(ctx, writes, async (w) => {
      await ctx.http.request({ method: 'PATCH', path: `${path(side)}/${encodeURIComponent(w.id)}`, json: toBody(w.fields, current.get(w.id)) });
      return w.id;
    });
  },
};

/** Pipedrive persons and organizations: the primary keeps its id. */
export const pipedriveMerge: Merge = async (ctx, side, primaryId, duplicateId) => {
  // v1 only: the id in the path is merged away, `merge_with_id` is kept (its values win a conflict).
  const res = await ctx.http.request({ method: 'PUT', path: `/api/v1/${collections[side.object] ?? side.object}/${encodeURIComponent(duplicateId)}/merge`, json: { merge_with_id: Number(primaryId) } });
  return String(oneRecord.parse(res.body).data.id);
};
