// The composition root: opens the state store, builds identity, limits, upstreams and metrics from the
// configuration, and starts the server. The only place that knows every concrete implementation.
import pino, { type Logger } from 'pino';
import { createValueHasher, SYSTEM_CLOCK, type Clock, type Config, type ConfigProblem, type ValueHasher } from '../core/index.ts';
import { applyRetention, openAuditLog, registerAuditMetrics, type AuditSystem } from '../audit/index.ts';
import { createDetection, loadConfiguredEdm, type Detection } from '../detect/index.ts';
import { checkPolicyReferences, type KnownTypes, type PolicyCatalog } from '../policy/index.ts';
import { createHiddenTextDetector, createInjectionDetector, createShield, loadInjectionModel, type FetchLike } from '../detect/injection/index.ts';
import { createSafetyCheck, createSafetyDetector, loadSafetyModel } from '../detect/safety/index.ts';
import type { McpGateway } from '../mcp/index.ts';
import { createPolicyCatalog, Inspector, Pipeline, Recorder } from '../pipeline/index.ts';
import { AlertDispatcher } from './alerts.ts';
import { PolicySource } from './inspect/policy-source.ts';
import { PolicyAdmin } from './policy-admin.ts';
import { ApiKeyService, IpFilter, OidcAuthenticator } from '../identity/index.ts';
import { openConfiguredStateStore, type StateStore } from '../store/index.ts';
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
  readonly policies: PolicySource;
  readonly audit: AuditSystem;
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
  const store = await openConfiguredStateStore(config);
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
    const { inspector, policies, detection, catalog } = await createInspection(config, store, clock, logger);
    closers.unshift(() => Promise.resolve(policies.close()));

    const opened = await openAuditLog(config, {
      clock,
      onError: (code, detail) => logger.error({ code, detail }, 'audit write problem'),
    });
    if (!opened.ok) throw new Error(opened.error);
    const audit = opened.value;
    closers.unshift(() => audit.close());

    const alerts = new AlertDispatcher(config.alerts);
    closers.unshift(() => alerts.close());
    const recorder = new Recorder({
      audit: {
        record: (event) => {
          audit.log.record(event).then(
            (ok) => {
              if (!ok) logger.warn({ recordType: event.recordType }, 'audit event not recorded');
            },
            () => undefined,
          );
        },
      },
      content: audit.content,
      alerts,
      clock,
      logger,
    });
    const metrics = new GatewayMetrics({ defaultMetrics: opts.processMetrics ?? true });
    registerAuditMetrics(metrics.registry, { log: audit.log, exporters: audit.exporters });
    metrics.observeAlerts(() => alerts.stats());
    // Retention runs hourly (and once shortly after start); a failure is logged and retried next time.
    const retain = () => {
      applyRetention(audit.store, audit.signer, config.audit.retention, clock.now()).catch((e: unknown) =>
        logger.warn({ err: { message: (e as Error).message } }, 'audit retention failed'),
      );
    };
    const retention = setInterval(retain, 3_600_000);
    retention.unref();
    const firstRetention = setTimeout(retain, 60_000);
    firstRetention.unref();
    closers.unshift(() => {
      clearInterval(retention);
      clearTimeout(firstRetention);
      return Promise.resolve();
    });
    const router = new UpstreamRouter(
      { upstreams: config.upstreams ?? [], models: config.models ?? [], resilience: config.resilience },
      { clock, metrics, logger },
    );
    closers.unshift(() => router.close());
    const canary = config.injection.enabled && config.injection.canary.enabled ? { minFragmentChars: config.injection.canary.minFragmentChars } : undefined;
    const pipeline = new Pipeline({
      authenticator: auth,
      inspector,
      limiter,
      recorder,
      clock,
      logger,
      metrics,
      ...(canary !== undefined ? { canary } : {}),
    });

    // The MCP front shares the gateway's authentication, detectors, policies and audit log. It is loaded
    // only when MCP servers are configured (the SDK and the Cedar engine cost memory otherwise unused).
    let mcp: McpGateway | undefined;
    if (config.mcp.servers.length > 0) {
      const { createMcpGateway, openSqliteMcpStateStore } = await import('../mcp/index.ts');
      const mcpState = openSqliteMcpStateStore(config.home);
      closers.unshift(() => mcpState.close());
      const mcpCreated = await createMcpGateway(config, { pipeline, state: mcpState, clock, logger });
      if (!mcpCreated.ok) throw new Error(`MCP configuration: ${mcpCreated.error.join('; ')}`);
      const created = mcpCreated.value;
      mcp = created;
      closers.unshift(() => created.close());
    }

    const app = buildServer({
      config,
      logger,
      network: { clientIp: (s, x) => ipFilter.clientIp(s, x), isAllowed: (ip) => ipFilter.isAllowed(ip) },
      pipeline,
      router,
      metrics,
      storeReady: () => store.ping(),
      ...(mcp !== undefined ? { mcp } : {}),
      admin: {
        policyAdmin: new PolicyAdmin(config.policies, store.policies, () => clock.now(), knownPolicyTypes(detection)),
        policies,
        detection,
        catalog,
        labelsHeader: config.inspection.labelsHeader,
        hunt: audit.store,
        content: audit.content,
        pipeline,
        adminAction: (p, op, target, details) => recorder.adminAction(p, op, target, details),
      },
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
      policies,
      audit,
      createdAdminKey,
      close: () => closeAll(closers),
    };
  } catch (e) {
    await closeAll(closers);
    throw e;
  }
}

