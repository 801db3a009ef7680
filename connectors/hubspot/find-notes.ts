import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

const notesPage = z.object({ results: z.array(z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) })) });

/**
 * POST /crm/v3/objects/notes/search filtered by `associations.contact` (and `hs_timestamp` when
 * given): the notes on a contact's timeline, one page. How a note whose create answer was lost
 * (createNote is at least once) is found again by a marker its body holds.
 */
export const findNotes = defineAction({
  description: 'Finds the notes on a HubSpot contact’s timeline, optionally only those dated at one time.',
  input: z.object({
    contactId: z.string().min(1),
    /** Only notes dated exactly then (their `hs_timestamp`). */
    timestamp: z.iso.datetime({ offset: true }).optional(),
    limit: z.number().int().min(1).max(200).default(100),
  }),
  output: z.object({ notes: z.array(z.object({ id: z.string(), body: z.string() })) }),
  effect: { kind: 'none' },
  sample: { notes: [{ id: '9876', body: 'Intercom conversation 147<br>Ada (user): Hi' }] },
  request: (i) => ({
    method: 'POST',
    path: '/crm/v3/objects/notes/search',
    json: {
      filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: i.contactId }, ...(i.timestamp ? [{ propertyName: 'hs_timestamp', operator: 'EQ', value: String(Date.parse(i.timestamp)) }] : [])] }],
      properties: ['hs_note_body', 'hs_timestamp'],
      limit: i.limit,
    },
  }),
  respond: ({ body }: HttpResponse<unknown>) => ({ notes: notesPage.parse(body).results.map((n) => ({ id: n.id, body: n.properties.hs_note_body ?? '' })) }),
});
