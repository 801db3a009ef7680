import { z } from 'zod';
import { defineAction } from './auth';

/** POST /engage#profile-set (`$set`): setting the same values twice changes nothing, so retries are safe. */
export const setUserProfile = defineAction({
  title: 'Set user profile properties',
  description: 'Creates the user profile or overwrites the given properties ($set).',
  input: z.object({
    distinctId: z.string().min(1).max(255),
    /** Profile properties to set (overwriting); Mixpanel's own start with `$` (`$email`, `$name`). */
    set: z.record(z.string().min(1).max(255), z.unknown()).refine((s) => Object.keys(s).length > 0, { message: 'set at least one property' }),
    /** Keep the profile's "Last Seen" as it is (an import, not user activity). */
    ignoreTime: z.boolean().default(true),
  }),
  output: z.object({ distinctId: z.string() }),
  effect: { kind: 'idempotencyKey', key: '$distinct_id ($set sets properties)' },
  sample: { distinctId: 'user-123' },
  request: (i, ctx) => ({
    method: 'POST',
    path: '/engage',
    query: { verbose: 1 },
    json: [{ $token: ctx.credentials.projectToken, $distinct_id: i.distinctId, $set: i.set, ...(i.ignoreTime ? { $ignore_time: true } : {}) }],
  }),
  respond: (_res, i) => ({ distinctId: i.distinctId }),
});
