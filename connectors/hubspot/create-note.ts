import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

/** HubSpot-defined association type ids from a note (associations v4 "note to …"). */
const noteTo = { contact: 202, company: 190, deal: 214 } as const;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A plain-text body (a transcript) as the HTML HubSpot shows on the timeline: escaped, one line per line. */
function noteHtml(text: string): string {
  return escapeHtml(text).split('\n').join('<br>');
}

/** The note's link to a record by HubSpot's association type id (none when the record is not given). */
function association(id: string | undefined, typeId: number) {
  return id ? [{ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] }] : [];
}

/**
 * POST /crm/v3/objects/notes with `hs_note_body` and `hs_timestamp`, associated in the same call
 * with the contact (and a company or deal). Not idempotent: a retry after a lost response adds a
 * second note.
 */
export const createNote = defineAction({
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
  effect: { kind: 'atLeastOnce', why: 'HubSpot notes take no idempotency key' },
  sample: { id: '9876', createdAt: '2026-11-27T12:00:00.000Z' },
  request: (i) => ({
    method: 'POST',
    path: '/crm/v3/objects/notes',
    json: {
      properties: { hs_note_body: noteHtml(i.body), hs_timestamp: i.timestamp ?? new Date().toISOString() },
      associations: [...association(i.contactId, noteTo.contact), ...association(i.companyId, noteTo.company), ...association(i.dealId, noteTo.deal)],
    },
  }),
  respond: ({ body }: HttpResponse<{ id: string; createdAt: string }>) => ({ id: body.id, createdAt: body.createdAt }),
});
