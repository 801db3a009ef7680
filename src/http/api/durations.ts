import { z } from 'zod';
import { parseDuration } from '../../recipe/duration';

/** "90d", "12h", "30m", "45s" → milliseconds. */
export const durationString = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d)$/, { message: 'expected a duration like 90d, 12h, 30m or 45s' })
  .transform((value) => parseDuration(value)!);
