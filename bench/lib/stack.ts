import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { parseConfig, type Config } from '../../src/config/config';
import { openConfiguredStore } from '../../src/runtime/services';
import type { Store } from '../../src/store/store';
import { requireBinary, TEMPORAL_CLI } from '../../src/temporal/cli-resolver';
import { connectClient, temporalTarget, type TemporalTarget } from '../../src/temporal/connection';
import type { DynamicConfig } from '../../src/config/config';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { temporalChecks } from '../../src/temporal/readiness';
import { cachedWorkflowBundle, engineBundleRequest } from '../../src/temporal/workflow-bundle-cache';
import { embeddedSqlitePragmas, type SqliteSync } from '../../src/runtime/embedded-temporal';
import { until } from './load';
import { cpuSnapshot, repoRoot, spawnTs, stopAllChildren, type ChildHandle, type CpuSnapshot } from './processes';
import { startBenchSink, type BenchSink } from './sink';

export interface StackOptions {
  /** Added latency of the sink's answers (a slower vendor). */
  sinkLatencyMs: number;
  /** Extra node flags for the engine's child processes (e.g. --cpu-prof --cpu-prof-dir=…). */
  nodeArgs: string[];
  /** Extra node flags for the worker only, after `nodeArgs` (the API's stay as shipped). */
  workerNodeArgs?: string[];
  /** Extra environment for the engine's child processes, after the bench's own (e.g. a malloc or worker setting). */
  engineEnv?: Record<string, string>;
  /** `file`: the embedded default (SQLite file under the data dir); `memory`: what the tests use. */
  temporalDb: 'file' | 'memory';
  /** fsync per commit (`full`, the embedded default) or at checkpoints (`normal`). */
  sqliteSync: SqliteSync;
  /** Overrides the SQLite pragmas of the file (default: the embedded server's own for `sqliteSync`). */
  sqlitePragmas?: string[];
  /** Dynamic config of the file-backed server, as SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG gives the embedded one (default: none). */
  temporalConfig?: DynamicConfig;
  /** `off`: the API records no inbound log (SWITCHYARD_INBOUND_LOG_RETENTION=off), to measure what the log costs. */
  inboundLog: 'on' | 'off';
}

export interface Stack {
  dataDir: string;
  temporal: DevServer;
  cliPath: string;
  /** The environment the engine processes get; parsed into `config` for in-harness use. */
  env: Record<string, string>;
  config: Config;
  target: TemporalTarget;
  /** The harness's own client (same payload codec as the engine). */
  client: Client;
  sink: BenchSink;
  /** Opens the engine's store (seed it before the API starts). */
  openStore(): Promise<Store>;
  /** `switchyard api` as its own process on a free port; resolves once it answers /healthz. */
  startApi(): Promise<{ process: ChildHandle; url: string }>;
  /** `switchyard worker` (or another worker entry) as its own process; resolves once it polls `taskQueue`. */
  startWorker(opts?: { entry?: string; taskQueue?: string; name?: string }): Promise<ChildHandle>;
  /** CPU seconds so far of Temporal, the harness (load generator + sink) and the given engine processes. */
  cpu(children: ChildHandle[]): CpuSnapshot;
  stop(): Promise<void>;
}

/**
 * V8 heap settings of the engine's processes, as the Dockerfile sets them (NODE_OPTIONS and the
 * entry point; the worker's fit both): a small young generation (4 MB for the API, whose ack path makes short-lived
 * garbage: 2 MB cost it ~30 % more GC per ack), an old-generation limit that makes
 * V8 collect before the heap grows (Node's default limit, ~4 GB here, let the worker reach ~430 MB
 * under the e2e burst), and for the worker a heap growth of 15 % after each collection, which bounds the
 * peak (`--optimize-for-size`, used before, cost the worker ~30 % more CPU per run and the API 44 % more
 * per ack). Measured in bench/README.md "Memory".
 */
