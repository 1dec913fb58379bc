// The floor for any proxy on this machine: a bare Node HTTP proxy (node:http in, undici out, no auth, no
// inspection, no audit) in front of the same upstream. The gateway benchmark reports Palisade against it too,
// so what the machine's loopback network costs a second hop is separated from what Palisade itself adds.
// Usage: run-ts.js bench/support/bare-proxy.ts UPSTREAM_PORT → prints {"port": N}.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = new Pool(`http://127.0.0.1:${process.argv[2] ?? ''}`, { connections: 64 });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    upstream
      .request({ path: req.url ?? '/', method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
      .then(async (r) => {
        res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
        for await (const chunk of r.body) res.write(chunk);
        res.end();
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
