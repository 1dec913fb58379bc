import type { Command } from 'commander';
import pino from 'pino';
import { POLICY_LOCATIONS, SYSTEM_CLOCK, type Config, type PolicyLocation, type Principal } from '../../core/index.ts';
import { createInspection } from '../../gateway/index.ts';
import { PolicyAdmin, testPolicies } from '../../gateway/policy-admin.ts';
import { ApiKeyService } from '../../identity/index.ts';
import { POLICY_TEMPLATES } from '../../policy/index.ts';
import { openConfiguredStateStore, type StateStore } from '../../store/index.ts';
import { loadCliConfig } from '../load-config.ts';
import { printTable } from './keys.ts';

async function withStore<T>(config: Config, fn: (store: StateStore, admin: PolicyAdmin) => Promise<T>): Promise<T> {
  const store = await openConfiguredStateStore(config);
  try {
    return await fn(store, new PolicyAdmin(config.policies, store.policies, () => Date.now()));
  } finally {
    await store.close();
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** `--as` names a Palisade key (by name, id or prefix); anything else is taken as a user name. */
async function principalFor(store: StateStore, as: string | undefined): Promise<Principal> {
  if (as === undefined) return { id: 'cli:tester', kind: 'user', name: 'tester', authMethod: 'api-key', roles: [], groups: [] };
  const secret = await store.settings.getOrCreateSecret('api-key-hash', 32);
  const keys = await new ApiKeyService(store.keys, secret, SYSTEM_CLOCK).list();
  const k = keys.find((r) => r.name === as || r.id === as || r.prefix === as);
  if (k !== undefined) {
    return { id: `key:${k.id}`, kind: k.roles.includes('agent') ? 'agent' : 'user', name: k.name, authMethod: 'api-key', roles: k.roles, groups: [], keyId: k.id, ...(k.models ? { allowedModels: k.models } : {}) };
  }
  return { id: `user:${as}`, kind: 'user', name: as, authMethod: 'jwt', roles: [], groups: [] };
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('data protection policies (palisade.yaml and the store)');
  const cfg = (c: Command) => c.option('-c, --config <file>', 'configuration file');

  cfg(policy.command('list').description('list the policies in force').option('--format <format>', 'table or json', 'table')).action(
    async (opts: { config?: string; format: string }) => {
      const config = loadCliConfig(opts.config);
      await withStore(config, async (_s, admin) => {
        const list = await admin.list();
        if (opts.format === 'json') return console.log(JSON.stringify(list.map((p) => ({ source: p.source, ...p.policy })), null, 2));
        printTable(
          ['NAME', 'MODE', 'PRIORITY', 'LOCATIONS', 'RULES', 'SOURCE'],
          list.map((p) => [p.policy.name, p.policy.mode, String(p.policy.priority), p.policy.locations.join(','), String(p.policy.rules.length), p.source]),
        );
      });
    },
  );

  cfg(policy.command('show').description('show one policy as JSON').argument('<name>')).action(async (name: string, opts: { config?: string }) => {
    const config = loadCliConfig(opts.config);
    await withStore(config, async (_s, admin) => {
      const p = await admin.get(name);
      if (p === undefined) fail(`no policy named "${name}"`);
      console.log(JSON.stringify({ source: p.source, ...p.policy }, null, 2));
    });
  });

  for (const [verb, mode, what] of [
    ['enable', 'enforce', 'enforce a stored policy'],
    ['disable', 'off', 'turn a stored policy off'],
    ['simulate', 'simulate', 'put a stored policy in simulation mode (record, change nothing)'],
  ] as const) {
    cfg(policy.command(verb).description(`${what}; a running gateway applies it within a second`).argument('<name>')).action(
      async (name: string, opts: { config?: string }) => {
        const config = loadCliConfig(opts.config);
        await withStore(config, async (_s, admin) => {
          const r = await admin.setMode(name, mode);
          if (!r.ok) fail(r.error.message);
          console.log(`policy "${name}" is now ${mode}`);
        });
      },
    );
  }

  cfg(policy.command('delete').description('delete a stored policy').argument('<name>')).action(async (name: string, opts: { config?: string }) => {
    const config = loadCliConfig(opts.config);
    await withStore(config, async (_s, admin) => {
      const r = await admin.remove(name);
      if (!r.ok) fail(r.error.message);
      console.log(`deleted policy "${name}"`);
    });
  });

  policy
    .command('templates')
    .description('list the one-click templates and what each would create')
    .option('--format <format>', 'table or json', 'table')
    .action((opts: { format: string }) => {
      const ts = POLICY_TEMPLATES;
      if (opts.format === 'json') return console.log(JSON.stringify(ts.map((t) => ({ id: t.id, title: t.title, description: t.description, creates: t.policy })), null, 2));
      for (const t of ts) {
        console.log(`${t.id}\n  ${t.title}: ${t.description}\n  creates "${t.policy.name}" (${t.policy.mode ?? 'enforce'}, ${(t.policy.locations ?? ['prompt', 'response']).join(', ')})\n`);
      }
    });

  cfg(
    policy
      .command('enable-template')
      .description('create the policy a template describes')
      .argument('<template>')
      .option('--simulate', 'create it in simulation mode'),
  ).action(async (id: string, opts: { config?: string; simulate?: boolean }) => {
    const config = loadCliConfig(opts.config);
    await withStore(config, async (_s, admin) => {
      const r = await admin.enableTemplate(id, { simulate: opts.simulate === true });
      if (!r.ok) fail(r.error.message);
      console.log(`created policy "${r.value.name}" (${r.value.mode})`);
    });
  });

  cfg(
    policy
      .command('test')
      .description('show exactly which rules match a text and what would happen')
      .requiredOption('--text <text>', 'the text to test')
      .option('--as <who>', 'a key name (its roles and scope apply) or a user name')
      .option('--location <location>', `one of ${POLICY_LOCATIONS.join(', ')}`, 'prompt')
      .option('--model <model>', 'the model the text is sent to')
      .option('--format <format>', 'text or json', 'text'),
  ).action(async (opts: { config?: string; text: string; as?: string; location: string; model?: string; format: string }) => {
    if (!(POLICY_LOCATIONS as readonly string[]).includes(opts.location)) fail(`--location must be one of ${POLICY_LOCATIONS.join(', ')}`);
    const config = loadCliConfig(opts.config);
    await withStore(config, async (store) => {
      const stack = await createInspection(config, store, SYSTEM_CLOCK, pino({ level: 'silent' }));
      try {
        const principal = await principalFor(store, opts.as);
        const result = testPolicies(stack.policies.current(), stack.detection, stack.catalog, opts.text, {
          principal,
          location: opts.location as PolicyLocation,
          ...(opts.model !== undefined ? { model: opts.model } : {}),
        });
        if (opts.format === 'json') return console.log(JSON.stringify(result, null, 2));
        console.log(`as ${principal.name} (${principal.kind}), location ${result.location}`);
        console.log(`findings: ${result.report.findings.length === 0 ? 'none' : ''}`);
        for (const f of result.report.findings) console.log(`  ${f.type.padEnd(24)} ${f.level.padEnd(6)} ${f.masked}  [${f.start}-${f.end}]`);
        console.log(`matched rules: ${result.decision.matches.length === 0 ? 'none' : ''}`);
        for (const m of result.decision.matches) console.log(`  ${m.policy} / ${m.rule}: ${m.action}${m.mode === 'simulate' ? ' (simulated)' : ''}`);
        console.log(`outcome: ${result.decision.outcome}${result.decision.simulatedOutcome !== result.decision.outcome ? ` (with simulated policies: ${result.decision.simulatedOutcome})` : ''}`);
        if (result.decision.tip !== undefined) console.log(`policy tip: ${result.decision.tip}`);
        if (result.output !== null && result.output !== opts.text) console.log(`would send: ${result.output}`);
      } finally {
        stack.policies.close();
      }
    });
  });
}
