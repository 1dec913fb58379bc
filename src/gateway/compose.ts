// The composition root: opens the state store, builds identity, limits, upstreams and metrics from the
// configuration, and starts the server. The only place that knows every concrete implementation.
import pino, { type Logger } from 'pino';
import { SYSTEM_CLOCK, type Clock, type Config } from '../core/index.ts';
import { ApiKeyService, IpFilter, OidcAuthenticator } from '../identity/index.ts';
import { openStateStore, type StateStore } from '../store/index.ts';
import { ClientAuthenticator } from './auth.ts';
import { createLimiter } from './limits/index.ts';
import { GatewayMetrics } from './metrics.ts';
import { buildServer } from './server.ts';
import { UpstreamRouter } from './upstreams/index.ts';
import type { FastifyInstance } from 'fastify';

export interface RunningGateway {
  readonly app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly store: StateStore;
  readonly keys: ApiKeyService;
  /** The admin key's plaintext when this start created it (first start); shown once, never stored. */
  readonly createdAdminKey: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Listen on this port instead of the configured one (tests use 0). */
  readonly port?: number;
  /** Skip creating the first admin key (tests that create their own). */
  readonly createAdminKey?: boolean;
  /** Default process metrics (off in tests that start many gateways). */
  readonly processMetrics?: boolean;
}

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logging.level,
    base: { service: 'palisade' },
    // Defence in depth: credential-bearing fields are censored wherever they appear in a log object.
    redact: {
      paths: ['authorization', 'headers.authorization', 'headers["api-key"]', 'headers["x-api-key"]', '*.apiKey', '*.key', '*.secret', '*.token'],
      censor: '[redacted]',
    },
  });
}

export async function startGateway(config: Config, opts: StartOptions = {}): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger(config);
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const store = await openStateStore({
    driver: config.state.driver,
    home: config.home,
    ...(config.state.postgres ? { postgresUrl: config.state.postgres.url.reveal() } : {}),
  });
  const closers: (() => Promise<void>)[] = [() => store.close()];
  try {
    const hashKey = await store.settings.getOrCreateSecret('api-key-hash', 32);
    const keys = new ApiKeyService(store.keys, hashKey, clock);
    await keys.start();
    closers.unshift(() => Promise.resolve(keys.close()));
    const createdAdminKey = opts.createAdminKey === false ? undefined : await keys.ensureAdminKey();

    const oidc = config.auth.oidc.length > 0 ? new OidcAuthenticator(config.auth.oidc) : undefined;
    const auth = new ClientAuthenticator(config.auth.apiKeys.enabled ? keys : undefined, oidc);
    const ipFilter = new IpFilter({ allow: config.network.allow, deny: config.network.deny, trustedProxies: config.server.trustedProxies });
    const limiter = createLimiter(config.limits, {
      clock,
      onError: (e: unknown) => logger.warn({ err: { message: (e as Error).message } }, 'rate limit store error'),
      ...(config.limits.redis ? { redis: { url: config.limits.redis.url, keyPrefix: config.limits.redis.keyPrefix } } : {}),
    });
    closers.unshift(() => limiter.close());
    const metrics = new GatewayMetrics({ defaultMetrics: opts.processMetrics ?? true });
    const router = new UpstreamRouter(
      { upstreams: config.upstreams ?? [], models: config.models ?? [], resilience: config.resilience },
      { clock, metrics, logger },
    );
    closers.unshift(() => router.close());

    const app = buildServer({
      config,
      logger,
      auth,
      network: { clientIp: (s, x) => ipFilter.clientIp(s, x), isAllowed: (ip) => ipFilter.isAllowed(ip) },
      limiter,
      router,
      metrics,
      storeReady: () => store.ping(),
    });
    closers.unshift(() => app.close());
    await app.listen({ host: config.server.host, port: opts.port ?? config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? config.server.port);
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    return {
      app,
      url: `http://${host}:${port}`,
      port,
      store,
      keys,
      createdAdminKey,
      close: () => closeAll(closers),
    };
  } catch (e) {
    await closeAll(closers);
    throw e;
  }
}

async function closeAll(closers: readonly (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) {
    try {
      await close();
    } catch {
      // Keep closing the rest; a failed close must not leak the others.
    }
  }
}
