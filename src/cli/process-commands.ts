import type { Command } from 'commander';
import type * as RuntimeLogger from '../temporal/runtime-logger';
import type * as DevRuntime from '../runtime/dev';
import type * as ApiRuntime from '../runtime/api';
import type * as WorkerRuntime from '../runtime/worker';

import { createLogger, type Logger } from '../logging';
import { openConfiguredStore } from '../runtime/services';
import { applyStoredRecipesAndSyncs } from '../runtime/apply-stored';
import { runStartSettings } from '../engine/start-runs';
import { connectClient, temporalTarget } from '../temporal/connection';
import { loadConfigOrExit } from './load-config';

/**
 * `dev`, `api`, `worker`: the long-running processes. Each loads only its own runtime (a `require`
 * inside the action): the API process never loads the worker, its native core or the bundler.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export function registerProcessCommands(program: Command): void {
  program
    .command('dev')
    .description('run everything in one process: embedded Temporal (unless TEMPORAL_ADDRESS is set), worker, API, example recipes')
    .action(async () => {
      const config = loadConfigOrExit();
      const logger = createLogger(config.LOG_LEVEL);
      const { installTemporalLogger } = require('../temporal/runtime-logger') as typeof RuntimeLogger;
      const { runDev } = require('../runtime/dev') as typeof DevRuntime;
      installTemporalLogger(logger, config.LOG_LEVEL);
      await runUntilSignal(logger, await runDev(config, logger));
    });

  program
    .command('api')
    .description('run the HTTP API (webhooks in, management API) against TEMPORAL_ADDRESS')
    .action(async () => {
      const { config, logger, store } = await startExternalProcess('api');
      const client = await connectClient(temporalTarget(config));
      const { startApi } = require('../runtime/api') as typeof ApiRuntime;
      const api = await startApi({ config, logger, store, client });
      await api.namespaceReady;
      await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE, [], runStartSettings(config));
      logger.info({ url: api.url }, 'switchyard api listening');
      await runUntilSignal(logger, {
        stop: async () => {
          await api.close();
          await client.connection.close();
          await store.close();
        },
      });
    });

  program
    .command('worker')
    .description('run a worker (recipe interpreter + connector activities) against TEMPORAL_ADDRESS')
    .action(async () => {
      const { config, logger, store } = await startExternalProcess('worker');
      const { installTemporalLogger } = require('../temporal/runtime-logger') as typeof RuntimeLogger;
      const { startWorker } = require('../runtime/worker') as typeof WorkerRuntime;
      installTemporalLogger(logger, config.LOG_LEVEL);
      const worker = await startWorker({ config, logger, store, target: temporalTarget(config) });
      logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, buildId: worker.buildId }, 'switchyard worker polling');
      await runUntilSignal(logger, {
        ended: worker.running,
        stop: async () => {
          await worker.shutdown();
          await store.close();
        },
      });
    });
}

/** `api` and `worker` run against an external Temporal and a migrated store: their config, logger and store. */
async function startExternalProcess(command: string) {
  const config = loadConfigOrExit();
  if (config.embeddedTemporal) {
    console.error(`switchyard: TEMPORAL_ADDRESS: required for \`switchyard ${command}\` (the embedded server runs only with \`switchyard dev\`)`);
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openConfiguredStore(config, 'verify');
  return { config, logger, store };
}

/** Runs until the first SIGINT/SIGTERM (or until the process ends by itself), then stops it. */
async function runUntilSignal(logger: Logger, running: { stop(): Promise<void>; ended?: Promise<unknown> }): Promise<void> {
  await Promise.race([untilSignal(logger), ...(running.ended ? [running.ended] : [])]);
  await running.stop();
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
function untilSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
