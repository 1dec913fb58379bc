// Sample events for tests and the benchmark: realistic shapes, deterministic from a seed and a time.
import { seededRandom as prng } from '../core/random.ts';
import type { AuditEventInput } from './events.ts';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'o3'];
const APPS = ['copilot-chat', 'support-bot', 'cli', 'vscode'];
const TYPES = ['CREDIT_CARD', 'EMAIL', 'AWS_ACCESS_KEY', 'PROMPT_INJECTION', 'IBAN'];


function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** The i-th synthetic AI interaction. */
export function sampleInteraction(i: number, time: number, r: () => number = prng(i)): AuditEventInput {
  const user = pick(r, USERS);
  const findings = r() < 0.3 ? [{ type: pick(r, TYPES), confidence: 85, count: 1 + Math.floor(r() * 3), location: 'prompt' }] : [];
  return {
    recordType: 'AIInteraction',
    id: `evt_${i.toString(36)}_${Math.floor(r() * 1e9).toString(36)}`,
    time,
    operation: 'chat.completions',
    principal: { id: `user:${user}`, kind: 'user', name: user, groups: ['staff'] },
    app: { name: pick(r, APPS), userAgent: 'openai-node/6' },
    clientIp: `10.0.0.${1 + Math.floor(r() * 200)}`,
    model: { requested: pick(r, MODELS), served: pick(r, MODELS) },
    provider: 'openai',
    backend: 'primary',
    conversationId: `conv_${Math.floor(r() * 1000)}`,
    messages: [
      { id: 'm1', role: 'user', size: Math.floor(r() * 2000), isPrompt: true, source: 'user' },
      { id: 'm2', role: 'assistant', size: Math.floor(r() * 2000), isPrompt: false, source: 'model-output' },
    ],
    tokens: { in: Math.floor(r() * 1000), out: Math.floor(r() * 1000) },
    latency: { totalMs: Math.floor(r() * 2000), addedMs: Math.floor(r() * 20) },
    findings,
    outcome: findings.length > 0 && r() < 0.5 ? 'blocked' : 'success',
    riskLevel: 'low',
  };
}

const H = 3_600_000;
/** The hunting seed's reference time: 2026-01-10T00:00:00Z. Queries run with now = SEED_T0 + 1 day. */
export const SEED_T0 = Date.UTC(2026, 0, 10);
export const SEED_NOW = SEED_T0 + 24 * H;

const alice = { id: 'user:alice', kind: 'user' as const, name: 'alice', groups: ['finance', 'staff'] };
const bob = { id: 'user:bob', kind: 'user' as const, name: 'bob', groups: ['staff'] };
const carol = { id: 'user:carol', kind: 'user' as const, name: 'carol', groups: [] };
const dave = { id: 'user:dave', kind: 'user' as const, name: 'dave', groups: ['staff'] };
const erin = { id: 'user:erin', kind: 'user' as const, name: 'erin', groups: ['contractors'] };
const builder = { id: 'agent:builder', kind: 'agent' as const, name: 'builder', groups: [] };

