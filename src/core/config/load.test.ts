import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './load.ts';

const opts = { env: {}, cwd: '/tmp' };

describe('configuration', () => {
  it('runs on embedded defaults with the mock backend', () => {
    const r = parseConfig({}, 'embedded defaults', opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.server).toMatchObject({ host: '127.0.0.1', port: 8080, bodyLimit: 4 * 1024 * 1024 });
    expect(r.value.upstreams?.map((u) => u.provider)).toEqual(['mock']);
    expect(r.value.models?.[0]?.match).toBe('palisade-mock');
    expect(r.value.home).toBe('/tmp/.palisade');
    expect(Object.isFrozen(r.value.server)).toBe(true);
  });

  it('lists every problem with its path, unknown keys included', () => {
    const r = parseConfig(
      {
        server: { port: 'eighty', colour: 'blue' },
        upstreams: [{ name: 'a', provider: 'azure-openai', credentials: { type: 'api-key', key: 'sk-inline-secret' } }],
        models: [{ match: 'gpt', backends: [{ upstream: 'nope' }] }],
      },
      'x.yaml',
      opts,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.error.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['server.port', 'server', 'upstreams.0.credentials.key']));
    expect(r.error.find((p) => p.path === 'server')?.message).toMatch(/colour/);
    expect(JSON.stringify(r.error)).not.toContain('sk-inline-secret');
  });

  it('resolves secret references and never prints them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-cfg-'));
    writeFileSync(join(dir, 'secret.txt'), 'from-file\n');
    const r = parseConfig(
      {
        upstreams: [
          { name: 'a', provider: 'openai', credentials: { type: 'api-key', key: '${env:OPENAI_KEY}' } },
          { name: 'b', provider: 'anthropic', credentials: { type: 'api-key', key: `\${file:${join(dir, 'secret.txt')}}` } },
        ],
      },
      'x.yaml',
      { env: { OPENAI_KEY: 'sk-test-123' }, cwd: dir },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const creds = r.value.upstreams?.map((u) => u.credentials);
    const first = creds?.[0];
    const second = creds?.[1];
    expect(first?.type === 'api-key' && first.key.reveal()).toBe('sk-test-123');
    expect(second?.type === 'api-key' && second.key.reveal()).toBe('from-file');
    expect(JSON.stringify(r.value)).not.toContain('sk-test-123');
    expect(String(first?.type === 'api-key' ? first.key : '')).toBe('[secret]');
  });

  it('reports a missing environment variable by path', () => {
    const r = parseConfig(
      { upstreams: [{ name: 'a', provider: 'openai', credentials: { type: 'api-key', key: '${env:MISSING}' } }] },
      'x.yaml',
      opts,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual([{ path: 'upstreams.0.credentials.key', message: 'environment variable MISSING is not set' }]);
  });

  it('takes PALISADE_PORT and PALISADE_HOME from the environment', () => {
    const r = parseConfig({}, 'd', { env: { PALISADE_PORT: '9090', PALISADE_HOME: '/var/lib/p' }, cwd: '/tmp' });
    expect(r.ok && r.value.server.port).toBe(9090);
    expect(r.ok && r.value.home).toBe('/var/lib/p');
    const bad = parseConfig({}, 'd', { env: { PALISADE_PORT: 'x' }, cwd: '/tmp' });
    expect(bad.ok).toBe(false);
  });

  it('reports YAML syntax errors with line and column, and unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'server:\n  port: [1,\n');
    const r = loadConfigFile('bad.yaml', { env: {}, cwd: dir });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]?.message).toMatch(/line \d+ column \d+/);
    const missing = loadConfigFile('nope.yaml', { env: {}, cwd: dir });
    expect(!missing.ok && missing.error[0]?.message).toMatch(/cannot read nope.yaml: ENOENT/);
  });

  it('parses sizes and durations', () => {
    const r = parseConfig({ server: { bodyLimit: '1MiB' }, resilience: { timeouts: { idle: '5s' } } }, 'x', opts);
    expect(r.ok && r.value.server.bodyLimit).toBe(1024 * 1024);
    expect(r.ok && r.value.resilience.timeouts.idle).toBe(5000);
  });
});
