// Shared by the detector benchmarks: per-call latency (p50 / p99 wall, mean CPU) at 200 B, 2 KB and 20 KB
// against a baseline measured in the same run (a plain lower-casing pass over the same text), and a
// timing-growth check from 1 KB to 1 MB (time per KB must stay flat: linear, no backtracking).
import os from 'node:os';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** Wall-clock percentiles per call, plus the mean CPU time per call (less sensitive to a busy machine). */
function measure(fn: (t: string) => unknown, texts: string[], iterations: number): { p50: number; p99: number; cpu: number } {
  for (let i = 0; i < Math.min(500, iterations); i++) fn(texts[i % texts.length] ?? '');
  const times: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const t = texts[i % texts.length] ?? '';
    const start = process.hrtime.bigint();
    fn(t);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cpu = process.cpuUsage(cpuStart);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), cpu: (cpu.user + cpu.system) / 1000 / iterations };
}

export function benchDetector(title: string, loadMs: number, parts: readonly string[], scan: (t: string) => unknown): void {
  const textOf = (bytes: number, salt: number): string => {
    let s = '';
    let i = salt;
    while (s.length < bytes) s += parts[i++ % parts.length];
    return s.slice(0, bytes);
  };
  const baseline = (t: string): number => t.toLowerCase().length;
  console.log(`${title} — one core, per call (ms); model loaded in ${loadMs.toFixed(1)} ms; load average ${os.loadavg()[0]?.toFixed(2)} (a shared machine: read the ratios)\n`);
  console.log('| input | p50 | p99 | mean CPU | baseline p50 (toLowerCase) | ratio p50/baseline |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, bytes, iterations] of [
    ['200 B', 200, 5000],
    ['2 KB', 2048, 3000],
    ['20 KB', 20_480, 400],
  ] as const) {
    const texts = Array.from({ length: 16 }, (_, i) => textOf(bytes, i));
    const m = measure(scan, texts, iterations);
    const b = measure(baseline, texts, iterations);
    console.log(`| ${label} | ${m.p50.toFixed(3)} | ${m.p99.toFixed(3)} | ${m.cpu.toFixed(3)} | ${b.p50.toFixed(4)} | ${(m.p50 / Math.max(b.p50, 1e-6)).toFixed(0)}× |`);
  }
  console.log('\ntiming growth (median of 5 runs; linear when µs per KB stays flat):\n');
  console.log('| input | ms | µs per KB |');
  console.log('|---|---|---|');
  const perKb: number[] = [];
  for (const kb of [1, 16, 128, 1024]) {
    const text = textOf(kb * 1024, 3);
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const start = process.hrtime.bigint();
      scan(text);
      runs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    runs.sort((a, b) => a - b);
    const ms = runs[2] ?? 0;
    perKb.push((ms * 1000) / kb);
    console.log(`| ${kb} KB | ${ms.toFixed(2)} | ${((ms * 1000) / kb).toFixed(1)} |`);
  }
  const growth = (perKb[perKb.length - 1] ?? 0) / Math.max(perKb[1] ?? 1, 1e-9);
  console.log(`\ngrowth 16 KB → 1 MB in µs/KB: ${growth.toFixed(2)}× (${growth < 3 ? 'linear' : 'SUPERLINEAR — investigate'})`);
}
