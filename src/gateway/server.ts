// The Fastify server: request ids, network policy, authentication, body parsing, the model routes and the
// operational endpoints. It holds no state of its own; everything it uses arrives in GatewayDeps.
import { once } from 'node:events';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  errorBody,
  matchesAny,
  newRequestId,
  palisadeError,
  type Config,
  type PalisadeError,
  type Principal,
  type Result,
  type WireDialect,
} from '../core/index.ts';
import type { ClientAuthenticator } from './auth.ts';
import { CarriedError, fromFastifyError, sendError } from './http-errors.ts';
import type { GatewayMetrics } from './metrics.ts';
import { registerAdminRoutes, type AdminDeps } from './admin-routes.ts';
import { blockError, type Inspection, type InspectionContext, type Inspector } from './inspect/inspector.ts';
import { withCanary } from './inspect/canary.ts';
import type { StreamGuard } from './inspect/stream-guard.ts';
import type { ClientApi, ServedBy, SseEvent, UpstreamCall, UpstreamResult, Usage } from './upstreams/index.ts';
import { formatSse, streamErrorEvent, UpstreamStreamError } from './upstreams/index.ts';

export interface ModelRouter {
  resolve(model: string): unknown;
  listModels(): string[];
  dispatch(call: UpstreamCall): Promise<UpstreamResult>;
  healthy(): boolean;
}

export interface NetworkPolicy {
  clientIp(socketAddress: string, forwardedFor: string | undefined): string;
  isAllowed(ip: string): boolean;
}

export interface RequestLimiter {
  admit(principal: Principal): Promise<Result<void, PalisadeError>>;
  recordTokens(principal: Principal, tokens: number): Promise<void>;
}

export interface GatewayDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly auth: ClientAuthenticator;
  readonly network: NetworkPolicy;
  readonly limiter: RequestLimiter;
  readonly router: ModelRouter;
  readonly metrics: GatewayMetrics;
  /** True when the state store answers. */
  readonly storeReady: () => Promise<boolean>;
  readonly inspector: Inspector;
  readonly audit: GatewayAudit;
  readonly admin: AdminDeps;
  /** The MCP front: it answers its own routes and does its own authentication (RFC 9728 challenges). */
  readonly mcp?: { register(app: FastifyInstance): void };
}

/** Everything the audit log needs to know about one model call; the audit adapter turns it into events. */
export interface InteractionRecord {
  readonly requestId: string;
  readonly time: number;
  readonly principal: Principal;
  readonly clientIp: string;
  readonly userAgent: string | undefined;
  readonly app: string | undefined;
  readonly api: ClientApi;
  readonly model: string;
  readonly stream: boolean;
  /** The request body as the client sent it (for message roles and sizes; never logged). */
  readonly body: Record<string, unknown>;
  outcome: 'success' | 'failure' | 'blocked' | 'redacted';
  errorCode: string | undefined;
  prompt: Inspection | undefined;
  response: Inspection | undefined;
  servedBy: ServedBy | undefined;
  usage: Usage | undefined;
  /** The backend's JSON answer (non-streamed), for content capture only. */
  responseBody: Record<string, unknown> | undefined;
  /** The streamed answer's text, for content capture only. */
  responseText: string | undefined;
  readonly overrideJustification: string | undefined;
  /** Time waiting for the backend's answer headers. */
  upstreamMs: number;
  totalMs: number;
}

export interface GatewayAudit {
  interaction(record: InteractionRecord): void;
  signIn(principal: Principal, clientIp: string, userAgent: string | undefined): void;
  adminAction(principal: Principal, operation: string, target: string, details?: Record<string, string | number | boolean | null>): void;
  denied(req: FastifyRequest, principal: Principal | undefined, reason: string, resource?: string): void;
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
    const auth = await deps.auth.authenticate(req.headers);
    if (!auth.ok) {
      metrics.denied(auth.error.code);
      deps.audit.denied(req, undefined, auth.error.code);
      return sendError(reply, auth.error, state.dialect);
    }
    state.principal = auth.value;
    deps.audit.signIn(auth.value, clientIp, headerString(req.headers['user-agent']));
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

// ---- model routes ---------------------------------------------------------------------------------------

type Body = Record<string, unknown>;

function invalid(message: string, param?: string): PalisadeError {
  return palisadeError('invalid_request', message, param === undefined ? {} : { param });
}

function requireObject(body: unknown): Result<Body, PalisadeError> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: invalid('Request body must be a JSON object.') };
  }
  return { ok: true, value: body as Body };
}

