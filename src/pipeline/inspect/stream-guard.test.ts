import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/index.ts';
import type { Redaction } from '../../policy/index.ts';
import { apiAdapter, type SseEvent } from '../apis/index.ts';
import { StreamGuard, type StreamJudge } from './stream-guard.ts';

// A judge with a tiny regex scanner: 16-digit numbers and `sk-` keys are redacted, the word BLOCKME blocks.
function judge(): StreamJudge & { decisions: number } {
  const j = {
    decisions: 0,
    scan(text: string): Finding[] {
      const out: Finding[] = [];
      for (const m of text.matchAll(/\b\d{16}\b|sk-[a-z0-9]{20,}|BLOCKME/g)) {
        const type = m[0].startsWith('sk-') ? 'SECRET' : m[0] === 'BLOCKME' ? 'BLOCK' : 'CARD';
        out.push({ detector: 't', type, confidence: 85, start: m.index, end: m.index + m[0].length, valueHash: m[0] });
      }
      return out;
    },
    decide(findings: readonly Finding[]) {
      j.decisions++;
      if (findings.some((f) => f.type === 'BLOCK')) return { block: true as const };
      return {
        block: false as const,
        redactions: findings.map((f): Redaction => ({ start: f.start, end: f.end, type: f.type, valueHash: f.valueHash, style: 'placeholder' })),
      };
    },
    replace: (_value: string, r: Redaction) => `[${r.type}]`,
    restore: (t: string) => t,
    rewriteWhole: (t: string) => t.replace(/\b\d{16}\b/g, '[CARD]'),
  };
  return j;
}

const chatChunk = (text: string, index = 0): SseEvent => ({
  data: JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index, delta: { content: text }, finish_reason: null }] }),
});
const contentOf = (ev: SseEvent): string => {
  if (ev.data === '[DONE]') return '';
  const o = JSON.parse(ev.data) as { choices?: { delta?: { content?: string } }[] };
  return o.choices?.[0]?.delta?.content ?? '';
};

function run(chunks: readonly string[], window = 32, mode: 'window' | 'buffer' = 'window') {
  const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode, window });
  const sent: SseEvent[] = [];
  let blocked = false;
  for (const c of chunks) {
    const r = g.push(chatChunk(c));
    sent.push(...r.events);
    blocked ||= r.blocked;
  }
  sent.push(...g.push({ data: '[DONE]' }).events);
  const end = g.end();
  sent.push(...end.events);
  return { text: sent.map(contentOf).join(''), sent, blocked: blocked || end.blocked, guard: g };
}

