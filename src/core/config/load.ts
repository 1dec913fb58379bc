// Loads palisade.yaml once: parse, validate (every problem, with its path), resolve secret references,
// apply the few environment overrides, freeze. Nothing else in Palisade reads process.env.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type ParsedConfig } from './schema.ts';
import { parseSecretRef, Secret } from './secret.ts';
import type { Result } from '../result.ts';

export interface ConfigProblem {
  /** Dotted path into the configuration, e.g. `upstreams.0.baseUrl`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export interface Config extends ParsedConfig {
  /** Where the configuration came from (`embedded defaults` or a file path). */
  readonly source: string;
  /** Absolute state folder. */
  readonly home: string;
}

export interface LoadOptions {
  /** Environment used for `${env:…}` references and PALISADE_* overrides. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

export function zodProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Validates an already-parsed YAML/JSON value. */
export function parseConfig(raw: unknown, source: string, opts: LoadOptions): Result<Config, ConfigProblem[]> {
  const input = raw ?? {};
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: zodProblems(parsed.error) };
  const problems: ConfigProblem[] = [];
  resolveSecrets(parsed.data, [], opts, problems);
  const data = parsed.data;
  const portEnv = opts.env['PALISADE_PORT'];
  if (portEnv !== undefined && portEnv !== '') {
    const port = Number(portEnv);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push({ path: 'server.port', message: `PALISADE_PORT must be a port number, got "${portEnv}"` });
    } else {
      data.server.port = port;
    }
  }
  checkRoutes(data, problems);
  if (problems.length > 0) return { ok: false, error: problems };
  const home = resolvePath(opts.cwd, data.state.home ?? opts.env['PALISADE_HOME'] ?? '.palisade');
  const config: Config = { ...withEmbeddedDefaults(data), source, home };
  return { ok: true, value: deepFreeze(config) };
}

/** Reads and validates a file; a missing default file means embedded defaults. */
export function loadConfigFile(path: string | undefined, opts: LoadOptions): Result<Config, ConfigProblem[]> {
  if (path === undefined) return parseConfig({}, 'embedded defaults', opts);
  let text: string;
  try {
    text = readFileSync(resolvePath(opts.cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, error: [{ path: '', message: `cannot read ${path}: ${code}` }] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      error: doc.errors.map((e) => ({
        path: '',
        message: `YAML ${e.linePos?.[0] ? `line ${e.linePos[0].line} column ${e.linePos[0].col}` : ''}: ${e.code}`.trim(),
      })),
    };
  }
  return parseConfig(doc.toJS(), path, opts);
}

function resolveSecrets(node: unknown, path: PropertyKey[], opts: LoadOptions, problems: ConfigProblem[]): void {
  if (node instanceof Secret) {
    const ref = parseSecretRef(node.ref);
    if (!ref) {
      problems.push({ path: formatPath(path), message: 'not a secret reference' });
      return;
    }
    if (ref.kind === 'env') {
      const v = opts.env[ref.name];
      if (v === undefined || v === '') problems.push({ path: formatPath(path), message: `environment variable ${ref.name} is not set` });
      else node.resolve(v);
    } else {
      try {
        node.resolve(readFileSync(resolvePath(opts.cwd, ref.name), 'utf8').trim());
      } catch (e) {
        problems.push({ path: formatPath(path), message: `cannot read secret file ${ref.name}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
      }
    }
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((v, i) => resolveSecrets(v, [...path, i], opts, problems));
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) resolveSecrets(v, [...path, k], opts, problems);
  }
}

function checkRoutes(data: ParsedConfig, problems: ConfigProblem[]): void {
  const names = new Set<string>();
  (data.upstreams ?? []).forEach((u, i) => {
    if (names.has(u.name)) problems.push({ path: `upstreams.${i}.name`, message: `duplicate upstream name "${u.name}"` });
    names.add(u.name);
  });
  if (data.models !== undefined && data.upstreams === undefined) {
    problems.push({ path: 'models', message: 'models are routed to upstreams, but no upstreams are configured' });
  }
  (data.models ?? []).forEach((m, i) => {
    m.backends.forEach((b, j) => {
      if (data.upstreams !== undefined && !names.has(b.upstream)) {
        problems.push({ path: `models.${i}.backends.${j}.upstream`, message: `unknown upstream "${b.upstream}"` });
      }
    });
  });
  const issuers = new Set<string>();
  data.auth.oidc.forEach((o, i) => {
    if (issuers.has(o.name)) problems.push({ path: `auth.oidc.${i}.name`, message: `duplicate issuer name "${o.name}"` });
    issuers.add(o.name);
  });
}

/** With no upstreams configured, the built-in mock backend serves `palisade-mock`, so Palisade runs with no keys. */
function withEmbeddedDefaults(data: ParsedConfig): ParsedConfig {
  if (data.upstreams !== undefined) {
    const routed = data.models ?? data.upstreams.map((u) => ({
      match: u.provider === 'mock' ? 'palisade-mock' : '*',
      backends: [{ upstream: u.name }],
      strategy: 'weighted-round-robin' as const,
      listed: u.provider === 'mock',
    }));
    return { ...data, models: routed };
  }
  return {
    ...data,
    upstreams: [
      {
        name: 'mock',
        provider: 'mock',
        anthropicVersion: '2023-06-01',
        credentials: { type: 'none' },
        modelMap: {},
        weight: 1,
        maxConnections: 128,
        headers: {},
      },
    ],
    models: data.models ?? [
      { match: 'palisade-mock', backends: [{ upstream: 'mock' }], strategy: 'weighted-round-robin', listed: true },
    ],
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Secret) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
