import { z } from 'zod';
import { ConnectorError, isConnectorError } from '../../connectors/sdk/errors';
import type { ActionContext } from '../../connectors/sdk/types';
import type { FieldWrites, SyncRecord } from '../../src/sync/record-logic';
import type { SyncValue } from '../../src/sync/transforms';
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

/** The contact's company, as a "linked" field reads it: Intercom sets it by attaching, not as a field. */
const companyPath = 'companies.data.0.id';
const attached = z.object({ data: z.array(z.object({ id: z.string() })) });

/**
 * The contact's company becomes `company` (an Intercom company id; null: none): attached with POST
 * /contacts/{id}/companies, then every other company detached (DELETE /contacts/{id}/companies/{company_id}),
 * so it is the one the contact lists first.
 */
async function setCompany(ctx: ActionContext, contactId: string, company: SyncValue): Promise<void> {
  const contact = `/contacts/${encodeURIComponent(contactId)}`;
  if (company !== null) {
    await ctx.http.request({ method: 'POST', path: `${contact}/companies`, json: { id: String(company) } }).catch((err: unknown) => {
      // The company is not there (the contact is): a refusal for this write, not a deleted contact.
      if (isConnectorError(err) && err.code === 'company_not_found') throw new ConnectorError('invalid_input', `company ${String(company)}: ${err.message}`, { code: err.code });
      throw err;
    });
  }
  const { data } = attached.parse((await ctx.http.request({ method: 'GET', path: `${contact}/companies` })).body);
  for (const other of data) if (other.id !== String(company)) await ctx.http.request({ method: 'DELETE', path: `${contact}/companies/${encodeURIComponent(other.id)}` });
}

/** The fields Intercom takes in the contact's body, and its company when the write sets one. */
function split(fields: FieldWrites): { body: Record<string, unknown>; company?: SyncValue } {
  const { [companyPath]: company, ...rest } = fields;
  return { body: nested(rest), ...(company !== undefined ? { company } : {}) };
}

async function search(ctx: ActionContext, query: unknown): Promise<SyncRecord[]> {
  const found = await callAction<{ contacts: Contact[] }>(ctx, 'intercom.searchContacts', { query, perPage, maxPages: 50 });
  return found.contacts.map(toRecord);
}

/**
 * Intercom contacts. Changes: the `updatedContacts` polling trigger's feed (contact search on
 * updated_at ascending, exact across ties and the search's day granularity), from unix second 0 for
 * a backfill. Fetch and match: search `id IN` / `<field> IN`. Writes: one request per record
 * (Intercom has no batch write): POST /contacts, PUT /contacts/{id}; the company of a "linked" field
 * by attaching it (see setCompany).
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
        const { body, company } = split(fields);
        const res = await ctx.http.request({ method: 'POST', path: '/contacts', json: { role: 'user', ...body } });
        const id = String((res.body as { id?: unknown }).id);
        if (company !== undefined) await setCompany(ctx, id, company);
        return id;
      },
      conflictId,
    ),

  update: (ctx, _side, writes) =>
    oneByOne(ctx, writes, async (w) => {
      const { body, company } = split(w.fields);
      if (Object.keys(body).length > 0) await ctx.http.request({ method: 'PUT', path: `/contacts/${encodeURIComponent(w.id)}`, json: body });
      if (company !== undefined) await setCompany(ctx, w.id, company);
      return w.id;
    }),
};
