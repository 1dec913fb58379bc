// Test support: a `fetch` for the official openai / @anthropic-ai/sdk clients that answers through an UpstreamRouter,
// the way the gateway's routes will (JSON, or SSE pulled from the event iterator), so the SDKs parse our output.
import { errorBody, httpStatusOf } from '../../../core/index.ts';
import type { UpstreamRouter } from '../router.ts';
import { formatSse } from '../sse.ts';
import type { ClientApi } from '../types.ts';

function apiOf(path: string): ClientApi {
  if (path.endsWith('/chat/completions')) return 'openai.chat';
  if (path.endsWith('/responses')) return 'openai.responses';
  if (path.endsWith('/embeddings')) return 'openai.embeddings';
  if (path.endsWith('/messages')) return 'anthropic.messages';
  throw new Error(`no API at ${path}`);
}

export function routerFetch(router: UpstreamRouter): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  let n = 0;
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const api = apiOf(url.pathname);
    const body = JSON.parse(typeof init?.body === 'string' ? init.body : '{}') as Record<string, unknown>;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const result = await router.dispatch({
      api,
      model: String(body.model),
      body,
      stream: body.stream === true,
      signal: init?.signal ?? new AbortController().signal,
      requestId: `req_sdk${++n}`,
      clientHeaders: headers,
    });
    const dialect = api === 'anthropic.messages' ? 'anthropic' : 'openai';
    if (!result.ok) {
      return new Response(JSON.stringify(errorBody(result.error, dialect)), {
        status: httpStatusOf(result.error.code),
        headers: { 'content-type': 'application/json' },
      });
    }
    if (result.kind === 'json') return new Response(JSON.stringify(result.body), { status: result.status, headers: { 'content-type': 'application/json' } });
    const it = result.events[Symbol.asyncIterator]();
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const r = await it.next();
        if (r.done === true) controller.close();
        else controller.enqueue(enc.encode(formatSse(r.value)));
      },
      async cancel() {
        await it.return?.();
      },
    });
    return new Response(stream, { status: result.status, headers: { 'content-type': 'text/event-stream' } });
  };
}
