// Starts the MCP gateway for a test: real config parsing, a real Fastify server on 127.0.0.1:0, real API keys
// (the identity module's ApiKeyService over an in-memory key store), real JWTs signed with a local key pair,
// and a real inspector built from the committed injection detector and the policy engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, createLocalJWKSet, type JWTPayload } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CONFIDENCE,
  createValueHasher,
  parseConfig,
  palisadeError,
  policyConfig,
  SYSTEM_CLOCK,
  type Config,
  type Detector,
  type Finding,
  type PolicyConfig,
  type Principal,
} from '../../src/core/index.ts';
import type { AuditEventInput } from '../../src/audit/index.ts';
import { createDetectionEngine, createLabelDetector } from '../../src/detect/index.ts';
import { createInjectionDetector, loadInjectionModel, type InjectionDetector } from '../../src/detect/injection/index.ts';
import { ApiKeyService, type KeyRecord, type KeyStore } from '../../src/identity/index.ts';
import type { PolicyCatalog } from '../../src/policy/index.ts';
import { Inspector, Pipeline, Recorder, type RequestLimiter } from '../../src/pipeline/index.ts';
import { createMcpGateway, openSqliteMcpStateStore, type McpDeps, type McpGateway, type McpStateStore } from '../../src/mcp/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const ROOT = join(here, '..', '..');

/** How to launch the npm servers and the fixtures over stdio. */
export function binOf(pkg: string): string {
  const manifest = require(`${pkg}/package.json`) as { bin: Record<string, string> };
  const rel = Object.values(manifest.bin)[0];
  if (rel === undefined) throw new Error(`${pkg} has no bin`);
  return join(dirname(require.resolve(`${pkg}/package.json`)), rel);
}

export function everythingServer(name = 'everything'): Record<string, unknown> {
  return { name, transport: 'stdio', command: process.execPath, args: [binOf('@modelcontextprotocol/server-everything'), 'stdio'] };
}

export function attackServer(name: string, mode: string): Record<string, unknown> {
  return { name, transport: 'stdio', command: process.execPath, args: ['--import', 'tsx', join(here, 'fixtures', 'attack-server.ts'), mode], cwd: ROOT };
}

export function filesystemServer(name: string, folder: string): Record<string, unknown> {
  return { name, transport: 'stdio', command: process.execPath, args: [binOf('@modelcontextprotocol/server-filesystem'), folder] };
}

