// OpenAI Chat Completions ⇄ Anthropic Messages, both directions, whole answers and streams: system prompts, multi-part
// text, images, tool calls and results, stop reasons and usage. A client speaks its API; the backend may speak the other.
import { palisadeError, type PalisadeError, type Result } from '../../core/index.ts';
import type { Usage } from './types.ts';

/** Anthropic requires max_tokens; OpenAI clients often leave it out. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

type Json = Record<string, unknown>;
type Translated = Result<Json, PalisadeError>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, param?: string): { ok: false; error: PalisadeError } => ({
  ok: false,
  error: palisadeError('invalid_request', message, param === undefined ? {} : { param }),
});

// ---------------------------------------------------------------------------------------------------------------
// Requests: OpenAI chat → Anthropic messages

export function chatRequestToAnthropic(body: Json, backendModel: string, stream: boolean): Translated {
  const messages = body.messages;
  if (!Array.isArray(messages)) return bad('messages must be an array', 'messages');
  const n = body.n;
  if (typeof n === 'number' && n > 1) return bad('n > 1 is not supported by this model backend', 'n');
  const system: string[] = [];
  const out: { role: 'user' | 'assistant'; content: Json[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]): void => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    // Anthropic wants user and assistant turns to alternate: consecutive same-role messages are merged.
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m)) return bad('each message must be an object', `messages.${i}`);
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOfChatContent(m.content);
        if (text === undefined) return bad('system message content must be text', `messages.${i}.content`);
        system.push(text);
        break;
      }
      case 'user': {
        const blocks = chatContentToBlocks(m.content, i);
        if (!blocks.ok) return blocks;
        push('user', blocks.value);
        break;
      }
      case 'assistant': {
        const blocks: Json[] = [];
        const text = textOfChatContent(m.content ?? '');
        if (text === undefined) return bad('assistant message content must be text', `messages.${i}.content`);
        if (text.length > 0) blocks.push({ type: 'text', text });
        if (Array.isArray(m.tool_calls)) {
          for (const tc of m.tool_calls as unknown[]) {
            if (!isObj(tc) || !isObj(tc.function) || typeof tc.id !== 'string' || typeof tc.function.name !== 'string') {
              return bad('invalid tool call', `messages.${i}.tool_calls`);
            }
            const input = parseArguments(tc.function.arguments);
            if (input === undefined) return bad('tool call arguments must be a JSON object', `messages.${i}.tool_calls`);
            blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input });
          }
        }
        push('assistant', blocks);
        break;
      }
      case 'tool': {
        if (typeof m.tool_call_id !== 'string') return bad('tool messages need tool_call_id', `messages.${i}.tool_call_id`);
        const text = textOfChatContent(m.content);
        if (text === undefined) return bad('tool message content must be text', `messages.${i}.content`);
        push('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: text }]);
        break;
      }
      default:
        return bad(`message role ${JSON.stringify(m.role)} is not supported by this model backend`, `messages.${i}.role`);
    }
  }
  const req: Json = {
    model: backendModel,
    messages: out,
    max_tokens: numberOr(body.max_completion_tokens, numberOr(body.max_tokens, DEFAULT_ANTHROPIC_MAX_TOKENS)),
  };
  if (system.length > 0) req.system = system.join('\n\n');
  if (typeof body.temperature === 'number') req.temperature = Math.min(1, body.temperature);
  if (typeof body.top_p === 'number') req.top_p = body.top_p;
  if (typeof body.stop === 'string') req.stop_sequences = [body.stop];
  else if (Array.isArray(body.stop)) req.stop_sequences = body.stop;
  if (isObj(body.metadata) || typeof body.user === 'string') {
    if (typeof body.user === 'string') req.metadata = { user_id: body.user };
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    const tools: Json[] = [];
    for (const t of body.tools as unknown[]) {
      if (!isObj(t) || t.type !== 'function' || !isObj(t.function) || typeof t.function.name !== 'string') {
        return bad('only function tools are supported by this model backend', 'tools');
      }
      const tool: Json = { name: t.function.name, input_schema: isObj(t.function.parameters) ? t.function.parameters : { type: 'object', properties: {} } };
      if (typeof t.function.description === 'string') tool.description = t.function.description;
      tools.push(tool);
    }
    req.tools = tools;
    const choice = chatToolChoiceToAnthropic(body.tool_choice);
    if (choice !== undefined) {
      if (body.parallel_tool_calls === false && choice.type !== 'none') choice.disable_parallel_tool_use = true;
      req.tool_choice = choice;
    }
  }
  if (stream) req.stream = true;
  return { ok: true, value: req };
}

function chatToolChoiceToAnthropic(choice: unknown): Json | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isObj(choice) && isObj(choice.function) && typeof choice.function.name === 'string') return { type: 'tool', name: choice.function.name };
  return undefined;
}

function numberOr(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

function parseArguments(args: unknown): Json | undefined {
  if (args === undefined || args === '') return {};
  if (typeof args !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(args);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Text of an OpenAI content value (a string or text parts); undefined when it holds anything but text. */
