import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { BenchOptions } from '../lib/options';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';
import { round } from '../lib/stats';

/** Actions at once, as a worker runs them (40 workflow tasks at a time, each with its local activity). */
const CONCURRENT = 40;
/** What the vendor call takes between the attempt and its outcome. */
const VENDOR_MS = 1;

/**
 * The worker's side-effect ledger on the engine's store, in the harness process: `--runs` × 15
 * actions, 40 at once, each as `runOnce` does for a fresh step (read the ledger, record the attempt,
 * the vendor call, confirm). With the store's fsync per commit (its level) and, for reference,
 * without: actions/s, CPU ms per action and how long the event loop was held.
 */
export async function ledger(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const store = await stack.openStore();
  const actions = o.runs * 15;
  let unconfirmed = 0;
  const measured: Record<string, { actionsPerSec: number; cpuMsPerAction: number; loopDelayP99Ms: number; loopDelayMaxMs: number }> = {};
  try {
    for (const level of ['full', 'normal'] as const) {
      // Per connection: the store's SQLite has one.
      await sql.raw(`pragma synchronous = ${level}`).execute(store.db);
      let next = 0;
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          while (next < actions) {
            const key = `run/bench-ledger-${level}-${next++}/0123/first`;
            await store.effects.get(key);
            await store.effects.begin(key, 'webhook.post');
            await sleep(VENDOR_MS);
            await store.effects.confirm(key, 'webhook.post', { status: 200, body: { ok: true } });
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      delay.disable();
      // Every action's outcome is in the ledger, as the next attempt of its step would read it.
      for (let n = 0; n < actions; n++) {
        if ((await store.effects.get(`run/bench-ledger-${level}-${n}/0123/first`))?.state !== 'confirmed') unconfirmed++;
      }
      measured[level] = {
        actionsPerSec: round(actions / seconds),
        cpuMsPerAction: round((used.user + used.system) / 1000 / actions, 3),
        loopDelayP99Ms: round(delay.percentile(99) / 1e6),
        loopDelayMaxMs: round(delay.max / 1e6),
      };
    }
  } finally {
    await sql.raw('pragma synchronous = full').execute(store.db);
    await store.close();
  }
  const label = { full: 'synchronous FULL (the store\'s level: an fsync per commit)', normal: 'synchronous NORMAL (no fsync per commit, for reference)' };
  const rows: Row[] = (['full', 'normal'] as const).map((level) => {
    const m = measured[level]!;
    return { metric: `${label[level]}: actions/s; CPU ms per action; event-loop delay p99 / max ms`, value: `${m.actionsPerSec}; ${m.cpuMsPerAction}; ${m.loopDelayP99Ms} / ${m.loopDelayMaxMs}` };
  });
  rows.push({ metric: 'actions whose outcome the ledger does not hold', value: unconfirmed, target: '0', met: unconfirmed === 0 });
  return {
    scenario: 'ledger',
    correct: unconfirmed === 0,
    parameters: { actions, concurrent: CONCURRENT, vendorMs: VENDOR_MS, store: stack.config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres' },
    figures: measured,
    rows,
    notes: [
      'the side-effect ledger as the worker uses it, in the harness process on the engine\'s store: each action reads the ledger, records its attempt, waits for the vendor, confirms; the writes of actions running at once share one commit',
    ],
  };
}
