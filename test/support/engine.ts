import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import { parseConfig, type Config } from '../../src/config/config';
import { createLogger, type Logger } from '../../src/logging';
import { startApi, type ApiHandle } from '../../src/runtime/api';
import { openConfiguredStore } from '../../src/runtime/services';
import { startWorker, type WorkerHandle } from '../../src/runtime/worker';
import type { Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { routeTemporalLogs, testLogLevel } from './temporal-logs';

export interface TestEngine {
  config: Config;
  logger: Logger;
  store: Store;
  worker: WorkerHandle;
  client: Client;
  api: ApiHandle;
  stop(): Promise<void>;
}

export interface TestEngineOptions {
  /** Where the engine's log lines go (API, worker and the Temporal SDK's own); stdout by default. */
  logDestination?: DestinationStream;
}

/**
 * The engine's parts for a test that starts the worker or the API itself, later (after an outage, after
 * events are queued) or not at all: `startWorker()`/`startApi()` start them once; `stop()` closes whatever
 * was started, API first, then the worker, the client and the store.
 */
export interface TestEngineParts {
  config: Config;
  logger: Logger;
  store: Store;
  client: Client;
  worker: WorkerHandle | undefined;
  api: ApiHandle | undefined;
  startWorker(): Promise<WorkerHandle>;
  startApi(): Promise<ApiHandle>;
  stop(): Promise<void>;
}

/**
 * The engine's store and Temporal client on the shared dev server (its own task queue and data dir; `env`
 * overrides, e.g. TEMPORAL_ADDRESS for a test's own server), a logger at the tests' level, silent by default
 * (Temporal SDK logs included), loopback egress allowed (for vendor fakes). Worker and API start on demand.
 */
export async function startTestEngineParts(name: string, env: Record<string, string> = {}, options: TestEngineOptions = {}): Promise<TestEngineParts> {
  const config = parseConfig({
    PORT: '0',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `${name}-${randomUUID()}`,
    SWITCHYARD_DATA_DIR: mkdtempSync(path.join(tmpdir(), `switchyard-${name}-`)),
    SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
    LOG_LEVEL: testLogLevel(),
    ...env,
  });
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  routeTemporalLogs(logger, config.LOG_LEVEL);
  const store = await openConfiguredStore(config);
  const target = temporalTarget(config);
  const client = await connectClient(target);
  const parts: TestEngineParts = {
    config,
    logger,
    store,
    client,
    worker: undefined,
    api: undefined,
    async startWorker() {
      parts.worker ??= await startWorker({ config, logger, store, target });
      return parts.worker;
    },
    async startApi() {
      parts.api ??= await startApi({ config, logger, store, client });
      return parts.api;
    },
    async stop() {
      await parts.api?.close();
      await parts.worker?.shutdown();
      await client.connection.close();
      await store.close();
    },
  };
  return parts;
}

/**
 * The whole engine in-process (startTestEngineParts with the worker and the API started). `prepare` runs
 * on the store before the worker and API start.
 */
export async function startTestEngine(
  name: string,
  env: Record<string, string> = {},
  prepare?: (store: Store) => Promise<void>,
  options: TestEngineOptions = {},
): Promise<TestEngine> {
  const parts = await startTestEngineParts(name, env, options);
  await prepare?.(parts.store);
  const worker = await parts.startWorker();
  const api = await parts.startApi();
  return { config: parts.config, logger: parts.logger, store: parts.store, worker, client: parts.client, api, stop: () => parts.stop() };
}

/** A test's end: its workflow terminated (if it runs), the engine stopped, the vendor fakes closed. */
export async function stopEngineAndFakes(engine: TestEngine | undefined, workflowId: string, fakes: readonly { close(): Promise<void> }[]): Promise<void> {
  await engine?.client.workflow
    .getHandle(workflowId)
    .terminate('test over')
    .catch(() => undefined);
  await engine?.stop();
  await Promise.all(fakes.map((f) => f.close()));
}
