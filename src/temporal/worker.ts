import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { TemporalTarget } from './connection';
import { cachedWorkflowBundle, engineBundleRequest } from './workflow-bundle-cache';

export interface EngineWorkerOptions {
  connection: NativeConnection;
  target: TemporalTarget;
  activities: WorkerOptions['activities'];
  /** A prebuilt bundle (bundleWorkflowCode) saves the bundling step on start; tests reuse one. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Another workflows module with the same worker settings (the benchmark's hand-written baseline). */
  workflowsPath?: string;
  identity?: string;
  /**
   * SWITCHYARD_BUILD_ID; by default the SDK's `@temporalio/worker@<version>+<sha256 of the workflow bundle>`,
   * which changes exactly when workflow code does. Temporal records it on every run the worker
   * advances (search attribute BuildIds = `unversioned:<build id>`), so open runs touched by an old
   * build can be listed before its workers stop.
   */
  buildId?: string;
  /** How long shutdown waits for activities in flight before cancelling them (SWITCHYARD_WORKER_SHUTDOWN_GRACE). */
  shutdownGraceMs?: number;
  /** Runs kept in the sticky cache (SWITCHYARD_WORKER_CACHED_RUNS). */
  cachedRuns?: number;
  /** Activities run at once (SWITCHYARD_WORKER_CONCURRENT_CALLS). */
  concurrentCalls?: number;
  /** Told when the bundle built at start cannot be kept in the on-disk cache (workflow-bundle-cache.ts). */
  onBundleWriteError?: (err: unknown) => void;
}

/** The SDK's default number of workflow tasks processed at once; it may not exceed the cache. */
const sdkWorkflowTaskSlots = 40;

/** The worker that runs recipe interpreters and connector activities on the engine's task queue. */
export async function createEngineWorker(opts: EngineWorkerOptions): Promise<Worker> {
  const dataConverter = opts.target.dataConverter;
  const maxCachedWorkflows = opts.cachedRuns ?? 200;
  const workflowBundle =
    opts.workflowBundle ??
    (await cachedWorkflowBundle(engineBundleRequest(opts.workflowsPath, dataConverter), { onWriteError: opts.onBundleWriteError }));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.target.namespace,
    taskQueue: opts.target.taskQueue,
    workflowBundle,
    activities: opts.activities,
    // An explicit undefined would override the SDK's default identity and the native worker rejects it.
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.buildId ? { buildId: opts.buildId } : {}),
    dataConverter,
    // Connector calls are I/O bound: many may wait on vendors at once.
    maxConcurrentActivityTaskExecutions: opts.concurrentCalls ?? 100,
    // Runs kept in memory between their workflow tasks (an evicted one replays its history on its next
    // task). The SDK's default grows with the heap limit (~2 300 at Node's default); a bound keeps
    // the worker's heap small under a backlog (measured with `npm run bench -- e2e`: the same
    // throughput, see bench/README.md "Memory").
    maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: Math.min(sdkWorkflowTaskSlots, maxCachedWorkflows),
    // On shutdown, activities in flight finish (up to the grace) instead of being cancelled and
    // repeated on another worker: a deploy must not double a vendor call.
    shutdownGraceTime: opts.shutdownGraceMs ?? 0,
  });
}
