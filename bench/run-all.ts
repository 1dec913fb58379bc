// Runs every benchmark under bench/ in turn (each in its own process, so they don't disturb each other).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const benches = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
let failed = 0;
for (const b of benches) {
  console.log(`\n=== ${b} ===`);
  const r = spawnSync(process.execPath, [runTs, `${dir}${b}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
