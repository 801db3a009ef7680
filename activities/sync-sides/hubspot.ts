import { z } from 'zod';
import { isConnectorError } from '../../connectors/sdk/errors';
import type { ActionContext } from '../../connectors/sdk/types';
import type { FieldWrites, SyncRecord } from '../../src/sync/record-logic';
import type { SyncValue } from '../../src/sync/transforms';
import type { SyncSidePlan } from '../../workflows/sync-plan';
import { callAction, chunks, pollTrigger, type Merge, type SideAdapter, type WriteResult } from './types';
import { inBatches, isolating } from './writes';

/** HubSpot's batch endpoints (read, create, update) take at most 100 inputs a call. */
const batchSize = 100;
/** Values per search `IN` filter (HubSpot allows 100; each value may go twice, as given and lower-cased). */
const inList = 50;
/** Search results one `findBy` call reads for a list of values (a value may match several records: duplicates). */
const maxMatches = 2_000;
const existingId = /Existing ID: (\d+)/;

interface CrmRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt: string;
}

const batchAnswer = z.object({
  results: z
    .array(z.looseObject({ id: z.string(), properties: z.record(z.string(), z.string().nullable()).default({}), createdAt: z.string().optional(), updatedAt: z.string(), objectWriteTraceId: z.string().optional() }))
    .default([]),
  errors: z.array(z.looseObject({ category: z.string().optional(), message: z.string().optional(), context: z.record(z.string(), z.unknown()).optional() })).default([]),
});

/** The property types of an object (`number`, `bool`, `string`, …), read once per activity (one context per activity). */
const typesCache = new WeakMap<ActionContext, Map<string, Promise<Map<string, string>>>>();
function propertyTypes(ctx: ActionContext, object: string): Promise<Map<string, string>> {
  let byObject = typesCache.get(ctx);
  if (!byObject) typesCache.set(ctx, (byObject = new Map<string, Promise<Map<string, string>>>()));
  let types = byObject.get(object);
  if (!types) {
    types = callAction<{ properties: { name: string; type: string }[] }>(ctx, 'hubspot.listProperties', { objectType: object }).then((o) => new Map(o.properties.map((p) => [p.name, p.type])));
    byObject.set(object, types);
  }
  return types;
}

/** HubSpot answers every value as text: numbers and booleans are read back as what they are, blank as null (so the echo of a written 42 hashes as 42). */
function typed(type: string | undefined, value: string | null): SyncValue {
  if (value === null || value === '') return null;
  if (type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (type === 'bool') return value === 'true';
  return value;
}

const toRecord =
  (types: Map<string, string>) =>
  (r: CrmRecord): SyncRecord => ({ id: r.id, modifiedAt: Date.parse(r.updatedAt), ...(r.createdAt ? { createdAt: Date.parse(r.createdAt) } : {}), data: Object.fromEntries(Object.entries(r.properties).map(([k, v]) => [k, typed(types.get(k), v)])) });

/** Property values as HubSpot takes them: text, blank to clear. */
const asProperties = (fields: FieldWrites): Record<string, string> => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === null ? '' : String(v)]));

/** The merge's answer: the merged record, under a new id (HubSpot changelog "Updated merge functionality for contacts and companies"); both old ids resolve to it. */
const mergeAnswer = z.looseObject({ id: z.string() });

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/**
 * One batch write (`create` or `update`, up to 100 inputs, each with its index as
 * `objectWriteTraceId`): 200/201 when all succeed, 207 with `errors` naming the inputs by trace id
 * (or the record ids) when some are refused. Every input gets its outcome, in order.
 */
