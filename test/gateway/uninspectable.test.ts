// Content Palisade cannot read (images, audio, PDFs, token arrays) is counted and recorded; a policy can
// refuse requests that carry it (issue 11), since whatever it holds would pass uninspected.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let g: TestGateway;
beforeAll(async () => {
  g = await startTestGateway({
    policies: [
      {
        name: 'text-only',
        locations: ['prompt'],
        rules: [{ name: 'no-uninspectable', conditions: [{ uninspected: { atLeast: 1 } }], actions: [{ block: { tip: 'Images and files cannot be checked; send text.' } }] }],
      },
    ],
  });
});
afterAll(() => g.close());

describe('uninspectable content', () => {
  it('is blocked by a policy that asks for it, and recorded', async () => {
    const client = new OpenAI({ apiKey: g.key, baseURL: `${g.url}/v1`, maxRetries: 0 });
    await expect(
      client.chat.completions.create({
        model: 'palisade-mock',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'what is in this picture?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }],
      }),
    ).rejects.toMatchObject({ status: 403, message: expect.stringContaining('Images and files cannot be checked') as unknown });
    const ok = await client.chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content: 'plain text' }] });
    expect(ok.choices[0]?.message.content).toBe('plain text');
    const events = (await auditEvents(g)).filter((e) => e.recordType === 'AIInteraction');
    expect(events.map((e) => [e.outcome, e.recordType === 'AIInteraction' ? e.uninspectedParts : undefined])).toEqual([
      ['blocked', 1],
      ['success', undefined],
    ]);
  });
});
