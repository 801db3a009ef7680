import { z } from 'zod';
import type { ActionContext } from '../../connectors/sdk/types';
import type { SyncSidePlan } from '../../workflows/sync-plan';
import type { SyncRecord } from '../../src/sync/record-logic';
import { callAction, chunks, pollTrigger, type SideAdapter, type WriteResult } from './types';
import { inBatches } from './writes';

const stampMs = (s: unknown) => (typeof s === 'string' ? Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : 0);
const toRecord = (r: Record<string, unknown>): SyncRecord => ({ id: String(r.Id), modifiedAt: stampMs(r.LastModifiedDate ?? r.SystemModstamp), data: r });
const columns = (fields: readonly string[]) => [...new Set(['Id', 'SystemModstamp', 'LastModifiedDate', ...fields])];
/** sObject Collections take at most 200 records a call. */
const collectionSize = 200;
/** Ids or values per SOQL `OR` list: keeps the query string short. */
const inList = 100;

const saveResults = z.array(z.object({ id: z.string().nullish(), success: z.boolean(), errors: z.array(z.looseObject({ statusCode: z.string().optional(), message: z.string().optional() })).default([]) }));

async function select(ctx: ActionContext, side: SyncSidePlan, fields: readonly string[], field: string, values: readonly unknown[]): Promise<SyncRecord[]> {
  const out: SyncRecord[] = [];
  for (const part of chunks(values, inList)) {
    // Values as :v0, :v1 … parameters: the query action escapes them.
    const where = part.map((_, n) => `${field} = :v${n}`).join(' OR ');
    const params = Object.fromEntries(part.map((v, n) => [`v${n}`, v]));
    const { records } = await callAction<{ records: Record<string, unknown>[] }>(ctx, 'salesforce.query', { soql: `SELECT ${columns(fields).join(', ')} FROM ${side.object} WHERE ${where}`, params, maxRecords: 10_000 });
    out.push(...records.map((r) => toRecord(r)));
  }
  return out;
}

/** POST (create) or PATCH (update) /composite/sobjects, 200 records a call, allOrNone false: one result per record. */
async function collection(ctx: ActionContext, side: SyncSidePlan, method: 'POST' | 'PATCH', records: readonly Record<string, unknown>[]): Promise<WriteResult[]> {
  return inBatches(ctx, records, collectionSize, async (part) => {
    const res = await ctx.http.request({ method, path: '/composite/sobjects', json: { allOrNone: false, records: part.map((r) => ({ attributes: { type: side.object }, ...r })) } });
    return saveResults.parse(res.body).map((r): WriteResult => {
      if (r.success && r.id) return { ok: true, id: r.id };
      const e = r.errors[0];
      return { ok: false, message: r.errors.map((x) => `${x.statusCode ?? 'ERROR'}: ${x.message ?? ''}`).join('; '), code: e?.statusCode, gone: e?.statusCode === 'ENTITY_IS_DELETED' };
    });
  });
}

/**
 * Salesforce sObjects (Contact, Lead, …). Changes: the `changedRecords` polling trigger's SOQL
 * feed on (SystemModstamp, Id), exact across ties, from 1970 for a backfill. Fetch and match: SOQL
 * by Id / field. Writes: sObject Collections, 200 records a call.
 */
export const salesforceSide: SideAdapter = {
  startCursor: () => '1970-01-01T00:00:00Z|',

  async readChanges(ctx, side, fields, cursor, pageSize) {
    const input = { type: side.object, fields: columns(fields).filter((f) => f !== 'Id' && f !== 'SystemModstamp'), maxRecords: pageSize, batchSize: Math.max(200, Math.min(2000, pageSize)) };
    const result = await pollTrigger<Record<string, unknown>>(ctx, 'salesforce.changedRecords', input, cursor);
    return { records: result.items.map(toRecord), cursor: result.cursor, more: result.items.length >= pageSize };
  },

  fetch: (ctx, side, fields, ids) => select(ctx, side, fields, 'Id', ids),
  findBy: (ctx, side, fields, path, values) => select(ctx, side, fields, path, values),
  create: (ctx, side, records) => collection(ctx, side, 'POST', records),
  update: (ctx, side, writes) => collection(ctx, side, 'PATCH', writes.map((w) => ({ id: w.id, ...w.fields }))),
};
