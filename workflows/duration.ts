/**
 * The one duration grammar and its formatter: recipes, settings, API fields and the messages a
 * run writes all speak "a whole number and a unit". Pure and import-free, so the workflow sandbox
 * formats with it and src/ parses with it (src/recipe/duration.ts wraps it in zod schemas).
 */

const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Accepted duration strings: "500ms", "30s", "10m", "24h", "3d", "1w". */
export const durationPattern = /^([0-9]+)(ms|s|m|h|d|w)$/;

/** Milliseconds, or undefined when the string is not a duration (or too large to count exactly). */
export function parseDuration(value: string): number | undefined {
  const m = durationPattern.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * unitMs[m[2] as keyof typeof unitMs];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Milliseconds → the largest exact unit ("24h", "90m", "3d", "1500ms"); parseDuration reads it back. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = unitMs[unit];
    // "24h" reads better than "1d"; whole days from two days on.
    if (ms % size === 0 && ms >= (unit === 'd' ? 2 * size : size)) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
