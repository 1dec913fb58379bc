// Palisade API keys: `pal_` + 256 random bits. Only an HMAC of the key (keyed with the installation
// secret) and a short visible prefix are ever stored; the plaintext exists once, in `create`'s answer.
// `authenticate` runs on every request, so it answers from memory and never touches the database;
// a 250 ms poll of the store's revision counter picks up keys created or revoked by other processes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  err,
  newId,
  ok,
  palisadeError,
  randomToken,
  type Clock,
  type PalisadeError,
  type Principal,
  type Result,
} from '../core/index.ts';

export const API_KEY_PREFIX = 'pal_';
/** Characters of the key shown in listings (`pal_` + 8): enough to tell keys apart, far too few to guess from. */
export const VISIBLE_PREFIX_LENGTH = 12;
const KEY_BYTES = 32;
/** base64url of 32 bytes, unpadded. */
const KEY_FORMAT = /^pal_[A-Za-z0-9_-]{43}$/;
const POLL_INTERVAL_MS = 250;
const BOOTSTRAP_ADMIN_ID = 'key_admin_bootstrap';

export interface KeyRecord {
  readonly id: string;
  readonly name: string;
  /** The first 12 characters of the key, for listings. */
  readonly prefix: string;
  /** HMAC-SHA256(installation secret, key), hex. */
  readonly hash: string;
  readonly owner?: string;
  readonly roles: readonly string[];
  /** Models the key may use; absent means every routed model. */
  readonly models?: readonly string[];
  readonly createdAt: number;
  readonly expiresAt?: number;
  readonly revokedAt?: number;
}

/** Persistence for keys; implemented by the state store (src/store). */
export interface KeyStore {
  insertKey(record: KeyRecord): Promise<void>;
  findKeyByHash(hash: string): Promise<KeyRecord | undefined>;
  listKeys(): Promise<KeyRecord[]>;
  /** Revokes every not-yet-revoked key whose id, prefix or name equals `ref`; answers how many. */
  revokeKey(ref: string, revokedAt: number): Promise<number>;
  /** A counter bumped on every insert and revocation; cheap to poll. */
  revision(): Promise<number>;
}

export interface CreateKeyOptions {
  readonly name: string;
  readonly owner?: string;
  readonly roles?: readonly string[];
  readonly models?: readonly string[];
  readonly expiresInMs?: number;
}

export interface ApiKeyServiceOptions {
  /** How often to poll the store's revision counter; 250 ms unless a test wants otherwise. */
  readonly pollIntervalMs?: number;
  /** Called when a background reload fails; the previous key set stays in force meanwhile. */
  readonly onError?: (error: unknown) => void;
}

/** Hashes a presented key with the installation secret; the stored form of every key. */
export function hashApiKey(secret: Uint8Array, key: string): string {
  return createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_FORMAT.test(value);
}

export function principalFromKey(record: KeyRecord): Principal {
  return {
    id: `key:${record.id}`,
    kind: record.roles.includes('agent') ? 'agent' : 'user',
    name: record.name,
    authMethod: 'api-key',
    roles: record.roles,
    groups: [],
    ...(record.models !== undefined ? { allowedModels: record.models } : {}),
    keyId: record.id,
  };
}

interface KeyEntry {
  readonly record: KeyRecord;
  readonly digest: Buffer;
  readonly principal: Principal;
}

function keyEntry(record: KeyRecord): KeyEntry {
  // One principal per key, shared by all its requests, so frozen: no request can alter another's.
  const principal = principalFromKey({
    ...record,
    roles: Object.freeze([...record.roles]),
    ...(record.models !== undefined ? { models: Object.freeze([...record.models]) } : {}),
  });
  return { record, digest: Buffer.from(record.hash, 'hex'), principal: Object.freeze(principal) };
}

export class ApiKeyService {
  readonly #store: KeyStore;
  readonly #secret: Buffer;
  readonly #clock: Clock;
  readonly #pollIntervalMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  /** hash (hex) → the record, its hash as bytes for the constant-time comparison, and its principal. */
  #byHash = new Map<string, KeyEntry>();
  #revision = -1;
  #timer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> | undefined;

  constructor(store: KeyStore, secret: Buffer, clock: Clock, options: ApiKeyServiceOptions = {}) {
    if (secret.length < 16) throw new Error('the API key secret must be at least 16 bytes');
    this.#store = store;
    this.#secret = secret;
    this.#clock = clock;
    this.#pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
    this.#onError = options.onError;
  }

