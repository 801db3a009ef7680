import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';
import { measureAcks, warmUp, type AckPhase } from '../lib/ack-phase';
import { WebhookSender } from '../lib/intercom';
import { until } from '../lib/load';
import type { BenchOptions } from '../lib/options';
import { repoRoot, spawnTs, type ChildHandle } from '../lib/processes';
import { seedE2e } from '../lib/recipes';
import type { Row, ScenarioResult } from '../lib/results';
import { engineNodeFlags, type Stack } from '../lib/stack';
import { round } from '../lib/stats';

/** The floors: the same load generator against a hand-written server that does less than the engine. */
const floors = [
  { name: 'bare Node http (reads the body, answers 202)', env: { FLOOR_MODE: 'bare' } },
  { name: 'bare + HMAC verify + group-committed SQLite insert (the engine store\'s pragmas: WAL, synchronous NORMAL)', env: { FLOOR_MODE: 'store', FLOOR_SYNC: 'normal' } },
  { name: 'bare + HMAC verify + group-committed SQLite insert, fsync per commit (synchronous FULL)', env: { FLOOR_MODE: 'store', FLOOR_SYNC: 'full' } },
] as const;

async function startFloorServer(stack: Stack, secret: string, env: Record<string, string>, n: number): Promise<{ process: ChildHandle; url: string }> {
  const port = await freePort();
  const entry = path.join(repoRoot, 'bench/handwritten/ack-floor-server.ts');
  const child = spawnTs('floor', entry, [], { PORT: String(port), FLOOR_SECRET: secret, FLOOR_DB: path.join(stack.dataDir, `floor-${n}.db`), ...env }, engineNodeFlags.api);
  const url = `http://127.0.0.1:${port}`;
  const up = await until(() => fetch(url).then((r) => r.ok, () => false), 30_000, 100);
  if (!up) throw new Error(`the floor server did not answer within 30 s: ${child.output.join(' | ')}`);
  return { process: child, url };
}

async function phaseAgainst(stack: Stack, target: { process: ChildHandle; url: string }, secret: string, concurrency: number, durationMs: number): Promise<AckPhase> {
  const sender = new WebhookSender(target.url, secret, concurrency);
  try {
    await warmUp(sender);
    return await measureAcks(stack, [target.process], sender, concurrency, durationMs);
  } finally {
    await sender.close();
  }
}

const cpuOf = (p: AckPhase, server: string) => p.cpuMsPerRequest[server] ?? Number.NaN;

/**
 * What the hardware allows the ack path (issue #13): the ingress load generator at c=50 against the
 * floors, then against `switchyard api` (no worker), in one invocation; the engine's ratio to each.
 */
export async function ingressFloor(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const concurrency = Math.max(...o.ingressConcurrency);
  const durationMs = o.duration * 1000;
  const secret = await seedE2e(stack);
  const measured: { name: string; phase: AckPhase }[] = [];
  for (const [n, floor] of floors.entries()) {
    const server = await startFloorServer(stack, secret, floor.env, n);
    try {
      measured.push({ name: floor.name, phase: await phaseAgainst(stack, server, secret, concurrency, durationMs) });
    } finally {
      await server.process.stop();
    }
  }
  const api = await stack.startApi();
  const engine = await phaseAgainst(stack, api, secret, concurrency, durationMs);
  await api.process.stop();

  const rows: Row[] = [];
  const describe = (name: string, p: AckPhase, server: string) =>
    rows.push(
      { metric: `${name}: accepted/s; ack p50/p95/p99 ms; errors`, value: `${p.acceptedPerSec}; ${p.ackLatencyMs.p50} / ${p.ackLatencyMs.p95} / ${p.ackLatencyMs.p99}; ${p.errors}` },
      { metric: `${name}: CPU ms/request server / temporal / harness (load average ${p.loadAverage.join(' → ')})`, value: [server, 'temporal', 'harness'].map((k) => p.cpuMsPerRequest[k]).join(' / ') },
    );
  for (const { name, phase } of measured) describe(`floor, ${name}`, phase, 'floor');
  describe('Switchyard (`switchyard api`, inbound log on, no worker)', engine, 'api');
  for (const { name, phase } of measured) {
    rows.push({
      metric: `Switchyard ÷ floor "${name}": accepted/s; server CPU ms/request`,
      value: `${round(engine.acceptedPerSec / phase.acceptedPerSec, 2)}; ${round(cpuOf(engine, 'api') / cpuOf(phase, 'floor'), 1)}`,
    });
  }
  return {
    scenario: 'ingress-floor',
    correct: true,
    parameters: { concurrency, durationSeconds: o.duration, warmupRequests: 200, worker: 'not running (ack path only)', inboundLog: o.inboundLog },
    figures: { floors: measured, switchyard: engine },
    rows,
    notes: [
      'each server is its own process with the api\'s V8 heap flags; the load generator (harness) shares the 2 cores with it (and, for Switchyard, with Temporal, to which its inbox dispatches the runs meanwhile)',
      'the engine\'s SQLite store runs WAL with better-sqlite3\'s synchronous NORMAL (no fsync per commit; a commit survives a process crash, not a power loss): the second floor is the like-for-like one',
    ],
  };
}