/** A small hand-written log every hunting conformance case is computed against (docs/hunting.md). */
export const HUNT_SEED: readonly AuditEventInput[] = [
  {
    recordType: 'AIInteraction', id: 'a1', time: SEED_T0 + 1 * H, operation: 'chat.completions', principal: alice,
    app: { name: 'copilot-chat', userAgent: 'openai-node/6' }, clientIp: '10.0.0.1', model: { requested: 'gpt-4o', served: 'gpt-4o' },
    provider: 'openai', backend: 'primary', conversationId: 'c1',
    messages: [{ id: 'm1', role: 'user', size: 120, isPrompt: true, source: 'user' }, { id: 'm2', role: 'assistant', size: 300, isPrompt: false, source: 'model-output' }],
    tokens: { in: 100, out: 200 }, latency: { totalMs: 500, addedMs: 5 },
    findings: [{ type: 'CREDIT_CARD', confidence: 85, count: 2, location: 'prompt' }], sensitivityLabels: ['Confidential'],
    policyMatches: [{ policy: 'pci', rule: 'cards', action: 'block', mode: 'enforce' }], outcome: 'blocked', riskLevel: 'low',
  },
  {
    recordType: 'AIInteraction', id: 'a2', time: SEED_T0 + 2 * H, operation: 'chat.completions', principal: alice,
    app: { name: 'copilot-chat' }, clientIp: '10.0.0.1', model: { requested: 'gpt-4o-mini', served: 'gpt-4o-mini' }, provider: 'openai',
    messages: [{ role: 'user', size: 40, isPrompt: true }], tokens: { in: 50, out: 80 }, latency: { totalMs: 250, addedMs: 3 }, outcome: 'success', riskLevel: 'low',
  },
  {
    recordType: 'AIInteraction', id: 'a3', time: SEED_T0 + 2.5 * H, operation: 'chat.completions', principal: bob,
    app: { name: 'support-bot' }, clientIp: '10.0.0.2', model: { requested: 'gpt-4o', served: 'gpt-4o' }, provider: 'openai',
    messages: [{ role: 'user', size: 900, isPrompt: true, source: 'user' }], tokens: { in: 300, out: 10 }, latency: { totalMs: 100, addedMs: 8 },
    findings: [{ type: 'PROMPT_INJECTION', confidence: 85, count: 1, location: 'prompt' }],
    policyMatches: [{ policy: 'injection', rule: 'jailbreak', action: 'block', mode: 'enforce' }], outcome: 'blocked', riskLevel: 'moderate',
  },
  {
    recordType: 'AIInteraction', id: 'a4', time: SEED_T0 + 5 * H, operation: 'messages', principal: bob,
    app: { name: 'support-bot' }, clientIp: '10.0.0.2', model: { requested: 'claude-sonnet', served: 'claude-sonnet' }, provider: 'anthropic',
    messages: [{ role: 'user', size: 10, isPrompt: true }, { role: 'assistant', size: 20, isPrompt: false }], tokens: { in: 20, out: 20 },
    findings: [{ type: 'EMAIL', confidence: 75, count: 1, location: 'response' }, { type: 'AWS_ACCESS_KEY', confidence: 85, count: 1, location: 'response' }],
    outcome: 'success', riskLevel: 'moderate',
  },
  {
    recordType: 'AIInteraction', id: 'a5', time: SEED_T0 + 6 * H, operation: 'chat.completions', principal: builder,
    agent: { id: 'agent:builder', name: 'builder', version: '1.2.0' }, app: { name: 'cli' }, model: { requested: 'gpt-4o', served: 'gpt-4o' }, provider: 'openai',
    tokens: { in: 1000, out: 500 }, latency: { totalMs: 1500, addedMs: 12 }, outcome: 'success',
  },
  {
    recordType: 'AIInteraction', id: 'a6', time: SEED_T0 + 23 * H, operation: 'chat.completions', principal: carol,
    app: { name: 'vscode' }, model: { requested: 'gpt-4o', served: 'gpt-4o' }, provider: 'azure-openai', tokens: { in: 10, out: 10 }, outcome: 'failure', errorCode: 'upstream_timeout',
  },
  {
    recordType: 'AIInteraction', id: 'a7', time: SEED_T0 - 48 * H, operation: 'chat.completions', principal: dave,
    app: { name: 'copilot-chat' }, model: { requested: 'gpt-4o', served: 'gpt-4o' }, provider: 'openai', tokens: { in: 5, out: 5 }, outcome: 'success',
  },
  {
    recordType: 'AIInteraction', id: 'a8', time: SEED_T0 + 20 * H, operation: 'chat.completions', principal: alice,
    app: { name: 'Copilot-Chat Beta' }, clientIp: '10.0.0.9', model: { requested: 'o3', served: 'o3' }, provider: 'openai', tokens: { in: 70, out: 70 },
    findings: [{ type: 'CREDIT_CARD', confidence: 75, count: 1, location: 'prompt' }], sensitivityLabels: ['Confidential', 'Finance'],
    policyMatches: [{ policy: 'pci', rule: 'cards', action: 'override', mode: 'enforce' }], outcome: 'redacted', riskLevel: 'low',
  },
  {
    recordType: 'ToolInvocation', id: 't1', time: SEED_T0 + 6 * H + 600_000, operation: 'tools/call', principal: builder,
    agent: { id: 'agent:builder', name: 'builder', version: '1.2.0' }, resources: [{ server: 'github', tool: 'create_issue' }], outcome: 'success',
  },
  {
    recordType: 'ToolInvocation', id: 't2', time: SEED_T0 + 7 * H, operation: 'tools/call', principal: builder,
    agent: { id: 'agent:builder', name: 'builder', version: '1.2.0' }, resources: [{ server: 'jira', tool: 'search' }], outcome: 'success',
  },
  {
    recordType: 'ToolInvocation', id: 't3', time: SEED_T0 + 8 * H, operation: 'tools/call', principal: alice,
    resources: [{ server: 'github', tool: 'list_repos' }], findings: [{ type: 'AWS_ACCESS_KEY', confidence: 85, count: 1, location: 'tool-result' }], outcome: 'success',
  },
  {
    recordType: 'PolicyMatch', id: 'p1', time: SEED_T0 + 1 * H, operation: 'policy.match', principal: alice, subjectId: 'a1',
    policyMatches: [{ policy: 'pci', rule: 'cards', action: 'block', mode: 'enforce' }], findings: [{ type: 'CREDIT_CARD', confidence: 85, count: 2 }], outcome: 'blocked',
  },
  {
    recordType: 'PolicyMatch', id: 'p2', time: SEED_T0 + 2.5 * H, operation: 'policy.match', principal: bob, subjectId: 'a3',
    policyMatches: [{ policy: 'injection', rule: 'jailbreak', action: 'block', mode: 'enforce' }], outcome: 'blocked',
  },
  {
    recordType: 'PolicyMatch', id: 'p3', time: SEED_T0 + 20 * H, operation: 'policy.match', principal: alice, subjectId: 'a8',
    policyMatches: [{ policy: 'pci', rule: 'cards', action: 'override', mode: 'enforce' }], justification: 'customer asked for it', outcome: 'success',
  },
  { recordType: 'AccessDenied', id: 'd1', time: SEED_T0 + 3 * H, operation: 'model.call', principal: erin, resource: 'gpt-4o', reason: 'model_not_allowed', outcome: 'denied', errorCode: 'model_not_allowed' },
  { recordType: 'AccessDenied', id: 'd2', time: SEED_T0 + 3 * H + 60_000, operation: 'model.call', principal: erin, resource: 'gpt-4o', reason: 'model_not_allowed', outcome: 'denied', errorCode: 'model_not_allowed' },
  { recordType: 'AccessDenied', id: 'd3', time: SEED_T0 + 3 * H + 120_000, operation: 'model.call', principal: erin, resource: 'o3', reason: 'model_not_allowed', outcome: 'denied', errorCode: 'model_not_allowed' },
  { recordType: 'AccessDenied', id: 'd4', time: SEED_T0 + 9 * H, operation: 'tools/call', principal: bob, resource: 'github', reason: 'ip_denied', outcome: 'denied', errorCode: 'ip_denied' },
  { recordType: 'SignIn', id: 's1', time: SEED_T0 + 0.5 * H, operation: 'signin', principal: alice, method: 'jwt', clientIp: '10.0.0.1', outcome: 'success' },
  { recordType: 'SignIn', id: 's2', time: SEED_T0 + 2.9 * H, operation: 'signin', principal: erin, method: 'api-key', clientIp: '203.0.113.7', outcome: 'failure' },
  { recordType: 'AdminAction', id: 'x1', time: SEED_T0 + 12 * H, operation: 'policy.activate', principal: dave, target: 'pci', details: { version: 3, simulate: false } },
  { recordType: 'RiskChange', id: 'r1', time: SEED_T0 + 4 * H, operation: 'risk.change', principal: erin, riskLevel: 'elevated', previousLevel: 'low', reason: 'denied bursts' },
];