export const engineNodeFlags = {
  api: ['--max-semi-space-size=4', '--max-old-space-size=160'],
  worker: ['--max-semi-space-size=2', '--max-old-space-size=256', '--heap-growing-percent=15'],
};

/** The embedded stack, fresh: a Temporal dev server (SQLite file) on free ports, a temp data dir, a sink. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-bench-'));
  const cliPath = requireBinary(TEMPORAL_CLI);
  const stops: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stop = async () => {
    await stopAllChildren();
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const temporal = await startDevServer({ cliPath, port: await freePort(), ...(opts.temporalDb === 'file' ? { dbFile: path.join(dataDir, 'temporal.db'), sqlitePragmas: opts.sqlitePragmas ?? embeddedSqlitePragmas(opts.sqliteSync), dynamicConfig: opts.temporalConfig } : {}) });
    stops.push(() => temporal.stop());
    const sink = await startBenchSink(opts.sinkLatencyMs);
    stops.push(() => sink.close());
    const env: Record<string, string> = {
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'switchyard',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      // The bench drives one connection far past the default per-hook limit on purpose.
      SWITCHYARD_HOOKS_RATE_LIMIT: '100000000',
      LOG_LEVEL: 'warn',
      // As the Dockerfile sets it: fewer glibc malloc arenas for the native core's threads.
      MALLOC_ARENA_MAX: '2',
      ...(opts.inboundLog === 'off' ? { SWITCHYARD_INBOUND_LOG_RETENTION: 'off' } : {}),
      ...opts.engineEnv,
    };
    for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
    const config = parseConfig({ ...env, PORT: '0' });
    const target = temporalTarget(config);
    const client = await connectClient(target);
    stops.push(() => client.connection.close());

    const stack: Stack = {
      dataDir,
      temporal,
      cliPath,
      env,
      config,
      target,
      client,
      sink,
      openStore: () => openConfiguredStore(config),
      async startApi() {
        const port = await freePort();
        const child = spawnTs('api', path.join(repoRoot, 'src/cli/main.ts'), ['api'], { ...env, PORT: String(port) }, [...engineNodeFlags.api, ...opts.nodeArgs]);
        const url = `http://127.0.0.1:${port}`;
        const up = await until(async () => {
          if (child.process.exitCode !== null) throw new Error(`api exited: ${child.output.join(' | ')}`);
          return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
        }, 60_000, 200);
        if (!up) throw new Error(`api did not answer within 60 s: ${child.output.join(' | ')}`);
        child.markReady();
        return { process: child, url };
      },
      async startWorker(w = {}) {
        const taskQueue = w.taskQueue ?? env.TEMPORAL_TASK_QUEUE!;
        // As installed (`npm run build:workflows`): the engine's worker finds its workflow bundle built.
        if (!w.entry) await cachedWorkflowBundle(engineBundleRequest(undefined, target.dataConverter));
        const entry = w.entry ?? path.join(repoRoot, 'src/cli/main.ts');
        const child = spawnTs(w.name ?? 'worker', entry, w.entry ? [] : ['worker'], { ...env, TEMPORAL_TASK_QUEUE: taskQueue }, [...engineNodeFlags.worker, ...opts.nodeArgs, ...(opts.workerNodeArgs ?? [])]);
        const polling = temporalChecks(client, taskQueue).worker;
        const up = await until(async () => {
          if (child.process.exitCode !== null) throw new Error(`${child.name} exited: ${child.output.join(' | ')}`);
          return polling().then(() => true, () => false);
        }, 120_000, 250);
        if (!up) throw new Error(`${child.name} did not poll ${taskQueue} within 120 s: ${child.output.join(' | ')}`);
        child.markReady();
        return child;
      },
      cpu: (children) => cpuSnapshot({ temporal: temporal.process.pid, harness: process.pid, ...Object.fromEntries(children.map((c) => [c.name, c.pid])) }),
      stop,
    };
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
