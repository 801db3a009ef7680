import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

export function subscriberHash(email: string): string {
  return createHash('md5').update(email.toLowerCase()).digest('hex');
}

/** PUT /lists/{list}/members/{md5(lowercase email)}: the hash-addressed PUT is the upsert, so it is idempotent. */
export const upsertMember = defineAction({
  title: 'Add or update list member',
  description: 'Adds a member to an audience or updates it (merge fields, tags).',
  input: z.object({
    listId: z.string().min(1),
    email: z.email(),
    /** Status for a new member (`status_if_new`). */
    status: z.enum(['subscribed', 'pending', 'unsubscribed', 'cleaned', 'transactional']).default('subscribed'),
    /** Also change the status of an existing member. */
    updateStatus: z.boolean().default(false),
    mergeFields: z.record(z.string().regex(/^[A-Z0-9_]+$/, 'merge tags are upper case, e.g. FNAME'), z.union([z.string(), z.number()])).optional(),
    tags: z.array(z.string().min(1)).optional(),
  }),
  output: z.object({ id: z.string(), email: z.string(), status: z.string(), listId: z.string() }),
  effect: { kind: 'idempotencyKey', key: 'the member hash (PUT by md5 of the email)' },
  sample: { id: 'b1946ac92492d2347c6235b4d2611184', email: 'ada@example.com', status: 'subscribed', listId: 'a1b2c3d4e5' },
  request(i) {
    const json: Record<string, unknown> = { email_address: i.email, status_if_new: i.status };
    if (i.updateStatus) json.status = i.status;
    if (i.mergeFields) json.merge_fields = i.mergeFields;
    if (i.tags) json.tags = i.tags;
    return {
      method: 'PUT',
      path: `/lists/${encodeURIComponent(i.listId)}/members/${subscriberHash(i.email)}`,
      json,
    };
  },
  respond: (res: HttpResponse<{ id: string; email_address: string; status: string; list_id: string }>) => ({ id: res.body.id, email: res.body.email_address, status: res.body.status, listId: res.body.list_id }),
});
