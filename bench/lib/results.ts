import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
export type Row = { metric: string; value: string | number; target?: string; met?: boolean };

export interface ScenarioResult {
  scenario: string;
  /** False when runs were lost or duplicated: the harness exits non-zero. */
  correct: boolean;
  parameters: Record<string, unknown>;
  figures: Record<string, unknown>;
  rows: Row[];
  notes?: string[];
}

const resultsDir = path.join(repoRoot, 'bench', 'results');

interface ResultDoc extends ScenarioResult {
  variant: string;
  machine: MachineFacts;
  loadAverageAtEnd: number[];
  at: string;
}

/** Writes `bench/results/<variant>.json` (git-ignored); `variant` names the scenario and its non-default settings. */
export function writeResult(result: ScenarioResult, variant: string, machine: MachineFacts, finishedLoad: number[]): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${variant}.json`);
  const doc: ResultDoc = { ...result, variant, machine, loadAverageAtEnd: finishedLoad, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

/**
 * Rewrites the committed `bench/RESULTS.md`: each variant with a `bench/results/*.json` on this machine
 * gets its latest figures, machine facts and load averages; the sections of variants not run here
 * (the JSON files are not committed, so a fresh clone has none) are kept as they were.
 */
export function writeResultsMarkdown(): string {
  const docs = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8')) as Partial<ResultDoc>)
    .filter((d): d is ResultDoc => typeof d.variant === 'string' && Array.isArray(d.rows) && d.machine !== undefined)
    .sort((a, b) => a.variant.localeCompare(b.variant));
  const cell = (v: unknown) => String(v).replace(/\|/g, '\\|');
  const fresh = docs.map((d) => ({
    variant: d.variant,
    text: [
      `## ${d.variant}`,
      '',
      `${d.at} · commit ${d.machine.gitCommit} · load average ${d.machine.loadAverage.join(' ')} at start, ${d.loadAverageAtEnd.map((l) => Math.round(l * 100) / 100).join(' ')} at end · ${d.correct ? 'no run lost or doubled' : '**runs lost or doubled**'}`,
      '',
      `Machine: ${d.machine.cpus.count} × ${d.machine.cpus.model}, ${d.machine.memoryGb} GB, ${d.machine.os}, Node ${d.machine.node}, ${d.machine.temporalCli}, SDK ${d.machine.temporalSdk}.`,
      `Parameters: ${Object.entries(d.parameters).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}.`,
      '',
      '| metric | value | target | |',
      '|---|---|---|---|',
      ...d.rows.map((r) => `| ${cell(r.metric)} | ${cell(r.value)} | ${cell(r.target ?? '')} | ${r.met === undefined ? '' : r.met ? 'ok' : 'missed'} |`),
      ...(d.notes?.length ? ['', ...d.notes.map((n) => `- ${n}`)] : []),
    ].join('\n'),
  }));
  const file = path.join(repoRoot, 'bench', 'RESULTS.md');
  const kept = committedSections(file).filter((s) => !fresh.some((f) => f.variant === s.variant));
  const sections = [...kept, ...fresh].sort((a, b) => a.variant.localeCompare(b.variant)).map((s) => s.text);
  const intro = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` from the runs recorded on this machine (`bench/results/*.json`, not committed);',
    'each section is the latest run of one scenario variant. Every figure is from the same 2-core machine that',
    'runs the load generator, the sink, Temporal and the engine; read the load averages before the figures.',
    'The `floor` rows are hand-written Temporal workflows on the same server: the e2e table gives its ratio to them.',
  ];
  writeFileSync(file, `${[...intro, '', sections.join('\n\n')].join('\n')}\n`);
  return file;
}

/** The `## <variant>` sections of the committed file, each with its text up to the next one. */
function committedSections(file: string): Array<{ variant: string; text: string }> {
  if (!existsSync(file)) return [];
  const parts = readFileSync(file, 'utf8').split(/^(?=## )/m).slice(1);
  return parts.map((text) => ({ variant: text.slice(3, text.indexOf('\n')).trim(), text: text.trimEnd() }));
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
