import { z } from 'zod';
import { defineAction } from './auth';

const associationsPage = z.object({
  results: z.array(z.object({ toObjectId: z.union([z.string(), z.number()]) })),
  paging: z.object({ next: z.object({ after: z.string() }).nullish() }).nullish(),
});
const notesRead = z.object({ results: z.array(z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) })) });
/** GET …/associations answers up to 500 a page; POST …/batch/read takes up to 100 ids. */
const associationsPerPage = 500;
const readsPerBatch = 100;
/** A datetime property as HubSpot answers it (ISO; milliseconds from older portals). */
const msOf = (v: string | null | undefined) => (v ? (/^\d+$/.test(v) ? Number(v) : Date.parse(v)) : undefined);

/**
 * The notes on a contact's timeline: its note associations (GET /crm/v4/objects/contacts/{id}/associations/notes,
 * paged), then their bodies (POST /crm/v3/objects/notes/batch/read). Both read the records themselves,
 * so a note created a moment ago is there; the search API (POST …/notes/search) is eventually
 * consistent and can miss it. How a note whose create answer was lost (createNote is at least once)
 * is found again by a marker its body holds.
 */
export const findNotes = defineAction({
  description: 'Finds the notes on a HubSpot contact’s timeline, optionally only those dated at one time.',
  input: z.object({
    contactId: z.string().min(1),
    /** Only notes dated exactly then (their `hs_timestamp`). */
    timestamp: z.iso.datetime({ offset: true }).optional(),
    /** At most this many notes in the answer. */
    limit: z.number().int().min(1).max(200).default(100),
  }),
  output: z.object({ notes: z.array(z.object({ id: z.string(), body: z.string() })) }),
  effect: { kind: 'none' },
  sample: { notes: [{ id: '9876', body: 'Intercom conversation 147<br>Ada (user): Hi' }] },
  async run(ctx, i) {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const res = await ctx.http.request({ method: 'GET', path: `/crm/v4/objects/contacts/${encodeURIComponent(i.contactId)}/associations/notes`, query: { limit: associationsPerPage, ...(after ? { after } : {}) } });
      const page = associationsPage.parse(res.body);
      ids.push(...page.results.map((r) => String(r.toObjectId)));
      after = page.paging?.next?.after;
      ctx.heartbeat();
    } while (after);
    const at = i.timestamp ? Date.parse(i.timestamp) : undefined;
    const notes: { id: string; body: string }[] = [];
    for (let n = 0; n < ids.length && notes.length < i.limit; n += readsPerBatch) {
      const inputs = ids.slice(n, n + readsPerBatch).map((id) => ({ id }));
      const res = await ctx.http.request({ method: 'POST', path: '/crm/v3/objects/notes/batch/read', json: { properties: ['hs_note_body', 'hs_timestamp'], inputs } });
      for (const note of notesRead.parse(res.body).results) {
        if (at !== undefined && msOf(note.properties.hs_timestamp) !== at) continue;
        notes.push({ id: note.id, body: note.properties.hs_note_body ?? '' });
      }
      ctx.heartbeat();
    }
    return { notes: notes.slice(0, i.limit) };
  },
});
