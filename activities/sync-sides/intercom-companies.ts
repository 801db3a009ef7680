import { z } from 'zod';
import { DeliveredRecords, deliveredEntry } from '../../connectors/sdk/delivered-records';
import { ConnectorError, isConnectorError } from '../../connectors/sdk/errors';
import type { SyncRecord } from '../../src/sync/record-logic';
import { nested, type SideAdapter } from './types';
import { oneByOne } from './writes';

const company = z.looseObject({ id: z.string(), updated_at: z.number().int() });
type Company = z.output<typeof company>;
const listPage = z.object({ data: z.array(company), pages: z.object({ total_pages: z.number().int() }).nullish() });
/** GET /companies?company_id= answers a list of one (newer API versions) or the company itself. */
const lookup = z.union([z.object({ data: z.array(company) }), company.transform((c) => ({ data: [c] }))]);

const toRecord = (c: Company): SyncRecord => ({ id: c.id, modifiedAt: c.updated_at * 1000, data: c });
/** POST /companies/list takes at most 60 a page. */
const perPage = 60;
/** Seconds before the newest change delivered that each scan looks at again (ties, a late write in the same second). */
const lag = 60;

const delivered = z.array(deliveredEntry);
/**
 * The companies feed's cursor: everything updated before `since` (unix seconds) was delivered, and
 * `recent` the [id, updated_at, fingerprint] delivered within `lag` of it. `scan`: a scan cut at its page bound
 * (newest first) continues from `page`, with the newest change it has delivered so far.
 */
const companyCursor = z.object({
  since: z.number().int(),
  recent: delivered,
  scan: z.object({ page: z.number().int().min(2), top: z.number().int(), recent: delivered }).optional(),
});

function readCursor(raw: string): z.output<typeof companyCursor> {
  if (/^\d+$/.test(raw)) return { since: Number(raw), recent: [] };
  try {
    return companyCursor.parse(JSON.parse(raw));
  } catch {
    throw new ConnectorError('fatal', `not an Intercom companies cursor: ${raw.slice(0, 80)}`, { code: 'bad_cursor' });
  }
}

/** A 404 is an answer here (the company is not there), not a failure. */
async function orAbsent<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isConnectorError(err) && err.status === 404) return undefined;
    throw err;
  }
}

/** The paths Intercom looks a company up by (GET /companies?company_id= | ?name=): it has no company search. */
const lookupPaths = new Set(['company_id', 'name']);

/**
 * Intercom companies. Changes: POST /companies/list newest first (`order=desc`, by updated_at),
 * page by page until the page reaches the cursor less `lag`; what was delivered at the same second
 * is skipped, so ties are exact; a scan longer than a page bound continues from its page number (a
 * company edited meanwhile moves to the top and is read by the next scan). Intercom lists only
 * companies with at least one contact, and at most 10,000: a company without users is not seen
 * until one is attached. Fetch: GET /companies/{id}. Match: GET /companies?company_id= or ?name=.
 * Writes: POST /companies (an upsert by company_id), PUT /companies/{id}, one request per record.
 */
export const intercomCompanySide: SideAdapter = {
  startCursor: () => '0',

  async readChanges(ctx, _side, _fields, raw, pageSize) {
    const cursor = readCursor(raw);
    const floor = cursor.since - lag;
    const seen = new DeliveredRecords([...cursor.recent, ...(cursor.scan?.recent ?? [])]);
    let top = cursor.scan?.top ?? cursor.since;
    let page = cursor.scan?.page ?? 1;
    let done = false;
    const found: Company[] = [];
    for (let n = 0; n < Math.max(1, Math.ceil(pageSize / perPage)) && !done; n++, page++) {
      const res = await ctx.http.request({ method: 'POST', path: '/companies/list', query: { page, per_page: perPage, order: 'desc' } });
      const body = listPage.parse(res.body);
      for (const c of body.data) {
        if (c.updated_at < floor || seen.offer(c.id, c.updated_at, c) === undefined) continue;
        found.push(c);
        top = Math.max(top, c.updated_at);
      }
      const last = body.data.at(-1);
      done = !last || last.updated_at < floor || page >= (body.pages?.total_pages ?? page);
      ctx.heartbeat({ page });
    }
    const recent = seen.since(top - lag);
    const next = done ? { since: top, recent } : { since: cursor.since, recent: cursor.recent, scan: { page, top, recent } };
    // Oldest change first, as the engine reads a feed.
    return { records: found.reverse().map(toRecord), cursor: JSON.stringify(next), more: !done };
  },

  async fetch(ctx, _side, _fields, ids) {
    const out: SyncRecord[] = [];
    for (const id of ids) {
      const found = await orAbsent(async () => company.parse((await ctx.http.request({ method: 'GET', path: `/companies/${encodeURIComponent(id)}` })).body));
      if (found) out.push(toRecord(found));
      ctx.heartbeat();
    }
    return out;
  },

  async findBy(ctx, _side, _fields, path, values) {
    if (!lookupPaths.has(path)) throw new ConnectorError('fatal', `Intercom looks companies up by company_id or name only, not ${path}: match on one of them`, { code: 'unsupported_match' });
    const out: SyncRecord[] = [];
    for (const value of values) {
      const found = await orAbsent(async () => lookup.parse((await ctx.http.request({ method: 'GET', path: '/companies', query: { [path]: String(value) } })).body));
      out.push(...(found?.data ?? []).map(toRecord));
      ctx.heartbeat();
    }
    return out;
  },

  create: (ctx, _side, records) =>
    oneByOne(ctx, records, async (fields) => {
      const res = await ctx.http.request({ method: 'POST', path: '/companies', json: nested(fields) });
      return company.parse(res.body).id;
    }),

  update: (ctx, _side, writes) =>
    oneByOne(ctx, writes, async (w) => {
      await ctx.http.request({ method: 'PUT', path: `/companies/${encodeURIComponent(w.id)}`, json: nested(w.fields) });
      return w.id;
    }),
};
