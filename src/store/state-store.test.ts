// One suite, every backend (Kysely's dialect loop is the model): a fresh SQLite folder and a unique
// Postgres schema per backend run, removed afterwards.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyService, hashApiKey, type KeyRecord } from '../identity/index.ts';
import type { Clock } from '../core/index.ts';
import { openStateStore, type OpenStateStoreOptions, type StateStore } from './index.ts';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Backend {
  /** Opens the same database again: another process, as far as the store can tell. */
  readonly options: OpenStateStoreOptions;
  dispose(): Promise<void>;
}

function sqliteBackend(): Backend {
  const root = mkdtempSync(join(tmpdir(), 'palisade-store-'));
  return {
    options: { driver: 'sqlite', home: join(root, 'home') },
    dispose: () => {
      rmSync(root, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function postgresBackend(): Backend {
  const schema = `palisade_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    options: { driver: 'postgres', home: tmpdir(), postgresUrl: POSTGRES_URL, schema },
    async dispose() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

const BACKENDS = [
  { name: 'sqlite', make: sqliteBackend },
  { name: 'postgres', make: postgresBackend },
] as const;

class ManualClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

async function eventually(check: () => boolean | Promise<boolean>, deadlineMs = 1_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > deadlineMs) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}

function record(overrides: Partial<KeyRecord> & { id: string; hash: string }): KeyRecord {
  return { name: 'k', prefix: 'pal_abcdefgh', roles: [], createdAt: 1_700_000_000_000, ...overrides };
}

describe.each(BACKENDS)('state store on $name', ({ make }) => {
  let backend: Backend;
  const open: StateStore[] = [];
  const services: ApiKeyService[] = [];

  async function openStore(): Promise<StateStore> {
    const store = await openStateStore(backend.options);
    open.push(store);
    return store;
  }

  beforeAll(() => {
    backend = make();
  });
  afterEach(async () => {
    for (const s of services.splice(0)) s.close();
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('stores policies, replaces them by name, removes them, and bumps the revision', async () => {
    const store = await openStore();
    const r0 = await store.policies.revision();
    await store.policies.put('block-cards', { name: 'block-cards', rules: [] }, 1000);
    await store.policies.put('audit-all', { name: 'audit-all', mode: 'simulate' }, 1001);
    await store.policies.put('block-cards', { name: 'block-cards', mode: 'off' }, 1002);
    const listed = await store.policies.list();
    expect(listed.map((p) => p.name)).toEqual(['audit-all', 'block-cards']);
    expect(listed[1]).toEqual({ name: 'block-cards', definition: { name: 'block-cards', mode: 'off' }, updatedAt: 1002 });
    expect(await store.policies.revision()).toBe(r0 + 3);
    expect(await store.policies.remove('audit-all')).toBe(true);
    expect(await store.policies.remove('audit-all')).toBe(false);
    expect((await store.policies.list()).map((p) => p.name)).toEqual(['block-cards']);
  });

  it('opens, migrates idempotently, and answers ping until closed', async () => {
    const a = await openStore();
    expect(await a.ping()).toBe(true);
    const b = await openStore(); // migrations already applied: a no-op
    expect(await b.ping()).toBe(true);
    await a.close();
    expect(await a.ping()).toBe(false);
    await a.close(); // closing twice is harmless
  });

  it('survives two processes opening a fresh database at the same moment', async () => {
    const fresh = make();
    try {
      const stores = await Promise.all([openStateStore(fresh.options), openStateStore(fresh.options), openStateStore(fresh.options)]);
      for (const s of stores) expect(await s.ping()).toBe(true);
      await stores[0].keys.insertKey(record({ id: 'key_race', hash: 'h-race' }));
      expect((await stores[1].keys.findKeyByHash('h-race'))?.id).toBe('key_race');
      for (const s of stores) await s.close();
    } finally {
      await fresh.dispose();
    }
  });

  it('stores, finds, lists and revokes keys, bumping the revision each time', async () => {
    const store = await openStore();
    const r0 = await store.keys.revision();
    const full = record({
      id: 'key_full',
      hash: 'h-full',
      name: 'ci-bot',
      prefix: 'pal_FuLLkey1',
      owner: 'team-a',
      roles: ['agent', 'reader'],
      models: ['gpt-5*'],
      createdAt: 1_800_000_000_123,
      expiresAt: 1_900_000_000_456,
    });
    await store.keys.insertKey(full);
    await store.keys.insertKey(record({ id: 'key_min', hash: 'h-min', name: 'ci-bot-2', prefix: 'pal_MinKey12' }));
    expect(await store.keys.revision()).toBe(r0 + 2);
    expect(await store.keys.findKeyByHash('h-full')).toEqual(full);
    expect(await store.keys.findKeyByHash('h-nope')).toBeUndefined();
    const min = await store.keys.findKeyByHash('h-min');
    expect(min).toEqual(record({ id: 'key_min', hash: 'h-min', name: 'ci-bot-2', prefix: 'pal_MinKey12' }));
    expect(min && 'owner' in min).toBe(false);
    expect((await store.keys.listKeys()).map((k) => k.id)).toEqual(expect.arrayContaining(['key_full', 'key_min']));

    expect(await store.keys.revokeKey('pal_FuLLkey1', 1_850_000_000_000)).toBe(1);
    expect((await store.keys.findKeyByHash('h-full'))?.revokedAt).toBe(1_850_000_000_000);
    expect(await store.keys.revokeKey('key_full', 1_860_000_000_000)).toBe(0); // already revoked
    expect((await store.keys.findKeyByHash('h-full'))?.revokedAt).toBe(1_850_000_000_000);
    expect(await store.keys.revokeKey('ci-bot-2', 1_850_000_000_000)).toBe(1); // by name
    expect(await store.keys.revokeKey("' or 1=1 --", 1)).toBe(0);
    expect(await store.keys.revision()).toBeGreaterThan(r0 + 2);
  });

  it('rejects a second key with the same hash', async () => {
    const store = await openStore();
    await store.keys.insertKey(record({ id: 'key_dup1', hash: 'h-dup' }));
    await expect(store.keys.insertKey(record({ id: 'key_dup2', hash: 'h-dup' }))).rejects.toThrow();
  });

  it('creates an installation secret once, and racing creators agree on it', async () => {
    const a = await openStore();
    const b = await openStore();
    const name = `secret-${randomBytes(4).toString('hex')}`;
    const results = await Promise.all([
      a.settings.getOrCreateSecret(name, 32),
      b.settings.getOrCreateSecret(name, 32),
      a.settings.getOrCreateSecret(name, 32),
      b.settings.getOrCreateSecret(name, 32),
    ]);
    expect(results[0].length).toBe(32);
    for (const r of results) expect(r.equals(results[0])).toBe(true);
    const other = await a.settings.getOrCreateSecret(`${name}-other`, 32);
    expect(other.equals(results[0])).toBe(false);
    await expect(a.settings.getOrCreateSecret('tiny', 4)).rejects.toThrow(RangeError);
  });

  it('ApiKeyService: create, authenticate, expire, revoke; only the hash is stored', async () => {
    const store = await openStore();
    const secret = await store.settings.getOrCreateSecret('api-key-hmac', 32);
    const clock = new ManualClock(1_700_000_000_000);
    const svc = new ApiKeyService(store.keys, secret, clock);
    services.push(svc);
    await svc.start();

    const { record: rec, key } = await svc.create({ name: 'alice', owner: 'alice@example.com', roles: ['user'], models: ['gpt-4o'], expiresInMs: 60_000 });
    expect(key).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(rec.prefix).toBe(key.slice(0, 12));
    expect(rec.hash).toBe(hashApiKey(secret, key));
    const stored = await store.keys.findKeyByHash(rec.hash);
    expect(JSON.stringify(stored)).not.toContain(key.slice(12));

    const auth = svc.authenticate(key);
    expect(auth).toEqual({
      ok: true,
      value: { id: `key:${rec.id}`, kind: 'user', name: 'alice', authMethod: 'api-key', roles: ['user'], groups: [], allowedModels: ['gpt-4o'], keyId: rec.id },
    });

    const wrong = svc.authenticate(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`);
    expect(wrong).toEqual({ ok: false, error: { code: 'invalid_api_key', message: 'Invalid API key' } });
    expect(svc.authenticate('').ok).toBe(false);
    expect(svc.authenticate('Bearer ' + key).ok).toBe(false);

    clock.t += 60_000;
    expect(svc.authenticate(key)).toEqual({ ok: false, error: { code: 'invalid_api_key', message: 'API key expired' } });

    const agent = await svc.create({ name: 'bot', roles: ['agent'] });
    const agentAuth = svc.authenticate(agent.key);
    expect(agentAuth.ok && agentAuth.value.kind).toBe('agent');
    expect(agentAuth.ok && 'allowedModels' in agentAuth.value).toBe(false);
    expect(await svc.revoke(agent.record.prefix)).toBe(1);
    expect(svc.authenticate(agent.key)).toEqual({ ok: false, error: { code: 'invalid_api_key', message: 'API key revoked' } });
    expect((await svc.list()).map((k) => k.name)).toEqual(expect.arrayContaining(['alice', 'bot']));
  });

  it('ApiKeyService: keys made with another installation secret do not authenticate', async () => {
    const store = await openStore();
    const a = new ApiKeyService(store.keys, Buffer.alloc(32, 1), new ManualClock(0));
    const b = new ApiKeyService(store.keys, Buffer.alloc(32, 2), new ManualClock(0));
    services.push(a, b);
    await a.start();
    const { key } = await a.create({ name: 'x' });
    await b.start();
    expect(a.authenticate(key).ok).toBe(true);
    expect(b.authenticate(key).ok).toBe(false);
  });

  it('ApiKeyService: another process sees a created key and a revocation within a second', async () => {
    const storeA = await openStore();
    const storeB = await openStore(); // a second connection / file handle, as the CLI would have
    const secret = await storeA.settings.getOrCreateSecret('api-key-hmac', 32);
    expect((await storeB.settings.getOrCreateSecret('api-key-hmac', 32)).equals(secret)).toBe(true);
    const server = new ApiKeyService(storeA.keys, secret, new ManualClock(Date.now()));
    const cli = new ApiKeyService(storeB.keys, secret, new ManualClock(Date.now()));
    services.push(server, cli);
    await server.start();

    const { key } = await cli.create({ name: 'from-cli' });
    expect(server.authenticate(key).ok).toBe(false); // not yet polled: no DB on the hot path
    await eventually(() => server.authenticate(key).ok);

    expect(await cli.revoke('from-cli')).toBe(1);
    await eventually(() => {
      const r = server.authenticate(key);
      return !r.ok && r.error.message === 'API key revoked';
    });
  });

  it('ensureAdminKey creates an admin key once', async () => {
    const fresh = make();
    try {
      const store = await openStateStore(fresh.options);
      const svc = new ApiKeyService(store.keys, Buffer.alloc(32, 7), new ManualClock(0));
      await svc.start();
      const first = await svc.ensureAdminKey();
      expect(first).toMatch(/^pal_/);
      const auth = svc.authenticate(first ?? '');
      expect(auth.ok && auth.value.roles).toEqual(['admin']);
      expect(await svc.ensureAdminKey()).toBeUndefined();
      await svc.revoke('admin');
      expect(await svc.ensureAdminKey()).toBeUndefined();
      svc.close();
      await store.close();
    } finally {
      await fresh.dispose();
    }
  });
});

