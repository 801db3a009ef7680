import { z } from 'zod';
import { defineAction } from './auth';
import { deviceId, needsUserOrDevice, userId, userOrDeviceIssue } from './ids';

/** POST /identify (form: `api_key`, `identification` as JSON). Setting the same properties again changes nothing. */
export const identifyUser = defineAction({
  description: 'Sets user properties (or links a user id to a device id) without sending an event (Identify API).',
  input: z
    .object({
      userId: userId.optional(),
      deviceId: deviceId.optional(),
      /** Properties to set; Amplitude's operations (`$set`, `$setOnce`, `$add`, `$unset`) are also accepted as keys. */
      userProperties: z.record(z.string(), z.unknown()).refine((p) => Object.keys(p).length > 0, { message: 'give at least one user property' }),
    })
    .refine(needsUserOrDevice, userOrDeviceIssue),
  output: z.object({ userId: z.string().nullable(), deviceId: z.string().nullable() }),
  effect: { kind: 'idempotencyKey', key: 'user_id (identify sets properties)' },
  sample: { userId: 'user-12345', deviceId: null },
  request(i, ctx) {
    const identification = {
      ...(i.userId !== undefined ? { user_id: i.userId } : {}),
      ...(i.deviceId !== undefined ? { device_id: i.deviceId } : {}),
      user_properties: i.userProperties,
    };
    return { method: 'POST', path: '/identify', form: { api_key: ctx.credentials.apiKey, identification: JSON.stringify([identification]) } };
  },
  respond: (_res, i) => ({ userId: i.userId ?? null, deviceId: i.deviceId ?? null }),
});
