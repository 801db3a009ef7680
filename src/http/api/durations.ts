import { z } from 'zod';

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90d", "12h", "30m", "45s" → milliseconds. */
export const durationString = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d)$/, { message: 'expected a duration like 90d, 12h, 30m or 45s' })
  .transform((value) => Number(value.slice(0, -1)) * units[value.slice(-1)]!);

/** Config durations also allow "ms" and "w". */
export function configDurationMs(value: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  const unit = { ms: 1, w: 604_800_000, ...units }[m[2]!]!;
  return Number(m[1]) * unit;
}