function requireModel(body: Body): Result<string, PalisadeError> {
  const model = body['model'];
  if (typeof model !== 'string' || model.trim() === '') return { ok: false, error: invalid('"model" must be a non-empty string.', 'model') };
  return { ok: true, value: model };
}

function streamFlag(body: Body): Result<boolean, PalisadeError> {
  const s = body['stream'];
  if (s === undefined || s === null) return { ok: true, value: false };
  if (typeof s !== 'boolean') return { ok: false, error: invalid('"stream" must be a boolean.', 'stream') };
  return { ok: true, value: s };
}

interface ApiSpec {
  readonly api: ClientApi;
  /** Checks the fields this API needs; returns an error message or undefined. */
  readonly check: (body: Body) => PalisadeError | undefined;
  readonly streams: boolean;
}

const SPECS: Record<ClientApi, ApiSpec> = {
  'openai.chat': {
    api: 'openai.chat',
    streams: true,
    check: (b) => (Array.isArray(b['messages']) && b['messages'].length > 0 ? undefined : invalid('"messages" must be a non-empty array.', 'messages')),
  },
  'openai.responses': {
    api: 'openai.responses',
    streams: true,
    check: (b) => (typeof b['input'] === 'string' || Array.isArray(b['input']) ? undefined : invalid('"input" must be a string or an array of input items.', 'input')),
  },
  'openai.embeddings': {
    api: 'openai.embeddings',
    streams: false,
    check: (b) => {
      const input = b['input'];
      return typeof input === 'string' || (Array.isArray(input) && input.length > 0) ? undefined : invalid('"input" must be a string or a non-empty array.', 'input');
    },
  },
  'anthropic.messages': {
    api: 'anthropic.messages',
    streams: true,
    check: (b) => {
      if (!Array.isArray(b['messages']) || b['messages'].length === 0) return invalid('messages: must be a non-empty array.', 'messages');
      const mt = b['max_tokens'];
      if (mt !== undefined && (typeof mt !== 'number' || !Number.isInteger(mt) || mt < 1)) return invalid('max_tokens: must be a positive integer.', 'max_tokens');
      return undefined;
    },
  },
};

function registerModelRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  const call = (spec: ApiSpec, deployment?: (req: FastifyRequest) => string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const dialect = req.palisade.dialect;
    const parsed = requireObject(req.body);
    if (!parsed.ok) return sendError(reply, parsed.error, dialect);
    const body = parsed.value;
    let model: string;
    if (deployment) {
      model = deployment(req);
    } else {
      const m = requireModel(body);
      if (!m.ok) return sendError(reply, m.error, dialect);
      model = m.value;
    }
    const problem = spec.check(body);
    if (problem) return sendError(reply, problem, dialect);
    const stream = streamFlag(body);
    if (!stream.ok) return sendError(reply, stream.error, dialect);
    if (stream.value && !spec.streams) return sendError(reply, invalid('This endpoint does not stream.', 'stream'), dialect);
    return forward(deps, req, reply, { api: spec.api, model, body, stream: stream.value });
  };

  app.post('/v1/chat/completions', call(SPECS['openai.chat']));
  app.post('/v1/responses', call(SPECS['openai.responses']));
  app.post('/v1/embeddings', call(SPECS['openai.embeddings']));
  app.post('/v1/messages', call(SPECS['anthropic.messages']));

  const azureDeployment = (req: FastifyRequest) => (req.params as { deployment: string }).deployment;
  const azure = (spec: ApiSpec) => {
    const handler = call(spec, azureDeployment);
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const version = (req.query as Record<string, unknown>)['api-version'];
      if (typeof version !== 'string' || version === '') {
        return sendError(reply, invalid('The api-version query parameter is required.', 'api-version'), 'openai');
      }
      return handler(req, reply);
    };
  };
  app.post('/openai/deployments/:deployment/chat/completions', azure(SPECS['openai.chat']));
  app.post('/openai/deployments/:deployment/embeddings', azure(SPECS['openai.embeddings']));

  app.get('/v1/models', (req, reply) => {
    const allowed = req.palisade.principal?.allowedModels;
    const data = deps.router
      .listModels()
      .filter((id) => matchesAny(allowed, id))
      .map((id) => ({ id, object: 'model', created: 0, owned_by: 'palisade' }));
    return reply.send({ object: 'list', data });
  });
}

interface ForwardRequest {
  readonly api: ClientApi;
  readonly model: string;
  readonly body: Body;
  readonly stream: boolean;
}

