import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSse, SseParser, streamErrorEvent } from './sse.ts';
import type { SseEvent } from './types.ts';

function parseChunks(chunks: readonly Uint8Array[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) p.push(c, (e) => out.push(e));
  p.end((e) => out.push(e));
  return out;
}

const enc = new TextEncoder();

describe('SseParser', () => {
  it('handles fields, comments, multi-line data, CRLF and CR line endings', () => {
    const text = ': keep-alive\r\nevent: ping\r\ndata: {}\r\n\r\ndata: a\ndata: b\n\nid: 1\rdata:no-space\r\rretry: 5\n\ndata: tail';
    expect(parseChunks([enc.encode(text)])).toEqual([{ event: 'ping', data: '{}' }, { data: 'a\nb' }, { data: 'no-space' }, { data: 'tail' }]);
  });

  it('yields the same events however the bytes are split (including inside CRLF and multi-byte characters)', () => {
    const event = fc.record(
      {
        event: fc.constantFrom('message_start', 'content_block_delta', 'x'),
        data: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')),
      },
      { requiredKeys: ['data'] },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (events, cuts, crlf) => {
        let text = events.map((e) => formatSse(e)).join('');
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const bytes = enc.encode(text);
        const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(bytes.slice(prev, p));
          prev = p;
        }
        chunks.push(bytes.slice(prev));
        const expected = events.map((e) => (e.event === undefined ? { data: e.data } : { event: e.event, data: e.data }));
        expect(parseChunks(chunks)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('builds stream error events in each dialect', () => {
    const error = { code: 'upstream_timeout' as const, message: 'stalled' };
    expect(streamErrorEvent(error, 'anthropic')).toEqual({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'stalled' } }) });
    expect(JSON.parse(streamErrorEvent(error, 'openai').data)).toEqual({ error: { message: 'stalled', type: 'server_error', code: 'upstream_timeout', param: null } });
  });

  it('round-trips multi-line data through formatSse', () => {
    expect(parseChunks([enc.encode(formatSse({ event: 'e', data: 'one\ntwo' }))])).toEqual([{ event: 'e', data: 'one\ntwo' }]);
  });
});
