import type { BenchSink } from './sink';

export interface DeliveryCheck {
  expectedRuns: number;
  /** Acknowledged runs missing one of their steps at the sink. */
  lost: number;
  /** Step calls the sink saw more than once. */
  duplicated: number;
  /** A few lost and duplicated keys, to look into. */
  examples: string[];
}

/** Every acknowledged run must have called each step exactly once. */
export function checkDelivery(sink: BenchSink, runIds: Iterable<string>, steps: string[]): DeliveryCheck {
  let expectedRuns = 0;
  let lost = 0;
  const examples: string[] = [];
  for (const id of runIds) {
    expectedRuns++;
    const missing = steps.filter((s) => !sink.seen.has(`${id}/${s}`));
    if (missing.length === 0) continue;
    lost++;
    if (examples.length < 5) examples.push(`lost ${id}/${missing.join(',')}`);
  }
  let duplicated = 0;
  for (const [key, n] of sink.seen) {
    if (n <= 1) continue;
    duplicated += n - 1;
    if (examples.length < 10) examples.push(`${n}x ${key}`);
  }
  return { expectedRuns, lost, duplicated, examples };
}

/** Arrivals of one step that came from `runIds` (keys are `<run id>/<step id>`). */
export function arrivalsOf(sink: BenchSink, path: string) {
  return sink.arrivals.filter((a) => a.path === path);
}

/** True once every run in `runIds` called `step` (counts alone would also count stragglers of a previous phase). */
export function allArrived(sink: BenchSink, runIds: Iterable<string>, step: string): boolean {
  for (const id of runIds) if (!sink.seen.has(`${id}/${step}`)) return false;
  return true;
}
