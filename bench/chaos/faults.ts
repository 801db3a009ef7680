import pg from 'pg';
import type { Cluster } from '../../test/support/cluster';
import { startDevServer, type DevServer, type DevServerOptions } from '../../src/temporal/dev-server';
import type { BenchSink } from '../lib/sink';
import { until } from '../lib/load';

/** What a phase does to the running shape while the webhooks keep coming (a killed process is started again). */
export interface Fault {
  name: string;
  inject(): Promise<void>;
}

export interface FaultTargets {
  cluster: Cluster;
  sink: BenchSink;
  /** The Temporal dev server (SQLite file, so a restart keeps every run) and how to start it again. */
  temporal: { current: DevServer; options: DevServerOptions };
  databaseUrl: string;
  temporalOutageMs: number;
  log(line: string): void;
}

/** Waits until the vendor fake holds a step request open (the sink answers after its latency). */
async function midStep(sink: BenchSink): Promise<void> {
  const count = sink.arrivals.length;
  await until(() => sink.arrivals.length > count, 10_000, 10);
}

export function faults(t: FaultTargets): Fault[] {
  return [
    {
      name: 'worker kill -9 mid-step',
      async inject() {
        await midStep(t.sink);
        const victim = t.cluster.workers[0]!;
        t.log(`kill -9 ${victim.name} (pid ${victim.proc.child.pid})`);
        await t.cluster.signal(victim, 'SIGKILL');
        await t.cluster.restart(victim);
      },
    },
    {
      name: 'API kill -9 mid-request',
      async inject() {
        const victim = t.cluster.apis[0]!;
        t.log(`kill -9 ${victim.name} (pid ${victim.proc.child.pid})`);
        await t.cluster.signal(victim, 'SIGKILL');
        await t.cluster.restart(victim);
      },
    },
    {
      name: `Temporal stopped ${Math.round(t.temporalOutageMs / 1000)} s`,
      async inject() {
        t.log('stopping the Temporal dev server');
        await t.temporal.current.stop();
        await new Promise((r) => setTimeout(r, t.temporalOutageMs));
        t.temporal.current = await startDevServer(t.temporal.options);
        t.log('Temporal dev server restarted');
      },
    },
    {
      name: 'PostgreSQL connections terminated',
      async inject() {
        const admin = new pg.Client({ connectionString: t.databaseUrl });
        await admin.connect();
        try {
          for (let i = 0; i < 3; i++) {
            const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
            t.log(`pg_terminate_backend: ${rowCount} connections`);
            await new Promise((r) => setTimeout(r, 1_000));
          }
        } finally {
          await admin.end();
        }
      },
    },
  ];
}
