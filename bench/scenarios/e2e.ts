import { allArrived, arrivalsOf, checkDelivery } from '../lib/delivery';
import { measureFloor, measureFloorLatency, ratioTo, type FloorShape } from '../lib/floor';
import { firstCallPath, pathRow } from '../lib/first-call-path';
import { countRuns, listedIds, replayedTasks } from '../lib/histories';
import { WebhookSender } from '../lib/intercom';
import { runLoad, until } from '../lib/load';
import { cpuMsPer } from '../lib/processes';
import type { BenchOptions } from '../lib/options';
import { e2eRecipeId, seedE2e } from '../lib/recipes';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';
import { round, summarize } from '../lib/stats';

/**
 * Webhook → `switchyard api` → Temporal → `switchyard worker` → sink, as separate processes:
 * steady-state completed runs/s, webhook-to-first-action latency, a burst's drain time, peak RSS,
 * and the ratio to Temporal's floor for the same number of calls, measured in the same invocation.
 */
export async function e2e(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const steps = o.steps === 1 ? ['first'] : ['first', 'second'];
  const lastStep = steps.at(-1)!;
  const shape = `condition + ${o.steps} call${o.steps === 1 ? '' : 's'}`;
  const secret = await seedE2e(stack, o.steps);
  const worker = await stack.startWorker();
  const api = await stack.startApi();
  const { sink } = stack;
  const rows: Row[] = [];
  const figures: Record<string, unknown> = {};
  let correct = true;
  let totalAcked = 0;

  /** Sends with `load`, waits until every acknowledged run called both steps (or the deadline). */
  const phase = async (load: Parameters<typeof runLoad>[0], drainTimeoutMs: number) => {
    sink.reset();
    const sender = new WebhookSender(api.url, secret, load.concurrency);
    const cpuBefore = stack.cpu([api.process, worker]);
    const t0 = Date.now();
    try {
      const sent = await runLoad(load, () => sender.send());
      const sendEnd = Date.now();
      const drained = await until(() => allArrived(sink, sender.acked, lastStep), drainTimeoutMs, 100);
      const cpuMsPerRun = cpuMsPer(cpuBefore, stack.cpu([api.process, worker]), Math.max(1, sender.acked.size));
      const check = checkDelivery(sink, sender.acked, steps);
      totalAcked += sender.acked.size;
      if (check.lost > 0 || check.duplicated > 0) correct = false;
      const seconds = arrivalsOf(sink, `/${lastStep}`);
      const lastSecond = seconds.reduce((m, a) => Math.max(m, a.arrivedAt), t0);
      const latency = summarize(arrivalsOf(sink, '/first').flatMap((a) => (a.sentAt === undefined ? [] : [a.arrivedAt - a.sentAt])));
      return { sent, t0, sendEnd, drained, check, seconds, lastSecond, latency, cpuMsPerRun };
    } finally {
      await sender.close();
    }
  };

  /** The sustained rate from the throughput phase, which the floor ratios compare with. */
  let sustained: number;
  /** The latency phase's pace, which the floor's latency is measured at too. */
  let latencyRate: number;
  try {
    await phase({ concurrency: 10, count: 200 }, 60_000); // warm-up: JIT, sticky cache, connections

    // Sustained throughput: senders saturate the stack for the duration; the rate counts every
    // acknowledged run from the first send to the last run's last step (backlog drained).
    // The durable inbox acknowledges far faster than runs complete: the backlog may take minutes to drain.
    const t = await phase({ concurrency: o.e2eConcurrency, durationMs: o.duration * 1000 }, 900_000);
    sustained = round(t.check.expectedRuns / ((t.lastSecond - t.t0) / 1000));
    const windowStart = t.t0 + (t.sendEnd - t.t0) / 4;
    const inWindow = t.seconds.filter((a) => a.arrivedAt >= windowStart && a.arrivedAt <= t.sendEnd).length;
    const acceptedRate = round(t.sent.ok / (t.sent.elapsedMs / 1000));
    figures.throughput = {
      concurrency: o.e2eConcurrency,
      webhooksAccepted: t.sent.ok,
      webhookErrors: t.sent.errors,
      acceptedPerSec: acceptedRate,
      completedPerSecSustained: sustained,
      completedPerSecWhileSending: round(inWindow / ((t.sendEnd - windowStart) / 1000)),
      cpuMsPerRun: t.cpuMsPerRun,
      firstActionLatencyUnderSaturationMs: t.latency,
      drained: t.drained,
      ...t.check,
    };
    rows.push(
      { metric: `completed runs/s, ${shape} (c=${o.e2eConcurrency}, sustained)`, value: sustained },
      { metric: 'webhooks accepted/s meanwhile', value: acceptedRate },
      { metric: 'webhook errors', value: t.sent.errors, target: '0', met: t.sent.errors === 0 },
      { metric: 'CPU ms per run: temporal / api / worker / harness', value: ['temporal', 'api', 'worker', 'harness'].map((k) => t.cpuMsPerRun[k]).join(' / ') },
    );

    // Latency below saturation: paced sends.
    const rate = (latencyRate = o.rate ?? Math.max(1, Math.floor(sustained / 2)));
    const l = await phase({ concurrency: 50, durationMs: o.duration * 1000, ratePerSec: rate }, 120_000);
    const path = await firstCallPath(stack.client, sink);
    figures.latency = { ratePerSec: rate, webhooksAccepted: l.sent.ok, firstActionLatencyMs: l.latency, ackLatencyMs: summarize(l.sent.latenciesMs), firstCallPath: path, ...l.check };
    rows.push(
      { metric: `webhook→first action p50/p95/p99 ms (${rate}/s)`, value: `${l.latency.p50} / ${l.latency.p95} / ${l.latency.p99}`, target: 'p99 < 150', met: l.latency.p99 < 150 },
      pathRow('webhook', path),
    );

    // Burst: as fast as the sender can, then time until the last run's last step.
    const b = await phase({ concurrency: o.e2eConcurrency, count: o.burst }, Math.max(180_000, o.burst * 240));
    const drainSeconds = round((b.lastSecond - b.t0) / 1000);
    figures.burst = { events: o.burst, cpuMsPerRun: b.cpuMsPerRun, accepted: b.sent.ok, errors: b.sent.errors, sendSeconds: round((b.sendEnd - b.t0) / 1000), drainSeconds, drained: b.drained, ...b.check };
    rows.push(
      { metric: `burst of ${o.burst}: drain s`, value: b.drained ? drainSeconds : `not drained (${b.seconds.length}/${b.check.expectedRuns})` },
      { metric: 'burst accepted / errors', value: `${b.sent.ok} / ${b.sent.errors}` },
      { metric: 'lost / duplicated (all phases)', value: `${t.check.lost + l.check.lost + b.check.lost} / ${t.check.duplicated + l.check.duplicated + b.check.duplicated}`, target: '0 / 0', met: correct },
    );
  } finally {
    figures.memory = { api: api.process.memory(), worker: worker.memory() };
  }

  // Visibility agrees: every acknowledged run (warm-up included) completed.
  const query = `RecipeId = '${e2eRecipeId}' AND ExecutionStatus = 'Completed'`;
  await until(async () => (await countRuns(stack.client, query)) >= totalAcked, 60_000, 500);
  const completed = await countRuns(stack.client, query);
  figures.visibility = { acknowledged: totalAcked, completed };
  if (completed !== totalAcked) correct = false;
  // What the sticky cache's size costs: tasks of runs that had left it replay their history.
  const ids = await listedIds(stack.client, query);
  let replayed = 0;
  const fetched = await runLoad({ concurrency: 20, count: ids.length }, async (i) => {
    replayed += await replayedTasks(stack.client, ids[i]!);
    return { ok: true };
  });
  figures.replays = { runs: ids.length, historiesRead: fetched.ok, replayedTasks: replayed, cachedRuns: stack.env.SWITCHYARD_WORKER_CACHED_RUNS ?? 'default' };
  // The floor for the same calls on the same server, measured now: a noisy machine moves both.
  const floorShapes: FloorShape[] = o.steps === 1 ? ['1 call', '1 call, local'] : ['2 calls', '2 calls, local'];
  const floor = await measureFloor(stack, o, floorShapes);
  figures.floor = floor;
  // The same pace through hand-written runs: what the server and worker alone allow the first call.
  const floorLatency = await measureFloorLatency(stack, floorShapes[1]!, latencyRate, o.duration * 1000);
  figures.floorLatency = floorLatency;
  const f = floorLatency.firstCallMs;
  // Next to Switchyard's webhook → first action rows.
  const latencyRow = rows.findIndex((r) => r.metric.startsWith('webhook→first action'));
  rows.splice(latencyRow + 2, 0, {
    metric: `floor "${floorLatency.shape}": start→first call p50/p95/p99 ms (${latencyRate}/s, no ingress)`,
    value: `${f.p50} / ${f.p95} / ${f.p99}`,
    met: floorLatency.completed,
  }, pathRow('floor', floorLatency.path));
  for (const f of floorShapes) {
    const ratio = ratioTo(floor, f, sustained);
    const local = f.endsWith('local');
    rows.push({ metric: `ratio to the floor "${f}" (${floor.find((x) => x.shape === f)?.runsPerSec} runs/s)`, value: ratio, ...(local ? { target: '>= 0.9', met: ratio >= 0.9 } : {}) });
  }
  const mem = figures.memory as { api: { peakRssMb: number; readyRssMb: number }; worker: { peakRssMb: number; readyRssMb: number } };
  const rss = mem.api.peakRssMb + mem.worker.peakRssMb;
  rows.push(
    { metric: 'runs completed (visibility) / acknowledged', value: `${completed} / ${totalAcked}`, met: completed === totalAcked },
    { metric: 'workflow tasks replayed from history (run not in the worker cache) / runs', value: `${replayed} / ${fetched.ok}` },
    { metric: 'RSS MB at readiness api + worker', value: `${mem.api.readyRssMb} + ${mem.worker.readyRssMb} = ${mem.api.readyRssMb + mem.worker.readyRssMb}` },
    { metric: 'peak RSS MB api + worker', value: `${mem.api.peakRssMb} + ${mem.worker.peakRssMb} = ${rss}`, target: '< 400', met: rss < 400 },
  );
  return {
    scenario: 'e2e',
    correct,
    parameters: { steps: o.steps, durationSeconds: o.duration, concurrency: o.e2eConcurrency, latencyRatePerSec: o.rate ?? 'half the sustained rate', burst: o.burst, sinkLatencyMs: o.sinkLatencyMs, warmupEvents: 200 },
    figures,
    rows,
    notes: [
      'api and worker are separate processes (`switchyard api`, `switchyard worker`) with the Dockerfile\'s heap settings; the workflow bundle is built before the worker starts, as at install; peak RSS is VmHWM from /proc',
      'load generator, sink, Temporal dev server, api and worker share the same 2 cores',
    ],
  };
}
