import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

/** POST /messages: an admin-initiated in-app or email message. */
export const sendMessage = defineAction({
  description: 'Sends an in-app or email message from an admin to a user or lead.',
  input: z
    .object({
      messageType: z.enum(['in_app', 'email']),
      body: z.string().min(1),
      /** Required for email messages. */
      subject: z.string().min(1).optional(),
      template: z.enum(['plain', 'personal']).default('plain'),
      fromAdminId: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
      to: z.object({ type: z.enum(['user', 'lead']), id: z.string().min(1) }),
    })
    .refine((i) => i.messageType !== 'email' || i.subject !== undefined, { message: 'email messages need a subject', path: ['subject'] }),
  output: z.object({ id: z.string(), messageType: z.string(), conversationId: z.string().nullable(), createdAt: z.number() }),
  effect: { kind: 'atLeastOnce', why: 'Intercom admin messages take no idempotency key and carry no marker to search for' },
  sample: { id: '403918330', messageType: 'in_app', conversationId: '147', createdAt: 1764230400 },
  request(i) {
    const json: Record<string, unknown> = {
      message_type: i.messageType,
      body: i.body,
      from: { type: 'admin', id: Number(i.fromAdminId) },
      to: { type: i.to.type, id: i.to.id },
    };
    if (i.messageType === 'email') Object.assign(json, { subject: i.subject, template: i.template });
    return { method: 'POST', path: '/messages', json };
  },
  respond(res: HttpResponse<{ id: string | number; message_type: string; conversation_id?: string | number | null; created_at: number }>) {
    const b = res.body;
    return { id: String(b.id), messageType: b.message_type, conversationId: b.conversation_id == null ? null : String(b.conversation_id), createdAt: b.created_at };
  },
});
