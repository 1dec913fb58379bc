// The `mcp` section of palisade.yaml: strict, secrets by reference, safe defaults.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/index.ts';

const opts = { env: { TOKEN: 'Bearer t', SECRET: 's' }, cwd: '/tmp' };

describe('mcp config', () => {
  it('has safe defaults: no servers, no policies (deny all), pinning on, poisoning quarantines', () => {
    const r = parseConfig({}, 'test', opts);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.mcp).toMatchObject({ servers: [], pinning: { trustOnFirstUse: true }, poisoning: { action: 'quarantine' }, approvals: { tools: [] } });
    expect(r.value.mcp.policies).toBeUndefined();
  });

  it('resolves secret references in stdio env and http headers', () => {
    const r = parseConfig(
      {
        mcp: {
          servers: [
            { name: 'a', transport: 'stdio', command: 'x', env: { API_KEY: '${env:SECRET}' } },
            { name: 'b', transport: 'http', url: 'https://mcp.example.com/mcp', headers: { authorization: '${env:TOKEN}' } },
          ],
        },
      },
      'test',
      opts,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const [a, b] = r.value.mcp.servers;
    expect(a?.transport === 'stdio' && a.env['API_KEY']?.reveal()).toBe('s');
    expect(b?.transport === 'http' && b.headers['authorization']?.reveal()).toBe('Bearer t');
    expect(JSON.stringify(r.value.mcp)).not.toContain('Bearer t');
  });

  it('lists every problem: inline secrets, unknown keys, bad names, duplicates, non-http URLs', () => {
    const r = parseConfig(
      {
        mcp: {
          servers: [
            { name: 'a', transport: 'stdio', command: 'x', env: { K: 'inline-secret' } },
            { name: 'a', transport: 'stdio', command: 'y' },
            { name: 'bad_name', transport: 'stdio', command: 'y' },
            { name: 'c', transport: 'http', url: 'ftp://x.example/' },
          ],
          surprise: true,
        },
      },
      'test',
      opts,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.error.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['mcp.servers.0.env.K', 'mcp.servers.2.name', 'mcp.servers.3.url', 'mcp']));
    expect(JSON.stringify(r.error)).not.toContain('inline-secret');
  });
});
