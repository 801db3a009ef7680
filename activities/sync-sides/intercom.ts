import type { ActionContext } from '../../connectors/sdk/types';
import type { SyncRecord } from '../../src/sync/record-logic';
import { callAction, chunks, nested, pollTrigger, type SideAdapter } from './types';
import { oneByOne } from './writes';

interface Contact {
  id: string;
  updated_at: number;
}
const toRecord = (c: Contact): SyncRecord => ({ id: c.id, modifiedAt: c.updated_at * 1000, data: c as unknown as Record<string, unknown> });
/** Intercom's search page limit. */
const perPage = 150;
const conflictId = /already exists with id=([A-Za-z0-9_-]+)/;

async function search(ctx: ActionContext, query: unknown): Promise<SyncRecord[]> {
  const found = await callAction<{ contacts: Contact[] }>(ctx, 'intercom.searchContacts', { query, perPage, maxPages: 50 });
  return found.contacts.map(toRecord);
}

/**
 * Intercom contacts. Changes: the `updatedContacts` polling trigger's feed (contact search on
 * updated_at ascending, exact across ties and the search's day granularity), from unix second 0 for
 * a backfill. Fetch and match: search `id IN` / `<field> IN`. Writes: one request per record
 * (Intercom has no batch write): POST /contacts, PUT /contacts/{id}.
 */
export const intercomSide: SideAdapter = {
  startCursor: () => '0',

  async readChanges(ctx, _side, _fields, cursor, pageSize) {
    // Even pages that add up to the engine's page (200: two of 100, not 150 + 50 cut to 300), so the
    // other side's batch writes fill up (Salesforce's collections take 200).
    const maxPages = Math.max(1, Math.ceil(pageSize / perPage));
    const input = { perPage: Math.ceil(pageSize / maxPages), maxPages };
    const result = await pollTrigger<Contact>(ctx, 'intercom.updatedContacts', input, cursor);
    // A scan cut at its page bound carries Intercom's page cursor ("resume"): more waits.
    return { records: result.items.map(toRecord), cursor: result.cursor, more: /"resume"/.test(result.cursor) };
  },

  async fetch(ctx, _side, _fields, ids) {
    const out: SyncRecord[] = [];
    for (const part of chunks(ids, perPage)) out.push(...(await search(ctx, { field: 'id', operator: 'IN', value: part })));
    return out;
  },

  async findBy(ctx, _side, _fields, path, values) {
    const out: SyncRecord[] = [];
    for (const part of chunks(values, perPage)) out.push(...(await search(ctx, { field: path, operator: 'IN', value: part })));
    return out;
  },

  create: (ctx, _side, records) =>
    oneByOne(
      ctx,
      records,
      async (fields) => {
        const res = await ctx.http.request({ method: 'POST', path: '/contacts', json: { role: 'user', ...nested(fields) } });
        return String((res.body as { id?: unknown }).id);
      },
      conflictId,
    ),

  update: (ctx, _side, writes) =>
    oneByOne(ctx, writes, async (w) => {
      await ctx.http.request({ method: 'PUT', path: `/contacts/${encodeURIComponent(w.id)}`, json: nested(w.fields) });
      return w.id;
    }),
};
