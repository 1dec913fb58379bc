// The hunting language's conformance suite: query → expected rows over the hand-written seed log
// (HUNT_SEED), run for real on both backends. It lives beside the CLI because only the CLI layer may
// import both audit (the stores) and hunt (the compiler).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUNT_SEED, SEED_NOW } from '../../audit/fixtures.ts';
import { BACKENDS, openTestBackend, seedStore, type TestBackend } from '../../audit/testing.ts';
import { runHunt } from '../../hunt/index.ts';

interface Case {
  readonly q: string;
  readonly rows: readonly Record<string, unknown>[];
}

const ids = (...xs: string[]): Record<string, unknown>[] => xs.map((id) => ({ id }));

export const CASES: readonly Case[] = [
  { q: 'AIInteractions | count', rows: [{ Count: 8 }] },
  { q: 'ToolInvocations | count', rows: [{ Count: 3 }] },
  { q: 'PolicyMatches | count', rows: [{ Count: 3 }] },
  { q: 'AccessDenied | count', rows: [{ Count: 4 }] },
  { q: 'SignIns | count', rows: [{ Count: 2 }] },
  { q: 'AdminActions | count', rows: [{ Count: 1 }] },
  { q: 'RiskChanges | count', rows: [{ Count: 1 }] },
  { q: 'Findings | count', rows: [{ Count: 7 }] },
  { q: 'AIInteractions | where principal == "user:alice" | project id | order by id asc', rows: ids('a1', 'a2', 'a8') },
  { q: 'AIInteractions | where provider != "openai" | project id, provider | order by id asc', rows: [{ id: 'a4', provider: 'anthropic' }, { id: 'a6', provider: 'azure-openai' }] },
  { q: 'AIInteractions | where app =~ "COPILOT-CHAT" | project id | order by id asc', rows: ids('a1', 'a2', 'a7') },
  { q: 'AIInteractions | where app !~ "copilot-chat" | project id | order by id asc', rows: ids('a3', 'a4', 'a5', 'a6', 'a8') },
  { q: 'AIInteractions | where tokensIn < 50 | project id | order by id asc', rows: ids('a4', 'a6', 'a7') },
  { q: 'AIInteractions | where tokensOut >= 200 | project id | order by id asc', rows: ids('a1', 'a5') },
  { q: 'AIInteractions | where app has "chat" | project id | order by id asc', rows: ids('a1', 'a2', 'a7', 'a8') },
  { q: 'AIInteractions | where app has "copilot-ch" | count', rows: [{ Count: 0 }] },
  { q: 'AIInteractions | where app !has "chat" | project id | order by id asc', rows: ids('a3', 'a4', 'a5', 'a6') },
  { q: 'AIInteractions | where app contains "CHAT" | project id | order by id asc', rows: ids('a1', 'a2', 'a7', 'a8') },
  { q: 'AIInteractions | where model !contains "gpt" | project id | order by id asc', rows: ids('a4', 'a8') },
  { q: 'AIInteractions | where app contains_cs "Chat" | project id', rows: ids('a8') },
  { q: 'AIInteractions | where model startswith "GPT-4" | project id | order by id asc', rows: ids('a1', 'a2', 'a3', 'a5', 'a6', 'a7') },
  { q: 'AIInteractions | where model !startswith "gpt" | project id | order by id asc', rows: ids('a4', 'a8') },
  { q: 'AIInteractions | where model endswith "MINI" | project id', rows: ids('a2') },
  { q: 'AIInteractions | where app !endswith "bot" | count', rows: [{ Count: 6 }] },
  { q: 'AIInteractions | where model matches regex "^gpt-4o(-mini)?$" | distinct model | order by model asc', rows: [{ model: 'gpt-4o' }, { model: 'gpt-4o-mini' }] },
  { q: 'AIInteractions | where model in ("o3", "claude-sonnet") | project id | order by id asc', rows: ids('a4', 'a8') },
  { q: 'AIInteractions | where app in~ ("CLI", "VSCODE") | project id | order by id asc', rows: ids('a5', 'a6') },
  { q: 'AIInteractions | where provider !in ("openai") | project id | order by id asc', rows: ids('a4', 'a6') },
  { q: 'AIInteractions | where model !in~ ("GPT-4O") | project id | order by id asc', rows: ids('a2', 'a4', 'a8') },
  { q: 'AIInteractions | where tokensIn between (50 .. 100) | project id | order by id asc', rows: ids('a1', 'a2', 'a8') },
  { q: 'AIInteractions | where tokensIn !between (10 .. 1000) | project id', rows: ids('a7') },
  {
    q: 'AIInteractions | where time between (datetime(2026-01-10T01:00:00Z) .. datetime(2026-01-10 03:00)) | project id | order by id asc',
    rows: ids('a1', 'a2', 'a3'),
  },
  { q: 'AIInteractions | where time > ago(6h) | project id | order by id asc', rows: ids('a6', 'a8') },
  { q: 'AIInteractions | where time < now(-2d) | project id', rows: ids('a7') },
  { q: 'let cutoff = datetime(2026-01-10T05:00:00Z); AIInteractions | where time >= cutoff | count', rows: [{ Count: 4 }] },
  { q: 'let blocked = AIInteractions | where outcome == "blocked"; blocked | project id | order by id asc', rows: ids('a1', 'a3') },
  { q: 'let n = 2; let big = 100; AIInteractions | where tokensIn > big | top n by tokensIn | project id', rows: ids('a5', 'a3') },
  { q: 'AIInteractions | where id == "a1" | project id, who = principalName, total = tokensIn + tokensOut', rows: [{ id: 'a1', who: 'alice', total: 300 }] },
  {
    q: 'SignIns | where id == "s1" | project-away time, principalGroups, findings, policyMatches, stream, seq, principalKind, agentId, agentName, agentVersion, userAgent, riskLevel, errorCode, recordType, operation, principal, app',
    rows: [{ id: 's1', principalName: 'alice', clientIp: '10.0.0.1', outcome: 'success', method: 'jwt' }],
  },
  { q: 'RiskChanges | project-rename level = riskLevel | project id, level, previousLevel, reason', rows: [{ id: 'r1', level: 'elevated', previousLevel: 'low', reason: 'denied bursts' }] },
  { q: 'AIInteractions | extend total = tokensIn + tokensOut | top 3 by total | project id, total', rows: [{ id: 'a5', total: 1500 }, { id: 'a3', total: 310 }, { id: 'a1', total: 300 }] },
  { q: 'AIInteractions | where id == "a2" | extend model = toupper(model) | project id, model', rows: [{ id: 'a2', model: 'GPT-4O-MINI' }] },
  { q: 'AIInteractions | extend a = tokensIn, b = a * 2 | where id == "a2" | project b', rows: [{ b: 100 }] },
  {
    q: 'AIInteractions | summarize n = count() by provider | order by provider asc',
    rows: [{ provider: 'anthropic', n: 1 }, { provider: 'azure-openai', n: 1 }, { provider: 'openai', n: 6 }],
  },
  { q: 'AIInteractions | summarize blocked = countif(outcome == "blocked"), users = dcount(principal)', rows: [{ blocked: 2, users: 5 }] },
  {
    q: 'AIInteractions | summarize sum(tokensIn), avg(latencyMs), min(tokensOut), max(time)',
    rows: [{ sum_tokensIn: 1555, avg_latencyMs: 587.5, min_tokensOut: 5, max_time: '2026-01-10T23:00:00.000Z' }],
  },
  {
    q: 'AIInteractions | summarize models = make_set(model) by principal | order by principal asc',
    rows: [
      { principal: 'agent:builder', models: ['gpt-4o'] },
      { principal: 'user:alice', models: ['gpt-4o', 'gpt-4o-mini', 'o3'] },
      { principal: 'user:bob', models: ['claude-sonnet', 'gpt-4o'] },
      { principal: 'user:carol', models: ['gpt-4o'] },
      { principal: 'user:dave', models: ['gpt-4o'] },
    ],
  },
  { q: 'PolicyMatches | summarize actions = make_list(action) | project n = array_length(actions)', rows: [{ n: 3 }] },
  {
    q: 'AIInteractions | summarize arg_max(time, id, model) by principal | order by principal asc',
    rows: [
      { principal: 'agent:builder', time: '2026-01-10T06:00:00.000Z', id: 'a5', model: 'gpt-4o' },
      { principal: 'user:alice', time: '2026-01-10T20:00:00.000Z', id: 'a8', model: 'o3' },
      { principal: 'user:bob', time: '2026-01-10T05:00:00.000Z', id: 'a4', model: 'claude-sonnet' },
      { principal: 'user:carol', time: '2026-01-10T23:00:00.000Z', id: 'a6', model: 'gpt-4o' },
      { principal: 'user:dave', time: '2026-01-08T00:00:00.000Z', id: 'a7', model: 'gpt-4o' },
    ],
  },
  { q: 'SignIns | summarize arg_max(time, *) | project id, method', rows: [{ id: 's2', method: 'api-key' }] },
  { q: 'AccessDenied | summarize arg_min(time, id) by principal | order by principal asc | project principal, id', rows: [{ principal: 'user:bob', id: 'd4' }, { principal: 'user:erin', id: 'd1' }] },
  {
    q: 'AIInteractions | where time > ago(1d) | summarize count() by principal, bin(time, 1h) | order by principal asc, time asc',
    rows: [
      { principal: 'agent:builder', time: '2026-01-10T06:00:00.000Z', count_: 1 },
      { principal: 'user:alice', time: '2026-01-10T01:00:00.000Z', count_: 1 },
      { principal: 'user:alice', time: '2026-01-10T02:00:00.000Z', count_: 1 },
      { principal: 'user:alice', time: '2026-01-10T20:00:00.000Z', count_: 1 },
      { principal: 'user:bob', time: '2026-01-10T02:00:00.000Z', count_: 1 },
      { principal: 'user:bob', time: '2026-01-10T05:00:00.000Z', count_: 1 },
      { principal: 'user:carol', time: '2026-01-10T23:00:00.000Z', count_: 1 },
    ],
  },
  { q: 'AIInteractions | summarize n = count() by day = bin(time, 1d) | order by day asc', rows: [{ day: '2026-01-08T00:00:00.000Z', n: 1 }, { day: '2026-01-10T00:00:00.000Z', n: 7 }] },
  { q: 'AIInteractions | summarize n = count() by d = startofday(time) | order by d asc', rows: [{ d: '2026-01-08T00:00:00.000Z', n: 1 }, { d: '2026-01-10T00:00:00.000Z', n: 7 }] },
  { q: 'AIInteractions | summarize n = count() by b = bin(tokensIn, 100) | order by b asc', rows: [{ b: 0, n: 5 }, { b: 100, n: 1 }, { b: 300, n: 1 }, { b: 1000, n: 1 }] },
  { q: 'AIInteractions | top 2 by latencyMs desc | project id', rows: ids('a5', 'a1') },
  { q: 'AIInteractions | top 2 by tokensIn asc | project id', rows: ids('a7', 'a6') },
  { q: 'AccessDenied | order by principal asc, time desc | project id', rows: ids('d4', 'd3', 'd2', 'd1') },
  { q: 'ToolInvocations | sort by time | project id', rows: ids('t3', 't2', 't1') },
  { q: 'PolicyMatches | order by time asc | take 2 | project id', rows: ids('p1', 'p2') },
  { q: 'PolicyMatches | order by time asc | limit 1 | project id', rows: ids('p1') },
  {
    q: 'AccessDenied | distinct principal, resource | order by principal asc, resource asc',
    rows: [{ principal: 'user:bob', resource: 'github' }, { principal: 'user:erin', resource: 'gpt-4o' }, { principal: 'user:erin', resource: 'o3' }],
  },
  { q: 'AccessDenied | project principal, reason | distinct * | order by principal asc', rows: [{ principal: 'user:bob', reason: 'ip_denied' }, { principal: 'user:erin', reason: 'model_not_allowed' }] },
  {
    q: 'AIInteractions | join kind=inner (Findings | where type == "CREDIT_CARD") on $left.id == $right.eventId | project id, type, confidence | order by id asc',
    rows: [{ id: 'a1', type: 'CREDIT_CARD', confidence: 85 }, { id: 'a8', type: 'CREDIT_CARD', confidence: 75 }],
  },
  { q: 'AIInteractions | join kind=leftanti (Findings) on $left.id == $right.eventId | project id | order by id asc', rows: ids('a2', 'a5', 'a6', 'a7') },
  {
    q: 'SignIns | join kind=leftouter (RiskChanges | project principal, riskLevel) on principal | project id, newLevel = riskLevel1 | order by id asc',
    rows: [{ id: 's1', newLevel: null }, { id: 's2', newLevel: 'elevated' }],
  },
  { q: 'AIInteractions | join kind=leftsemi (PolicyMatches | where action == "override") on $left.id == $right.subjectId | project id', rows: ids('a8') },
  {
    q: 'Findings | join kind=inner (AIInteractions | project eventId = id, app) on eventId | summarize n = count() by app | order by app asc',
    rows: [{ app: 'Copilot-Chat Beta', n: 1 }, { app: 'copilot-chat', n: 1 }, { app: 'support-bot', n: 3 }],
  },
  { q: 'AIInteractions | join (PolicyMatches | project subjectId, policy) on $left.id == $right.subjectId | project id, policy | order by id asc', rows: [{ id: 'a1', policy: 'pci' }, { id: 'a3', policy: 'injection' }, { id: 'a8', policy: 'pci' }] },
  {
    q: 'AIInteractions | mv-expand f = findings | project id, t = tostring(f.type), c = toint(f["count"]) | order by id asc, t asc',
    rows: [
      { id: 'a1', t: 'CREDIT_CARD', c: 2 },
      { id: 'a3', t: 'PROMPT_INJECTION', c: 1 },
      { id: 'a4', t: 'AWS_ACCESS_KEY', c: 1 },
      { id: 'a4', t: 'EMAIL', c: 1 },
      { id: 'a8', t: 'CREDIT_CARD', c: 1 },
    ],
  },
  { q: 'AIInteractions | mv-expand label = sensitivityLabels | summarize n = count() by l = tostring(label) | order by l asc', rows: [{ l: 'Confidential', n: 2 }, { l: 'Finance', n: 1 }] },
  { q: 'AIInteractions | mv-expand m = messages | where m.isPrompt == true | summarize total = sum(toint(m.size))', rows: [{ total: 1070 }] },
  { q: 'AIInteractions | mv-expand findings | where tostring(findings.location) == "response" | count', rows: [{ Count: 2 }] },
  { q: 'AdminActions | project id, v = toint(details.version), s = details.simulate, target', rows: [{ id: 'x1', v: 3, s: false, target: 'pci' }] },
  { q: 'ToolInvocations | where tostring(resources[0].server) == "github" | project id, tool | order by id asc', rows: [{ id: 't1', tool: 'create_issue' }, { id: 't3', tool: 'list_repos' }] },
  { q: 'AIInteractions | where toint(findings[0]["count"]) == 2 | project id', rows: ids('a1') },
  { q: 'AIInteractions | where principalGroups has "finance" | project id | order by id asc', rows: ids('a1', 'a2', 'a8') },
  { q: 'AIInteractions | where isnotempty(errorCode) | project id, errorCode', rows: [{ id: 'a6', errorCode: 'upstream_timeout' }] },
  { q: 'AIInteractions | where isempty(clientIp) | project id | order by id asc', rows: ids('a5', 'a6', 'a7') },
  { q: 'AIInteractions | where isnull(latencyMs) | count', rows: [{ Count: 4 }] },
  { q: 'AIInteractions | where id == "a1" | project s = strcat(principalName, ":", tostring(tokensIn))', rows: [{ s: 'alice:100' }] },
  { q: 'AccessDenied | where id == "d1" | project a = toint("42"), b = toint("x"), c = toint(" 7 "), d = toreal("2.5")', rows: [{ a: 42, b: null, c: 7, d: 2.5 }] },
  { q: 'AIInteractions | project id, size = iff(tokensIn > 100, "big", "small") | where size == "big" | order by id asc', rows: [{ id: 'a3', size: 'big' }, { id: 'a5', size: 'big' }] },
  { q: 'AIInteractions | where hourofday(time) >= 20 | project id | order by id asc', rows: ids('a6', 'a8') },
  { q: 'AIInteractions | where id in ("a1", "a7") | project id, d = dayofweek(time) | order by id asc', rows: [{ id: 'a1', d: '6.00:00:00' }, { id: 'a7', d: '4.00:00:00' }] },
  { q: 'AIInteractions | where id == "a8" | project age = now() - time, hours = (now() - time) / 1h', rows: [{ age: '04:00:00', hours: 4 }] },
  { q: 'AIInteractions | where (provider == "anthropic" or provider == "azure-openai") and not(outcome == "failure") | project id', rows: ids('a4') },
  { q: 'AIInteractions | where id == "a1" | project x = tokensIn + tokensOut * 2, y = (tokensIn + tokensOut) / 7, z = tokensOut % 7, w = -tokensIn', rows: [{ x: 500, y: 42, z: 4, w: -100 }] },
  { q: 'AIInteractions | where id == "a1" | project r = tokensIn / 8.0, q = todouble(tokensIn) / 4', rows: [{ r: 12.5, q: 25 }] },
  { q: 'Findings | where recordType == "ToolInvocation" | project eventId, type, location', rows: [{ eventId: 't3', type: 'AWS_ACCESS_KEY', location: 'tool-result' }] },
  { q: 'PolicyMatches | where action == "override" | project principal, policy, rule, justification', rows: [{ principal: 'user:alice', policy: 'pci', rule: 'cards', justification: 'customer asked for it' }] },
  { q: 'AccessDenied | summarize by principal | count', rows: [{ Count: 2 }] },
  { q: "// failures only\nAIInteractions\n| where outcome == 'failure' // trailing comment\n| project id", rows: ids('a6') },
  { q: 'AIInteractions | where strcat(principalName, "\\"") == \'alice"\' | count', rows: [{ Count: 3 }] },
  { q: 'AIInteractions | where principalKind == "agent" | project agentName, agentVersion', rows: [{ agentName: 'builder', agentVersion: '1.2.0' }] },
  { q: 'SignIns | where outcome == "failure" | project principalName, clientIp', rows: [{ principalName: 'erin', clientIp: '203.0.113.7' }] },
  { q: 'AIInteractions | where id == "a8" | project a = tolower(app), b = strlen(app), c = substring(app, 0, 7)', rows: [{ a: 'copilot-chat beta', b: 17, c: 'Copilot' }] },
  { q: 'AIInteractions | summarize r = round(avg(latencyMs) / 3, 2)', rows: [{ r: 195.83 }] },
  { q: 'AIInteractions | where id == "a5" | project ip = coalesce(clientIp, "none")', rows: [{ ip: 'none' }] },
  { q: 'AIInteractions | summarize ratio = countif(outcome == "blocked") * 100 / count()', rows: [{ ratio: 25 }] },
  { q: 'AIInteractions | where findings has "CREDIT_CARD" | project id | order by id asc', rows: ids('a1', 'a8') },
  { q: 'AIInteractions | where principal in (PolicyMatches | where action == "block" | project principal) | project id | order by id asc', rows: ids('a1', 'a2', 'a3', 'a4', 'a8') },
  { q: 'let risky = RiskChanges | where riskLevel == "elevated"; SignIns | where principal !in (risky | project principal) | project id', rows: ids('s1') },
  { q: 'RiskChanges | project id, level = riskLevel, up = riskLevel != previousLevel', rows: [{ id: 'r1', level: 'elevated', up: true }] },
];

describe.each(BACKENDS)('hunting conformance on %s', (kind) => {
  let b: TestBackend;
  beforeAll(async () => {
    b = await openTestBackend(kind);
    await seedStore(b.store, HUNT_SEED);
  });
  afterAll(async () => {
    await b.cleanup();
  });

  it.each(CASES.map((c, i) => [i + 1, c.q, c] as const))('#%i %s', async (_i, _q, c) => {
    const r = await runHunt(b.store, c.q, { now: SEED_NOW });
    if (!r.ok) throw new Error(`${r.error.message} at ${r.error.line}:${r.error.column}`);
    expect(r.value.rows).toEqual(c.rows);
  });

  it('has at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });
});
