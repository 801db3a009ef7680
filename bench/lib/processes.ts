import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { outputTail } from '../../src/output-tail';

export const repoRoot = path.resolve(__dirname, '..', '..');

interface MemoryFigures {
  /** Peak resident set (VmHWM) over the process's life, MB. */
  peakRssMb: number;
  /** Largest VmRSS sampled while the load ran, MB. */
  sampledMaxRssMb: number;
  /** VmRSS when the process became ready (after the worker bundled its workflows), MB. */
  readyRssMb: number;
  /** VmRSS now (at the end of the load), MB. */
  currentRssMb: number;
}

export interface ChildHandle {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Last lines of its output, for error messages. */
  output: string[];
  memory(): MemoryFigures;
  /** Records the resident set at readiness. */
  markReady(): void;
  /** CPU time (user + system) the process used so far, seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Every child the harness started, so an interrupted run still stops them. */
const running = new Set<ChildHandle>();

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

/**
 * Starts a TypeScript entry point under plain `node` (tsx as a require hook), so the pid we
 * sample is the process doing the work; `nodeArgs` lets a run add e.g. `--cpu-prof`.
 */
export function spawnTs(name: string, entry: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): ChildHandle {
  const child = spawn(process.execPath, [...nodeArgs, '--require', 'tsx/cjs', entry, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = outputTail(child, 40);
  let sampledMax = 0;
  const sampler = setInterval(() => (sampledMax = Math.max(sampledMax, readStatusKb(child.pid, 'VmRSS'))), 250);
  sampler.unref();
  let peakAtExit = 0;
  let readyKb = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: ChildHandle = {
    name,
    pid: child.pid ?? -1,
    process: child,
    output,
    memory() {
      const hwm = readStatusKb(child.pid, 'VmHWM') || peakAtExit;
      const mb = (kb: number) => Math.round(kb / 1024);
      return { peakRssMb: mb(hwm), sampledMaxRssMb: mb(sampledMax), readyRssMb: mb(readyKb), currentRssMb: mb(readStatusKb(child.pid, 'VmRSS')) };
    },
    markReady: () => void (readyKb = readStatusKb(child.pid, 'VmRSS')),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      running.delete(handle);
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return;
      peakAtExit = readStatusKb(child.pid, 'VmHWM');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
  running.add(handle);
  return handle;
}

function readStatusKb(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  if (!pid) return 0;
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

const ticksPerSecond = 100; // getconf CLK_TCK on Linux

/** utime + stime from /proc/<pid>/stat (0 once the process is gone). */
function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** CPU seconds per named process; `since` turns two snapshots into what a phase cost. */
export type CpuSnapshot = Record<string, number>;

export function cpuSnapshot(processes: Record<string, number | undefined>): CpuSnapshot {
  const snap: CpuSnapshot = {};
  for (const [name, pid] of Object.entries(processes)) snap[name] = cpuSecondsOf(pid);
  return snap;
}

/** CPU milliseconds per unit of work (e.g. per run) each process spent between two snapshots. */
export function cpuMsPer(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const name of Object.keys(after)) {
    const ms = ((after[name]! - (before[name] ?? 0)) * 1000) / units;
    out[name] = Math.round(ms * 100) / 100;
    total += ms;
  }
  out.total = Math.round(total * 100) / 100;
  return out;
}
