import { z } from 'zod';
import { defineAction } from './auth';

const conversation = z.object({
  type: z.literal('conversation'),
  id: z.string(),
  state: z.string().optional(),
  conversation_parts: z.object({ conversation_parts: z.array(z.object({ id: z.string() }).loose()) }).optional(),
});

/** POST /conversations/{id}/reply as an admin: a note for teammates or a comment to the customer. Not idempotent. */
export const replyToConversation = defineAction({
  title: 'Reply to conversation or add a note',
  description: 'Adds an admin note (teammates only) or an admin reply (the customer sees it) to a conversation.',
  input: z.object({
    conversationId: z.string().min(1),
    /** `note`: visible to teammates only; `comment`: a reply the customer sees. */
    messageType: z.enum(['note', 'comment']).default('note'),
    /** The admin the reply is from. */
    adminId: z.union([z.string().regex(/^\d+$/), z.number().int()]),
    /** Notes accept some HTML. */
    body: z.string().min(1),
  }),
  output: z.object({ conversationId: z.string(), partId: z.string().nullable(), state: z.string().nullable() }),
  effect: { kind: 'atLeastOnce', why: 'Intercom replies take no idempotency key and carry no marker to search for' },
  sample: { conversationId: '147', partId: '9071', state: 'open' },
  request: (i) => ({
    method: 'POST',
    path: `/conversations/${encodeURIComponent(i.conversationId)}/reply`,
    json: { message_type: i.messageType, type: 'admin', admin_id: String(i.adminId), body: i.body },
  }),
  respond(res) {
    const c = conversation.parse(res.body);
    return { conversationId: c.id, partId: c.conversation_parts?.conversation_parts.at(-1)?.id ?? null, state: c.state ?? null };
  },
});
