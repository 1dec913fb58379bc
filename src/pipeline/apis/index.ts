// The client APIs Palisade speaks, one adapter each. Adding an API means adding an adapter here (and a
// route that names it); nothing else in the pipeline branches on the API.
import { anthropicMessages } from './anthropic-messages.ts';
import { openaiChat } from './openai-chat.ts';
import { openaiEmbeddings } from './openai-embeddings.ts';
import { openaiResponses } from './openai-responses.ts';
import type { ApiAdapter, ClientApi } from './types.ts';

export const API_ADAPTERS: Readonly<Record<ClientApi, ApiAdapter>> = {
  'openai.chat': openaiChat,
  'openai.responses': openaiResponses,
  'openai.embeddings': openaiEmbeddings,
  'anthropic.messages': anthropicMessages,
};

export function apiAdapter(api: ClientApi): ApiAdapter {
  return API_ADAPTERS[api];
}

export { eventJson, eventOf } from './types.ts';
export type { ApiAdapter, ClientApi, SseEvent, StreamText, WireRequest } from './types.ts';
