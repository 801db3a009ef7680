import { z } from 'zod';
import { dedupeIdFor } from '../sdk/idempotency';
import { defineAction } from './auth';
import { deviceId, needsUserOrDevice, userId, userOrDeviceIssue } from './ids';

/**
 * POST /2/httpapi with the step's idempotency key as `insert_id`: Amplitude drops a repeat of the
 * same insert_id for the same user/device for 7 days, so a retry after a lost response is not counted twice.
 */
export const trackEvent = defineAction({
  description: 'Sends one event (HTTP V2 API), deduplicated on retries.',
  input: z
    .object({
      eventType: z.string().min(1).max(1024),
      userId: userId.optional(),
      deviceId: deviceId.optional(),
      /** When it happened (ISO time or unix ms); default: when Amplitude receives it. */
      time: z.union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((t) => Date.parse(t))]).optional(),
      eventProperties: z.record(z.string(), z.unknown()).optional(),
      userProperties: z.record(z.string(), z.unknown()).optional(),
    })
    .refine(needsUserOrDevice, userOrDeviceIssue),
  output: z.object({ ingested: z.number().int(), insertId: z.string() }),
  effect: { kind: 'idempotencyKey', key: 'insert_id from the step key' },
  sample: { ingested: 1, insertId: '5f0c6a1e9b2d4c7f8a3e1b0d9c8f7a6e' },
  async run(ctx, i) {
    const insertId = dedupeIdFor(ctx.idempotencyKey);
    const event = {
      event_type: i.eventType,
      ...(i.userId !== undefined ? { user_id: i.userId } : {}),
      ...(i.deviceId !== undefined ? { device_id: i.deviceId } : {}),
      ...(i.time !== undefined ? { time: i.time } : {}),
      ...(i.eventProperties ? { event_properties: i.eventProperties } : {}),
      ...(i.userProperties ? { user_properties: i.userProperties } : {}),
      insert_id: insertId,
    };
    const res = await ctx.http.request<{ events_ingested: number }>({ method: 'POST', path: '/2/httpapi', json: { api_key: ctx.credentials.apiKey, events: [event] } });
    return { ingested: res.body.events_ingested, insertId };
  },
});
