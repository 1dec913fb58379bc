import type { Command } from 'commander';
import { loadConfigFile, type ConfigProblem } from '../../core/index.ts';
import { configPath, formatProblems } from '../load-config.ts';

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('configuration tools');
  config
    .command('check')
    .description('validate the configuration without starting (exit 0 when valid, 2 with every problem listed)')
    .option('-c, --config <file>', 'configuration file (default: ./palisade.yaml when present)')
    .action(async (opts: { config?: string }) => {
      const path = configPath(opts.config);
      const result = loadConfigFile(path, { env: process.env, cwd: process.cwd() });
      if (!result.ok) {
        console.error(formatProblems(path ?? 'embedded defaults', result.error));
        process.exitCode = 2;
        return;
      }
      const c = result.value;
      // Policies name detector types and categories: check them against what the engine registers.
      const { checkConfiguredPolicies, createConfiguredDetection } = await import('../../gateway/index.ts');
      let problems: ConfigProblem[];
      try {
        problems = checkConfiguredPolicies(c, createConfiguredDetection(c));
      } catch (e) {
        problems = [{ path: 'detection', message: (e as Error).message }];
      }
      if (problems.length > 0) {
        console.error(formatProblems(path ?? 'embedded defaults', problems));
        process.exitCode = 2;
        return;
      }
      console.log(
        `configuration OK (${c.source}): ${c.upstreams?.length ?? 0} upstream(s), ${c.models?.length ?? 0} model route(s), ` +
          `${c.auth.oidc.length} OIDC issuer(s), store ${c.state.driver}`,
      );
    });
}
