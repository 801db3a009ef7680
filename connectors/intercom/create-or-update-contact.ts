import { z } from 'zod';
import { ConnectorError, isConnectorError } from '../sdk/errors';
import { defineAction } from './auth';

const contact = z.object({ type: z.literal('contact'), id: z.string(), role: z.string(), email: z.string().nullable().optional(), external_id: z.string().nullable().optional() });

const conflictId = /already exists with id=([A-Za-z0-9_-]+)/;

/** POST /contacts; a 409 conflict resolves to the existing contact, which is updated (an upsert). */
export const createOrUpdateContact = defineAction({
  description: 'Creates an Intercom contact, or updates the existing one with the same email or external id.',
  input: z
    .object({
      email: z.email().optional(),
      externalId: z.string().min(1).optional(),
      role: z.enum(['user', 'lead']).default('user'),
      name: z.string().optional(),
      phone: z.string().optional(),
      ownerId: z.number().int().optional(),
      signedUpAt: z.number().int().optional(),
      customAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    })
    .refine((i) => i.email !== undefined || i.externalId !== undefined, { message: 'give email or externalId', path: ['email'] }),
  output: z.object({
    id: z.string(),
    role: z.string(),
    email: z.string().nullable(),
    externalId: z.string().nullable(),
    /** False when a contact with these details existed and was updated instead. */
    created: z.boolean(),
  }),
  // Leads may share an email, so only external_id or a user's email make the repeat a 409 (then an update).
  effect: { kind: 'idempotencyKey', key: "the contact's upsert key: external_id, or a user's email (a repeat answers 409 and becomes an update; a lead with only an email can repeat)" },
  sample: { id: '6657a1b2c3d4e5f6a7b8c9d0', role: 'user', email: 'ada@example.com', externalId: null, created: true },
  async run(ctx, i) {
    const body = {
      role: i.role,
      email: i.email,
      external_id: i.externalId,
      name: i.name,
      phone: i.phone,
      owner_id: i.ownerId,
      signed_up_at: i.signedUpAt,
      custom_attributes: i.customAttributes,
    };
    let created = true;
    let res;
    try {
      res = await ctx.http.request({ method: 'POST', path: '/contacts', json: body });
    } catch (err) {
      const id = isConnectorError(err) && err.status === 409 ? conflictId.exec(err.message)?.[1] : undefined;
      if (!id) throw err;
      created = false;
      const { role: _role, ...update } = body;
      res = await ctx.http.request({ method: 'PUT', path: `/contacts/${encodeURIComponent(id)}`, json: update });
    }
    const parsed = contact.safeParse(res.body);
    if (!parsed.success) throw new ConnectorError('fatal', 'Intercom answered without a contact object', { code: 'unexpected_response' });
    const c = parsed.data;
    return { id: c.id, role: c.role, email: c.email ?? null, externalId: c.external_id ?? null, created };
  },
});
