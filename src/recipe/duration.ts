const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Accepted duration strings: a whole number and a unit, e.g. "500ms", "30s", "10m", "24h", "3d", "1w". */
export const durationPattern = '^[0-9]+(ms|s|m|h|d|w)$';

/** Milliseconds, or undefined when the string is not a duration. */
export function parseDuration(value: string): number | undefined {
  const m = /^([0-9]+)(ms|s|m|h|d|w)$/.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * units[m[2]!]!;
  return Number.isSafeInteger(ms) ? ms : undefined;
}
