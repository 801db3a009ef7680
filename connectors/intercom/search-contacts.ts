import { z } from 'zod';
import { defineAction } from './auth';
import { contact, contactSample } from './contact';
import { searchFilter, searchPages } from './search';

/** POST /contacts/search by email (`email = …`) or any Intercom query, following the cursor. */
export const searchContacts = defineAction({
  description: 'Finds contacts by email or an Intercom search query, following the pagination cursor; `contact` is the first match (or null).',
  input: z
    .object({
      email: z.string().min(1).optional(),
      query: searchFilter.optional(),
      perPage: z.number().int().min(1).max(150).default(50),
      startingAfter: z.string().optional(),
      /** Follow the cursor for up to this many pages. */
      maxPages: z.number().int().min(1).max(50).default(1),
    })
    .refine((i) => (i.email === undefined) !== (i.query === undefined), { message: 'give email or query (one of them)', path: ['email'] }),
  output: z.object({ contact: contact.nullable(), contacts: z.array(contact), totalCount: z.number(), nextCursor: z.string().nullable() }),
  effect: { kind: 'none' },
  sample: { contact: contactSample, contacts: [contactSample], totalCount: 1, nextCursor: null },
  async run(ctx, i) {
    const contacts: z.output<typeof contact>[] = [];
    let totalCount = 0;
    const query = i.email !== undefined ? { field: 'email', operator: '=', value: i.email } : i.query;
    const nextCursor = await searchPages(ctx, { path: '/contacts/search', listKey: 'data', query, perPage: i.perPage, startingAfter: i.startingAfter ?? null, maxPages: i.maxPages }, (page) => {
      contacts.push(...page.records.map((r) => contact.parse(r)));
      totalCount = page.total;
    });
    return { contact: contacts[0] ?? null, contacts, totalCount, nextCursor };
  },
});
