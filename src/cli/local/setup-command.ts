import type { Command } from 'commander';
import type { Config } from '../../config/config';
import { migrateStore } from '../../store/store';
import { connectClient, temporalTarget } from '../../temporal/connection';
import { prepareNamespace } from '../../temporal/namespace-setup';
import { loadConfigOrExit } from '../load-config';

/** `setup` (namespace + store, idempotent) and `migrate` (store only), the operator's steps before `api` and `worker`. */
export function registerSetupCommands(program: Command, print: (line: string) => void = console.log): void {
  program
    .command('setup')
    .description("prepare a Temporal namespace (check it exists, create the engine's search attributes) and migrate the store; safe to repeat")
    .action(async () => {
      const config = loadConfigOrExit();
      const temporalReady = await setupTemporal(config, print);
      await migrate(config, print);
      if (!temporalReady) process.exitCode = 1;
    });

  program
    .command('migrate')
    .description('apply pending store migrations (`setup` does this too); refuses a store newer than this release')
    .action(async () => {
      await migrate(loadConfigOrExit(), print);
    });
}

async function setupTemporal(config: Config, print: (line: string) => void): Promise<boolean> {
  if (config.embeddedTemporal) {
    print('temporal: TEMPORAL_ADDRESS is not set; the embedded dev server (`switchyard dev`) registers the search attributes itself');
    return true;
  }
  const target = temporalTarget(config);
  const client = await connectClient(target);
  try {
    return await prepareNamespace(client.connection, target.namespace, print);
  } finally {
    await client.connection.close();
  }
}

async function migrate(config: Config, print: (line: string) => void): Promise<void> {
  const { dialect, migrated, applied } = await migrateStore(config.databaseUrl);
  const where = dialect === 'postgres' ? 'PostgreSQL' : 'SQLite';
  print(migrated.length ? `store (${where}): applied ${migrated.join(', ')}` : `store (${where}): schema up to date (${applied.at(-1) ?? 'no migrations'})`);
}
