import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseDynamicConfig, type DynamicConfig } from '../src/config/config';
import type { BenchOptions } from './lib/options';
import { repoRoot } from './lib/processes';

import { machineFacts, printTable, writeResult, writeResultsMarkdown, type ScenarioResult } from './lib/results';
import { startStack, type Stack } from './lib/stack';
import { e2e } from './scenarios/e2e';
import { floor } from './scenarios/floor';
import { history } from './scenarios/history';
import { inboxWal } from './scenarios/inbox-wal';
import { ingress } from './scenarios/ingress';
import { ingressFloor } from './scenarios/ingress-floor';
import { ledger } from './scenarios/ledger';
import { overhead } from './scenarios/overhead';
import { sync } from './scenarios/sync';

const scenarios: Record<string, (stack: Stack, o: BenchOptions) => Promise<ScenarioResult>> = { ingress, 'ingress-floor': ingressFloor, e2e, overhead, history, floor, sync, ledger, 'inbox-wal': inboxWal };

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};
const engineEnv = (v: string): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const pair of v.split(',').filter(Boolean)) {
    const [name, value, ...rest] = pair.split('=');
    if (value === undefined || rest.length > 0 || !/^[A-Z_][A-Z0-9_]*$/.test(name!)) throw new InvalidArgumentError('expected NAME=VALUE pairs, e.g. SWITCHYARD_WORKER_CACHED_RUNS=50');
    env[name!] = value;
  }
  return env;
};
const temporalConfig = (v: string) => {
  try {
    return parseDynamicConfig(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const intList = (v: string) => v.split(',').map(int('concurrency'));
const oneOf =
  <T extends string | number>(name: string, allowed: readonly T[], parse: (v: string) => T) =>
  (v: string): T => {
    const value = parse(v);
    if (!allowed.includes(value)) throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}`);
    return value;
  };
const syncMode = oneOf('sqlite-sync', ['full', 'normal'] as const, (v) => v as 'full' | 'normal');
const stepCount = oneOf('steps', [1, 2] as const, (v) => Number(v) as 1 | 2);
const onOff = oneOf('inbound-log', ['on', 'off'] as const, (v) => v as 'on' | 'off');

const program = new Command('bench')
  .description(`Switchyard benchmarks: ${Object.keys(scenarios).join(', ')} (all when none is named)`)
  .argument('[scenario...]', 'scenarios to run')
  .option('--duration <s>', 'seconds per measured load phase', int('duration'), 20)
  .option('--ingress-concurrency <list>', 'ingress concurrency levels', intList, [10, 50])
  .option('--e2e-concurrency <n>', 'end-to-end sender concurrency', int('e2e-concurrency'), 50)
  .option('--rate <n>', 'webhooks/s in the end-to-end latency phase (default: half the measured sustained rate); ingress, ingress-floor: pace every phase at this rate (comparable CPU per request on a busy machine)', int('rate'))
  .option('--burst <n>', 'events in the end-to-end burst', int('burst'), 5000)
  .option('--runs <n>', 'runs per variant and round (overhead); ledger: 15 actions per run', int('runs'), 500)
  .option('--rounds <n>', 'alternating rounds (overhead)', int('rounds'), 2)
  .option('--start-concurrency <n>', 'concurrent direct workflow starts', int('start-concurrency'), 20)
  .option('--sink-latency <ms>', 'added latency of the sink (a slower vendor)', int('sink-latency'), 0)
  .option('--temporal-db <kind>', 'file (the embedded default: SQLite file) or memory (as the tests run)', 'file')
  .option('--sqlite-sync <mode>', 'full (fsync per commit, the default) or normal (fsync at checkpoints): SWITCHYARD_TEMPORAL_SQLITE_SYNC', syncMode, 'full')
  .option('--steps <n>', 'action steps of the e2e recipe after its condition: 1 or 2', stepCount, 2)
  .option('--sqlite-pragma <list>', 'comma list of PRAGMA=VALUE for the Temporal SQLite file (overrides the default)', (v: string) => v.split(',').filter(Boolean))
  .option('--temporal-config <list>', 'comma list of KEY=VALUE (JSON values) for the Temporal SQLite server\'s dynamic config, as SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG, e.g. history.transferProcessorMaxPollRPS=100', temporalConfig)
  .option('--inbound-log <on|off>', 'the inbound delivery log: on (default) or off (SWITCHYARD_INBOUND_LOG_RETENTION=off), to measure its cost on the ack path', onOff, 'on')
  .option('--sync-records <n>', 'contacts per direction in the sync backfill', int('sync-records'), 10_000)
  .option('--cpu-prof', 'write V8 CPU profiles of the engine processes to bench/results/profiles')
  .option('--node-flags <list>', 'comma list of node/V8 flags for the engine processes, after the Dockerfile\'s (a later flag wins), e.g. --max-semi-space-size=8', (v: string) => v.split(',').filter(Boolean))
  .option('--worker-node-flags <list>', 'comma list of node/V8 flags for the worker process only, after --node-flags (the API keeps its own), e.g. --max-old-space-size=192', (v: string) => v.split(',').filter(Boolean))
  .option('--engine-env <list>', 'comma list of NAME=VALUE for the engine processes, after the bench\'s own, e.g. SWITCHYARD_WORKER_CACHED_RUNS=50 (an empty value unsets)', engineEnv, {})
  .option('--smoke', 'a quick variant: 5 s phases, burst 300, 200 runs, 1 round, 500 sync records')
  .action(async (names: string[], flags: Record<string, unknown>) => {
    const unknown = names.filter((n) => !scenarios[n]);
    if (unknown.length) program.error(`unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}`);
    // --smoke lowers the defaults; flags given explicitly still win.
    const smoke = Boolean(flags.smoke);
    const pick = <T>(name: string, smokeValue: T): T => (smoke && program.getOptionValueSource(name) === 'default' ? smokeValue : (flags[name] as T));
    const o: BenchOptions = {
      duration: pick('duration', 5),
      ingressConcurrency: flags.ingressConcurrency as number[],
      e2eConcurrency: flags.e2eConcurrency as number,
      rate: flags.rate as number | undefined,
      burst: pick('burst', 300),
      runs: pick('runs', 200),
      rounds: pick('rounds', 1),
      startConcurrency: flags.startConcurrency as number,
      sinkLatencyMs: flags.sinkLatency as number,
      temporalDb: flags.temporalDb === 'memory' ? 'memory' : 'file',
      sqliteSync: flags.sqliteSync as BenchOptions['sqliteSync'],
      steps: flags.steps as BenchOptions['steps'],
      inboundLog: flags.inboundLog as BenchOptions['inboundLog'],
      syncRecords: pick('syncRecords', 500),
      sqlitePragmas: flags.sqlitePragma as string[] | undefined,
      temporalConfig: flags.temporalConfig as DynamicConfig | undefined,
      engineEnv: flags.engineEnv as Record<string, string>,
      workerNodeArgs: (flags.workerNodeFlags as string[] | undefined) ?? [],
      nodeArgs: [...(flags.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(repoRoot, 'bench/results/profiles')}`] : []), ...((flags.nodeFlags as string[] | undefined) ?? [])],
    };
    let failed = false;

    for (const name of names.length ? names : Object.keys(scenarios)) {
      const stack = await startStack(o);
      current = stack;
      try {
        const machine = machineFacts(stack.cliPath);
        console.log(`\n${name}: starting (load average ${machine.loadAverage.join(' ')})`);
        const result = await scenarios[name]!(stack, o);
        printTable(result);
        console.log(`  written to ${path.relative(process.cwd(), writeResult(result, variantName(name, o), machine, os.loadavg()))}`);
        console.log(`  summarised in ${path.relative(process.cwd(), writeResultsMarkdown())}`);
        if (!result.correct) failed = true;
      } catch (err) {
        console.error(`${name}: failed: ${(err as Error).stack ?? String(err)}`);
        failed = true;
      } finally {
        await stack.stop();
        current = undefined;
      }
    }
    process.exitCode = failed ? 1 : 0;
  });

