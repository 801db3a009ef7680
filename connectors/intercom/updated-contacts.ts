import { z } from 'zod';
import { definePollingTrigger } from './auth';
import { ChangeFeed, readChangeCursor } from './change-cursor';
import { contact, contactSample } from './contact';
import { searchPages } from './search';

const day = 86_400;

/**
 * Contacts updated since the cursor, via POST /contacts/search sorted by updated_at ascending.
 * Intercom's 2.x contact search compares dates by UTC day (vendor-apis §0.5), so a query from the
 * cursor's second would miss contacts updated later that same day: the query starts at the day of
 * (cursor − lag) and what was already delivered is skipped client-side (see ChangeFeed). `lagSeconds`
 * covers Intercom's search index showing changes minutes late. A scan longer than `maxPages`
 * continues on the next poll from Intercom's page cursor. The first poll (no cursor) only records
 * "now": it does not replay history.
 */
export const updatedContacts = definePollingTrigger({
  key: 'updatedContacts',
  title: 'Updated contacts',
  description: 'Fires for each contact created or updated since the last poll (none missed or repeated when many share one second).',
  input: z.object({
    perPage: z.number().int().min(1).max(150).default(150),
    maxPages: z.number().int().min(1).max(50).default(10),
    /** How late a change may show up in Intercom's search and still be delivered. */
    lagSeconds: z.number().int().min(0).max(3600).default(300),
  }),
  output: contact,
  sample: contactSample,
  defaultInterval: '5m',
  async poll(ctx, i, raw) {
    if (raw === null) return { items: [], cursor: String(Math.floor(Date.now() / 1000)) };
    const start = readChangeCursor(raw);
    const feed = new ChangeFeed<z.output<typeof contact>>(start, i.lagSeconds);
    const from = start.resume?.from ?? Math.floor(feed.threshold / day) * day - 1;
    const after = await searchPages(
      ctx,
      {
        path: '/contacts/search',
        listKey: 'data',
        query: { field: 'updated_at', operator: '>', value: from },
        sort: { field: 'updated_at', order: 'ascending' },
        perPage: i.perPage,
        startingAfter: start.resume?.after ?? null,
        maxPages: i.maxPages,
      },
      (page) => page.records.forEach((r) => feed.add(contact.parse(r))),
    );
    return { items: feed.items, cursor: feed.cursor(after ? { from, after } : undefined) };
  },
});
