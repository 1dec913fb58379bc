import type { Command } from 'commander';
import { startGateway } from '../../gateway/index.ts';
import { loadCliConfig } from '../load-config.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the gateway (embedded defaults when there is no palisade.yaml)')
    .option('-c, --config <file>', 'configuration file (default: ./palisade.yaml when present)')
    .action(async (opts: { config?: string }) => {
      const config = loadCliConfig(opts.config);
      const gateway = await startGateway(config);
      console.log(`Palisade listening on ${gateway.url} (config: ${config.source}, state: ${config.home}, store: ${config.state.driver})`);
      if (gateway.createdAdminKey !== undefined) {
        console.log('');
        console.log('An admin API key was created for this installation. It is shown once and never stored:');
        console.log('');
        console.log(`    ${gateway.createdAdminKey}`);
        console.log('');
        console.log(`Try it: curl ${gateway.url}/v1/chat/completions -H "Authorization: Bearer <key>" \\`);
        console.log(`          -H "Content-Type: application/json" -d '{"model":"palisade-mock","messages":[{"role":"user","content":"hello"}]}'`);
      }
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        console.log(`${signal}: closing`);
        gateway.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
