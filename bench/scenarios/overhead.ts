import { allArrived, checkDelivery } from '../lib/delivery';
import { handwrittenWorkerEntry, startHandwrittenRun, startInterpreterRun } from '../lib/direct-starts';
import { historyOf, type HistoryFigures } from '../lib/histories';
import { intercomConnectionId } from '../lib/intercom';
import { runLoad, until } from '../lib/load';
import { cpuMsPer } from '../lib/processes';
import type { BenchOptions } from '../lib/options';
import { compilePlan, e2eRecipe } from '../lib/recipes';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';
import { mean, round } from '../lib/stats';

type Variant = 'interpreter' | 'handwritten';

/**
 * The bench recipe through the interpreter vs the same two activities in a hand-written workflow:
 * same server, same worker settings, one worker process at a time, alternating order per round.
 * Throughput = runs / (first start → last run's second action).
 */
export async function overhead(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const { client, sink } = stack;
  // The worker refuses a store without its schema: migrate it, as `switchyard setup` would.
  await (await stack.openStore()).close();
  const plan = compilePlan(e2eRecipe(sink.url), new Map([[intercomConnectionId, 'intercom']]));
  // The hand-written twin runs its calls the way the plan runs its steps (local or regular activities).
  const local = plan.steps.every((s) => s.kind !== 'action' || s.execution === 'local');
  const handwrittenType = local ? 'twoPostsLocal' : 'twoPosts';
  const throughput: Record<Variant, number[]> = { interpreter: [], handwritten: [] };
  const histories: Partial<Record<Variant, HistoryFigures>> = {};
  const phases: unknown[] = [];
  const cpu: Record<Variant, Record<string, number>[]> = { interpreter: [], handwritten: [] };
  let correct = true;

  for (let round_ = 0; round_ < o.rounds; round_++) {
    const order: Variant[] = round_ % 2 === 0 ? ['interpreter', 'handwritten'] : ['handwritten', 'interpreter'];
    for (const variant of order) {
      const taskQueue = `${variant}-${round_}`;
      const worker = await stack.startWorker({ name: `${variant}-worker`, taskQueue, ...(variant === 'handwritten' ? { entry: handwrittenWorkerEntry } : {}) });
      try {
        const start = (id: string) =>
          variant === 'interpreter' ? startInterpreterRun(client, taskQueue, plan, id) : startHandwrittenRun(client, taskQueue, handwrittenType, sink.url, id);
        // Warm-up: JIT and sticky cache, not measured.
        const warm: string[] = [];
        await runLoad({ concurrency: o.startConcurrency, count: 50 }, async (i) => (warm.push(await start(`warm-${round_}-${i}`)), { ok: true }));
        await until(() => allArrived(sink, warm, 'second'), 60_000, 50);
        sink.reset();
        const ids: string[] = [];
        const cpuBefore = stack.cpu([worker]);
        const t0 = Date.now();
        const sent = await runLoad({ concurrency: o.startConcurrency, count: o.runs }, async (i) => {
          ids.push(await start(`r${round_}-${i}`));
          return { ok: true };
        });
        const drained = await until(() => allArrived(sink, ids, 'second'), Math.max(120_000, o.runs * 100), 50);
        const cpuMsPerRun = cpuMsPer(cpuBefore, stack.cpu([worker]), ids.length);
        cpu[variant].push(cpuMsPerRun);
        const last = sink.arrivals.reduce((m, a) => Math.max(m, a.arrivedAt), t0);
        const perSec = round(ids.length / ((last - t0) / 1000));
        const check = checkDelivery(sink, ids, ['first', 'second']);
        if (!drained || sent.errors > 0 || check.lost > 0 || check.duplicated > 0) correct = false;
        throughput[variant].push(perSec);
        phases.push({ round: round_, variant, runs: ids.length, startErrors: sent.errors, runsPerSec: perSec, cpuMsPerRun, drained, ...check, workerMemory: worker.memory() });
        if (!histories[variant]) {
          await client.workflow.getHandle(ids[0]!).result();
          histories[variant] = await historyOf(client, ids[0]!);
        }
      } finally {
        await worker.stop();
      }
    }
  }

  const interp = mean(throughput.interpreter);
  const hand = mean(throughput.handwritten);
  const ratio = round(interp / hand, 2);
  const cpuOf = (v: Variant, name: string) => round(mean(cpu[v].map((c) => c[name] ?? 0)), 2);
  const cpuRatio = round(cpuOf('handwritten', 'total') / cpuOf('interpreter', 'total'), 2);
  const ie = histories.interpreter?.events ?? Number.NaN;
  const he = histories.handwritten?.events ?? Number.NaN;
  const rows: Row[] = [
    { metric: 'interpreter runs/s (mean of rounds)', value: round(interp) },
    { metric: 'hand-written runs/s (mean of rounds)', value: round(hand) },
    { metric: 'throughput ratio interpreter / hand-written', value: ratio, target: '>= 0.9', met: ratio >= 0.9 },
    {
      metric: 'CPU ms per run interpreter / hand-written (worker; all)',
      value: `${cpuOf('interpreter', `interpreter-worker`)} / ${cpuOf('handwritten', 'handwritten-worker')}; ${cpuOf('interpreter', 'total')} / ${cpuOf('handwritten', 'total')}`,
    },
    { metric: 'CPU-cost ratio hand-written / interpreter (all processes)', value: cpuRatio, target: '>= 0.9', met: cpuRatio >= 0.9 },
    { metric: 'history events per run interpreter / hand-written', value: `${ie} / ${he}` },
    { metric: 'history bytes per run interpreter / hand-written', value: `${histories.interpreter?.bytes} / ${histories.handwritten?.bytes}` },
    { metric: 'lost / duplicated', value: correct ? '0 / 0' : 'see figures.phases', target: '0 / 0', met: correct },
  ];
  return {
    scenario: 'overhead',
    correct,
    parameters: { handwritten: handwrittenType, runsPerPhase: o.runs, rounds: o.rounds, startConcurrency: o.startConcurrency, warmupRuns: 50, sinkLatencyMs: o.sinkLatencyMs },
    figures: { throughput, ratio, cpuMsPerRun: cpu, cpuCostRatio: cpuRatio, histories, phases },
    rows,
    notes: [
      'runs are started directly with the client (no HTTP ingress): the interpreter through src/engine/start-runs.ts (with search attributes), the hand-written one plainly',
      'on a shared machine wall-clock throughput is noisy; CPU ms per run (from /proc, all processes: Temporal, worker, harness) is the steadier comparison',
      'both activities are the same connector activity (webhook.post), registered as postJson for the hand-written worker',
    ],
  };
}
