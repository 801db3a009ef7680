import { z } from 'zod';
import { dedupeIdFor } from '../sdk/idempotency';
import { defineAction } from './auth';

/** Unix seconds, unix milliseconds or an ISO time → milliseconds. */
const eventTime = z
  .union([z.number().int().positive(), z.iso.datetime({ offset: true })])
  .transform((t) => (typeof t === 'string' ? Date.parse(t) : t < 1e11 ? t * 1000 : t));

/**
 * POST /import?strict=1 with the step's idempotency key as `$insert_id`, so a retry after a lost
 * response is deduplicated by Mixpanel. Strict mode rejects the batch with `failed_records`
 * (the vendor profile names the record and field) instead of dropping bad events.
 */
export const trackEvent = defineAction({
  description: 'Imports one event with its properties into the project (strict validation, deduplicated on retries).',
  input: z.object({
    event: z.string().min(1).max(255),
    distinctId: z.string().max(255).describe('the user the event belongs to ("" for an anonymous event)'),
    /**
     * When it happened. Mixpanel dedupes on event + distinct_id + time + $insert_id, so this must be
     * the same on every retry: use the trigger's timestamp, not "now".
     */
    time: eventTime,
    properties: z
      .record(z.string(), z.unknown())
      .superRefine((p, ctx) => {
        for (const key of Object.keys(p)) {
          if (key.startsWith('mp_')) ctx.addIssue({ code: 'custom', path: [key], message: `property name "${key}" starts with "mp_", which Mixpanel reserves` });
          else if (key === '' || key.length > 255) ctx.addIssue({ code: 'custom', path: [key], message: 'property names are 1 to 255 characters' });
        }
      })
      .default({}),
  }),
  output: z.object({ imported: z.number().int(), insertId: z.string() }),
  effect: { kind: 'idempotencyKey', key: '$insert_id from the step key' },
  sample: { imported: 1, insertId: '5f0c6a1e9b2d4c7f8a3e1b0d9c8f7a6e' },
  async run(ctx, i) {
    const insertId = dedupeIdFor(ctx.idempotencyKey);
    const res = await ctx.http.request<{ num_records_imported: number }>({
      method: 'POST',
      path: '/import',
      query: { strict: 1, project_id: ctx.credentials.projectId },
      json: [{ event: i.event, properties: { ...i.properties, time: i.time, distinct_id: i.distinctId, $insert_id: insertId } }],
    });
    return { imported: res.body.num_records_imported, insertId };
  },
});
