import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Command } from 'commander';
import { parseConfig } from '../../src/config/config';
import { openConfiguredStore } from '../../src/runtime/services';
import { migrateStore } from '../../src/store/store';
import { requireBinary, TEMPORAL_CLI } from '../../src/temporal/cli-resolver';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { freePort, startDevServer, type DevServerOptions } from '../../src/temporal/dev-server';
import { Cluster } from '../../test/support/cluster';
import { createDatabase } from '../../test/support/postgres-database';
import { WebhookSender } from '../lib/intercom';
import { runLoad, until } from '../lib/load';
import { applyRecipe, e2eRecipe, seedIntercomConnection } from '../lib/recipes';
import { startBenchSink, type BenchSink } from '../lib/sink';
import { faults, type FaultTargets } from './faults';

/**
 * `npm run chaos`: signed webhooks at a steady rate into 2 × `switchyard api` + 2 × `switchyard worker`
 * on PostgreSQL and one Temporal dev server, while in turn a worker is killed mid-step, an API is
 * killed mid-request, Temporal is stopped and restarted, and PostgreSQL connections are terminated.
 * Loopback only, bounded in time; prints one row per fault.
 */
const steps = ['first', 'second'];
const recipeId = 'chaos';

interface PhaseRow {
  fault: string;
  deliveries: number;
  acked: number;
  runs: number;
  effects: number;
  lost: number;
  doubled: number;
  stuck: number;
}

const program = new Command('chaos')
  .option('--short', 'the CI variant: 15 s phases, a 10 s Temporal outage')
  .option('--rate <n>', 'webhooks per second', (v) => Number(v), 8)
  .option('--pg-admin-url <url>', 'PostgreSQL server to create the throw-away database on', process.env.SWITCHYARD_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  .action(async (flags: { short?: boolean; rate: number; pgAdminUrl: string }) => {
    const phaseMs = flags.short ? 15_000 : 60_000;
    const outageMs = flags.short ? 10_000 : 30_000;
    const hardLimitMs = flags.short ? 10 * 60_000 : 30 * 60_000;
    const hardStop = setTimeout(() => {
      console.error(`chaos: hard time limit of ${hardLimitMs / 60_000} min reached; stopping`);
      process.exit(3);
    }, hardLimitMs);
    hardStop.unref();
    const rows = await chaos({ phaseMs, outageMs, rate: flags.rate, pgAdminUrl: flags.pgAdminUrl });
    printRows(rows);
    const broken = rows.filter((r) => r.lost > 0 || r.stuck > 0 || r.runs !== r.acked);
    const doubled = rows.filter((r) => r.doubled > 0);
    if (doubled.length) console.log(`note: ${doubled.map((r) => `${r.fault}: ${r.doubled}`).join('; ')} step request(s) reached the vendor fake more than once (same Idempotency-Key)`);
    process.exitCode = broken.length ? 1 : 0;
    clearTimeout(hardStop);
  });

async function chaos(o: { phaseMs: number; outageMs: number; rate: number; pgAdminUrl: string }): Promise<PhaseRow[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-chaos-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  try {
    const database = await createDatabase(o.pgAdminUrl, 'switchyard_chaos');
    cleanups.push(() => database.drop());
    await migrateStore(database.url);
    const temporalOptions: DevServerOptions = { cliPath: requireBinary(TEMPORAL_CLI), port: await freePort(), dbFile: path.join(dataDir, 'temporal.db') };
    const temporal = { current: await startDevServer(temporalOptions), options: temporalOptions };
    cleanups.push(() => temporal.current.stop());
    const sink = await startBenchSink(300);
    cleanups.push(() => sink.close());
    log('starting 2 × switchyard api and 2 × switchyard worker');
    const cluster = await Cluster.start({ temporalAddress: temporal.current.address, databaseUrl: database.url, apis: 2, workers: 2 });
    cleanups.push(() => cluster.stop());
    const config = parseConfig(cluster.env);
    const store = await openConfiguredStore(config, 'verify');
    const secret = await seedIntercomConnection(store);
    const recipe = e2eRecipe(sink.url, recipeId);
    // A killed worker's step is retried after its timeout: keep it short so a phase drains quickly.
    await applyRecipe(store, { ...recipe, steps: recipe.steps.map((s) => ({ ...s, timeout: '10s' })) });
    await store.close();
    const client = await connectClient(temporalTarget(config));
    cleanups.push(() => client.connection.close());

    const targets: FaultTargets = { cluster, sink, temporal, databaseUrl: database.url, temporalOutageMs: o.outageMs, log };
    const rows: PhaseRow[] = [];
    for (const fault of faults(targets)) {
      log(`phase: ${fault.name}`);
      rows.push(await phase(fault.name, () => fault.inject(), { cluster, sink, client, secret, ...o, log }));
    }
    return rows;
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => console.error(`chaos cleanup: ${(err as Error).message}`));
  }
}

