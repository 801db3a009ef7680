import { z } from 'zod';
import { defineAction } from './auth';

/** HubSpot-defined association type ids from a note (associations v4 "note to …"). */
const noteTo = { contact: 202, company: 190, deal: 214 } as const;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A plain-text body (a transcript) as the HTML HubSpot shows on the timeline: escaped, one line per line. */
function noteHtml(text: string): string {
  return escapeHtml(text).split('\n').join('<br>');
}

/**
 * POST /crm/v3/objects/notes with `hs_note_body` and `hs_timestamp`, associated in the same call
 * with the contact (and a company or deal). Not idempotent: a retry after a lost response adds a
 * second note.
 */
export const createNote = defineAction({
  key: 'createNote',
  title: 'Create note',
  description: 'Adds a note (e.g. a conversation transcript) to a HubSpot contact’s timeline; plain text is kept line by line.',
  input: z.object({
    contactId: z.string().min(1),
    body: z.string().min(1).max(65_536),
    /** When the note is dated on the timeline (default: now). */
    timestamp: z.iso.datetime({ offset: true }).optional(),
    companyId: z.string().min(1).optional(),
    dealId: z.string().min(1).optional(),
  }),
  output: z.object({ id: z.string(), createdAt: z.string() }),
  idempotent: false,
  effect: { kind: 'atLeastOnce', why: 'HubSpot notes take no idempotency key' },
  sample: { id: '9876', createdAt: '2026-11-27T12:00:00.000Z' },
  async run(ctx, i) {
    const to = (id: string | undefined, typeId: number) => (id ? [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }] : []);
    const res = await ctx.http.request<{ id: string; createdAt: string }>({
      method: 'POST',
      path: '/crm/v3/objects/notes',
      json: {
        properties: { hs_note_body: noteHtml(i.body), hs_timestamp: i.timestamp ?? new Date().toISOString() },
        associations: [...to(i.contactId, noteTo.contact), ...to(i.companyId, noteTo.company), ...to(i.dealId, noteTo.deal)],
      },
    });
    return { id: res.body.id, createdAt: res.body.createdAt };
  },
});
