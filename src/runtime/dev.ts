import type { Config } from '../config/config';
import type { Logger } from '../logging';
import { connectClient, temporalTarget } from '../temporal/connection';
import type { DevServer } from '../temporal/dev-server';
import { startApi, type ApiHandle } from './api';
import { startEmbeddedTemporal } from './embedded-temporal';
import { ensureBootstrapToken } from '../http/api/bootstrap-token';
import { applyStoredRecipesAndSyncs } from './apply-stored';
import { runStartSettings } from '../engine/start-runs';
import { loadRecipeDirectory } from './load-recipes';
import { connectionSchemas } from '../sync/side-schemas';
import { registry } from '../../connectors/registry';
import { openConfiguredStore } from './services';
import { startWorker, type WorkerHandle } from './worker';
import type { Store } from '../store/store';
import type { Client } from '@temporalio/client';
import { startSandboxApps } from '../../sandbox/apps';
import { signedCurl } from '../../sandbox/intercom-events';
import { installSandboxConnections, sandboxPageRoutes, sandboxTestEvents, withSandboxEgress } from './sandbox';

/**
 * `switchyard dev` (what `npm start` runs): the sandbox apps (vendor fakes on loopback) and their
 * connections, embedded Temporal unless TEMPORAL_ADDRESS is set, then the worker and the API in
 * this process, the example recipes, and a printed next step. Nothing else starts sandbox apps.
 */
export async function runDev(given: Config, logger: Logger, print: (line: string) => void = console.log): Promise<{ stop(): Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((err) => logger.error({ err }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    const sandbox = await startSandboxApps();
    stops.push(() => sandbox.close());
    // Connectors may reach exactly the sandbox apps' loopback ports, besides what the operator allowed.
    const config = withSandboxEgress(given, sandbox);
    let devServer: DevServer | undefined;
    if (config.embeddedTemporal) {
      devServer = await startEmbeddedTemporal(config, logger);
      stops.push(() => devServer!.stop());
    }
    const target = temporalTarget(config, devServer?.address);
    const store: Store = await openConfiguredStore(config);
    stops.push(() => store.close());
    const installed = await installSandboxConnections(store.connections, sandbox);
    const worker: WorkerHandle = await startWorker({ config, logger, store, target });
    stops.push(() => worker.shutdown());
    const client: Client = await connectClient(target);
    stops.push(() => client.connection.close());
    let apiUrl = '';
    const api: ApiHandle = await startApi({ config, logger, store, client, extraRouters: [sandboxPageRoutes(sandbox)], testEvents: sandboxTestEvents(store.connections, () => apiUrl) });
    apiUrl = api.url;
    stops.push(() => api.close());

    const report = await loadRecipeDirectory(store, config.SWITCHYARD_RECIPES_DIR, connectionSchemas(registry, { egressAllow: config.SWITCHYARD_EGRESS_ALLOW, connections: store.connections }));
    api.plans.invalidate();
    // Schedule and poll recipes run from Temporal Schedules / pollers, kept in step with the store.
    await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE, [], runStartSettings(config));
    const adminToken = await ensureBootstrapToken(api.tokens, config);

    print('');
    print(`Switchyard is running.`);
    print(`  Console      ${api.url}/   (sign in with the admin token)`);
    print(`  API          ${api.url}   (ready: ${api.url}/readyz)`);
    print(`  Temporal     ${target.address}${devServer?.uiUrl ? `   Web UI: ${devServer.uiUrl}` : ''}`);
    if (adminToken) print(`  Admin token  ${adminToken}   (shown once; API calls: Authorization: Bearer <token>)`);
    print(`  Sandbox      ${api.url}/sandbox/   (Intercom, Jira, Slack, Mailchimp, Google Sheets: stand-ins running in this process)`);
    if (installed.installed.length) print(`               Sandbox connections: ${installed.installed.join(', ')}`);
    if (installed.kept.length) print(`               Kept your own connections (not sandboxed): ${installed.kept.join(', ')}`);
    print(`  Recipes      ${report.loaded.length} loaded from ${config.SWITCHYARD_RECIPES_DIR}`);
    if (report.waiting.length) {
      const apps = [...new Set(report.waiting.flatMap((w) => w.connections))];
      print(`               ${report.waiting.length} more wait for apps not connected yet (${apps.join(', ')}):`);
      print(`               install them in the console's App Store, then restart or \`switchyard recipe apply <file>\``);
    }
    if (report.skipped.length) print(`               ${report.skipped.length} skipped:`);
    for (const line of report.skipped) print(`                 ${line}`);
    print('');
    if (installed.intercomSecret) {
      print('Tag a conversation "urgent" in the sandbox Intercom: paste this signed webhook, then watch the Jira issue appear at');
      print(`${api.url}/sandbox/jira (and its run in the console):`);
      print('');
      print(signedCurl(`${api.url}/hooks/intercom-main`, installed.intercomSecret));
      print('');
      print(`Or send any sample event: POST ${api.url}/api/v1/connections/intercom-main/test-event {"topic": "conversation.user.created"}`);
    }
    print(`Runs: SWITCHYARD_API_TOKEN=${adminToken ?? '<your token>'} npm run switchyard -- runs --recipe urgent-to-jira     (or open the Web UI)`);
    print('Ctrl-C stops everything.');
    return { stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