describe('postgres specifics', () => {
  // Replicas share Postgres; on SQLite a second *process* would wait on busy_timeout, but several
  // stores on one file inside a single process cannot stand in for that (see sqlite/open.ts).
  it('ensureAdminKey: replicas starting together create exactly one admin key', async () => {
    const fresh = postgresBackend();
    try {
      const stores = await Promise.all([openStateStore(fresh.options), openStateStore(fresh.options), openStateStore(fresh.options)]);
      const secret = await stores[0].settings.getOrCreateSecret('api-key-hmac', 32);
      const replicas = stores.map((s) => new ApiKeyService(s.keys, secret, new ManualClock(0)));
      const created = await Promise.all(replicas.map((r) => r.ensureAdminKey()));
      expect(created.filter((k) => k !== undefined)).toHaveLength(1);
      expect((await stores[1].keys.listKeys()).filter((k) => k.roles.includes('admin'))).toHaveLength(1);
      for (const s of stores) await s.close();
    } finally {
      await fresh.dispose();
    }
  });
});

describe('sqlite specifics', () => {
  it('creates home with mode 0700, the database with 0600, in WAL mode', async () => {
    const root = mkdtempSync(join(tmpdir(), 'palisade-store-'));
    const home = join(root, 'nested', 'home');
    try {
      const store = await openStateStore({ driver: 'sqlite', home });
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(statSync(join(home, 'state.db')).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, 'state.db-wal')).isFile()).toBe(true);
      await store.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses postgres without a URL and a schema name that is not an identifier', async () => {
    await expect(openStateStore({ driver: 'postgres', home: tmpdir() })).rejects.toThrow(/postgres URL/);
    await expect(
      openStateStore({ driver: 'postgres', home: tmpdir(), postgresUrl: POSTGRES_URL, schema: 'x; drop table y' }),
    ).rejects.toThrow(/identifier/);
  });
});
