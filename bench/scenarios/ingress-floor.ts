import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../src/temporal/dev-server';
import { measureAcks, warmUp, type AckPhase } from '../lib/ack-phase';
import { countRuns } from '../lib/histories';
import { WebhookSender } from '../lib/intercom';
import { until } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { repoRoot, spawnTs, type ChildHandle } from '../lib/processes';
import { seedE2e } from '../lib/recipes';
import type { Row, ScenarioResult } from '../lib/results';
import { engineNodeFlags, type Stack } from '../lib/stack';
import { round } from '../lib/stats';

/** The dispatch floor's workflow type: no worker runs, so its runs wait in the task queue, as the engine's do. */
const floorWorkflowType = 'ackFloorRun';

/** The floors: the same load generator against a hand-written server that does less than the engine. */
const floors = [
  { name: 'bare Node http (reads the body, answers 202)', env: { FLOOR_MODE: 'bare' } },
  { name: 'bare + HMAC verify + group-committed SQLite insert without an fsync per commit (WAL, synchronous NORMAL)', env: { FLOOR_MODE: 'store', FLOOR_SYNC: 'normal' } },
  { name: 'bare + HMAC verify + group-committed SQLite insert, fsync per commit (the engine store\'s pragmas: WAL, synchronous FULL)', env: { FLOOR_MODE: 'store', FLOOR_SYNC: 'full' } },
  { name: '+ store (synchronous FULL) + dispatch (one workflow start per row on the same Temporal, ≤ 8 in flight, row deleted once started)', env: { FLOOR_MODE: 'dispatch', FLOOR_SYNC: 'full' } },
] as const;

interface Target {
  process: ChildHandle;
  url: string;
  /** Rows acknowledged but not yet started on Temporal (servers that dispatch). */
  backlog?: () => Promise<number>;
  stop(): Promise<void>;
}

async function startFloorServer(stack: Stack, secret: string, env: Record<string, string>, n: number): Promise<Target> {
  const port = await freePort();
  const entry = path.join(repoRoot, 'bench/handwritten/ack-floor-server.ts');
  const temporal = { TEMPORAL_ADDRESS: stack.target.address, TEMPORAL_NAMESPACE: stack.target.namespace, TEMPORAL_TASK_QUEUE: stack.target.taskQueue, FLOOR_WORKFLOW_TYPE: floorWorkflowType };
  const child = spawnTs('floor', entry, [], { PORT: String(port), FLOOR_SECRET: secret, FLOOR_DB: path.join(stack.dataDir, `floor-${n}.db`), ...temporal, ...env }, engineNodeFlags.api);
  const url = `http://127.0.0.1:${port}`;
  const up = await until(() => fetch(url).then((r) => r.ok, () => false), 30_000, 100);
  if (!up) throw new Error(`the floor server did not answer within 30 s: ${child.output.join(' | ')}`);
  const backlog = async () => ((await (await fetch(`${url}/backlog`)).json()) as { rows: number }).rows;
  return { process: child, url, stop: () => child.stop(), ...(env.FLOOR_MODE === 'dispatch' ? { backlog } : {}) };
}

/** The engine's backlog: events in its durable inbox whose runs are not started yet. */
async function startApi(stack: Stack): Promise<Target> {
  const api = await stack.startApi();
  const store = await stack.openStore();
  const stop = async () => {
    await api.process.stop();
    await store.close();
  };
  return { ...api, backlog: async () => (await store.inbox.stats()).depth, stop };
}

interface Drain {
  /** Rows still undispatched when the load ended. */
  rowsAtEnd: number;
  /** Seconds from the end of the load until none was left, or until the wait ended. */
  seconds: number;
  /** Rows still undispatched when the wait ended (0: drained). */
  rowsLeft: number;
}

/** Waits for the backlog to drain: ≥ 50 starts/s allowed, at least a minute, at most five. */
async function drain(backlog: () => Promise<number>): Promise<Drain> {
  const rowsAtEnd = await backlog();
  const started = performance.now();
  let rowsLeft = rowsAtEnd;
  await until(async () => (rowsLeft = await backlog()) === 0, Math.min(300_000, Math.max(60_000, rowsAtEnd * 20)), 100);
  return { rowsAtEnd, rowsLeft, seconds: round((performance.now() - started) / 1000, 1) };
}

const drained = (d: Drain) =>
  d.rowsLeft === 0 ? `${d.rowsAtEnd}; ${d.seconds}` : `${d.rowsAtEnd}; not drained: ${d.rowsLeft} left after ${d.seconds} s (${round((d.rowsAtEnd - d.rowsLeft) / d.seconds)} starts/s)`;

type Measured = { name: string; phase: AckPhase; drain?: Drain; acknowledged: number };