function textOfChatContent(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === null) return '';
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const p of content as unknown[]) {
    if (!isObj(p) || p.type !== 'text' || typeof p.text !== 'string') return undefined;
    text += p.text;
  }
  return text;
}

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.*)$/s;

function chatContentToBlocks(content: unknown, i: number): Result<Json[], PalisadeError> {
  if (typeof content === 'string') return { ok: true, value: content.length > 0 ? [{ type: 'text', text: content }] : [] };
  if (!Array.isArray(content)) return bad('message content must be a string or an array of parts', `messages.${i}.content`);
  const blocks: Json[] = [];
  for (const p of content as unknown[]) {
    if (isObj(p) && p.type === 'text' && typeof p.text === 'string') {
      blocks.push({ type: 'text', text: p.text });
    } else if (isObj(p) && p.type === 'image_url' && isObj(p.image_url) && typeof p.image_url.url === 'string') {
      const url = p.image_url.url;
      const m = DATA_URL.exec(url);
      if (m !== null) blocks.push({ type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } });
      else if (url.startsWith('https://')) blocks.push({ type: 'image', source: { type: 'url', url } });
      else return bad('images must be https URLs or base64 data URLs (png, jpeg, gif, webp) for this model backend', `messages.${i}.content`);
    } else {
      return bad('only text and image parts are supported by this model backend', `messages.${i}.content`);
    }
  }
  return { ok: true, value: blocks };
}

// ---------------------------------------------------------------------------------------------------------------
// Requests: Anthropic messages → OpenAI chat

export function anthropicRequestToChat(
  body: Json,
  backendModel: string,
  stream: boolean,
  maxTokensField: 'max_tokens' | 'max_completion_tokens',
): Translated {
  const messages = body.messages;
  if (!Array.isArray(messages)) return bad('messages must be an array', 'messages');
  const out: Json[] = [];
  if (body.system !== undefined) {
    const text = textOfAnthropicContent(body.system);
    if (text === undefined) return bad('system must be text', 'system');
    if (text.length > 0) out.push({ role: 'system', content: text });
  }
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m) || (m.role !== 'user' && m.role !== 'assistant')) return bad('messages must have role user or assistant', `messages.${i}.role`);
    const blocks: unknown[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [];
    if (!Array.isArray(m.content) && typeof m.content !== 'string') return bad('message content must be a string or an array of blocks', `messages.${i}.content`);
    const parts: Json[] = [];
    const toolCalls: Json[] = [];
    for (const b of blocks) {
      if (!isObj(b)) return bad('invalid content block', `messages.${i}.content`);
      switch (b.type) {
        case 'text':
          if (typeof b.text !== 'string') return bad('text blocks need text', `messages.${i}.content`);
          parts.push({ type: 'text', text: b.text });
          break;
        case 'image': {
          const src = b.source;
          if (isObj(src) && src.type === 'base64' && typeof src.media_type === 'string' && typeof src.data === 'string') {
            parts.push({ type: 'image_url', image_url: { url: `data:${src.media_type};base64,${src.data}` } });
          } else if (isObj(src) && src.type === 'url' && typeof src.url === 'string') {
            parts.push({ type: 'image_url', image_url: { url: src.url } });
          } else {
            return bad('unsupported image source', `messages.${i}.content`);
          }
          break;
        }
        case 'tool_use':
          if (m.role !== 'assistant' || typeof b.id !== 'string' || typeof b.name !== 'string') return bad('invalid tool_use block', `messages.${i}.content`);
          toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
          break;
        case 'tool_result': {
          if (typeof b.tool_use_id !== 'string') return bad('tool_result blocks need tool_use_id', `messages.${i}.content`);
          const text = b.content === undefined ? '' : textOfAnthropicContent(b.content);
          if (text === undefined) return bad('only text tool results are supported by this model backend', `messages.${i}.content`);
          // OpenAI wants each tool result as its own message, right after the assistant turn that asked for it.
          out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: b.is_error === true ? `Error: ${text}` : text });
          break;
        }
        case 'thinking':
        case 'redacted_thinking':
          break;
        default:
          return bad(`content block type ${JSON.stringify(b.type)} is not supported by this model backend`, `messages.${i}.content`);
      }
    }
    if (m.role === 'assistant') {
      const msg: Json = { role: 'assistant', content: parts.length > 0 ? parts.map(partText).join('') : null };
      if (toolCalls.length > 0) msg.tool_calls = toolCalls;
      if (parts.length > 0 || toolCalls.length > 0) out.push(msg);
    } else if (parts.length > 0) {
      const textOnly = parts.every((p) => p.type === 'text');
      out.push({ role: 'user', content: textOnly ? parts.map(partText).join('') : parts });
    }
  }
  const req: Json = { model: backendModel, messages: out };
  if (typeof body.max_tokens === 'number') req[maxTokensField] = body.max_tokens;
  if (typeof body.temperature === 'number') req.temperature = body.temperature;
  if (typeof body.top_p === 'number') req.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) req.stop = body.stop_sequences;
  if (isObj(body.metadata) && typeof body.metadata.user_id === 'string') req.user = body.metadata.user_id;
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    const tools: Json[] = [];
    for (const t of body.tools as unknown[]) {
      if (!isObj(t) || typeof t.name !== 'string' || (t.type !== undefined && t.type !== 'custom')) {
        return bad('only custom (function) tools are supported by this model backend', 'tools');
      }
      const fn: Json = { name: t.name, parameters: isObj(t.input_schema) ? t.input_schema : { type: 'object', properties: {} } };
      if (typeof t.description === 'string') fn.description = t.description;
      tools.push({ type: 'function', function: fn });
    }
    req.tools = tools;
    const tc = body.tool_choice;
    if (isObj(tc)) {
      if (tc.type === 'auto') req.tool_choice = 'auto';
      else if (tc.type === 'any') req.tool_choice = 'required';
      else if (tc.type === 'none') req.tool_choice = 'none';
      else if (tc.type === 'tool' && typeof tc.name === 'string') req.tool_choice = { type: 'function', function: { name: tc.name } };
      if (tc.disable_parallel_tool_use === true) req.parallel_tool_calls = false;
    }
  }
  if (stream) {
    req.stream = true;
    req.stream_options = { include_usage: true };
  }
  return { ok: true, value: req };
}

