import { z } from 'zod';

/** Amplitude's default `min_id_length`: shorter user and device ids are rejected. */
const minIdLength = 5;

export const userId = z.string().min(minIdLength, `Amplitude rejects user ids shorter than ${minIdLength} characters`);
export const deviceId = z
  .string()
  .min(minIdLength, `Amplitude rejects device ids shorter than ${minIdLength} characters`)
  .refine((d) => !/^[0-]+$/.test(d), { message: 'Amplitude rejects all-zero device ids' });

/** Every event and identification names a user or a device. */
export const needsUserOrDevice = <T extends { userId?: string; deviceId?: string }>(i: T) => i.userId !== undefined || i.deviceId !== undefined;
export const userOrDeviceIssue = { message: 'give userId or deviceId', path: ['userId'] };
