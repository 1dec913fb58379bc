// npm run bench:safety — per-call latency of the content-safety detector at 200 B, 2 KB and 20 KB against a
// same-run baseline, and timing growth from 1 KB to 1 MB (bench/support/detector-bench.ts). Budget: 0.3 ms
// of CPU per 2 KB.
import { createValueHasher } from '../src/core/crypto.ts';
import type { ScanContext } from '../src/core/finding.ts';
import { createSafetyDetector, loadSafetyModel } from '../src/detect/safety/index.ts';
import { benchDetector } from './support/detector-bench.ts';

const load0 = process.hrtime.bigint();
const loaded = loadSafetyModel();
const loadMs = Number(process.hrtime.bigint() - load0) / 1e6;
if (!loaded.ok) {
  console.error(`bench:safety: ${loaded.error}`);
  process.exit(1);
}
const detector = createSafetyDetector({ model: loaded.value });
const ctx: ScanContext = { source: 'user', hashValue: createValueHasher(new Uint8Array(32)) };

const PARTS = [
  'Please summarise the quarterly report for the finance team and list the three biggest risks. ',
  'How do I kill a zombie process that keeps the port busy after the server crashed? ',
  'The function returns a promise; call await on it before reading the value, otherwise you get undefined. ',
  'They are vermin and should all be thrown out of the country. ',
  '| Region | Revenue | Growth |\n| EMEA | 1.2M | 4 % |\n| APAC | 0.9M | 7 % |\n',
  'What happened during the bombing of Hiroshima, and how do historians explain it? ',
];

benchDetector('bench:safety', loadMs, PARTS, (t) => detector.scan(t, ctx));