  /** Loads every key and starts following changes made by other processes. */
  async start(): Promise<void> {
    await this.reload();
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.#poll().catch((error: unknown) => this.#onError?.(error));
    }, this.#pollIntervalMs);
    // The poll must never keep a CLI command or a test process alive.
    this.#timer.unref();
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reloads the whole key set (the set is small: one row per issued key). */
  async reload(): Promise<void> {
    // Concurrent callers share one reload rather than racing to replace the map.
    this.#reloading ??= this.#load().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  async #load(): Promise<void> {
    // Read the revision before the rows: a change landing in between bumps the counter past what we
    // record, so the next poll reloads again instead of missing it.
    const revision = await this.#store.revision();
    const records = await this.#store.listKeys();
    const next = new Map<string, KeyEntry>();
    for (const record of records) next.set(record.hash, keyEntry(record));
    this.#byHash = next;
    this.#revision = revision;
  }

  async #poll(): Promise<void> {
    if (this.#reloading !== undefined) return;
    const revision = await this.#store.revision();
    if (revision !== this.#revision) await this.reload();
  }

  /** Creates a key. The answer holds the only copy of the plaintext that will ever exist. */
  async create(options: CreateKeyOptions): Promise<{ record: KeyRecord; key: string }> {
    return this.#create(options, newId('key'));
  }

  async #create(options: CreateKeyOptions, id: string): Promise<{ record: KeyRecord; key: string }> {
    const key = API_KEY_PREFIX + randomToken(KEY_BYTES).toString('base64url');
    const now = this.#clock.now();
    const record: KeyRecord = {
      id,
      name: options.name,
      prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
      hash: hashApiKey(this.#secret, key),
      ...(options.owner !== undefined ? { owner: options.owner } : {}),
      roles: [...(options.roles ?? [])],
      ...(options.models !== undefined ? { models: [...options.models] } : {}),
      createdAt: now,
      ...(options.expiresInMs !== undefined ? { expiresAt: now + options.expiresInMs } : {}),
    };
    await this.#store.insertKey(record);
    // Usable at once in this process; other processes see it at their next poll.
    const next = new Map(this.#byHash);
    next.set(record.hash, keyEntry(record));
    this.#byHash = next;
    return { record, key };
  }

  /** Synchronous and O(1): one HMAC and one map lookup, no I/O. */
  authenticate(presented: string): Result<Principal, PalisadeError> {
    if (!KEY_FORMAT.test(presented)) return err(palisadeError('invalid_api_key', 'Invalid API key'));
    const digest = createHmac('sha256', this.#secret).update(presented, 'utf8').digest();
    const entry = this.#byHash.get(digest.toString('hex'));
    // The map lookup is keyed by an HMAC the caller cannot steer, so its timing reveals nothing useful;
    // the explicit constant-time comparison keeps that true should the lookup structure ever change.
    if (entry === undefined || !timingSafeEqual(entry.digest, digest)) {
      return err(palisadeError('invalid_api_key', 'Invalid API key'));
    }
    const record = entry.record;
    // Revocation takes effect whatever the revoking process's clock said: replicas' clocks drift.
    if (record.revokedAt !== undefined) return err(palisadeError('invalid_api_key', 'API key revoked'));
    if (record.expiresAt !== undefined && record.expiresAt <= this.#clock.now()) {
      return err(palisadeError('invalid_api_key', 'API key expired'));
    }
    return ok(entry.principal);
  }

  async list(): Promise<KeyRecord[]> {
    return this.#store.listKeys();
  }

  /** Revokes by id, visible prefix or name; answers how many keys were revoked. */
  async revoke(ref: string): Promise<number> {
    const count = await this.#store.revokeKey(ref, this.#clock.now());
    if (count > 0) {
      // A reload already in flight may have read the rows before the revocation; wait it out and
      // load again so the key is refused here as soon as revoke() returns.
      await this.#reloading?.catch(() => undefined);
      await this.reload();
    }
    return count;
  }

  /**
   * On first start: creates an `admin` key when no key with the admin role exists (revoked ones count:
   * revoking the admin key must not make the next restart mint and print a fresh one) and answers
   * its plaintext, once. After revoking every admin key, create a new one from the CLI.
   */
  async ensureAdminKey(): Promise<string | undefined> {
    const hasAdmin = async () => (await this.#store.listKeys()).some((k) => k.roles.includes('admin'));
    if (await hasAdmin()) return undefined;
    try {
      // A fixed id makes first start atomic across replicas: only one insert can win the primary key.
      const { key } = await this.#create({ name: 'admin', roles: ['admin'] }, BOOTSTRAP_ADMIN_ID);
      return key;
    } catch (error) {
      if (await hasAdmin()) return undefined; // another replica created it first
      throw error;
    }
  }
}