async function batchWrite(ctx: ActionContext, side: SyncSidePlan, kind: 'create' | 'update', inputs: readonly { id?: string; properties: Record<string, string> }[]): Promise<WriteResult[]> {
  const res = await ctx.http.request({ method: 'POST', path: `/crm/v3/objects/${side.object}/batch/${kind}`, json: { inputs: inputs.map((input, i) => ({ ...input, objectWriteTraceId: String(i) })) } });
  const body = batchAnswer.parse(res.body);
  const byId = (id: string) => inputs.findIndex((input) => input.id === id);
  const out: (WriteResult | undefined)[] = inputs.map(() => undefined);
  for (const r of body.results) {
    const at = r.objectWriteTraceId !== undefined ? Number(r.objectWriteTraceId) : byId(r.id);
    if (at >= 0 && at < inputs.length) out[at] = { ok: true, id: r.id };
  }
  for (const e of body.errors) {
    const message = `${e.category ?? 'ERROR'}: ${e.message ?? 'refused'}`;
    const existing = existingId.exec(e.message ?? '')?.[1];
    for (const at of [...listOf(e.context?.objectWriteTraceId).map(Number), ...listOf(e.context?.ids).map(byId)]) {
      if (at >= 0 && at < inputs.length) out[at] = { ok: false, message, code: e.category, gone: e.category === 'OBJECT_NOT_FOUND', ...(existing ? { existingId: existing } : {}) };
    }
  }
  return out.map((r) => r ?? { ok: false, message: 'HubSpot answered neither a result nor an error for this record', code: 'MISSING_RESULT' });
}

/**
 * HubSpot contacts, companies or deals. Changes: the `changedRecords` polling trigger's feed (CRM
 * search sorted by the last-modified date, exact across ties and past the 10,000-result ceiling),
 * from the epoch for a backfill. Fetch: batch read; match: search `IN`. Writes: batch create and
 * batch update, 100 records a call (a batch refused as a whole is written again record by record).
 */
export const hubspotSide: SideAdapter = {
  startCursor: () => JSON.stringify({ t: 0, ids: [] }),

  async readChanges(ctx, side, fields, cursor, pageSize) {
    const per = Math.min(200, pageSize);
    const maxPages = Math.min(100, Math.ceil(pageSize / per));
    const types = await propertyTypes(ctx, side.object);
    const result = await pollTrigger<CrmRecord>(ctx, 'hubspot.changedRecords', { objectType: side.object, properties: fields, pageSize: per, maxPages }, cursor);
    return { records: result.items.map(toRecord(types)), cursor: result.cursor, more: result.items.length >= per * maxPages };
  },

  async fetch(ctx, side, fields, ids) {
    const types = await propertyTypes(ctx, side.object);
    return inBatches(ctx, ids, batchSize, async (part) => {
      try {
        const res = await ctx.http.request({ method: 'POST', path: `/crm/v3/objects/${side.object}/batch/read`, json: { properties: fields, inputs: part.map((id) => ({ id })) } });
        // 207: the ids not found are listed in `errors` (deleted or merged away); they are absent here.
        return batchAnswer.parse(res.body).results.map(toRecord(types));
      } catch (err) {
        if (isConnectorError(err) && err.status === 404) return []; // none of them exists
        throw err;
      }
    });
  },

  async findBy(ctx, side, fields, path, values) {
    const types = await propertyTypes(ctx, side.object);
    const out: SyncRecord[] = [];
    for (const part of chunks(values, inList)) {
      const asked = [...new Set(part.flatMap((v) => (typeof v === 'string' ? [v, v.toLowerCase()] : [String(v)])))];
      const found = await callAction<{ results: CrmRecord[] }>(ctx, 'hubspot.search', {
        objectType: side.object,
        filterGroups: [{ filters: [{ propertyName: path, operator: 'IN', values: asked }] }],
        properties: fields,
        limit: 200,
        maxRecords: maxMatches,
      });
      out.push(...found.results.map(toRecord(types)));
    }
    return out;
  },

  create: (ctx, side, records) =>
    inBatches(ctx, records, batchSize, (part) =>
      isolating(
        part.map((fields) => ({ properties: asProperties(fields) })),
        (inputs) => batchWrite(ctx, side, 'create', inputs),
        existingId,
      ),
    ),

  update: (ctx, side, writes) =>
    inBatches(ctx, writes, batchSize, (part) =>
      isolating(
        part.map((w) => ({ id: w.id, properties: asProperties(w.fields) })),
        (inputs) => batchWrite(ctx, side, 'update', inputs),
        existingId,
      ),
    ),
};

/** HubSpot contacts and companies: the merged record gets a new id, and both old ids read as it. */
export const hubspotMerge: Merge = async (ctx, side, primaryId, duplicateId) => {
  const res = await ctx.http.request({ method: 'POST', path: `/crm/v3/objects/${side.object}/merge`, json: { primaryObjectId: primaryId, objectIdToMerge: duplicateId } });
  return mergeAnswer.parse(res.body).id;
};
