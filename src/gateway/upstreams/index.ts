// The upstream layer of the AI gateway: routes a model name to a pool of backends (OpenAI, Azure OpenAI, Anthropic,
// OpenAI-compatible, or the in-process mock), injects Palisade's own credentials, retries, breaks circuits, fails
// over, streams with back-pressure and translates between the OpenAI and Anthropic dialects.
export { UpstreamRouter } from './router.ts';
export type { UpstreamRouterConfig, UpstreamRouterDeps } from './router.ts';
export { UpstreamStreamError } from './types.ts';
export type {
  BreakerState,
  ClientApi,
  ServedBy,
  SseEvent,
  UpstreamCall,
  UpstreamLogger,
  UpstreamMetrics,
  UpstreamResult,
  Usage,
} from './types.ts';
export { formatSse, SseParser, streamErrorEvent } from './sse.ts';
