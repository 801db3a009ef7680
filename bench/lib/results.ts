import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './processes';

export interface MachineFacts {
  os: string;
  cpus: { count: number; model: string };
  memoryGb: number;
  node: string;
  temporalCli: string;
  temporalSdk: string;
  gitCommit: string;
  /** 1/5/15-minute load averages when the scenario started: other work on the machine skews figures. */
  loadAverage: number[];
  uptime: string;
}

export function machineFacts(cliPath: string): MachineFacts {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: { count: cpus.length, model: cpus[0]?.model ?? 'unknown' },
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    temporalCli: run(cliPath, ['--version']),
    temporalSdk: (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/@temporalio/client/package.json'), 'utf8')) as { version: string }).version,
    gitCommit: `${run('git', ['rev-parse', '--short', 'HEAD'])}${run('git', ['status', '--porcelain']) ? '+dirty' : ''}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    uptime: run('uptime', []),
  };
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** One line of the printed table: what, measured value, target (if any), and whether it is met. */
export interface Row {
  metric: string;
  value: string | number;
  target?: string;
  met?: boolean;
}

export interface ScenarioResult {
  scenario: string;
  /** False when runs were lost or duplicated: the harness exits non-zero. */
  correct: boolean;
  parameters: Record<string, unknown>;
  figures: Record<string, unknown>;
  rows: Row[];
  notes?: string[];
}

export function writeResult(result: ScenarioResult, machine: MachineFacts, finishedLoad: number[]): string {
  const dir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.scenario}.json`);
  const doc = { ...result, machine, loadAverageAtEnd: finishedLoad, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

export function printTable(result: ScenarioResult): void {
  const rows = result.rows.map((r) => [r.metric, String(r.value), r.target ?? '', r.met === undefined ? '' : r.met ? 'ok' : 'MISSED']);
  const header = ['metric', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(`\n== ${result.scenario} ${result.correct ? '' : '(LOST OR DUPLICATED RUNS)'}`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  for (const n of result.notes ?? []) console.log(`  note: ${n}`);
}
