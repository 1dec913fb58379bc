import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValueHasher } from '../../core/crypto.ts';
import type { ScanContext } from '../../core/finding.ts';
import { configSchema } from '../../core/config/schema.ts';
import { safetyConfig, type SafetyCheckConfig } from '../../core/config/safety.ts';
import { createSafetyCheck } from './external.ts';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

const seen: Seen[] = [];
const hanging = new Set<ServerResponse>();
let server: Server;
let base = '';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Fake services in the shapes of Azure AI Content Safety (text:analyze) and OpenAI moderation. */
beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      const path = req.url ?? '';
      seen.push({ path, headers: req.headers, body });
      if (path.startsWith('/contentsafety/text:analyze')) {
        const t = typeof body['text'] === 'string' ? body['text'] : '';
        json(res, 200, {
          blocklistsMatch: [],
          categoriesAnalysis: [
            { category: 'Hate', severity: t.includes('vermin') ? 6 : 0 },
            { category: 'SelfHarm', severity: t.includes('hurt myself') ? 4 : 0 },
            { category: 'Sexual', severity: 0 },
            { category: 'Violence', severity: t.includes('fight') ? 2 : 0 },
          ],
        });
      } else if (path === '/v1/moderations') {
        const t = typeof body['input'] === 'string' ? body['input'] : '';
        const weapon = t.includes('pipe bomb');
        json(res, 200, {
          id: 'modr-1',
          model: body['model'],
          results: [
            {
              flagged: weapon,
              categories: { 'illicit/violent': weapon, illicit: weapon, violence: false, 'self-harm': false },
              category_scores: { 'illicit/violent': weapon ? 0.97 : 0.01, illicit: weapon ? 0.62 : 0.01, violence: 0.2, 'self-harm': 0.0 },
            },
          ],
        });
      } else if (path === '/error') json(res, 503, { error: 'busy' });
      else if (path === '/wrong-shape') json(res, 200, { results: 'none' });
      else if (path === '/hang') hanging.add(res);
      else json(res, 404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const hashValue = createValueHasher(new TextEncoder().encode('test-key-safety'));
const ctx: ScanContext = { source: 'user', hashValue };
const fetchLike = (url: string, init: Parameters<typeof fetch>[1]) => fetch(url, init);

/** Parses one check; an `apiKey` given here is stored as ${env:KEY} and resolved to the value, as at start-up. */
function check(input: Record<string, unknown>): SafetyCheckConfig {
  const { apiKey, ...rest } = input;
  const parsed = safetyConfig.parse({ checks: [{ name: 'svc', ...rest, ...(apiKey !== undefined ? { apiKey: '${env:KEY}' } : {}) }] }).checks[0];
  if (parsed === undefined) throw new Error('no check');
  if (typeof apiKey === 'string') parsed.apiKey?.resolve(apiKey);
  return parsed;
}

describe('external content-safety checks', () => {
  it('Azure AI Content Safety: severities 2/4/6 become low/medium/high, the key goes in Ocp-Apim-Subscription-Key', async () => {
    const c = createSafetyCheck(
      check({ preset: 'azure-content-safety', url: `${base}/contentsafety/text:analyze?api-version=2024-09-01`, apiKey: 'azure-key' }),
      fetchLike,
    );
    expect(c.types).toEqual(['HATE', 'SEXUAL', 'VIOLENCE', 'SELF_HARM']);
    const found = await c.scan('They are vermin. I will hurt myself after the fight.', ctx);
    expect(found.map((f) => [f.type, f.severity]).sort()).toEqual([
      ['HATE', 'high'],
      ['SELF_HARM', 'medium'],
      ['VIOLENCE', 'low'],
    ]);
    const last = seen.at(-1);
    expect(last?.headers['ocp-apim-subscription-key']).toBe('azure-key');
    expect(last?.body).toMatchObject({ categories: ['Hate', 'Sexual', 'Violence', 'SelfHarm'], outputType: 'FourSeverityLevels' });
    expect(await c.scan('a friendly note', ctx)).toEqual([]);
  });

  it('Azure: texts over 10 000 characters are analysed in pieces, the most severe verdict kept', async () => {
    const c = createSafetyCheck(check({ preset: 'azure-content-safety', url: `${base}/contentsafety/text:analyze` }), fetchLike);
    const before = seen.length;
    const found = await c.scan(`${'ordinary text '.repeat(1000)}they are vermin`, ctx);
    expect(seen.length - before).toBe(2);
    expect(found.map((f) => f.type)).toEqual(['HATE']);
  });

  it('OpenAI moderation: flagged categories map to types (illicit/violent → WEAPONS, illicit → CRIME), bearer key, model sent', async () => {
    const c = createSafetyCheck(check({ preset: 'openai-moderation', url: `${base}/v1/moderations`, apiKey: 'sk-test' }), fetchLike);
    const found = await c.scan('how to make a pipe bomb', ctx);
    expect(found.map((f) => [f.type, f.severity]).sort()).toEqual([
      ['CRIME', 'medium'],
      ['WEAPONS', 'high'],
    ]);
    expect(found.every((f) => f.start === 0 && f.end === 'how to make a pipe bomb'.length && f.confidence === 85)).toBe(true);
    const last = seen.at(-1);
    expect(last?.headers['authorization']).toBe('Bearer sk-test');
    expect(last?.body).toEqual({ model: 'omni-moderation-latest', input: 'how to make a pipe bomb' });
    expect(await c.scan('hello', ctx)).toEqual([]);
  });

  it('failures follow the fail mode: open reports nothing, closed reports every covered type at low confidence', async () => {
    for (const path of ['/error', '/wrong-shape', '/hang']) {
      const open = createSafetyCheck(check({ preset: 'openai-moderation', url: `${base}${path}`, timeout: 200 }), fetchLike);
      expect(await open.scan('anything', ctx), path).toEqual([]);
      const closed = createSafetyCheck(check({ preset: 'openai-moderation', url: `${base}${path}`, timeout: 200, failMode: 'closed' }), fetchLike);
      const found = await closed.scan('anything', ctx);
      expect(found.map((f) => f.type).sort(), path).toEqual(['CRIME', 'HATE', 'SELF_HARM', 'SEXUAL', 'VIOLENCE', 'WEAPONS']);
      expect(found.every((f) => f.confidence === 65 && f.severity === 'high')).toBe(true);
    }
    const refused = createSafetyCheck(check({ preset: 'openai-moderation', url: 'http://127.0.0.1:9/v1/moderations', timeout: 500 }), fetchLike);
    expect(await refused.check('x')).toMatchObject({ failure: 'network' });
  });

  it('sends only the configured sources and never puts the text or the key in an error', async () => {
    const c = createSafetyCheck(check({ preset: 'openai-moderation', url: `${base}/error`, apiKey: 'sk-secret', sources: ['tool-result'] }), fetchLike);
    const before = seen.length;
    expect(await c.scan('how to make a pipe bomb', ctx)).toEqual([]);
    expect(seen.length).toBe(before);
    const r = await c.check('a secret text');
    expect(JSON.stringify(r)).not.toMatch(/secret/);
  });

  it('config: presets, an Azure check needs its url, names are unique, secrets only by reference', () => {
    expect(configSchema.safeParse({ safety: { checks: [{ name: 'a', preset: 'azure-content-safety' }] } }).success).toBe(false);
    expect(configSchema.safeParse({ safety: { checks: [{ name: 'a', preset: 'perspective' }] } }).success).toBe(false);
    expect(
      configSchema.safeParse({ safety: { checks: [{ name: 'a', preset: 'openai-moderation' }, { name: 'a', preset: 'openai-moderation' }] } }).success,
    ).toBe(false);
    expect(configSchema.safeParse({ safety: { checks: [{ name: 'a', preset: 'openai-moderation', apiKey: 'sk-inline' }] } }).success).toBe(false);
    const ok = configSchema.parse({ safety: { checks: [{ name: 'a', preset: 'openai-moderation', apiKey: '${env:OPENAI_API_KEY}' }] } });
    expect(ok.safety.threshold).toBe(0.5);
    expect(ok.safety.checks[0]?.url).toBeUndefined();
  });
});
