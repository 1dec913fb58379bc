// The model routes: OpenAI chat, responses and embeddings, Azure OpenAI deployments, Anthropic messages.
// Each is a thin adapter: validate at the wire (the API's adapter), build an Exchange (forward through the
// upstream router, answer in the client's dialect, stream with back-pressure), and hand it to the pipeline.
import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { matchesAny, palisadeError, type Config, type WireDialect } from '../../core/index.ts';
import { apiAdapter, type ApiAdapter, type ClientApi, type Exchange, type Forwarded, type Ingress, type Pipeline, type SseEvent, type StreamGuard } from '../../pipeline/index.ts';
import { sendError } from '../http-errors.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { UpstreamCall, UpstreamResult } from '../upstreams/index.ts';
import { formatSse, streamErrorEvent, UpstreamStreamError } from '../upstreams/index.ts';

export interface ModelRouter {
  resolve(model: string): unknown;
  listModels(): string[];
  dispatch(call: UpstreamCall): Promise<UpstreamResult>;
  healthy(): boolean;
}

export interface ModelRouteDeps {
  readonly config: Config;
  readonly pipeline: Pipeline;
  readonly router: ModelRouter;
  readonly metrics: GatewayMetrics;
  readonly logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/** The upstream router's answer as the pipeline's. */
function forwarded(result: UpstreamResult): Forwarded {
  if (!result.ok) return { kind: 'refused', refusal: { error: result.error, outcome: 'failure' }, servedBy: result.servedBy };
  if (result.kind === 'stream') return { kind: 'stream', status: result.status, events: result.events, usage: () => result.usage(), servedBy: result.servedBy };
  return { kind: 'json', status: result.status, body: result.body, usage: result.usage, servedBy: result.servedBy, rejected: result.status >= 400 };
}

export function registerModelRoutes(app: FastifyInstance, deps: ModelRouteDeps): void {
  const { pipeline, router } = deps;
  const inspection = deps.config.inspection;

  const handler =
    (adapter: ApiAdapter, ingress: Ingress, deployment?: (req: FastifyRequest) => string) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const dialect = adapter.dialect;
      const principal = req.palisade.principal;
      if (principal === undefined) return sendError(reply, palisadeError('unauthenticated', 'Authentication required.'), dialect);
      const parsed = adapter.parse(req.body, { modelInPath: deployment !== undefined });
      if (!parsed.ok) return sendError(reply, parsed.error, dialect);
      const { body, stream } = parsed.value;
      const model = deployment?.(req) ?? parsed.value.model ?? '';
      const controller = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const exchange: Exchange = {
        requestLocation: 'prompt',
        responseLocation: adapter.api === 'openai.embeddings' ? undefined : 'response',
        api: adapter,
        body,
        content: adapter.request(body),
        authorize: () =>
          router.resolve(model) === undefined
            ? { error: palisadeError('model_not_found', `The model "${model}" does not exist or is not routed by this gateway.`, { param: 'model' }), outcome: 'failure' }
            : undefined,
        forward: async (out, ix) =>
          forwarded(
            await router.dispatch({ api: adapter.api, model, body: out, stream, signal: controller.signal, requestId: ix.id, clientHeaders: req.headers }),
          ),
        responseContent: (answer) => adapter.response(answer),
        refuse: (refusal) => {
          sendError(reply, refusal.error, dialect);
        },
        send: (status, answer) => {
          reply.code(status).type('application/json; charset=utf-8').send(answer);
        },
        sendStream: (status, events, guard) => writeStream(deps, req, reply, status, events, dialect, guard),
      };
      await pipeline.run(
        {
          id: req.id,
          time: Date.now(),
          ingress,
          operation: adapter.api,
          principal,
          client: { ip: req.palisade.clientIp, ...(req.headers['user-agent'] !== undefined ? { userAgent: req.headers['user-agent'] } : {}) },
          app: headerString(req.headers['x-palisade-app']) ?? principal.clientAppId,
          target: { kind: 'model', model },
          stream,
          overrideJustification: headerString(req.headers[inspection.overrideHeader]),
        },
        exchange,
        { labelsHeader: headerString(req.headers[inspection.labelsHeader]) },
      );
      return reply;
    };

  const route = (api: ClientApi, ingress: Ingress) => handler(apiAdapter(api), ingress);
  app.post('/v1/chat/completions', route('openai.chat', 'openai'));
  app.post('/v1/responses', route('openai.responses', 'openai'));
  app.post('/v1/embeddings', route('openai.embeddings', 'openai'));
  app.post('/v1/messages', route('anthropic.messages', 'anthropic'));

  const azureDeployment = (req: FastifyRequest): string => (req.params as { deployment: string }).deployment;
  const azure = (api: ClientApi) => {
    const inner = handler(apiAdapter(api), 'azure-openai', azureDeployment);
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const version = (req.query as Record<string, unknown>)['api-version'];
      if (typeof version !== 'string' || version === '') {
        return sendError(reply, palisadeError('invalid_request', 'The api-version query parameter is required.', { param: 'api-version' }), 'openai');
      }
      return inner(req, reply);
    };
  };
  app.post('/openai/deployments/:deployment/chat/completions', azure('openai.chat'));
  app.post('/openai/deployments/:deployment/embeddings', azure('openai.embeddings'));

  app.get('/v1/models', (req, reply) => {
    const allowed = req.palisade.principal?.allowedModels;
    const data = router
      .listModels()
      .filter((id) => matchesAny(allowed, id))
      .map((id) => ({ id, object: 'model', created: 0, owned_by: 'palisade' }));
    return reply.send({ object: 'list', data });
  });
}

/**
 * Sends SSE events as they arrive, waiting for the client to drain. With a guard, events pass through it
 * first; a block ends the stream with an error event. A backend failure mid-stream ends it the same way.
 */
async function writeStream(
  deps: ModelRouteDeps,
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
    const error = e instanceof UpstreamStreamError ? e.error : palisadeError('upstream_error', 'The backend stream failed before it completed.');
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