async function forward(deps: GatewayDeps, req: FastifyRequest, reply: FastifyReply, fwd: ForwardRequest): Promise<FastifyReply> {
  const dialect = req.palisade.dialect;
  const principal = req.palisade.principal;
  if (principal === undefined) return sendError(reply, palisadeError('unauthenticated', 'Authentication required.'), dialect);
  if (deps.router.resolve(fwd.model) === undefined) {
    return sendError(reply, palisadeError('model_not_found', `The model "${fwd.model}" does not exist or is not routed by this gateway.`, { param: 'model' }), dialect);
  }
  if (!matchesAny(principal.allowedModels, fwd.model)) {
    deps.metrics.denied('model_not_allowed');
    deps.audit.denied(req, principal, 'model_not_allowed', fwd.model);
    return sendError(reply, palisadeError('model_not_allowed', `This credential may not use the model "${fwd.model}".`, { param: 'model' }), dialect);
  }
  const admitted = await deps.limiter.admit(principal);
  if (!admitted.ok) {
    deps.metrics.denied(admitted.error.code);
    deps.audit.denied(req, principal, admitted.error.code, fwd.model);
    return sendError(reply, admitted.error, dialect);
  }

  const inspection = deps.config.inspection;
  const ictx: InspectionContext = {
    principal,
    model: fwd.model,
    ...optional('app', headerString(req.headers['x-palisade-app']) ?? principal.clientAppId),
    ...optional('labelsHeader', headerString(req.headers[inspection.labelsHeader])),
    ...optional('overrideJustification', headerString(req.headers[inspection.overrideHeader])),
  };
  const record: InteractionRecord = {
    requestId: req.id,
    time: Date.now(),
    principal,
    clientIp: req.palisade.clientIp,
    userAgent: headerString(req.headers['user-agent']),
    app: ictx.app,
    api: fwd.api,
    model: fwd.model,
    stream: fwd.stream,
    body: fwd.body,
    outcome: 'success',
    prompt: undefined,
    response: undefined,
    servedBy: undefined,
    usage: undefined,
    responseBody: undefined,
    responseText: undefined,
    errorCode: undefined,
    overrideJustification: ictx.overrideJustification,
    upstreamMs: 0,
    totalMs: 0,
  };
  const finish = (outcome: InteractionRecord['outcome'], errorCode?: string) => {
    record.outcome = outcome;
    record.errorCode = errorCode;
    record.totalMs = reply.elapsedTime;
    deps.audit.interaction(record);
  };

  const prompt = await deps.inspector.inspectRequestWithShields(fwd.api, fwd.body, ictx);
  record.prompt = prompt;
  if (prompt.decision.outcome === 'block' || prompt.decision.outcome === 'block-with-override') {
    deps.metrics.denied('policy');
    const error = blockError(prompt.decision);
    sendError(reply, error, dialect);
    finish('blocked', error.code);
    return reply;
  }

  const controller = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort();
  };
  reply.raw.once('close', onClose);

  // With canaries on, this request's system prompt carries a fresh token the answer must never repeat.
  const canaried = deps.config.injection.enabled && deps.config.injection.canary.enabled ? withCanary(fwd.api, prompt.body) : undefined;
  const rctx: InspectionContext =
    canaried === undefined
      ? ictx
      : { ...ictx, canary: { canary: canaried.canary, systemPrompt: canaried.systemPrompt, minFragmentChars: deps.config.injection.canary.minFragmentChars } };

  const t0 = performance.now();
  const result = await deps.router.dispatch({
    api: fwd.api,
    model: fwd.model,
    body: canaried?.body ?? prompt.body,
    stream: fwd.stream,
    signal: controller.signal,
    requestId: req.id,
    clientHeaders: req.headers,
  });
  record.upstreamMs = performance.now() - t0;
  if (!result.ok) {
    record.servedBy = result.servedBy;
    sendError(reply, result.error, dialect);
    finish('failure', result.error.code);
    return reply;
  }
  record.servedBy = result.servedBy;
  const redacted = prompt.decision.outcome === 'redact';
  if (result.kind === 'json') {
    record.usage = result.usage;
    if (result.usage) account(deps, principal, fwd.model, result.usage.inputTokens, result.usage.outputTokens);
    if (result.status >= 400) {
      reply.code(result.status).type('application/json; charset=utf-8').send(result.body);
      finish('failure', `upstream_${result.status}`);
      return reply;
    }
    const response = deps.inspector.inspectResponse(fwd.api, result.body, rctx, prompt.session);
    record.response = response;
    record.responseBody = result.body;
    prompt.session.clear();
    if (response.decision.outcome === 'block' || response.decision.outcome === 'block-with-override') {
      const error = blockError({ ...response.decision, outcome: 'block' });
      sendError(reply, error, dialect);
      finish('blocked', error.code);
      return reply;
    }
    reply.code(result.status).type('application/json; charset=utf-8').send(response.body);
    finish(redacted || response.decision.outcome === 'redact' ? 'redacted' : 'success');
    return reply;
  }
  const guarded = deps.inspector.streamGuard(fwd.api, rctx, prompt.session);
  const streamed = await writeStream(deps, req, reply, result.status, result.events, dialect, guarded?.guard);
  prompt.session.clear();
  const usage = result.usage();
  record.usage = usage;
  if (usage) account(deps, principal, fwd.model, usage.inputTokens, usage.outputTokens);
  if (guarded) {
    record.response = { decision: guarded.decision(), findings: guarded.findings(), labels: [], ms: 0 };
    if (record.prompt?.decision.capture === true || guarded.decision().capture) record.responseText = guarded.guard.text();
  }
  finish(streamed === 'blocked' ? 'blocked' : streamed === 'failed' ? 'failure' : redacted || guarded?.decision().outcome === 'redact' ? 'redacted' : 'success');
  return reply;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function account(deps: GatewayDeps, principal: Principal, model: string, input: number, output: number): void {
  deps.metrics.tokens(model, input, output);
  deps.limiter.recordTokens(principal, input + output).catch((e: unknown) => {
    deps.logger.warn({ err: { message: (e as Error).message } }, 'could not record token usage');
  });
}

