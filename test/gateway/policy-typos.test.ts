// Policy typos (issue 11) fail loudly, with the valid values: in palisade.yaml (`config check`, and the
// gateway refuses to start), and in the admin API. A misspelt type or category used to make a rule that
// silently never matched.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, policyConfig } from '../../src/core/index.ts';
import { runCli } from '../support/cli.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const TYPO_POLICY = {
  name: 'typos',
  rules: [{ name: 'r', conditions: [{ sit: { types: ['CREDITCARD'], categories: ['finance'] } }], actions: ['block'] }],
};

describe('policy schema messages', () => {
  it('names the valid actions and the nearest one for a misspelt action', () => {
    const r = policyConfig.safeParse({ name: 'p', rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: ['blok'] }] });
    expect(r.success).toBe(false);
    const message = r.success ? '' : (r.error.issues[0]?.message ?? '');
    expect(message).toContain('"blok"');
    expect(message).toContain('did you mean "block"');
    expect(message).toContain('block-with-override');
  });

  it('explains a wrong value inside a known action or condition', () => {
    const r = policyConfig.safeParse({ name: 'p', rules: [{ name: 'r', conditions: [{ sit: { types: ['X'], minConfidence: 'very' } }], actions: [{ redact: { style: 'blur' } }] }] });
    const messages = r.success ? [] : r.error.issues.map((i) => i.message);
    expect(messages.some((m) => m.includes('minConfidence'))).toBe(true);
    expect(messages.some((m) => m.includes('style') && m.includes('placeholder'))).toBe(true);
  });

  it('accepts capture in both documented forms', () => {
    for (const capture of ['capture', { capture: true }]) {
      const r = policyConfig.safeParse({ name: 'p', rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: [capture] }] });
      expect(r.success, JSON.stringify(capture)).toBe(true);
      expect(r.success && r.data.rules[0]?.actions[0]).toEqual({ capture: true });
    }
  });
});

describe('unknown types and categories', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway();
  });
  afterAll(() => g.close());

  it('the admin API refuses them, naming the nearest valid value', async () => {
    const { key } = await g.gateway.keys.create({ name: 'admin', roles: ['admin'] });
    const res = await fetch(`${g.url}/v1/palisade/policies/typos`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(TYPO_POLICY),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('unknown sensitive information type "CREDITCARD" (did you mean "CREDIT_CARD"?)');
    expect(body.error.message).toContain('unknown category "finance" (did you mean "financial"?)');
  });

  it('the gateway refuses to start with them, and config check lists each with its path', async () => {
    const home = mkdtempSync(join(tmpdir(), 'palisade-typos-'));
    const parsed = parseConfig({ state: { home }, logging: { level: 'silent' }, policies: [TYPO_POLICY] }, 'test', { env: {}, cwd: home });
    expect(parsed.ok).toBe(true);
    await expect(startTestGateway({ policies: [TYPO_POLICY] })).rejects.toThrow(/policies\.0\.rules\.0\.conditions\.0\.sit\.types\.0: unknown sensitive information type "CREDITCARD"/);
    const file = join(home, 'palisade.yaml');
    writeFileSync(file, JSON.stringify({ policies: [TYPO_POLICY] }));
    const r = await runCli(home, ['config', 'check', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('policies.0.rules.0.conditions.0.sit.types.0');
    expect(r.out).toContain('did you mean "CREDIT_CARD"');
    expect(r.out).toContain('policies.0.rules.0.conditions.0.sit.categories.0');
  }, 60_000);
});