interface PhaseDeps {
  cluster: Cluster;
  sink: BenchSink;
  client: Client;
  secret: string;
  phaseMs: number;
  rate: number;
  log(line: string): void;
}

/** Steady load on both APIs; the fault a third of the way in; then drain and account for every acknowledged delivery. */
async function phase(name: string, inject: () => Promise<void>, d: PhaseDeps): Promise<PhaseRow> {
  d.sink.reset();
  const senders = d.cluster.apis.map((api) => new WebhookSender(api.url, d.secret, 8));
  let faultDone: Promise<void> = Promise.resolve();
  const faultTimer = setTimeout(() => {
    faultDone = inject();
  }, d.phaseMs / 3);
  const load = await runLoad({ concurrency: 16, durationMs: d.phaseMs, ratePerSec: d.rate }, (i) => senders[i % senders.length]!.send());
  await faultDone;
  clearTimeout(faultTimer);
  await Promise.all(senders.map((s) => s.close()));
  const acked = new Set(senders.flatMap((s) => [...s.acked]));
  if (load.errors > 0) d.log(`not acknowledged: ${JSON.stringify(load.errorKinds)}`);
  const keys = [...acked].flatMap((id) => steps.map((s) => `${id}/${s}`));
  const drained = await until(async () => keys.every((k) => d.sink.seen.has(k)) && (await openRuns(d.client)) === 0, 180_000, 500);
  if (!drained) d.log(`not drained within 180 s: ${keys.filter((k) => !d.sink.seen.has(k)).length} step effects missing`);
  const executions = await runExecutions(d.client);
  const completedOnce = [...acked].filter((id) => executions.get(id)?.completed === 1 && executions.get(id)?.total === 1).length;
  const missing = [...acked].filter((id) => executions.get(id)?.completed !== 1 || steps.some((s) => !d.sink.seen.has(`${id}/${s}`)));
  const doubledRuns = [...acked].filter((id) => (executions.get(id)?.total ?? 0) > 1).length;
  const doubledSteps = [...d.sink.seen.values()].reduce((n, count) => n + Math.max(0, count - 1), 0);
  return {
    fault: name,
    deliveries: load.issued,
    acked: acked.size,
    runs: completedOnce,
    effects: keys.reduce((n, k) => n + (d.sink.seen.get(k) ?? 0), 0),
    lost: missing.length,
    doubled: doubledRuns + doubledSteps,
    stuck: await openRuns(d.client),
  };
}

async function openRuns(client: Client): Promise<number> {
  return (await client.workflow.count(`RecipeId = '${recipeId}' AND ExecutionStatus = 'Running'`)).count;
}

/** Executions of each run (workflow id) of the recipe, and how many of them completed. */
async function runExecutions(client: Client): Promise<Map<string, { total: number; completed: number }>> {
  const byId = new Map<string, { total: number; completed: number }>();
  for await (const run of client.workflow.list({ query: `RecipeId = '${recipeId}'`, pageSize: 1000 })) {
    const entry = byId.get(run.workflowId) ?? { total: 0, completed: 0 };
    entry.total++;
    if (run.status.name === 'COMPLETED') entry.completed++;
    byId.set(run.workflowId, entry);
  }
  return byId;
}

function printRows(rows: PhaseRow[]): void {
  const header = ['fault', 'deliveries', 'acked', 'runs', 'effects', 'lost', 'doubled', 'stuck'] as const;
  console.log(`\n| ${header.join(' | ')} |`);
  console.log(`|${header.map((h, i) => (i === 0 ? '---' : '--:')).join('|')}|`);
  for (const r of rows) console.log(`| ${header.map((h) => String(r[h])).join(' | ')} |`);
}

program.parseAsync().catch((err: unknown) => {
  console.error(`chaos: ${(err as Error).stack ?? String(err)}`);
  process.exit(2);
});