/**
 * Sends SSE events as they arrive, waiting for the client to drain. With a guard, events pass through it
 * first; a block ends the stream with an error event. A backend failure mid-stream ends it the same way.
 */
async function writeStream(
  deps: GatewayDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  events: AsyncIterable<SseEvent>,
  dialect: WireDialect,
  guard: StreamGuard | undefined,
): Promise<'ok' | 'blocked' | 'failed'> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(status, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': req.id,
  });
  const state: { outcome: 'ok' | 'blocked' | 'failed' } = { outcome: 'ok' };
  // Events that arrive together (one upstream chunk often holds several) leave in one write: the socket is
  // corked for the rest of the current tick. A syscall per event dominated streaming cost on loopback.
  let corked = false;
  const uncork = () => {
    corked = false;
    raw.uncork();
  };
  const send = async (batch: readonly SseEvent[]) => {
    for (const ev of batch) {
      if (raw.destroyed) return;
      if (!corked) {
        corked = true;
        raw.cork();
        process.nextTick(uncork);
      }
      if (!raw.write(formatSse(ev))) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
    }
  };
  const blocked = async () => {
    state.outcome = 'blocked';
    deps.metrics.denied('policy');
    await send([streamErrorEvent(palisadeError('content_blocked', 'The response was blocked by your organisation’s AI data protection policy.'), dialect)]);
  };
  try {
    for await (const ev of events) {
      if (raw.destroyed) break;
      if (guard === undefined) {
        await send([ev]);
        continue;
      }
      const out = guard.push(ev);
      await send(out.events);
      if (out.blocked) {
        await blocked();
        break;
      }
    }
    if (guard !== undefined && state.outcome === 'ok' && !raw.destroyed) {
      const out = guard.end();
      await send(out.events);
      if (out.blocked) await blocked();
    }
  } catch (e) {
    const error =
      e instanceof UpstreamStreamError ? e.error : palisadeError('upstream_error', 'The backend stream failed before it completed.');
    if (!(e instanceof UpstreamStreamError)) deps.logger.warn({ reqId: req.id, err: { message: (e as Error).message } }, 'stream failed');
    state.outcome = 'failed';
    if (!raw.destroyed) raw.write(formatSse(streamErrorEvent(error, dialect)));
  } finally {
    if (!raw.destroyed) raw.end();
    const route = req.routeOptions.url ?? 'unmatched';
    const code = state.outcome === 'failed' ? 502 : state.outcome === 'blocked' ? 403 : status;
    deps.metrics.request(route, req.method, code, reply.elapsedTime / 1000);
    deps.logger.info({ reqId: req.id, route, status: code, stream: true, principal: req.palisade.principal?.id }, 'request');
  }
  return state.outcome;
}
