import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities, createSyncActivities } from '../../activities';
import { createLogger } from '../../src/logging';
import { compileSync } from '../../src/recipe/sync-compile';
import { storeConnectionResolver } from '../../src/runtime/connection-resolver';
import type { Store } from '../../src/store/store';
import { syncWorkflowId } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import { openTestStore } from './stores';
import { connectToDevServer, createTestWorker } from './temporal';
import { seedVendorConnections, type VendorConnections } from './vendor-connections';

/** What a sync engine test runs on: a SQLite store holding the vendors' connections and the applied sync, the dev server, a worker with the sync activities. */
export interface SyncHarness {
  store: Store;
  env: TestWorkflowEnvironment;
  worker: Worker;
  /** The compiled sync, its safety poll set to the test's. */
  plan: SyncPlan;
  /** Stops the worker (a deploy, a crash), runs `meanwhile` with no worker polling, then starts a new one on the same task queue. */
  restartWorker(meanwhile: () => Promise<void>): Promise<void>;
  /** Terminates the sync's workflow, stops the worker, the server connection and the store (the fakes are the test's). */
  close(): Promise<void>;
}

export async function startSyncHarness(vendors: VendorConnections, source: Record<string, unknown>, pollMs: number): Promise<SyncHarness> {
  const store = await openTestStore(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-sync-')), 'store.db')}`);
  const connections = await seedVendorConnections(store, vendors);
  const compiled = compileSync(source, { connections });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  const plan: SyncPlan = { ...compiled.plan, pollMs };
  await store.syncs.apply(source, plan);
  const env = await connectToDevServer();
  const deps = { connections: storeConnectionResolver(store, createLogger('silent')), egressAllow: ['127.0.0.1/32'] };
  const activities = { ...createActivities(deps), ...createSyncActivities({ ...deps, syncs: store.syncs }) };
  const worker = await createTestWorker(env, { activities });
  let current = { worker, running: worker.run() };
  return {
    store,
    env,
    worker,
    plan,
    async restartWorker(meanwhile) {
      current.worker.shutdown();
      await current.running.catch(() => undefined);
      await meanwhile();
      const next = await createTestWorker(env, { activities, taskQueue: worker.options.taskQueue });
      current = { worker: next, running: next.run() };
    },
    async close() {
      await env.client.workflow
        .getHandle(syncWorkflowId(plan.syncId))
        .terminate('test over')
        .catch(() => undefined);
      current.worker.shutdown();
      await current.running.catch(() => undefined);
      await env.teardown();
      await store.close();
    },
  };
}

/** A sync engine test's afterAll: the harness (when its start got that far), then the test's vendor fakes. */
export async function closeSyncHarness(harness: SyncHarness | undefined, fakes: readonly { close(): Promise<void> }[]): Promise<void> {
  await harness?.close();
  await Promise.all(fakes.map((f) => f.close()));
}