class MemoryKeyStore implements KeyStore {
  readonly #keys: KeyRecord[] = [];
  #rev = 0;
  insertKey(record: KeyRecord): Promise<void> {
    this.#keys.push(record);
    this.#rev++;
    return Promise.resolve();
  }
  findKeyByHash(hash: string): Promise<KeyRecord | undefined> {
    return Promise.resolve(this.#keys.find((k) => k.hash === hash));
  }
  listKeys(): Promise<KeyRecord[]> {
    return Promise.resolve([...this.#keys]);
  }
  revokeKey(): Promise<number> {
    return Promise.resolve(0);
  }
  revision(): Promise<number> {
    return Promise.resolve(this.#rev);
  }
}

/** A credential detector for the tests (AWS access key ids); the gateway's real one is the detection engine. */
const awsKeyDetector: Detector = {
  id: 'test-secrets',
  types: ['AWS_ACCESS_KEY'],
  categories: { AWS_ACCESS_KEY: ['secret'] },
  scan(text, ctx) {
    const out: Finding[] = [];
    for (const m of text.matchAll(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g)) {
      out.push({ detector: 'test-secrets', type: 'AWS_ACCESS_KEY', confidence: CONFIDENCE.high, start: m.index, end: m.index + m[0].length, valueHash: ctx.hashValue(m[0]) });
    }
    return out;
  },
};

export const TEST_POLICIES: PolicyConfig[] = [
  policyConfig.parse({
    name: 'Block injected tool results',
    locations: ['tool-output'],
    rules: [
      {
        name: 'indirect-injection',
        conditions: [{ detector: { types: ['INDIRECT_INJECTION'], minScore: 0.5 } }],
        actions: [{ block: { tip: 'The tool result carried instructions aimed at the model.' } }],
      },
    ],
  }),
  policyConfig.parse({
    name: 'Redact credentials in tool traffic',
    locations: ['tool-input', 'tool-output'],
    rules: [{ name: 'aws-keys', conditions: [{ sit: { types: ['AWS_*'], minConfidence: 'medium' } }], actions: ['redact'] }],
  }),
];

const CATALOG: PolicyCatalog = { categoriesOf: () => [], labelRank: () => undefined, predicates: {} };

let sharedDetector: InjectionDetector | undefined;
export function injectionDetector(): InjectionDetector {
  if (sharedDetector === undefined) {
    const model = loadInjectionModel();
    if (!model.ok) throw new Error(model.error);
    sharedDetector = createInjectionDetector({ model: model.value });
  }
  return sharedDetector;
}

/** An inspector over the committed injection detector and the test credential detector, deciding with `policies`. */
export function createInspector(detector: InjectionDetector, policies: readonly PolicyConfig[], config: Config): Inspector {
  return new Inspector({
    engine: createDetectionEngine({ exclusive: [awsKeyDetector], additional: [detector] }),
    labels: createLabelDetector([]),
    policies: () => policies,
    catalog: CATALOG,
    hashValue: createValueHasher(Buffer.from('mcp-test-hash-key')),
    config: config.inspection,
  });
}

const UNLIMITED: RequestLimiter = { admit: () => Promise.resolve({ ok: true, value: undefined }), recordTokens: () => Promise.resolve() };

/** A ToolInvocation record as the MCP tests read it. */
export interface Invocation {
  readonly operation: string;
  readonly server: string;
  readonly tool: string;
  readonly caller: { readonly id: string; readonly name: string; readonly kind: string };
  readonly decision: string;
  readonly reason?: string;
  readonly approvalId?: string;
  readonly definitionHash?: string;
  readonly argumentBytes: number;
  readonly resultBytes: number;
  readonly sessionId?: string;
  readonly latencyMs: number;
  readonly upstreamMs: number;
  readonly findings: readonly { readonly type: string; readonly location: string; readonly confidence: number; readonly detector?: string }[];
}

/** A tool-integrity change (recorded as an AdminAction `mcp-tool-<change>`) as the MCP tests read it. */
export interface IntegrityChange {
  readonly server: string;
  readonly tool: string;
  readonly change: string;
  readonly reasons: readonly string[];
  readonly signals: readonly string[];
  readonly definitionHash: string;
  readonly previousHash?: string;
}

function asIntegrity(e: Extract<AuditEventInput, { recordType: 'AdminAction' }>): IntegrityChange {
  const target = e.target ?? '';
  const at = target.indexOf('__');
  const details = e.details ?? {};
  const list = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(',') : []);
  return {
    server: target.slice(0, at),
    tool: target.slice(at + 2),
    change: e.operation.slice('mcp-tool-'.length),
    reasons: list(details['reasons']),
    signals: list(details['signals']),
    definitionHash: String(details['definitionHash'] ?? ''),
    ...(typeof details['previousHash'] === 'string' ? { previousHash: details['previousHash'] } : {}),
  };
}

function asInvocation(e: Extract<AuditEventInput, { recordType: 'ToolInvocation' }>): Invocation {
  const resource = e.resources?.[0];
  return {
    operation: e.operation,
    server: resource?.server ?? '',
    tool: resource?.tool ?? '',
    caller: { id: e.principal?.id ?? '', name: e.principal?.name ?? '', kind: e.principal?.kind ?? 'user' },
    decision: e.decision ?? '',
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    ...(e.approvalId !== undefined ? { approvalId: e.approvalId } : {}),
    ...(e.definitionHash !== undefined ? { definitionHash: e.definitionHash } : {}),
    ...(e.conversationId !== undefined ? { sessionId: e.conversationId } : {}),
    argumentBytes: e.argumentBytes ?? 0,
    resultBytes: e.resultBytes ?? 0,
    latencyMs: e.latency?.totalMs ?? 0,
    upstreamMs: Math.max(0, (e.latency?.totalMs ?? 0) - (e.latency?.addedMs ?? 0)),
    findings: (e.findings ?? []).map((f) => ({
      type: f.type,
      location: (f.location ?? '').split(':', 1)[0] ?? '',
      confidence: f.confidence,
      ...(f.detector !== undefined ? { detector: f.detector } : {}),
    })),
  };
}

export const RESOURCE = 'http://palisade.test/mcp';
const ISSUER = 'https://idp.test';

export interface Harness {
  readonly url: string;
  readonly config: Config;
  readonly home: string;
  readonly gateway: McpGateway;
  readonly state: McpStateStore;
  /** Every audit event the pipeline recorded. */
  readonly events: AuditEventInput[];
  readonly keys: ApiKeyService;
  invocations(): Invocation[];
  /** Tool-integrity changes, oldest first. */
  integrity(): IntegrityChange[];
  /** A key with these roles. */
  key(name: string, roles: string[]): Promise<string>;
  /** A signed JWT (audience defaults to the MCP resource). */
  token(claims: JWTPayload & { groups?: string[] }, opts?: { expiresIn?: string | number }): Promise<string>;
  client(credential: string, path?: string): Promise<Client>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly mcp: Record<string, unknown>;
  readonly policies?: readonly PolicyConfig[];
  readonly env?: Record<string, string>;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'palisade-mcp-'));
  const parsed = parseConfig(
    { state: { home }, logging: { level: 'silent' }, mcp: { ...opts.mcp, front: { resource: RESOURCE, requiredScopes: ['mcp:tools'], ...((opts.mcp['front'] as object | undefined) ?? {}) } } },
    'test',
    { env: opts.env ?? {}, cwd: home },
  );
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.error)}`);
  const config = parsed.value;
  const keys = new ApiKeyService(new MemoryKeyStore(), Buffer.alloc(32, 7), SYSTEM_CLOCK);
  await keys.start();
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k1' }] });
  const events: AuditEventInput[] = [];
  const state = openSqliteMcpStateStore(home);
  const detector = injectionDetector();
  const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const authenticator = {
    async authenticate(headers: Record<string, string | string[] | undefined>) {
      const m = /^Bearer\s+(\S+)$/i.exec(typeof headers['authorization'] === 'string' ? headers['authorization'] : '');
      const credential = m?.[1];
      if (credential === undefined) return { ok: false as const, error: palisadeError('unauthenticated', 'Missing credentials.') };
      if (credential.startsWith('pal_')) return keys.authenticate(credential);
      try {
        // Audience is deliberately not checked here: the MCP front checks it against its own resource URI.
        const { payload } = await jwtVerify(credential, jwks, { issuer: ISSUER });
        const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
        const principal: Principal = {
          id: `idp:${payload.sub ?? ''}`,
          kind: 'user',
          name: typeof payload['name'] === 'string' ? payload['name'] : (payload.sub ?? ''),
          authMethod: 'jwt',
          roles: (payload['roles'] as string[] | undefined) ?? [],
          groups: (payload['groups'] as string[] | undefined) ?? [],
          issuer: 'idp',
          tokenAudiences: aud,
          tokenScopes: scopes,
        };
        return { ok: true as const, value: principal };
      } catch {
        return { ok: false as const, error: palisadeError('invalid_token', 'Invalid access token.') };
      }
    },
  };
  const pipeline = new Pipeline({
    authenticator,
    inspector: createInspector(detector, opts.policies ?? TEST_POLICIES, config),
    limiter: UNLIMITED,
    recorder: new Recorder({ audit: { record: (e) => events.push(e) }, clock: SYSTEM_CLOCK, logger }),
    clock: SYSTEM_CLOCK,
    logger,
  });
  const deps: McpDeps = { pipeline, state, clock: SYSTEM_CLOCK, logger };
  const created = await createMcpGateway(config, deps, { detector });
  if (!created.ok) throw new Error(`gateway did not start: ${created.error.join('; ')}`);
  const gateway = created.value;
  const app: FastifyInstance = Fastify();
  gateway.register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;
  const clients: Client[] = [];
  return {
    url,
    config,
    home,
    gateway,
    state,
    events,
    keys,
    integrity: () =>
      events.filter((e): e is Extract<AuditEventInput, { recordType: 'AdminAction' }> => e.recordType === 'AdminAction' && e.operation.startsWith('mcp-tool-')).map(asIntegrity),
    invocations: () => events.filter((e): e is Extract<AuditEventInput, { recordType: 'ToolInvocation' }> => e.recordType === 'ToolInvocation').map(asInvocation),
    key: async (name, roles) => (await keys.create({ name, roles })).key,
    token: (claims, o = {}) =>
      new SignJWT({ scope: 'mcp:tools', ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience((claims.aud as string | undefined) ?? RESOURCE)
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '5m')
        .sign(privateKey),
    async client(credential, path = '/mcp') {
      const client = new Client({ name: 'test-client', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(path, url), { requestInit: { headers: { authorization: `Bearer ${credential}` } } }));
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await app.close();
      await gateway.close();
      keys.close();
      await state.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
