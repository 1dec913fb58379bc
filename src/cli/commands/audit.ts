// `palisade audit`: verify the hash chain and signed checkpoints, apply retention.
import type { Command } from 'commander';
import type { Config } from '../../core/index.ts';
import { applyRetention, loadCheckpointSigner, openAuditStore, verifyChain, type AuditStore } from '../../audit/index.ts';
import { loadCliConfig } from '../load-config.ts';

type Out = (s: string) => void;

async function withStore(config: Config, err: Out, fn: (s: AuditStore) => Promise<number>): Promise<number> {
  const store = await openAuditStore(config);
  if (!store.ok) {
    err(store.error);
    return 1;
  }
  try {
    return await fn(store.value);
  } finally {
    await store.value.close();
  }
}

function parseTime(flag: string, v: string | undefined, err: Out): number | undefined | null {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) {
    err(`${flag} must be an ISO date such as 2026-01-31 or 2026-01-31T10:00:00Z, got "${v}"`);
    return null;
  }
  return t;
}

/** Exit 0 when the chain is intact, 1 when tampering is found (or the store cannot be read), 2 on bad flags. */
export async function runVerify(config: Config, opts: { from?: string; to?: string; json?: boolean }, out: Out, err: Out): Promise<number> {
  const from = parseTime('--from', opts.from, err);
  const to = parseTime('--to', opts.to, err);
  if (from === null || to === null) return 2;
  const signer = loadCheckpointSigner(config);
  return withStore(config, err, async (store) => {
    const report = await verifyChain(store, signer, { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
    if (opts.json) {
      out(JSON.stringify(report, null, 2));
    } else if (report.ok) {
      out(`audit log intact: ${report.checked} records in ${report.streams} stream${report.streams === 1 ? '' : 's'}, ${report.checkpoints} signed checkpoints`);
    } else if (report.problem) {
      const p = report.problem;
      out(`TAMPERING DETECTED: ${p.kind} record in stream ${p.stream} at seq ${p.seq}${p.id !== undefined ? ` (id ${p.id})` : ''}: ${p.message}`);
      out(`(${report.checked} records checked before it)`);
    }
    return report.ok ? 0 : 1;
  });
}

export async function runRetention(config: Config, now: number, out: Out, err: Out): Promise<number> {
  const signer = loadCheckpointSigner(config);
  return withStore(config, err, async (store) => {
    const r = await applyRetention(store, signer, config.audit.retention, now);
    out(`retention: ${r.eventsDeleted} events and ${r.contentDeleted} content records deleted${r.streams.map((s) => `; ${s.stream} through seq ${s.throughSeq}`).join('')}`);
    return 0;
  });
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('check every record against the hash chain and the signed checkpoints; reports the first altered, inserted or deleted record')
    .option('--from <iso>', 'only records at or after this time')
    .option('--to <iso>', 'only records before this time')
    .option('--json', 'print the report as JSON')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { from?: string; to?: string; json?: boolean; config?: string }) => {
      const config = loadCliConfig(opts.config);
      process.exitCode = await runVerify(config, opts, (s) => console.log(s), (s) => console.error(s));
    });
  audit
    .command('retention')
    .description('delete events and captured content older than the configured retention (audit.retention)')
    .option('-c, --config <file>', 'configuration file')
    .action(async (opts: { config?: string }) => {
      const config = loadCliConfig(opts.config);
      process.exitCode = await runRetention(config, Date.now(), (s) => console.log(s), (s) => console.error(s));
    });
}
