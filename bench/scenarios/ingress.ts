import { sql } from 'kysely';
import { countRuns, listedIds } from '../lib/histories';
import { WebhookSender } from '../lib/intercom';
import { gcPer, gcSnapshot } from '../lib/gc';
import { until } from '../lib/load';
import { measureAcks, warmUp } from '../lib/ack-phase';
import type { BenchOptions } from '../lib/options';
import { e2eRecipeId, seedE2e } from '../lib/recipes';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';

/** Rows in the engine's inbound delivery log (the API process writes them; this reads the same store). */
async function countInboundLog(stack: Stack): Promise<number> {
  const store = await stack.openStore();
  try {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from inbound_log`.execute(store.db);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await store.close();
  }
}

/** Those of `runIds` whose event still waits in the durable inbox (acknowledged, its run not started yet: queued, not lost). */
async function queuedInInbox(stack: Stack, runIds: string[]): Promise<Set<string>> {
  const queued = new Set<string>();
  if (runIds.length === 0) return queued;
  const store = await stack.openStore();
  try {
    for (const id of runIds) if (await store.inbox.queuedRun(id)) queued.add(id);
    return queued;
  } finally {
    await store.close();
  }
}

/**
 * Signed Intercom webhooks against `switchyard api` (its own process, no worker running, so the
 * figures are the ack path alone): accepted/s, ack latency, errors; then every 2xx must have
 * exactly one run in Temporal visibility.
 */
export async function ingress(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const secret = await seedE2e(stack);
  const api = await stack.startApi();
  const sender = new WebhookSender(api.url, secret, Math.max(...o.ingressConcurrency));
  const rows: Row[] = [];
  const figures: Record<string, unknown> = {};
  try {
    await warmUp(sender);
    for (const concurrency of o.ingressConcurrency) {
      const gcBefore = await gcSnapshot(api.url);
      const phase = await measureAcks(stack, [api.process], sender, concurrency, o.duration * 1000, o.rate);
      const { acceptedPerSec, ackLatencyMs: latency, cpuMsPerRequest } = phase;
      const gc = gcPer(gcBefore, await gcSnapshot(api.url), Math.max(1, phase.requests));
      const gcShare = cpuMsPerRequest.api ? Math.round((gc.ms / cpuMsPerRequest.api) * 100) : 0;
      figures[`c${concurrency}`] = { ...phase, apiGc: { ...gc, sharePercentOfCpu: gcShare } };
      const atTarget = concurrency === 50 && o.rate === undefined;
      rows.push(
        { metric: `c=${concurrency} accepted/s`, value: acceptedPerSec, ...(atTarget ? { target: '>= 350', met: acceptedPerSec >= 350 } : {}) },
        { metric: `c=${concurrency} ack p50/p95/p99 ms`, value: `${latency.p50} / ${latency.p95} / ${latency.p99}`, ...(atTarget ? { target: 'p99 < 50', met: latency.p99 < 50 } : {}) },
        { metric: `c=${concurrency} errors`, value: phase.errors, target: '0', met: phase.errors === 0 },
        { metric: `c=${concurrency} CPU ms/request temporal / api / harness`, value: ['temporal', 'api', 'harness'].map((k) => cpuMsPerRequest[k]).join(' / ') },
        { metric: `c=${concurrency} api GC ms/request (% of its CPU); collections per 1000 requests`, value: `${gc.ms} (${gcShare} %); ${Object.entries(gc.per1000).map(([k, n]) => `${k} ${n}`).join(', ')}` },
      );
    }
  } finally {
    await sender.close();
  }
  figures.apiMemory = api.process.memory();

  // Every acknowledged run must be in visibility, once, or still wait in the durable inbox (the ack
  // means durable there; the dispatcher starts the runs as fast as Temporal takes them, so allow for
  // the backlog, ≥ 20 starts/s): lost = acknowledged − started − still queued.
  const query = `RecipeId = '${e2eRecipeId}'`;
  await until(async () => (await countRuns(stack.client, query)) >= sender.acked.size, Math.max(60_000, sender.acked.size * 50), 500);
  // The inbox is read before the final listing: a run it dispatches in between is then listed, never missed by both.
  const firstListing = await listedIds(stack.client, query);
  const listedFirst = new Set(firstListing);
  const unlisted = [...sender.acked].filter((id) => !listedFirst.has(id));
  const waiting = await queuedInInbox(stack, unlisted);
  const ids = unlisted.length === 0 ? firstListing : await listedIds(stack.client, query);
  const listed = new Set(ids);
  const notListed = [...sender.acked].filter((id) => !listed.has(id));
  const queued = notListed.filter((id) => waiting.has(id)).length;
  const lost = notListed.length - queued;
  const duplicated = ids.length - listed.size;
  const unacknowledged = [...listed].filter((id) => !sender.acked.has(id)).length;
  figures.runs = { acknowledged: sender.acked.size, listed: ids.length, queuedInInbox: queued, lost, duplicated, startedButNotAcknowledged: unacknowledged };
  // The inbound log is written off the ack path in batches: by now (every run listed) it has caught up.
  const inboundLogRows = await countInboundLog(stack);
  figures.inboundLogRows = inboundLogRows;
  rows.push(
    { metric: 'acknowledged runs', value: sender.acked.size },
    { metric: `inbound log rows (log ${o.inboundLog})`, value: inboundLogRows },
    { metric: 'acknowledged runs still queued in the inbox when the wait ended (not lost)', value: queued },
    { metric: 'lost / duplicated runs', value: `${lost} / ${duplicated}`, target: '0 / 0', met: lost === 0 && duplicated === 0 },
    { metric: 'api peak RSS MB', value: (figures.apiMemory as { peakRssMb: number }).peakRssMb },
  );
  return {
    scenario: 'ingress',
    correct: lost === 0 && duplicated === 0,
    parameters: { concurrency: o.ingressConcurrency, ...(o.rate ? { paced: `${o.rate}/s` } : {}), durationSeconds: o.duration, warmupRequests: 200, worker: 'not running (ack path only)', inboundLog: o.inboundLog },
    figures,
    rows,
    notes: ['no worker runs during ingress: the runs wait in the task queue; the load generator shares the 2 cores with the API and Temporal'],
  };
}