async function phaseAgainst(stack: Stack, name: string, target: Target, secret: string, concurrency: number, durationMs: number, rate?: number): Promise<Measured> {
  const sender = new WebhookSender(target.url, secret, concurrency);
  try {
    await warmUp(sender);
    const phase = await measureAcks(stack, [target.process], sender, concurrency, durationMs, rate);
    return { name, phase, acknowledged: sender.acked.size, ...(target.backlog ? { drain: await drain(target.backlog) } : {}) };
  } finally {
    await sender.close();
  }
}

const cpuOf = (p: AckPhase, server: string) => p.cpuMsPerRequest[server] ?? Number.NaN;

/**
 * What the hardware allows the ack path (issue #13): the ingress load generator at c=50 (or paced at
 * `--rate`) against the floors, then against `switchyard api` (no worker), in one invocation; the
 * engine's ratio to each.
 */
export async function ingressFloor(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const concurrency = Math.max(...o.ingressConcurrency);
  const durationMs = o.duration * 1000;
  const secret = await seedE2e(stack);
  const measured: Measured[] = [];
  for (const [n, floor] of floors.entries()) {
    const server = await startFloorServer(stack, secret, floor.env, n);
    try {
      measured.push(await phaseAgainst(stack, floor.name, server, secret, concurrency, durationMs, o.rate));
    } finally {
      await server.stop();
    }
  }
  const api = await startApi(stack);
  const engine = await phaseAgainst(stack, 'Switchyard (`switchyard api`, inbound log on, no worker)', api, secret, concurrency, durationMs, o.rate).finally(() => api.stop());

  // Every row the dispatch floor acknowledged (warm-up included) has its run in Temporal or is still in its table.
  const dispatchFloor = measured.find((m) => m.drain)!;
  const queued = dispatchFloor.drain!.rowsLeft;
  const query = `WorkflowType = '${floorWorkflowType}'`;
  let floorRuns = 0;
  await until(async () => (floorRuns = await countRuns(stack.client, query)) + queued >= dispatchFloor.acknowledged, 60_000, 500);
  const lost = Math.max(0, dispatchFloor.acknowledged - floorRuns - queued);

  const rows: Row[] = [];
  const describe = (label: string, m: Measured, server: string) => {
    const p = m.phase;
    rows.push(
      { metric: `${label}: accepted/s; ack p50/p95/p99 ms; errors`, value: `${p.acceptedPerSec}; ${p.ackLatencyMs.p50} / ${p.ackLatencyMs.p95} / ${p.ackLatencyMs.p99}; ${p.errors}` },
      { metric: `${label}: CPU ms/request server / temporal / harness (load average ${p.loadAverage.join(' → ')})`, value: [server, 'temporal', 'harness'].map((k) => p.cpuMsPerRequest[k]).join(' / ') },
    );
    if (m.drain) rows.push({ metric: `${label}: rows undispatched when the load ended; s to drain them`, value: drained(m.drain) });
  };
  for (const m of measured) describe(`floor, ${m.name}`, m, 'floor');
  describe(engine.name, engine, 'api');
  rows.push({ metric: 'dispatch floor: acknowledged (warm-up included); runs in Temporal; still queued; lost', value: `${dispatchFloor.acknowledged}; ${floorRuns}; ${queued}; ${lost}`, target: '0 lost', met: lost === 0 });
  for (const { name, phase } of measured) {
    rows.push({
      metric: `Switchyard ÷ floor "${name}": accepted/s; server CPU ms/request`,
      value: `${round(engine.phase.acceptedPerSec / phase.acceptedPerSec, 2)}; ${round(cpuOf(engine.phase, 'api') / cpuOf(phase, 'floor'), 1)}`,
    });
  }
  return {
    scenario: 'ingress-floor',
    correct: lost === 0,
    parameters: { concurrency, ...(o.rate ? { paced: `${o.rate}/s` } : {}), durationSeconds: o.duration, warmupRequests: 200, worker: 'not running (ack path only)', inboundLog: o.inboundLog },
    figures: { floors: measured, switchyard: engine, dispatchFloorRuns: floorRuns },
    rows,
    notes: [
      'each server is its own process with the api\'s V8 heap flags; the load generator (harness) shares the 2 cores with it (and, for the dispatch floor and Switchyard, with Temporal, to which they start the runs meanwhile)',
      'the engine\'s SQLite store runs WAL with synchronous FULL (an fsync per group commit: an acknowledged event survives a power loss): the third floor is the like-for-like one for the ack alone, the fourth for the ack with its dispatch; the second shows what the fsync costs',
      'the dispatch floor\'s runs (plain client, no search attributes, the notification as the input) stay in the task queue: Switchyard\'s phase runs after it on the same Temporal; each phase\'s CPU is counted over the load only, not the drain after it',
    ],
  };
}
