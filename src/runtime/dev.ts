import type { Config } from '../config/config';
import type { Logger } from '../logging';
import { connectClient, temporalTarget } from '../temporal/connection';
import type { DevServer } from '../temporal/dev-server';
import { startApi, type ApiHandle } from './api';
import { seedDemo, demoCurl } from './demo';
import { devSinkRoutes } from './dev-sink';
import { startEmbeddedTemporal } from './embedded-temporal';
import { ensureBootstrapToken } from '../http/api/bootstrap-token';
import { syncAllRecipeTriggers } from './sync-triggers';
import { runStartSettings } from '../engine/start-runs';
import { loadRecipeDirectory } from './load-recipes';
import { connectionSchemas } from '../sync/side-schemas';
import { registry } from '../../connectors/registry';
import { openConfiguredStore } from './services';
import { startWorker, type WorkerHandle } from './worker';
import type { Store } from '../store/store';
import type { Client } from '@temporalio/client';

/**
 * `switchyard dev` (what `npm start` runs): embedded Temporal unless TEMPORAL_ADDRESS is set,
 * then the worker and the API in this process, the example recipes, and a printed next step.
 */
export async function runDev(given: Config, logger: Logger, print: (line: string) => void = console.log): Promise<{ stop(): Promise<void> }> {
  // The demo recipe posts to this API's /dev/sink; outside `dev` the egress allow-list stays empty by default.
  const config: Config = given.SWITCHYARD_EGRESS_ALLOW.length ? given : { ...given, SWITCHYARD_EGRESS_ALLOW: ['127.0.0.1/32'] };
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((err) => logger.error({ err }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    let devServer: DevServer | undefined;
    if (config.embeddedTemporal) {
      devServer = await startEmbeddedTemporal(config, logger);
      stops.push(() => devServer!.stop());
    }
    const target = temporalTarget(config, devServer?.address);
    const store: Store = await openConfiguredStore(config);
    stops.push(() => store.close());
    const worker: WorkerHandle = await startWorker({ config, logger, store, target });
    stops.push(() => worker.shutdown());
    const client: Client = await connectClient(target);
    stops.push(() => client.connection.close());
    const api: ApiHandle = await startApi({ config, logger, store, client, extraRouters: [devSinkRoutes()] });
    stops.push(() => api.close());

    const demo = await seedDemo(store, api.url);
    const report = await loadRecipeDirectory(store, config.SWITCHYARD_RECIPES_DIR, connectionSchemas(registry, { egressAllow: config.SWITCHYARD_EGRESS_ALLOW, connections: store.connections }));
    api.plans.invalidate();
    // Schedule and poll recipes run from Temporal Schedules / pollers, kept in step with the store.
    await syncAllRecipeTriggers(store, client, config.TEMPORAL_TASK_QUEUE, [], runStartSettings(config));
    const adminToken = await ensureBootstrapToken(api.tokens, config);

    print('');
    print(`Switchyard is running.`);
    print(`  API          ${api.url}   (ready: ${api.url}/readyz)`);
    print(`  Temporal     ${target.address}${devServer?.uiUrl ? `   Web UI: ${devServer.uiUrl}` : ''}`);
    if (adminToken) print(`  Admin token  ${adminToken}   (shown once; API calls: Authorization: Bearer <token>)`);
    print(`  Recipes      ${report.loaded.length} loaded from ${config.SWITCHYARD_RECIPES_DIR}${report.skipped.length ? `, ${report.skipped.length} skipped:` : ''}`);
    for (const line of report.skipped) print(`               ${line}`);
    print('');
    print('Send a signed example webhook (Intercom-style) and watch the run it starts:');
    print('');
    print(demoCurl(api.url, demo));
    print('');
    print(`Then: SWITCHYARD_API_TOKEN=${adminToken ?? '<your token>'} npm run switchyard -- runs --recipe ${demo.recipeId}     (or open the Web UI)`);
    print('Ctrl-C stops everything.');
    return { stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
