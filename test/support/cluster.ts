import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';
import { spawnSwitchyard, type DevProcess } from './dev-process';

export interface ClusterProcess {
  /** api-1, worker-2, … */
  name: string;
  command: 'api' | 'worker';
  /** The API's base URL ('' for a worker); a restarted API keeps its port. */
  url: string;
  port: number;
  proc: DevProcess;
}

export interface ClusterOptions {
  temporalAddress: string;
  /** A migrated PostgreSQL database the processes share. */
  databaseUrl: string;
  apis: number;
  workers: number;
  /** Added to (and overriding) the processes' environment. */
  env?: Record<string, string>;
}

/**
 * The production shape of docker-compose.yml as child processes: `switchyard api` ×N and
 * `switchyard worker` ×M (plain `node bin/switchyard`, so a pid is the process doing the work)
 * on one PostgreSQL store and one Temporal server, loopback egress allowed for vendor fakes.
 */
export class Cluster {
  readonly apis: ClusterProcess[] = [];
  readonly workers: ClusterProcess[] = [];
  readonly admin = `adm_${randomBytes(24).toString('hex')}`;
  readonly env: Record<string, string>;

  private constructor(opts: ClusterOptions) {
    this.env = {
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: `cluster-${randomUUID()}`,
      DATABASE_URL: opts.databaseUrl,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchyard-cluster-')),
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_ADMIN_TOKEN: this.admin,
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      SWITCHYARD_ENGINE_EVENTS_POLL: '1s',
      SWITCHYARD_RUN_EVENTS_LAG: '2s',
      SWITCHYARD_WORKER_SHUTDOWN_GRACE: '20s',
      LOG_LEVEL: 'info',
      ...opts.env,
    };
  }

  /** Starts the workers, then the APIs; resolves once each logged that it is up. */
  static async start(opts: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(opts);
    try {
      const workers = Array.from({ length: opts.workers }, (_, i) => cluster.spawn('worker', `worker-${i + 1}`, 0));
      cluster.workers.push(...(await Promise.all(workers)));
      const apis = Array.from({ length: opts.apis }, async (_, i) => cluster.spawn('api', `api-${i + 1}`, await freePort()));
      cluster.apis.push(...(await Promise.all(apis)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Starts a process again after it exited (same name, same port), in place in its list. */
  async restart(p: ClusterProcess): Promise<ClusterProcess> {
    await p.proc.exited;
    const next = await this.spawn(p.command, p.name, p.port);
    const list = p.command === 'api' ? this.apis : this.workers;
    list[list.indexOf(p)] = next;
    return next;
  }

  /** Sends `signal` and resolves with the exit code once the process is gone. */
  async signal(p: ClusterProcess, signal: NodeJS.Signals): Promise<number | null> {
    if (p.proc.child.exitCode === null && p.proc.child.signalCode === null) p.proc.child.kill(signal);
    return p.proc.exited;
  }

  /** Every process's output lines, by name (for assertions on logs and for failure messages). */
  output(): Record<string, string[]> {
    return Object.fromEntries([...this.apis, ...this.workers].map((p) => [p.name, p.proc.output]));
  }

  async stop(): Promise<void> {
    const all = [...this.apis, ...this.workers];
    await Promise.all(
      all.map(async (p) => {
        const killer = setTimeout(() => p.proc.child.kill('SIGKILL'), 30_000);
        await this.signal(p, 'SIGTERM');
        clearTimeout(killer);
      }),
    );
  }

  private async spawn(command: 'api' | 'worker', name: string, port: number): Promise<ClusterProcess> {
    const proc = spawnSwitchyard([command], { ...this.env, ...(command === 'api' ? { PORT: String(port) } : {}) });
    const p: ClusterProcess = { name, command, port, url: command === 'api' ? `http://127.0.0.1:${port}` : '', proc };
    try {
      await proc.waitForLine(command === 'api' ? /switchyard api listening/ : /switchyard worker polling/, 120_000);
    } catch (err) {
      proc.child.kill('SIGKILL');
      throw err;
    }
    return p;
  }
}
