/** Milliseconds from `now` to the start of the next UTC day: when daily API quotas counted in UTC reset. */
export function untilNextUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}
