import { Command } from 'commander';
import { actionCatalog, registry } from '../../connectors/registry';
import { connectionSchemas } from '../sync/side-schemas';
import { openConfiguredStore } from '../runtime/services';
import { applyStoredRecipesAndSyncs } from '../runtime/apply-stored';
import { runStartSettings } from '../engine/start-runs';
import { connectClient, temporalTarget } from '../temporal/connection';
import { loadConfigOrExit } from './load-config';
import { registerProcessCommands } from './process-commands';
import { registerRecipeCommands } from './local/recipe-command';
import { registerKeysCommand } from './local/keys-command';
import { registerConnectorsCommand } from './local/connectors-command';
import { registerRunsCommand } from './remote/runs-command';
import { registerRunsRetry } from './remote/runs-retry-command';
import { registerRecipesCommand } from './remote/recipes-command';
import { registerSyncCommand } from './remote/syncs-command';
import { registerTokensCommand } from './remote/tokens-command';
import { registerConnectionsCommand } from './remote/connections-command';
import { registerEventsAndIdentityCommands } from './remote/events-command';
import { registerWebhooksCommand } from './remote/webhooks-command';
import { registerLogsCommand } from './remote/logs-command';
import { registerSetupCommands } from './local/setup-command';

const program = new Command()
  .name('switchyard')
  .description('Self-hosted integrations engine on Temporal')
  .showHelpAfterError();

registerProcessCommands(program);
registerSetupCommands(program);
registerRunsRetry(registerRunsCommand(program));
registerRecipesCommand(program);
registerSyncCommand(program);
registerKeysCommand(program);
registerTokensCommand(program);
registerConnectionsCommand(program);
registerEventsAndIdentityCommands(program);
registerWebhooksCommand(program);
registerLogsCommand(program);
registerConnectorsCommand(program);
registerRecipeCommands(program, {
  catalog: () => actionCatalog,
  async openStore() {
    const config = loadConfigOrExit();
    const store = await openConfiguredStore(config);
    const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
    const schemas = connectionSchemas(registry, { egressAllow: config.SWITCHYARD_EGRESS_ALLOW, connections: store.connections });
    return { recipes: store.recipes, connections, syncs: store.syncs, schemas, close: () => store.close() };
  },
  async afterApply(removed) {
    const config = loadConfigOrExit();
    const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
    const store = await openConfiguredStore(config);
    try {
      const client = await connectClient(temporalTarget({ ...config, TEMPORAL_ADDRESS: address }));
      const syncs = await applyStoredRecipesAndSyncs(store, client, config.TEMPORAL_TASK_QUEUE, removed, runStartSettings(config));
      for (const [id, outcome] of syncs) if (outcome === 'started' || outcome === 'cancelled') console.log(`  sync ${id}: workflow ${outcome}`);
      await client.connection.close();
    } catch (err) {
      console.error(`switchyard: recipes stored, but schedules/pollers/sync workflows not synced (Temporal at ${address}: ${(err as Error).message}); they sync at the next start`);
    } finally {
      await store.close();
    }
  },
});

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`switchyard: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
