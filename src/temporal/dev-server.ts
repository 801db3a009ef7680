import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { DynamicConfig } from '../config/config';
import { outputTail } from '../output-tail';
import { searchAttributeFlags } from './search-attributes';

export interface DevServerOptions {
  cliPath: string;
  /** SQLite file for persistence; omit for an in-memory server (tests). */
  dbFile?: string;
  /** `PRAGMA=VALUE` statements for that SQLite file (`--sqlite-pragma`). */
  sqlitePragmas?: string[];
  /** Dynamic config settings of the server (`--dynamic-config-value KEY=VALUE`). */
  dynamicConfig?: DynamicConfig;
  ip?: string;
  port: number;
  /** Web UI port; omit to run headless. */
  uiPort?: number;
  namespace?: string;
  /** Register the engine's search attributes (default); false starts a bare server, like a fresh cluster. */
  searchAttributes?: boolean;
  /** Where to record the child's pid, so an orphan from a `kill -9` can be reaped next start. */
  pidFile?: string;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` as a child and resolves once its frontend answers. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  if (opts.pidFile) reapOrphan(opts.pidFile);
  if (opts.dbFile) mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), '--log-level', 'warn', ...(opts.searchAttributes === false ? [] : searchAttributeFlags())];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  if (opts.dbFile) for (const pragma of opts.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.pidFile && child.pid) writeFileSync(opts.pidFile, String(child.pid));
  const output = outputTail(child, 50, opts.log);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      if (opts.pidFile) rmSync(opts.pidFile, { force: true });
      resolve();
    }),
  );

  const address = `${ip}:${opts.port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      throw new Error(`temporal dev server exited during start (${JSON.stringify(exited)}): ${output.slice(-5).join(' | ')}`);
    }
    if (await frontendAnswers(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal dev server did not answer on ${address} within ${opts.readyTimeoutMs ?? 60_000} ms`);
    }
    await delay(200);
  }

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitPromise;
    clearTimeout(killTimer);
  };
  return { address, uiUrl: opts.uiPort ? `http://${ip}:${opts.uiPort}` : null, process: child, stop };
}

async function frontendAnswers(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.getSystemInfo({}, );
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** A previous `kill -9` of our process alone can leave the server running and holding the SQLite file. */
function reapOrphan(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('start-dev')) process.kill(pid, 'SIGKILL');
  } catch {
    // not running any more, or not inspectable: nothing to reap
  }
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
