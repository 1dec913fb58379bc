// Per-stream transforms from the backend's server-sent events to the client's. Pass-through transforms forward the
// backend's events untouched (no JSON re-serialisation) and parse only the few events that carry usage; translating
// transforms rebuild the stream in the other dialect, event by event, with back-pressure intact.
import { ANTHROPIC_TO_FINISH, anthropicUsage, chatUsage, chatUsageBody, FINISH_TO_ANTHROPIC, responsesUsage } from './translate.ts';
import type { SseEvent, Usage } from './types.ts';

export interface StreamTransform {
  /** Handles one backend event, appending the client's events to `out`. */
  push(event: SseEvent, out: SseEvent[]): void;
  /** The backend ended its stream. */
  end(out: SseEvent[]): void;
  usage(): Usage | undefined;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(data: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Compiled once: chunks carrying a usage object (OpenAI puts `"usage":null` on the others). */
const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const DONE = '[DONE]';

/** OpenAI chat → OpenAI chat. Palisade always asks for usage; the extra usage-only chunk is dropped unless the client asked too. */
export class ChatPassThrough implements StreamTransform {
  #usage: Usage | undefined;
  #done = false;
  readonly #clientWantsUsage: boolean;
  constructor(clientWantsUsage: boolean) {
    this.#clientWantsUsage = clientWantsUsage;
  }
  push(event: SseEvent, out: SseEvent[]): void {
    if (this.#done) return;
    if (event.data === DONE) {
      this.#done = true;
      out.push(event);
      return;
    }
    if (USAGE_OBJECT.test(event.data)) {
      const chunk = parse(event.data);
      if (chunk !== undefined) {
        this.#usage = chatUsage(chunk.usage) ?? this.#usage;
        if (!this.#clientWantsUsage && Array.isArray(chunk.choices) && chunk.choices.length === 0) return;
      }
    }
    out.push(event);
  }
  end(): void {
    this.#done = true;
  }
  usage(): Usage | undefined {
    return this.#usage;
  }
}

const RESPONSES_FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** OpenAI Responses → OpenAI Responses; usage sits in the final `response.completed` event. */
export class ResponsesPassThrough implements StreamTransform {
  #usage: Usage | undefined;
  push(event: SseEvent, out: SseEvent[]): void {
    if (event.event !== undefined && RESPONSES_FINAL.has(event.event)) {
      const e = parse(event.data);
      if (e !== undefined && isObj(e.response)) this.#usage = responsesUsage(e.response.usage) ?? this.#usage;
    }
    out.push(event);
  }
  end(): void {
    // Nothing buffered.
  }
  usage(): Usage | undefined {
    return this.#usage;
  }
}

/** Anthropic → Anthropic; input tokens arrive in message_start, output tokens (cumulative) in message_delta. */
export class AnthropicPassThrough implements StreamTransform {
  #input = 0;
  #output = 0;
  #seen = false;
  push(event: SseEvent, out: SseEvent[]): void {
    if (event.event === 'message_start' || event.event === 'message_delta') {
      const e = parse(event.data);
      if (e !== undefined) this.#take(e);
    }
    out.push(event);
  }
  #take(e: Json): void {
    const u = anthropicUsage(e.type === 'message_start' && isObj(e.message) ? e.message.usage : e.usage);
    if (u === undefined) return;
    this.#seen = true;
    this.#input = Math.max(this.#input, u.inputTokens);
    this.#output = Math.max(this.#output, u.outputTokens);
  }
  end(): void {
    // Nothing buffered.
  }
  usage(): Usage | undefined {
    return this.#seen ? { inputTokens: this.#input, outputTokens: this.#output } : undefined;
  }
}

/** Anthropic events → OpenAI chat chunks, ending with `data: [DONE]`. */
export class AnthropicToChat implements StreamTransform {
  readonly #usageState = new AnthropicPassThrough();
  readonly #includeUsage: boolean;
  readonly #created: number;
  #id = 'chatcmpl-palisade';
  #model: string;
  /** Anthropic content-block index → OpenAI tool_calls index. */
  readonly #toolIndex = new Map<number, number>();
  #finish: string | null = null;
  #done = false;
  readonly #sink: SseEvent[] = [];

  constructor(model: string, includeUsage: boolean, createdSeconds: number) {
    this.#model = model;
    this.#includeUsage = includeUsage;
    this.#created = createdSeconds;
  }

  #chunk(out: SseEvent[], delta: Json, finish: string | null = null): void {
    out.push({
      data: JSON.stringify({
        id: this.#id,
        object: 'chat.completion.chunk',
        created: this.#created,
        model: this.#model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      }),
    });
  }

  push(event: SseEvent, out: SseEvent[]): void {
    if (this.#done) return;
    const e = parse(event.data);
    if (e === undefined) return;
    this.#sink.length = 0;
    if (e.type === 'message_start' || e.type === 'message_delta') this.#usageState.push(event, this.#sink);
    switch (e.type) {
      case 'message_start': {
        const m = isObj(e.message) ? e.message : {};
        if (typeof m.id === 'string') this.#id = m.id;
        if (typeof m.model === 'string') this.#model = m.model;
        this.#chunk(out, { role: 'assistant', content: '', refusal: null });
        break;
      }
      case 'content_block_start': {
        const b = isObj(e.content_block) ? e.content_block : {};
        if (b.type === 'tool_use' && typeof e.index === 'number') {
          const idx = this.#toolIndex.size;
          this.#toolIndex.set(e.index, idx);
          this.#chunk(out, { tool_calls: [{ index: idx, id: b.id, type: 'function', function: { name: b.name, arguments: '' } }] });
        } else if (b.type === 'text' && typeof b.text === 'string' && b.text.length > 0) {
          this.#chunk(out, { content: b.text });
        }
        break;
      }
      case 'content_block_delta': {
        const d = isObj(e.delta) ? e.delta : {};
        if (d.type === 'text_delta' && typeof d.text === 'string') this.#chunk(out, { content: d.text });
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string' && typeof e.index === 'number') {
          const idx = this.#toolIndex.get(e.index);
          if (idx !== undefined) this.#chunk(out, { tool_calls: [{ index: idx, function: { arguments: d.partial_json } }] });
        }
        break;
      }
      case 'message_delta': {
        const d = isObj(e.delta) ? e.delta : {};
        if (typeof d.stop_reason === 'string') this.#finish = ANTHROPIC_TO_FINISH[d.stop_reason] ?? 'stop';
        break;
      }
      case 'message_stop':
        this.#finishStream(out);
        break;
      case 'error': {
        const inner = isObj(e.error) ? e.error : {};
        out.push({ data: JSON.stringify({ error: { message: inner.message ?? 'the model backend failed', type: inner.type ?? 'server_error', code: null, param: null } }) });
        this.#done = true;
        break;
      }
      default:
        // ping, content_block_stop, thinking deltas: nothing for an OpenAI client.
        break;
    }
  }

  #finishStream(out: SseEvent[]): void {
    if (this.#done) return;
    this.#done = true;
    this.#chunk(out, {}, this.#finish ?? 'stop');
    const usage = this.#usageState.usage();
    if (this.#includeUsage && usage !== undefined) {
      out.push({
        data: JSON.stringify({
          id: this.#id,
          object: 'chat.completion.chunk',
          created: this.#created,
          model: this.#model,
          choices: [],
          usage: chatUsageBody(usage),
        }),
      });
    }
    out.push({ data: DONE });
  }

  end(out: SseEvent[]): void {
    // A backend that closes without message_stop after a stop reason is finished; otherwise the stream was cut.
    if (!this.#done && this.#finish !== null) this.#finishStream(out);
  }

  usage(): Usage | undefined {
    return this.#usageState.usage();
  }
}

/** OpenAI chat chunks → Anthropic events (message_start … message_stop). */
export class ChatToAnthropic implements StreamTransform {
  #model: string;
  #id: string;
  #started = false;
  #done = false;
  #blockIndex = -1;
  #blockType: 'text' | 'tool_use' | undefined;
  /** OpenAI tool_calls index → Anthropic content-block index. */
  readonly #toolBlocks = new Map<number, number>();
  #stop: string | undefined;
  #usage: Usage | undefined;

  constructor(model: string, id: string) {
    this.#model = model;
    this.#id = id;
  }

  static #ev(out: SseEvent[], type: string, body: Json): void {
    out.push({ event: type, data: JSON.stringify({ type, ...body }) });
  }

  #start(out: SseEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    ChatToAnthropic.#ev(out, 'message_start', {
      message: {
        id: this.#id,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  #closeBlock(out: SseEvent[]): void {
    if (this.#blockType === undefined) return;
    ChatToAnthropic.#ev(out, 'content_block_stop', { index: this.#blockIndex });
    this.#blockType = undefined;
  }

  push(event: SseEvent, out: SseEvent[]): void {
    if (this.#done) return;
    if (event.data === DONE) {
      this.#finishStream(out);
      return;
    }
    const chunk = parse(event.data);
    if (chunk === undefined) return;
    if (isObj(chunk.error)) {
      ChatToAnthropic.#ev(out, 'error', { error: { type: 'api_error', message: typeof chunk.error.message === 'string' ? chunk.error.message : 'the model backend failed' } });
      this.#done = true;
      return;
    }
    if (typeof chunk.model === 'string' && !this.#started) this.#model = chunk.model;
    if (typeof chunk.id === 'string' && !this.#started) this.#id = chunk.id;
    this.#start(out);
    this.#usage = chatUsage(chunk.usage) ?? this.#usage;
    const choice: unknown = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!isObj(choice)) return;
    const delta = isObj(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string' && delta.content.length > 0) {
      if (this.#blockType !== 'text') {
        this.#closeBlock(out);
        this.#blockIndex++;
        this.#blockType = 'text';
        ChatToAnthropic.#ev(out, 'content_block_start', { index: this.#blockIndex, content_block: { type: 'text', text: '' } });
      }
      ChatToAnthropic.#ev(out, 'content_block_delta', { index: this.#blockIndex, delta: { type: 'text_delta', text: delta.content } });
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const tc of delta.tool_calls as unknown[]) {
        if (!isObj(tc)) continue;
        const idx = typeof tc.index === 'number' ? tc.index : 0;
        const fn = isObj(tc.function) ? tc.function : {};
        let block = this.#toolBlocks.get(idx);
        if (block === undefined) {
          this.#closeBlock(out);
          this.#blockIndex++;
          block = this.#blockIndex;
          this.#toolBlocks.set(idx, block);
          this.#blockType = 'tool_use';
          ChatToAnthropic.#ev(out, 'content_block_start', {
            index: block,
            content_block: { type: 'tool_use', id: tc.id ?? `toolu_${idx}`, name: fn.name ?? '', input: {} },
          });
        }
        if (typeof fn.arguments === 'string' && fn.arguments.length > 0 && block === this.#blockIndex) {
          ChatToAnthropic.#ev(out, 'content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: fn.arguments } });
        }
      }
    }
    if (typeof choice.finish_reason === 'string') this.#stop = FINISH_TO_ANTHROPIC[choice.finish_reason] ?? 'end_turn';
  }

  #finishStream(out: SseEvent[]): void {
    if (this.#done) return;
    this.#done = true;
    this.#start(out);
    this.#closeBlock(out);
    const u = this.#usage ?? { inputTokens: 0, outputTokens: 0 };
    ChatToAnthropic.#ev(out, 'message_delta', {
      delta: { stop_reason: this.#stop ?? 'end_turn', stop_sequence: null },
      usage: { input_tokens: u.inputTokens, output_tokens: u.outputTokens },
    });
    ChatToAnthropic.#ev(out, 'message_stop', {});
  }

  end(out: SseEvent[]): void {
    // OpenAI-compatible servers sometimes close without [DONE] after the finish chunk.
    if (!this.#done && this.#stop !== undefined) this.#finishStream(out);
  }

  usage(): Usage | undefined {
    return this.#usage;
  }
}
