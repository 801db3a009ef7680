import { Command } from 'commander';
import { registerProcessCommands } from './process-commands';
import { registerRunsCommand } from './runs-command';

const program = new Command()
  .name('switchyard')
  .description('Self-hosted integrations engine on Temporal')
  .showHelpAfterError();

registerProcessCommands(program);
registerRunsCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`switchyard: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
