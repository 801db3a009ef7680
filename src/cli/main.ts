import { Command } from 'commander';
import { actionCatalog } from '../../connectors/registry';
import { openConfiguredStore } from '../runtime/services';
import { loadConfigOrExit } from './load-config';
import { registerProcessCommands } from './process-commands';
import { registerRecipeCommands } from './recipe-commands';
import { registerRunsCommand } from './runs-command';
import { registerKeysCommand } from './keys-command';
import { registerTokensCommand } from './tokens-command';
import { registerConnectionsCommand } from './connections-command';
import { registerEventsAndIdentityCommands } from './api-client-commands';
import { registerWebhooksCommand } from './webhooks-command';

const program = new Command()
  .name('switchyard')
  .description('Self-hosted integrations engine on Temporal')
  .showHelpAfterError();

registerProcessCommands(program);
registerRunsCommand(program);
registerKeysCommand(program);
registerTokensCommand(program);
registerConnectionsCommand(program);
registerEventsAndIdentityCommands(program);
registerWebhooksCommand(program);
registerRecipeCommands(program, {
  catalog: () => actionCatalog,
  async openStore() {
    const store = await openConfiguredStore(loadConfigOrExit());
    const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
    return { recipes: store.recipes, connections, close: () => store.close() };
  },
});

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`switchyard: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
