/** Garbage collection so far in an engine process, from its /metrics (prom-client's `nodejs_gc_duration_seconds` by kind). */
export type GcSnapshot = Record<string, { seconds: number; count: number }>;

export async function gcSnapshot(url: string): Promise<GcSnapshot> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const kinds: GcSnapshot = {};
  for (const [, part, kind, value] of text.matchAll(/^switchyard_nodejs_gc_duration_seconds_(sum|count)\{kind="([a-z]+)"\} (\S+)$/gm)) {
    const k = (kinds[kind!] ??= { seconds: 0, count: 0 });
    if (part === 'sum') k.seconds = Number(value);
    else k.count = Number(value);
  }
  return kinds;
}

/** GC between two snapshots, per unit of work: ms of GC pause, and collections per 1 000 units by kind. */
export function gcPer(before: GcSnapshot, after: GcSnapshot, units: number): { ms: number; per1000: Record<string, number> } {
  let seconds = 0;
  const per1000: Record<string, number> = {};
  for (const [kind, a] of Object.entries(after)) {
    const b = before[kind] ?? { seconds: 0, count: 0 };
    seconds += a.seconds - b.seconds;
    per1000[kind] = Math.round(((a.count - b.count) * 1000) / units);
  }
  return { ms: Math.round((seconds * 1000 * 1000) / units) / 1000, per1000 };
}
