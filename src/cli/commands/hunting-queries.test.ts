// Every built-in hunting query (hunting/*.kql) run on seeded data, on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUNT_SEED, HUNTING_EXTRA_SEED, SEED_NOW } from '../../audit/fixtures.ts';
import { BACKENDS, openTestBackend, seedStore, type TestBackend } from '../../audit/testing.ts';
import { loadQueryLibrary, runHunt, type BuiltinQuery } from '../../hunt/index.ts';

const EXPECTED: Record<string, readonly Record<string, unknown>[]> = {
  'admin-policy-changes': [{ time: '2026-01-10T12:00:00.000Z', principalName: 'dave', operation: 'policy.activate', target: 'pci', details: { version: 3, simulate: false } }],
  'agents-calling-new-mcp-server': [{ agentId: 'agent:builder', server: 'jira', firstSeen: '2026-01-10T07:00:00.000Z', calls: 1 }],
  'credentials-in-responses': [
    { time: '2026-01-10T08:00:00.000Z', principal: 'user:alice', app: null, model: null, type: 'AWS_ACCESS_KEY', location: 'tool-result', eventId: 't3', recordType: 'ToolInvocation' },
    { time: '2026-01-10T05:00:00.000Z', principal: 'user:bob', app: 'support-bot', model: 'claude-sonnet', type: 'AWS_ACCESS_KEY', location: 'response', eventId: 'a4', recordType: 'AIInteraction' },
  ],
  'denied-access-bursts': [
    { principal: 'user:erin', window: '2026-01-10T03:00:00.000Z', denials: 3, resources: ['gpt-4o', 'o3'], first: '2026-01-10T03:00:00.000Z', last: '2026-01-10T03:02:00.000Z' },
  ],
  'jailbreak-injection-attempts-by-user': [{ principal: 'user:bob', attempts: 1, interactions: 1, lastSeen: '2026-01-10T02:30:00.000Z' }],
  'labeled-content-to-providers': [
    { label: 'Confidential', provider: 'openai', interactions: 2, users: 1 },
    { label: 'Finance', provider: 'openai', interactions: 1, users: 1 },
  ],
  // carol's one late call is within her usual evening habit, so only the others stand out.
  'off-hours-spikes-vs-baseline': [
    { principal: 'user:alice', offHours: 3, baselineDaily: 0 },
    { principal: 'user:bob', offHours: 2, baselineDaily: 0 },
    { principal: 'agent:builder', offHours: 1, baselineDaily: 0 },
    { principal: 'user:erin', offHours: 1, baselineDaily: 0 },
  ],
  'policy-overrides-with-justifications': [
    { time: '2026-01-10T20:00:00.000Z', principal: 'user:alice', principalName: 'alice', policy: 'pci', rule: 'cards', justification: 'customer asked for it', subjectId: 'a8' },
  ],
  'risky-users-still-active': [{ principal: 'user:erin', raisedAt: '2026-01-10T04:00:00.000Z', interactionsAfter: 1, models: ['gpt-4o'] }],
  'secrets-returned-by-mcp-tools': [{ time: '2026-01-10T08:00:00.000Z', principal: 'user:alice', agentName: null, server: 'github', tool: 'list_repos', findingType: 'AWS_ACCESS_KEY' }],
  'sensitive-data-to-models-by-type-and-app': [
    { type: 'CREDIT_CARD', app: 'copilot-chat', occurrences: 2, users: 1 },
    { type: 'CREDIT_CARD', app: 'Copilot-Chat Beta', occurrences: 1, users: 1 },
  ],
  'sign-in-failures-by-address': [{ clientIp: '203.0.113.7', failures: 1, accounts: ['erin'] }],
  'top-token-consumers': [
    { principal: 'agent:builder', tokens: 1500, calls: 1 },
    { principal: 'user:alice', tokens: 570, calls: 3 },
    { principal: 'user:bob', tokens: 350, calls: 2 },
    { principal: 'user:erin', tokens: 100, calls: 1 },
    { principal: 'user:carol', tokens: 20, calls: 1 },
  ],
  'unapproved-models': [{ model: 'o3', provider: 'openai', calls: 1, users: ['user:alice'] }],
  'users-with-rising-blocks': [
    { principal: 'user:alice', recentBlocks: 2, priorDaily: 0 },
    { principal: 'user:bob', recentBlocks: 1, priorDaily: 0 },
  ],
};

const lib = loadQueryLibrary();
if (!lib.ok) throw new Error(lib.error);
const QUERIES: readonly BuiltinQuery[] = lib.value;

describe('the built-in hunting queries', () => {
  it('are at least 12, each named, described and with an expectation here', () => {
    expect(QUERIES.length).toBeGreaterThanOrEqual(12);
    expect(QUERIES.map((q) => q.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const q of QUERIES) {
      expect(q.description.length).toBeGreaterThan(20);
      expect(q.file).toBe(`${q.name}.kql`);
    }
  });
});

describe.each(BACKENDS)('built-in hunting queries on %s', (kind) => {
  let b: TestBackend;
  beforeAll(async () => {
    b = await openTestBackend(kind);
    await seedStore(b.store, [...HUNT_SEED, ...HUNTING_EXTRA_SEED]);
  });
  afterAll(async () => {
    await b.cleanup();
  });

  it.each(QUERIES.map((q) => [q.name, q] as const))('%s', async (_name, q) => {
    const r = await runHunt(b.store, q.query, { now: SEED_NOW });
    if (!r.ok) throw new Error(`${r.error.message} at ${r.error.line}:${r.error.column}`);
    expect(r.value.rows).toEqual(EXPECTED[q.name]);
  });
});
