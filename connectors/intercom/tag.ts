import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

/** POST /tags: creates the tag if needed and applies it to contacts (`users`) or companies. */
export const tag = defineAction({
  title: 'Tag contacts or companies',
  description: 'Creates a tag and applies it to contacts or companies (or removes it).',
  input: z
    .object({
      name: z.string().min(1),
      contacts: z.array(z.string().min(1)).optional(),
      companies: z.array(z.string().min(1)).optional(),
      /** Remove the tag from the given contacts or companies instead. */
      untag: z.boolean().default(false),
    })
    .refine((i) => !(i.contacts && i.companies), { message: 'tag contacts or companies, not both in one step', path: ['companies'] }),
  output: z.object({ id: z.string(), name: z.string() }),
  effect: { kind: 'idempotencyKey', key: 'the tag name (tagging twice is tagging once)' },
  sample: { id: '17513', name: 'urgent' },
  request(i) {
    const targets = (ids: string[]) => ids.map((id) => (i.untag ? { id, untag: true } : { id }));
    const json: Record<string, unknown> = { name: i.name };
    if (i.contacts) json.users = targets(i.contacts);
    if (i.companies) json.companies = targets(i.companies);
    return { method: 'POST', path: '/tags', json };
  },
  respond: (res: HttpResponse<{ id: string | number; name: string }>) => ({ id: String(res.body.id), name: res.body.name }),
});
