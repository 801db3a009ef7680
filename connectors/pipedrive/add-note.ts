import { z } from 'zod';
import { defineAction } from './auth';
import { recordId } from './fields';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Plain text as note HTML: blank lines separate paragraphs, single newlines become `<br>`. */
function textToHtml(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

const note = z.looseObject({ id: z.number().int(), content: z.string(), person_id: z.number().nullish(), deal_id: z.number().nullish(), org_id: z.number().nullish(), add_time: z.string().optional() });

/**
 * POST /api/v1/notes (notes have no v2 endpoint yet): a conversation as a note on a person, deal
 * or organization. `content` is HTML (Pipedrive sanitizes it); `text` is plain text, escaped and
 * turned into paragraphs. Not idempotent: Pipedrive has no idempotency key for notes.
 */
export const addNote = defineAction({
  description: 'Adds a note (HTML, or plain text converted to HTML) to a Pipedrive person, deal or organization.',
  input: z
    .object({ content: z.string().min(1).optional(), text: z.string().min(1).optional(), person_id: recordId().optional(), deal_id: recordId().optional(), org_id: recordId().optional() })
    .strict()
    .refine((i) => (i.content === undefined) !== (i.text === undefined), { message: 'give content (HTML) or text, exactly one', path: ['content'] })
    .refine((i) => i.person_id ?? i.deal_id ?? i.org_id, { message: 'attach the note to a person_id, deal_id or org_id', path: ['person_id'] }),
  output: note,
  effect: { kind: 'atLeastOnce', why: 'Pipedrive notes take no idempotency key' },
  sample: { id: 901, content: '<p>Ada: where is my order?</p>', person_id: 17, deal_id: null, org_id: null, add_time: '2026-11-27 12:00:00' },
  request: ({ text, content, ...target }) => ({ method: 'POST', path: '/api/v1/notes', json: { content: content ?? textToHtml(text!), ...target } }),
  respond: (res) => z.object({ success: z.literal(true), data: note }).parse(res.body).data,
});

/**
 * GET /api/v1/notes (v1 "Get all notes") on one person, deal or organization, newest first, one
 * page by offset: how a note whose create answer was lost (addNote is at least once) is found again
 * by a marker its content holds.
 */
export const listNotes = defineAction({
  description: 'Lists the notes on a Pipedrive person, deal or organization, newest first.',
  input: z
    .object({ person_id: recordId().optional(), deal_id: recordId().optional(), org_id: recordId().optional(), start: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) })
    .strict()
    .refine((i) => i.person_id ?? i.deal_id ?? i.org_id, { message: 'give the person_id, deal_id or org_id whose notes to list', path: ['person_id'] }),
  output: z.object({ notes: z.array(note), nextStart: z.number().int().nullable() }),
  effect: { kind: 'none' },
  sample: { notes: [{ id: 901, content: '<p>Ada: where is my order?</p>', person_id: 17, deal_id: null, org_id: null, add_time: '2026-11-27 12:00:00' }], nextStart: null },
  request: ({ start, limit, ...target }) => ({ method: 'GET', path: '/api/v1/notes', query: { ...target, start, limit, sort: 'add_time DESC' } }),
  respond(res) {
    const page = z
      .object({ success: z.literal(true), data: z.array(note).nullable(), additional_data: z.object({ pagination: z.object({ more_items_in_collection: z.boolean(), next_start: z.number().int().optional() }) }).optional() })
      .parse(res.body);
    const pagination = page.additional_data?.pagination;
    return { notes: page.data ?? [], nextStart: pagination?.more_items_in_collection ? (pagination.next_start ?? null) : null };
  },
});
