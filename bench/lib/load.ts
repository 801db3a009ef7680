import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  concurrency: number;
  /** Stop issuing new requests after this long (ms). */
  durationMs?: number;
  /** Stop after this many requests. */
  count?: number;
  /** Open-loop pacing: request i is issued no earlier than start + i / ratePerSec. */
  ratePerSec?: number;
}

export interface LoadResult {
  issued: number;
  ok: number;
  errors: number;
  /** Error kinds (HTTP status or exception name) and how often. */
  errorKinds: Record<string, number>;
  latenciesMs: number[];
  elapsedMs: number;
}

/** What one request reports: ok or an error kind. */
export type Outcome = { ok: true } | { ok: false; kind: string };

/**
 * Bounded load: `concurrency` loops issue `task(i)` until the duration or count is reached;
 * every call's latency is recorded. Exceptions count as errors, never abort the run.
 */
export async function runLoad(opts: LoadOptions, task: (i: number) => Promise<Outcome>): Promise<LoadResult> {
  if (opts.durationMs === undefined && opts.count === undefined) throw new Error('runLoad needs a duration or a count');
  const started = performance.now();
  const deadline = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
  const limit = opts.count ?? Infinity;
  const result: LoadResult = { issued: 0, ok: 0, errors: 0, errorKinds: {}, latenciesMs: [], elapsedMs: 0 };
  const loop = async () => {
    for (;;) {
      const i = result.issued;
      if (i >= limit || performance.now() >= deadline) return;
      result.issued++;
      if (opts.ratePerSec) {
        const due = started + (i * 1000) / opts.ratePerSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await task(i);
      } catch (err) {
        outcome = { ok: false, kind: (err as Error).name || 'Error' };
      }
      result.latenciesMs.push(performance.now() - t0);
      if (outcome.ok) result.ok++;
      else {
        result.errors++;
        result.errorKinds[outcome.kind] = (result.errorKinds[outcome.kind] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  result.elapsedMs = performance.now() - started;
  return result;
}

/** Polls `probe` until it returns true or the deadline passes; returns whether it succeeded. */
export async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
