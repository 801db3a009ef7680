import { z } from 'zod';
import { defineAction } from './auth';
import { htmlToText } from './html-text';
import { conversationWithParts, renderTranscript, transcriptPart, transcriptParts } from './transcript';

/**
 * GET /conversations/{id} (its source message and conversation_parts) as plain text, one line per
 * part with author and time, ready for a CRM note or task body. Intercom returns at most 500 parts;
 * `truncated` says when the conversation has more.
 */
export const getConversationTranscript = defineAction({
  description: 'Reads a conversation with its parts and renders it as plain text (author, time, notes and assignments labelled), plus the parts as data.',
  input: z.object({ conversationId: z.string().regex(/^\d+$/, 'an Intercom conversation id is numeric') }),
  output: z.object({
    conversationId: z.string(),
    title: z.string().nullable(),
    state: z.string().nullable(),
    text: z.string(),
    parts: z.array(transcriptPart),
    truncated: z.boolean(),
    /** The contacts the conversation is with (Intercom's `contacts.contacts[].id`). */
    contactIds: z.array(z.string()).default([]),
  }),
  effect: { kind: 'none' },
  sample: {
    conversationId: '147',
    title: 'Invoice question',
    state: 'closed',
    text: '2026-11-27T09:00:00.000Z Ada Lovelace (user): Where is my invoice?\n2026-11-27T09:05:00.000Z Sam (admin): Sent it again just now.\n2026-11-27T09:06:00.000Z Sam (admin) [closed the conversation]',
    parts: [{ id: '1', type: 'source', authorType: 'user', authorName: 'Ada Lovelace', at: '2026-11-27T09:00:00.000Z', text: 'Where is my invoice?', assignedTo: null }],
    truncated: false,
    contactIds: ['6762f0a51bb69f9f2193bb7f'],
  },
  request: (i) => ({ method: 'GET', path: `/conversations/${i.conversationId}` }),
  respond(res) {
    const c = conversationWithParts.parse(res.body);
    const parts = transcriptParts(c);
    const listed = c.conversation_parts?.conversation_parts.length ?? 0;
    return {
      conversationId: String(c.id),
      title: c.title ?? (c.source?.subject ? htmlToText(c.source.subject) : null),
      state: c.state ?? null,
      text: renderTranscript(parts),
      parts,
      truncated: (c.conversation_parts?.total_count ?? listed) > listed,
      contactIds: (c.contacts?.contacts ?? []).map((x) => String(x.id)),
    };
  },
});