/** A setting as part of a variant name: every run of characters other than letters and digits becomes one `-`. */
const slug = (text: string) => text.replace(/[^a-z0-9]+/gi, '-');

/** The scenario and the settings that change what it measures, e.g. `e2e-1-step-sync-normal`. */
function variantName(scenario: string, o: BenchOptions): string {
  const parts = [scenario];
  if (scenario === 'e2e' && o.steps === 1) parts.push('1-step');
  if (scenario === 'sync' && o.syncRecords !== 10_000) parts.push(`${o.syncRecords}-records`);
  if (o.temporalDb === 'memory') parts.push('memory');
  else if (o.sqlitePragmas) parts.push('custom-pragmas');
  else if (o.sqliteSync === 'normal') parts.push('sync-normal');
  if (o.temporalDb === 'file') for (const [key, value] of Object.entries(o.temporalConfig ?? {})) parts.push(slug(`${key}-${String(value)}`));
  if (o.sinkLatencyMs > 0) parts.push(`sink-${o.sinkLatencyMs}ms`);
  if (o.inboundLog === 'off') parts.push('inbound-log-off');
  if ((scenario === 'ingress' || scenario === 'ingress-floor') && o.rate) parts.push(`paced-${o.rate}`);
  const flags = o.nodeArgs.filter((a) => !a.startsWith('--cpu-prof'));
  if (flags.length > 0) parts.push(flags.map((f) => slug(f.replace(/^--/, ''))).join('-'));
  if (o.workerNodeArgs.length > 0) parts.push(['worker', ...o.workerNodeArgs.map((f) => slug(f.replace(/^--/, '')))].join('-'));
  for (const [name, value] of Object.entries(o.engineEnv)) parts.push(`${name.replace(/^SWITCHYARD_/, '').toLowerCase().replace(/_/g, '-')}-${value || 'unset'}`);
  return parts.join('-');
}

/** The stack of the running scenario, stopped on Ctrl-C so no process or port outlives the run. */
let current: Stack | undefined;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the engine processes`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

program.parseAsync().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