describe('stream guard', () => {
  const secret = 'sk-abcdefghijklmnopqrstuvwxyz0123';
  const card = '4111111111111111';
  const answer = `Here is the key ${secret} and the card ${card}. Done, with some trailing words to flush.`;

  it('redacts a value split at every possible position, and never sends any of it', () => {
    for (let i = 1; i < answer.length; i++) {
      const { text, sent } = run([answer.slice(0, i), answer.slice(i)]);
      expect(text).toBe('Here is the key [SECRET] and the card [CARD]. Done, with some trailing words to flush.');
      for (const ev of sent) {
        expect(ev.data).not.toContain('sk-abc');
        expect(ev.data).not.toContain('41111111');
      }
    }
  });

  it('holds no more than needed: text far from any match is released before the stream ends', () => {
    const words = Array.from({ length: 50 }, (_, i) => `word${i} `);
    const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode: 'window', window: 32 });
    let releasedEarly = '';
    for (const w of words) releasedEarly += g.push(chatChunk(w)).events.map(contentOf).join('');
    expect(releasedEarly.length).toBeGreaterThan(words.join('').length - 64);
  });

  it('keeps events in order, including non-text events between text', () => {
    const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode: 'window', window: 8 });
    const out: SseEvent[] = [];
    out.push(...g.push({ data: JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' } }] }) }).events);
    out.push(...g.push(chatChunk('hello there ')).events);
    out.push(...g.push({ data: JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) }).events);
    out.push(...g.push({ data: '[DONE]' }).events);
    out.push(...g.end().events);
    const marks: string[] = [];
    for (const e of out) {
      if (e.data === '[DONE]') marks.push('DONE');
      else {
        const c = (JSON.parse(e.data) as { choices: { delta: Record<string, unknown>; finish_reason?: string }[] }).choices[0];
        const m = c?.finish_reason ?? (typeof c?.delta['content'] === 'string' ? 'text' : 'role');
        if (m !== 'text' || marks.at(-1) !== 'text') marks.push(m);
      }
    }
    expect(marks).toEqual(['role', 'text', 'stop', 'DONE']);
    expect(out.map(contentOf).join('')).toBe('hello there ');
  });

  it('a block mid-stream stops before the offending text and sends nothing after', () => {
    const { text, blocked } = run(['All good so far. ', 'and then BLOC', 'KME happens ', 'with more text after it that is long enough']);
    expect(blocked).toBe(true);
    expect(text).not.toContain('BLOCKME');
    expect(text).not.toContain('happens');
  });

  it('buffer mode releases nothing until the end', () => {
    const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode: 'buffer', window: 32 });
    expect(g.push(chatChunk('a'.repeat(200) + ' ')).events).toEqual([]);
    expect(g.end().events.map(contentOf).join('')).toBe('a'.repeat(200) + ' ');
  });

  it('property: for any chunking, the client text equals the redacted answer', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: answer.length - 1 }), { maxLength: 12 }), fc.integer({ min: 16, max: 64 }), (cuts, window) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: string[] = [];
        let at = 0;
        for (const p of points) {
          chunks.push(answer.slice(at, p));
          at = p;
        }
        chunks.push(answer.slice(at));
        expect(run(chunks, window).text).toBe('Here is the key [SECRET] and the card [CARD]. Done, with some trailing words to flush.');
      }),
    );
  });

  it('an opened private key block is held until it closes', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\n' + 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'.repeat(20) + '-----END PRIVATE KEY-----';
    const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode: 'window', window: 16 });
    let early = '';
    for (let i = 0; i < pem.length - 30; i += 10) early += g.push(chatChunk(pem.slice(i, i + 10))).events.map(contentOf).join('');
    expect(early).toBe('');
  });

  it('rewrites summary events of the Responses API consistently', () => {
    const g = new StreamGuard(apiAdapter('openai.responses'), judge(), { mode: 'window', window: 16 });
    const done = { data: JSON.stringify({ type: 'response.output_text.done', text: `card ${card}` }) };
    const out = [...g.push(done).events, ...g.end().events];
    expect(out[0]?.data).toContain('[CARD]');
    expect(out[0]?.data).not.toContain(card);
  });

  it('n > 1 choices in one event: each choice is guarded on its own and never travels with another', () => {
    const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode: 'window', window: 16 });
    const both = (a: string, b: string): SseEvent => ({
      data: JSON.stringify({ choices: [{ index: 0, delta: { content: a } }, { index: 1, delta: { content: b } }] }),
    });
    const out = [...g.push(both('first choice text here ', 'key sk-abcdefghij')).events, ...g.push(both('and more. ', 'klmnopqrstuvwxyz0123 done')).events, ...g.end().events];
    for (const ev of out) expect(ev.data).not.toMatch(/sk-abc/);
    const byChoice = new Map<number, string>();
    for (const ev of out) {
      const choices = (JSON.parse(ev.data) as { choices: { index: number; delta: { content?: string } }[] }).choices;
      expect(choices).toHaveLength(1);
      const c = choices[0]!;
      byChoice.set(c.index, (byChoice.get(c.index) ?? '') + (c.delta.content ?? ''));
    }
    expect(byChoice.get(0)).toBe('first choice text here and more. ');
    expect(byChoice.get(1)).toBe('key [SECRET] done');
  });

  it('events whose text goes out unchanged are forwarded byte for byte', () => {
    const g = new StreamGuard(apiAdapter('openai.chat'), judge(), { mode: 'window', window: 64 });
    const ev = { data: '{"id":"c","choices":[{"index":0,"delta":{"content":"plain words here "}}],"extra":  1}' };
    const out = [...g.push(ev).events, ...g.end().events];
    expect(out).toEqual([ev]);
  });

  it('Anthropic text deltas are guarded per content block', () => {
    const g = new StreamGuard(apiAdapter('anthropic.messages'), judge(), { mode: 'window', window: 16 });
    const delta = (t: string) => ({ event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }) });
    const out = [...g.push(delta(`key sk-abcdefghij`)).events, ...g.push(delta('klmnopqrstuvwxyz0123 ok')).events, ...g.end().events];
    const text = out.map((e) => (JSON.parse(e.data) as { delta: { text: string } }).delta.text).join('');
    expect(text).toBe('key [SECRET] ok');
  });
});
