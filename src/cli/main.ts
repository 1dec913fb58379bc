// The `palisade` command.
import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerStartCommand } from './commands/start.ts';

const program = new Command('palisade')
  .description('Palisade: a self-hosted security gateway for AI')
  .version('0.1.0')
  .showHelpAfterError();

registerStartCommand(program);
registerConfigCommand(program);
registerKeysCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`palisade: ${(e as Error).message}`);
  process.exit(1);
});