const partText = (p: Json): string => (typeof p.text === 'string' ? p.text : '');

function textOfAnthropicContent(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const b of content as unknown[]) {
    if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string') return undefined;
    text += (text.length > 0 ? '\n' : '') + b.text;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
// Whole answers

/** Anthropic stop reasons → OpenAI finish reasons, and back (whole answers and streams alike). */
export const ANTHROPIC_TO_FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};
export const FINISH_TO_ANTHROPIC: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function anthropicResponseToChat(msg: Json, createdSeconds: number): Json {
  let text = '';
  const toolCalls: Json[] = [];
  if (Array.isArray(msg.content)) {
    for (const b of msg.content as unknown[]) {
      if (!isObj(b)) continue;
      if (b.type === 'text' && typeof b.text === 'string') text += b.text;
      else if (b.type === 'tool_use') {
        toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
      }
    }
  }
  const message: Json = { role: 'assistant', content: toolCalls.length > 0 && text.length === 0 ? null : text, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const usage = anthropicUsage(msg.usage);
  return {
    id: typeof msg.id === 'string' ? msg.id : 'chatcmpl-palisade',
    object: 'chat.completion',
    created: createdSeconds,
    model: msg.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: ANTHROPIC_TO_FINISH[String(msg.stop_reason)] ?? 'stop',
      },
    ],
    usage: chatUsageBody(usage ?? { inputTokens: 0, outputTokens: 0 }),
  };
}

export function chatResponseToAnthropic(chat: Json): Json {
  const choice: unknown = Array.isArray(chat.choices) ? chat.choices[0] : undefined;
  const message = isObj(choice) && isObj(choice.message) ? choice.message : {};
  const content: Json[] = [];
  const text = textOfChatContent(message.content ?? '') ?? '';
  if (text.length > 0) content.push({ type: 'text', text });
  if (Array.isArray(message.tool_calls)) {
    for (const tc of message.tool_calls as unknown[]) {
      if (!isObj(tc) || !isObj(tc.function)) continue;
      content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseArguments(tc.function.arguments) ?? {} });
    }
  }
  const usage = chatUsage(chat.usage) ?? { inputTokens: 0, outputTokens: 0 };
  return {
    id: typeof chat.id === 'string' ? chat.id : 'msg_palisade',
    type: 'message',
    role: 'assistant',
    model: chat.model,
    content,
    stop_reason: FINISH_TO_ANTHROPIC[String(isObj(choice) ? choice.finish_reason : '')] ?? 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

const ANTHROPIC_TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
};

/** A backend's error body in the other dialect's shape (the status stays as the backend sent it). */
export function translateErrorBody(body: Json, to: 'openai' | 'anthropic', status: number): Json {
  const inner = isObj(body.error) ? body.error : {};
  const message = typeof inner.message === 'string' ? inner.message : `the model backend answered with HTTP ${status}`;
  if (to === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message } };
  }
  const type = typeof inner.type === 'string' ? inner.type : 'invalid_request_error';
  return { error: { message, type, code: null, param: null } };
}

// ---------------------------------------------------------------------------------------------------------------
// Usage

export function chatUsage(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  return { inputTokens: numberOr(u.prompt_tokens, 0), outputTokens: numberOr(u.completion_tokens, 0) };
}

export function responsesUsage(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  return { inputTokens: numberOr(u.input_tokens, 0), outputTokens: numberOr(u.output_tokens, 0) };
}

/** Anthropic counts cached input apart; all of it is input the caller spent. */
export function anthropicUsage(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  return {
    inputTokens: numberOr(u.input_tokens, 0) + numberOr(u.cache_creation_input_tokens, 0) + numberOr(u.cache_read_input_tokens, 0),
    outputTokens: numberOr(u.output_tokens, 0),
  };
}

export function chatUsageBody(u: Usage): Json {
  return { prompt_tokens: u.inputTokens, completion_tokens: u.outputTokens, total_tokens: u.inputTokens + u.outputTokens };
}
