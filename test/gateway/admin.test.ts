// The admin API (policies, templates, policy test, scan) and the policy CLI against a running gateway.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { runCli } from '../support/cli.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let g: TestGateway;
let admin: string;
const CARD = '4111 1111 1111 1111';
const SECRET = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';

beforeAll(async () => {
  g = await startTestGateway(
    {
      audit: { contentKey: '${env:CONTENT_KEY}' },
      policies: [
        { name: 'from-config', mode: 'simulate', rules: [{ name: 'r', conditions: [{ sit: { types: ['US_SSN'] } }], actions: ['audit'] }] },
        { name: 'capture-prompts', locations: ['prompt'], scope: { include: { keys: ['capture-me'] } }, rules: [{ name: 'all', conditions: [{ predicate: 'always' }], actions: [{ capture: true }] }] },
      ],
    },
    { env: { CONTENT_KEY: 'a'.repeat(64) } },
  );
  admin = (await g.gateway.keys.create({ name: 'admin-test', roles: ['admin'] })).key;
});
afterAll(async () => g.close());

async function api(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const chat = (content: string) =>
  new OpenAI({ apiKey: g.key, baseURL: `${g.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content }] });

describe('admin API', () => {
  it('needs the admin role to change policies and admin or auditor to read them', async () => {
    expect((await api('GET', '/v1/palisade/policies', g.key)).status).toBe(403);
    const auditor = (await g.gateway.keys.create({ name: 'auditor', roles: ['auditor'] })).key;
    expect((await api('GET', '/v1/palisade/policies', auditor)).status).toBe(200);
    expect((await api('POST', '/v1/palisade/policy-templates/never-send-credentials', auditor, {})).status).toBe(403);
  });

  it('lists templates; enabling one applies at once and is audited', async () => {
    const templates = await api('GET', '/v1/palisade/policy-templates', admin);
    expect((templates.json['data'] as { id: string }[]).map((t) => t.id)).toEqual(
      expect.arrayContaining(['detect-sensitive-info', 'block-sensitive-info', 'never-send-credentials', 'protect-labelled-data', 'detect-risky-ai-usage', 'block-elevated-risk-users', 'capture-interactions']),
    );
    const created = await api('POST', '/v1/palisade/policy-templates/never-send-credentials', admin, {});
    expect(created.status).toBe(200);
    const res = await chat(`use ${SECRET}`);
    expect(res.choices[0]?.message.content).toMatch(/^use \[[A-Z_]+_1\]$/);
    const list = await api('GET', '/v1/palisade/policies', admin);
    expect((list.json['data'] as { name: string; source: string }[]).map((p) => [p.name, p.source])).toEqual([
      ['Never send credentials to models', 'store'],
      ['capture-prompts', 'config'],
      ['from-config', 'config'],
    ]);
    const actions = (await auditEvents(g)).filter((e) => e.recordType === 'AdminAction');
    expect(actions.map((e) => e.operation)).toContain('policy.enable-template');
  });

  it('creates, switches mode and deletes a custom policy; refuses invalid ones and config-defined ones', async () => {
    const bad = await api('PUT', '/v1/palisade/policies/bad', admin, { rules: [{ name: 'x', conditions: [{ sit: {} }], actions: ['explode'] }] });
    expect(bad.status).toBe(400);
    expect(String((bad.json['error'] as { message: string }).message)).toContain('rules.0');
    const put = await api('PUT', '/v1/palisade/policies/block-cards', admin, { rules: [{ name: 'c', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: [{ block: { tip: 'No cards here.' } }] }] });
    expect(put.status).toBe(200);
    await expect(chat(`card ${CARD}`)).rejects.toThrow(/No cards here/);
    expect((await api('POST', '/v1/palisade/policies/block-cards/mode', admin, { mode: 'simulate' })).status).toBe(200);
    expect((await chat(`card ${CARD}`)).choices[0]?.message.content).toBe(`card ${CARD}`);
    expect((await api('DELETE', '/v1/palisade/policies/block-cards', admin)).status).toBe(200);
    expect((await api('DELETE', '/v1/palisade/policies/block-cards', admin)).status).toBe(404);
    expect((await api('POST', '/v1/palisade/policies/from-config/mode', admin, { mode: 'off' })).status).toBe(400);
  });

  it('tests a text against the policies in force', async () => {
    const r = await api('POST', '/v1/palisade/policies/test', admin, { text: `token ${SECRET}` });
    expect(r.status).toBe(200);
    expect(r.json['decision']).toMatchObject({ outcome: 'redact' });
    expect(JSON.stringify(r.json)).not.toContain(SECRET);
  });

  it('hunts over the audit log for the auditor role, with line and column on bad queries', async () => {
    await chat('hello for the hunters');
    await g.gateway.audit.log.flush();
    const auditor = (await g.gateway.keys.create({ name: 'hunter', roles: ['auditor'] })).key;
    expect((await api('POST', '/v1/palisade/hunt', g.key, { query: 'AIInteractions | count' })).status).toBe(403);
    const r = await api('POST', '/v1/palisade/hunt', auditor, { query: 'AIInteractions | where operation == "openai.chat" | summarize n = count()' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).toMatch(/"n"/);
    const bad = await api('POST', '/v1/palisade/hunt', auditor, { query: 'AIInteractions | where' });
    expect(bad.status).toBe(400);
    expect(String((bad.json['error'] as { message: string }).message)).toMatch(/line 1/i);
  });

  it('records a SignIn per principal (not per request), and non-text parts as uninspected', async () => {
    const { key } = await g.gateway.keys.create({ name: 'newcomer' });
    const client = new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: 'palisade-mock', messages: [{ role: 'user', content: 'first' }] });
    await client.chat.completions.create({
      model: 'palisade-mock',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }],
    });
    const events = await auditEvents(g);
    const signIns = events.filter((e) => e.recordType === 'SignIn' && e.principal?.name === 'newcomer');
    expect(signIns).toHaveLength(1);
    expect(signIns[0]).toMatchObject({ operation: 'ApiKeySignIn', method: 'api-key' });
    const withImage = events.filter((e) => e.recordType === 'AIInteraction' && e.principal?.name === 'newcomer').at(-1);
    expect(withImage).toMatchObject({ uninspectedParts: 1 });
  });

  it('captured content is readable only by the content-reader role, and every read is audited', async () => {
    const { key } = await g.gateway.keys.create({ name: 'capture-me' });
    await new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0 }).chat.completions.create({
      model: 'palisade-mock',
      messages: [{ role: 'user', content: 'remember this sentence for the investigators' }],
    });
    const interaction = (await auditEvents(g)).filter((e) => e.recordType === 'AIInteraction' && e.principal?.name === 'capture-me').at(-1) as { contentRef?: string } | undefined;
    expect(interaction?.contentRef).toBeTruthy();
    const ref = encodeURIComponent(interaction?.contentRef ?? '');
    expect((await api('GET', `/v1/palisade/content/${ref}`, admin)).status).toBe(403);
    const reader = (await g.gateway.keys.create({ name: 'reader', roles: ['content-reader'] })).key;
    const read = await api('GET', `/v1/palisade/content/${ref}`, reader);
    expect(read.status).toBe(200);
    expect(String(read.json['prompt'])).toContain('remember this sentence for the investigators');
    const reads = (await auditEvents(g)).filter((e) => e.operation === 'content.read');
    expect(reads.map((e) => [e.recordType, e.outcome])).toEqual([
      ['AccessDenied', 'denied'],
      ['AdminAction', 'success'],
    ]);
  });

  it('scans text for any authenticated caller, values masked', async () => {
    const r = await api('POST', '/v1/palisade/scan', g.key, { text: `card ${CARD}` });
    expect(r.status).toBe(200);
    expect(r.json['findings']).toEqual([expect.objectContaining({ type: 'CREDIT_CARD', masked: '4111 **** **** 1111' })]);
    expect((await api('POST', '/v1/palisade/scan', g.key, { nope: 1 })).status).toBe(400);
  });
});

describe('policy CLI', () => {
  it('enable-template and simulate from the CLI take effect on the running gateway within a second', async () => {
    const run = (args: string[]) => runCli(g.home, args);
    const enabled = await run(['policy', 'enable-template', 'protect-labelled-data']);
    expect(enabled.code).toBe(0);
    const labelled = () => chat('HIGHLY CONFIDENTIAL\nQ3 board minutes: acquisition target list.').then(() => 'allowed', () => 'blocked');
    let outcome = '';
    for (const until = Date.now() + 1500; Date.now() < until && outcome !== 'blocked'; ) outcome = await labelled();
    expect(outcome).toBe('blocked');
    const tested = await run(['policy', 'test', '--text', 'HIGHLY CONFIDENTIAL: merger plan']);
    expect(tested.out).toContain('Protect labelled data from AI processing / highly-confidential: block');
    expect((await run(['policy', 'simulate', 'Protect labelled data from AI processing'])).code).toBe(0);
    for (const until = Date.now() + 1500; Date.now() < until && outcome !== 'allowed'; ) outcome = await labelled();
    expect(outcome).toBe('allowed');
    const unknown = await run(['policy', 'enable-template', 'no-such-template']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('No template');
  });
});
