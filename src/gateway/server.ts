// The Fastify server: request ids, network policy, authentication, body parsing, the model routes and the
// operational endpoints. It holds no state of its own; everything it uses arrives in GatewayDeps.
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, newRequestId, palisadeError, type Config, type Principal, type WireDialect } from '../core/index.ts';
import { jsonDepthExceeds, type Pipeline } from '../pipeline/index.ts';
import { CarriedError, fromFastifyError, sendError } from './http-errors.ts';
import type { GatewayMetrics } from './metrics.ts';
import { registerAdminRoutes, type AdminDeps } from './admin-routes.ts';
import { registerModelRoutes, type ModelRouter } from './routes/model-routes.ts';

export type { ModelRouter } from './routes/model-routes.ts';

export interface NetworkPolicy {
  clientIp(socketAddress: string, forwardedFor: string | undefined): string;
  isAllowed(ip: string): boolean;
}

export interface GatewayDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly network: NetworkPolicy;
  /** The one path every interaction takes: authentication, inspection, decisions, audit. */
  readonly pipeline: Pipeline;
  readonly router: ModelRouter;
  readonly metrics: GatewayMetrics;
  /** True when the state store answers. */
  readonly storeReady: () => Promise<boolean>;
  readonly admin: AdminDeps;
  /** The MCP front: it answers its own routes and does its own authentication (RFC 9728 challenges). */
  readonly mcp?: { register(app: FastifyInstance): void };
}

interface RequestState {
  clientIp: string;
  principal: Principal | undefined;
  dialect: WireDialect;
}

declare module 'fastify' {
  interface FastifyRequest {
    palisade: RequestState;
  }
}

const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Paths whose handlers authenticate callers themselves (the MCP front answers 401 with resource metadata). */
function selfAuthenticated(path: string): boolean {
  return path === '/mcp' || path.startsWith('/mcp/') || path.startsWith('/.well-known/oauth-protected-resource');
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Deepest JSON nesting accepted: real API bodies nest a handful of levels; 20,000 levels is an attack. */
const MAX_JSON_DEPTH = 128;

function dialectOf(url: string): WireDialect {
  return url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

export function buildServer(deps: GatewayDeps): FastifyInstance {
  const { config, logger, metrics } = deps;
  const fastifyLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: fastifyLogger,
    // One line per request is written by our own onResponse hook (no prompt text, no credentials).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => newRequestId(),
    requestIdHeader: false,
    bodyLimit: config.server.bodyLimit,
    http: { maxHeaderSize: config.server.maxHeaderSize },
    return503OnClosing: true,
    // A malformed request line, oversized headers, or garbage on the socket: answer in JSON, never crash.
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      if (err.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const error = tooLarge
        ? palisadeError('headers_too_large', 'Request headers are larger than the configured limit.')
        : palisadeError('invalid_request', 'Malformed HTTP request.');
      const body = JSON.stringify(errorBody(error, 'openai'));
      const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(
        `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `x-request-id: ${newRequestId()}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });

  app.decorateRequest('palisade', null as unknown as RequestState);

  // Only JSON is accepted. JSON bodies are checked for valid UTF-8 before parsing, so mojibake never reaches
  // a detector or a backend.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(\s*;.*)?$/i, { parseAs: 'buffer' }, (_req, body, done) => {
    const buf = body as Buffer;
    if (buf.length === 0) {
      done(new CarriedError(palisadeError('invalid_json', 'Request body is empty; expected a JSON object.')), undefined);
      return;
    }
    if (jsonDepthExceeds(buf, MAX_JSON_DEPTH)) {
      done(new CarriedError(palisadeError('invalid_json', `Request body nests deeper than ${MAX_JSON_DEPTH} levels.`)), undefined);
      return;
    }
    let text: string;
    try {
      text = UTF8.decode(buf);
    } catch {
      done(new CarriedError(palisadeError('invalid_encoding', 'Request body is not valid UTF-8.')), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new CarriedError(palisadeError('invalid_json', 'Request body is not valid JSON.')), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const url = req.url;
    const clientIp = deps.network.clientIp(req.socket.remoteAddress ?? '', headerString(req.headers['x-forwarded-for']));
    const state: RequestState = { clientIp, principal: undefined, dialect: dialectOf(url) };
    req.palisade = state;
    if (!deps.network.isAllowed(clientIp)) {
      metrics.denied('ip');
      return sendError(reply, palisadeError('ip_denied', 'Requests from this network address are not allowed.'), state.dialect);
    }
    const path = url.split('?', 1)[0] ?? url;
    if (PUBLIC_PATHS.has(path) || selfAuthenticated(path)) return;
    const auth = await deps.pipeline.authenticate(req.headers, { ip: clientIp, userAgent: headerString(req.headers['user-agent']) }, `${req.method} ${req.routeOptions.url ?? path}`);
    if (!auth.ok) return sendError(reply, auth.error, state.dialect);
    state.principal = auth.value;
    return;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.request(route, req.method, reply.statusCode, seconds);
    logger.info(
      { reqId: req.id, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, principal: req.palisade?.principal?.id },
      'request',
    );
  });

  app.setNotFoundHandler((req, reply) => {
    sendError(reply, palisadeError('not_found', `No route for ${req.method} ${req.url.split('?', 1)[0] ?? ''}.`), dialectOf(req.url));
  });

  app.setErrorHandler((e, req, reply) => {
    const known = fromFastifyError(e);
    const dialect = req.palisade?.dialect ?? dialectOf(req.url);
    if (known) return sendError(reply, known, dialect);
    // A bug: log the error (never the body), answer generically.
    logger.error({ reqId: req.id, err: { message: (e as Error).message, stack: (e as Error).stack } }, 'unhandled error');
    return sendError(reply, palisadeError('internal_error', 'Internal error; the request id identifies it in the logs.'), dialect);
  });

  registerOperationalRoutes(app, deps);
  registerModelRoutes(app, deps);
  registerAdminRoutes(app, deps.admin);
  deps.mcp?.register(app);
  return app;
}

function registerOperationalRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const store = await deps.storeReady().catch(() => false);
    const backends = deps.router.healthy();
    const ready = store && backends;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: { store, backends } });
  });
  app.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
}
