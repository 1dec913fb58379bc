import type { Command } from 'commander';
import { SYSTEM_CLOCK, duration, type Config } from '../../core/index.ts';
import { ApiKeyService } from '../../identity/index.ts';
import { openConfiguredStateStore, type StateStore } from '../../store/index.ts';
import { loadCliConfig } from '../load-config.ts';

async function withKeys<T>(config: Config, fn: (keys: ApiKeyService, store: StateStore) => Promise<T>): Promise<T> {
  const store = await openConfiguredStateStore(config);
  try {
    const secret = await store.settings.getOrCreateSecret('api-key-hash', 32);
    return await fn(new ApiKeyService(store.keys, secret, SYSTEM_CLOCK), store);
  } finally {
    await store.close();
  }
}

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Palisade API keys (stored as keyed hashes; the key is shown once)');
  keys
    .command('create')
    .description('create a key; the key itself is printed on the last line')
    .requiredOption('--name <name>', 'a name for the key')
    .option('--role <role>', 'a role (repeat or comma-separate): admin, agent, auditor, …', list)
    .option('--models <models>', 'models the key may use, comma-separated (globs allowed); default all', list)
    .option('--owner <owner>', 'the person or team responsible for the key')
    .option('--expires <duration>', 'lifetime such as 30d, 12h')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { name: string; role?: string[]; models?: string[]; owner?: string; expires?: string; config?: string }) => {
      let expiresInMs: number | undefined;
      if (opts.expires !== undefined) {
        const d = duration.safeParse(opts.expires);
        if (!d.success || d.data <= 0) fail(`--expires: expected a duration such as 30d or 12h, got "${opts.expires}"`);
        expiresInMs = d.data;
      }
      const config = loadCliConfig(opts.config);
      await withKeys(config, async (svc) => {
        const { record, key } = await svc.create({
          name: opts.name,
          ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
          ...(opts.role !== undefined ? { roles: opts.role } : {}),
          ...(opts.models !== undefined ? { models: opts.models } : {}),
          ...(expiresInMs !== undefined ? { expiresInMs } : {}),
        });
        console.log(`created key ${record.id} "${record.name}" (prefix ${record.prefix}${record.expiresAt ? `, expires ${new Date(record.expiresAt).toISOString()}` : ''})`);
        console.log('store it now: it is shown once and cannot be recovered');
        console.log(key);
      });
    });
  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--format <format>', 'table or json', 'table')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { format: string; config?: string }) => {
      const config = loadCliConfig(opts.config);
      await withKeys(config, async (svc) => {
        const records = await svc.list();
        if (opts.format === 'json') {
          console.log(JSON.stringify(records.map(({ hash: _hash, ...r }) => r), null, 2));
          return;
        }
        const now = Date.now();
        const rows = records.map((r) => [
          r.id,
          r.name,
          r.prefix + '…',
          r.roles.join(',') || '-',
          r.models?.join(',') ?? '*',
          r.revokedAt !== undefined ? 'revoked' : r.expiresAt !== undefined && r.expiresAt <= now ? 'expired' : 'active',
          r.expiresAt !== undefined ? new Date(r.expiresAt).toISOString() : '-',
        ]);
        printTable(['ID', 'NAME', 'PREFIX', 'ROLES', 'MODELS', 'STATUS', 'EXPIRES'], rows);
      });
    });
  keys
    .command('revoke')
    .description('revoke a key by id, name or prefix; a running gateway refuses it within a second')
    .argument('<key>', 'id, name or prefix')
    .option('-c, --config <file>', 'configuration file')
    .action(async (ref: string, opts: { config?: string }) => {
      const config = loadCliConfig(opts.config);
      const n = await withKeys(config, (svc) => svc.revoke(ref));
      if (n === 0) fail(`no active key matches "${ref}"`);
      console.log(`revoked ${n} key${n === 1 ? '' : 's'}`);
    });
}

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
