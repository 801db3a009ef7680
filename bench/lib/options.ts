import type { DynamicConfig } from '../../src/config/config';

/** Parameters every scenario reads; `npm run bench -- --help` lists the flags. */
export interface BenchOptions {
  /** Seconds per measured load phase. */
  duration: number;
  /** Ingress concurrency levels. */
  ingressConcurrency: number[];
  /** End-to-end sender concurrency (throughput and burst phases). */
  e2eConcurrency: number;
  /** Webhooks per second in the end-to-end latency phase (paced, below saturation); default half the sustained rate. */
  rate?: number;
  /** Events in the end-to-end burst. */
  burst: number;
  /** Runs per variant and round in the interpreter-overhead scenario. */
  runs: number;
  rounds: number;
  /** Concurrency of direct workflow starts (overhead, history). */
  startConcurrency: number;
  sinkLatencyMs: number;
  /** Extra node flags for the engine processes, e.g. ["--cpu-prof", "--cpu-prof-dir=…"]. */
  nodeArgs: string[];
  /** Extra node flags for the worker process only, after `nodeArgs`. */
  workerNodeArgs: string[];
  /** Extra environment for the engine processes (after the bench's own), e.g. { SWITCHYARD_WORKER_CACHED_RUNS: '50' }. */
  engineEnv: Record<string, string>;
  temporalDb: 'file' | 'memory';
  sqliteSync: 'full' | 'normal';
  sqlitePragmas?: string[];
  /** Dynamic config of the Temporal SQLite server (`--temporal-config`, as SWITCHYARD_TEMPORAL_DYNAMIC_CONFIG). */
  temporalConfig?: DynamicConfig;
  /** Action steps of the e2e recipe: 2 (condition + 2 calls) or 1 (condition + 1 call). */
  steps: 1 | 2;
  /** The inbound delivery log: `on` (the default, 7 days kept) or `off` (SWITCHYARD_INBOUND_LOG_RETENTION=off: nothing recorded). */
  inboundLog: 'on' | 'off';
  /** Contacts per direction in the sync backfill scenario. */
  syncRecords: number;
}