/** Extra events the built-in hunting queries need (seeded after HUNT_SEED in their tests). */
export const HUNTING_EXTRA_SEED: readonly AuditEventInput[] = [
  {
    recordType: 'ToolInvocation', id: 't0', time: SEED_T0 - 72 * H, operation: 'tools/call', principal: builder,
    agent: { id: 'agent:builder', name: 'builder', version: '1.1.0' }, resources: [{ server: 'github', tool: 'list_repos' }], outcome: 'success',
  },
  {
    recordType: 'AIInteraction', id: 'a9', time: SEED_T0 + 10 * H, operation: 'chat.completions', principal: erin,
    app: { name: 'copilot-chat' }, model: { requested: 'gpt-4o', served: 'gpt-4o' }, provider: 'openai', tokens: { in: 40, out: 60 }, outcome: 'success', riskLevel: 'elevated',
  },
  // carol works late every evening: one interaction at 20:00 on each of the 14 days before, her own baseline.
  ...Array.from({ length: 14 }, (_, k): AuditEventInput => ({
    recordType: 'AIInteraction', id: `c${k + 1}`, time: SEED_T0 - (k + 1) * 24 * H + 20 * H, operation: 'chat.completions', principal: carol,
    app: { name: 'vscode' }, model: { requested: 'gpt-4o', served: 'gpt-4o' }, provider: 'openai', tokens: { in: 10, out: 10 }, outcome: 'success',
  })),
];

export { prng };