export interface InspectionStack {
  readonly inspector: Inspector;
  readonly policies: PolicySource;
  readonly detection: Detection;
  readonly catalog: PolicyCatalog;
  readonly hashValue: ValueHasher;
}

/**
 * Detection (built-in types, custom types, exact data match, labels, the injection classifier), the
 * policies in force and the inspector that applies them. Shared by the gateway and `palisade policy test`.
 */
/**
 * The detection engine palisade.yaml describes: built-in types, custom types, exact data match, labels, and
 * the hidden-character, injection and content-safety detectors. Shared by the gateway and `config check`.
 */
export function createConfiguredDetection(config: Config): Detection {
  const injectionModel = loadInjectionModel();
  if (!injectionModel.ok) throw new Error(`cannot load the injection model: ${injectionModel.error}`);
  const edm = loadConfiguredEdm(config.detection, config.home);
  if (!edm.ok) throw new Error(`cannot load exact data match tables: ${edm.error.join('; ')}`);
  const safetyModel = config.safety.enabled ? loadSafetyModel() : undefined;
  if (safetyModel !== undefined && !safetyModel.ok) throw new Error(`cannot load the content-safety model: ${safetyModel.error}`);
  const additional = [
    createHiddenTextDetector(),
    ...(config.injection.enabled ? [createInjectionDetector({ model: injectionModel.value, thresholds: config.injection.thresholds })] : []),
    ...(safetyModel?.ok === true ? [createSafetyDetector({ model: safetyModel.value, threshold: config.safety.threshold })] : []),
  ];
  return createDetection(config.detection, { edm: edm.value, additional });
}

/** The types and categories policies may name, as the engine registers them. */
export function knownPolicyTypes(detection: Detection): KnownTypes {
  const types = detection.engine.types;
  return { types, categories: types.flatMap((t) => detection.engine.categoriesOf(t)) };
}

/** Every reference to an unknown type or category in palisade.yaml's policies, with its path. */
export function checkConfiguredPolicies(config: Config, detection: Detection): ConfigProblem[] {
  const known = knownPolicyTypes(detection);
  return config.policies.flatMap((p, i) => checkPolicyReferences(p, known, `policies.${i}`));
}

export async function createInspection(config: Config, store: StateStore, clock: Clock, logger: Logger): Promise<InspectionStack> {
  const detection = createConfiguredDetection(config);
  const problems = checkConfiguredPolicies(config, detection);
  if (problems.length > 0) throw new Error(`invalid policies in ${config.source}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
  const hashValue = createValueHasher(await store.settings.getOrCreateSecret('finding-hash', 32));
  const policies = new PolicySource(config.policies, store.policies, clock, {
    onInvalid: (name, problems) => logger.warn({ policy: name, problems }, 'stored policy is invalid; ignored'),
    onError: (e: unknown) => logger.warn({ err: { message: (e as Error).message } }, 'could not refresh policies'),
  });
  await policies.start();
  const catalog = createPolicyCatalog(detection.engine, config.detection);
  const shieldFetch: FetchLike = (url, init) => fetch(url, init);
  const shields = [
    ...(config.injection.enabled ? config.injection.shields.map((s) => createShield(s, shieldFetch)) : []),
    ...config.safety.checks.map((c) => createSafetyCheck(c, shieldFetch)),
  ];
  const inspector = new Inspector({
    shields,
    engine: detection.engine,
    labels: detection.labels,
    policies: () => policies.current(),
    catalog,
    hashValue,
    config: config.inspection,
  });
  return { inspector, policies, detection, catalog, hashValue };
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
