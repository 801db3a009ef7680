import { z } from 'zod';
import { DeliveredRecords, deliveredEntry } from '../../connectors/sdk/delivered-records';
import { ConnectorError, isConnectorError } from '../../connectors/sdk/errors';
import type { ActionContext } from '../../connectors/sdk/types';
import type { SyncRecord } from '../../src/sync/record-logic';
import { nested, type SideAdapter } from './types';
import { oneByOne } from './writes';

const company = z.looseObject({ id: z.string(), updated_at: z.number().int() });
type Company = z.output<typeof company>;
const scrollPage = z.object({ data: z.array(company), scroll_param: z.string().nullish() });
/** GET /companies?company_id= answers a list of one (newer API versions) or the company itself. */
const lookup = z.union([z.object({ data: z.array(company) }), company.transform((c) => ({ data: [c] }))]);

const toRecord = (c: Company): SyncRecord => ({ id: c.id, modifiedAt: c.updated_at * 1000, data: c });
/** Scroll pages one readChanges reads at most when they hold nothing new (the rest in the next call, within the scroll's minute). */
const maxPagesPerCall = 100;
/** Seconds before the newest change delivered that each scan looks at again (ties, a late write in the same second). */
const lag = 60;

const delivered = z.array(deliveredEntry);
/**
 * The companies feed's cursor: everything updated before `since` (unix seconds) was delivered, and
 * `recent` the [id, updated_at, fingerprint] delivered within `lag` of it. `scan`: a scan cut at its bound
 * continues its scroll (`scroll`, its scroll_param), begun at `started` (our clock, unix seconds), with the
 * newest change it has delivered so far. A scan saved by the list-based feed (`page`, no `scroll`) starts a scroll.
 */
const companyCursor = z.object({
  since: z.number().int(),
  recent: delivered,
  scan: z.object({ scroll: z.string().optional(), started: z.number().int().optional(), top: z.number().int(), recent: delivered }).optional(),
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

/** Intercom allows one open scroll per workspace; a scroll not used for a minute expires, which frees it. */
const scrollBusyWaitMs = 60_000;

/**
 * A page of GET /companies/scroll: the next one of `scroll`, or the first of a new scroll. A scroll_param
 * Intercom no longer knows (expired after a minute unused, or ended) starts a new scroll.
 */
async function scrollCompanies(ctx: ActionContext, scroll: string | undefined): Promise<z.output<typeof scrollPage>> {
  const read = async (param: string | undefined) => scrollPage.parse((await ctx.http.request({ method: 'GET', path: '/companies/scroll', query: param ? { scroll_param: param } : {} })).body);
  try {
    if (scroll) {
      try {
        return await read(scroll);
      } catch (err) {
        if (!isConnectorError(err) || (err.status !== 400 && err.status !== 404)) throw err;
      }
    }
    return await read(undefined);
  } catch (err) {
    if (isConnectorError(err) && err.status === 400 && /scroll already exists/i.test(err.message)) {
      throw new ConnectorError('rate_limited', `${err.message}: another scroll over this workspace's companies is open; it expires a minute after its last use`, { status: 400, code: 'scroll_in_progress', retryAfterMs: scrollBusyWaitMs, cause: err });
    }
    throw err;
  }
}

/**
 * Intercom companies. Changes: GET /companies/scroll, which lists every company (POST /companies/list
 * leaves out those without contacts and stops at 10,000), in no order by updated_at: each scan scrolls
 * through all of them and delivers those updated at or after the cursor less `lag` that were not
 * delivered already (same second, same content: skipped, so ties are exact). A scan longer than its bound
 * continues its scroll in the next call; if the scroll_param expired meanwhile (a minute unused), a new
 * scroll starts and what the cut scan delivered before its window is read again (the engine finds it
 * unchanged). The next scan starts from the older of the newest change delivered and the scan's start:
 * a company edited after the scroll passed it is seen then. One scroll at a time per workspace: another
 * open one is a rate-limited failure, retried after the minute it takes to expire.
 * Fetch: GET /companies/{id}. Match: GET /companies?company_id= or ?name=.
 * Writes: POST /companies (an upsert by company_id), PUT /companies/{id}, one request per record.
 */
export const intercomCompanySide: SideAdapter = {
  startCursor: () => '0',

  async readChanges(ctx, _side, _fields, raw, pageSize) {
    const cursor = readCursor(raw);
    const floor = cursor.since - lag;
    const seen = new DeliveredRecords([...cursor.recent, ...(cursor.scan?.recent ?? [])]);
    let top = cursor.scan?.top ?? cursor.since;
    const started = cursor.scan?.started ?? Math.floor(Date.now() / 1000);
    let scroll = cursor.scan?.scroll;
    let done = false;
    const found: Company[] = [];
    for (let page = 0; page < maxPagesPerCall && found.length < pageSize && !done; page++) {
      const body = await scrollCompanies(ctx, scroll);
      scroll = body.scroll_param ?? undefined;
      for (const c of body.data) {
        if (c.updated_at < floor || seen.offer(c.id, c.updated_at, c) === undefined) continue;
        found.push(c);
        top = Math.max(top, c.updated_at);
      }
      done = body.data.length === 0 || !scroll;
      ctx.heartbeat({ page });
    }
    // Everything updated before the scan began was in its scroll; what changed during it is at or after `started`.
    const since = Math.min(top, started);
    const recent = seen.since(since - lag);
    const next = done ? { since, recent } : { since: cursor.since, recent: cursor.recent, scan: { scroll, started, top, recent } };
    // Oldest change first, as the engine reads a feed.
    return { records: found.sort((a, b) => a.updated_at - b.updated_at).map(toRecord), cursor: JSON.stringify(next), more: !done };
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
