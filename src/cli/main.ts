// The `palisade` command.
import { Command } from 'commander';
import { registerAuditCommand } from './commands/audit.ts';
import { registerConfigCommand } from './commands/config.ts';
import { registerHuntCommand } from './commands/hunt.ts';
import { registerKeysCommand } from './commands/keys.ts';
import { registerMcpCommand } from './commands/mcp.ts';
import { registerPolicyCommand } from './commands/policy.ts';
import { registerEdmCommand } from './commands/edm.ts';
import { registerScanCommand } from './commands/scan.ts';
import { registerStartCommand } from './commands/start.ts';

// A closed pipe (`palisade policy list | head`) ends output quietly instead of crashing.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command('palisade')
  .description('Palisade: a self-hosted security gateway for AI')
  .version('0.1.0')
  .showHelpAfterError();

registerStartCommand(program);
registerConfigCommand(program);
registerKeysCommand(program);
registerPolicyCommand(program);
registerScanCommand(program);
registerEdmCommand(program);
registerAuditCommand(program);
registerHuntCommand(program);
registerMcpCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`palisade: ${(e as Error).message}`);
  process.exit(1);
});
