import { describe, expect, it } from 'vitest';
import { policiesConfig, type Finding, type PolicyConfigInput, type Principal } from '../core/index.ts';
import { evaluatePolicies, type PolicyCatalog, type PolicyContext } from './evaluate.ts';
import { POLICY_TEMPLATES, instantiateTemplate } from './templates.ts';

const LABELS = ['Public', 'General', 'Confidential', 'Highly Confidential'];
const catalog: PolicyCatalog = {
  categoriesOf: (t) => (t === 'CREDIT_CARD' ? ['financial'] : t === 'US_SSN' ? ['government-id'] : t.startsWith('AWS') ? ['secret'] : []),
  labelRank: (l) => {
    const i = LABELS.findIndex((x) => x.toLowerCase() === l.toLowerCase());
    return i < 0 ? undefined : i;
  },
  predicates: { always: () => true },
};

const user: Principal = { id: 'key:1', kind: 'user', name: 'alice', authMethod: 'api-key', roles: [], groups: ['finance'], keyId: '1' };
const agent: Principal = { id: 'key:2', kind: 'agent', name: 'build-bot', authMethod: 'api-key', roles: ['agent'], groups: [], keyId: '2' };

const finding = (type: string, start: number, end: number, confidence = 85, valueHash = `${type}-${start}`, score?: number): Finding => ({
  detector: 'test',
  type,
  confidence,
  start,
  end,
  valueHash,
  ...(score !== undefined ? { score } : {}),
});

const ctx = (over: Partial<PolicyContext> = {}): PolicyContext => ({ location: 'prompt', principal: user, findings: [], labels: [], ...over });
const policies = (ps: PolicyConfigInput[]) => policiesConfig.parse(ps);

describe('policy evaluation', () => {
  it('most restrictive action wins across policies, and every matched rule is recorded', () => {
    const ps = policies([
      { name: 'audit-cards', rules: [{ name: 'r1', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: ['audit'] }] },
      { name: 'redact-cards', rules: [{ name: 'r2', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: [{ redact: { style: 'placeholder' } }] }] },
      { name: 'block-ssn', rules: [{ name: 'r3', conditions: [{ sit: { types: ['US_SSN'] } }], actions: [{ block: { tip: 'no SSNs' } }] }] },
    ]);
    const cardOnly = evaluatePolicies(ps, ctx({ findings: [finding('CREDIT_CARD', 5, 24)] }), catalog);
    expect(cardOnly.outcome).toBe('redact');
    expect(cardOnly.matches.map((m) => m.rule)).toEqual(['r1', 'r2']);
    expect(cardOnly.redactions).toHaveLength(1);
    const both = evaluatePolicies(ps, ctx({ findings: [finding('CREDIT_CARD', 5, 24), finding('US_SSN', 30, 41)] }), catalog);
    expect(both.outcome).toBe('block');
    expect(both.tip).toBe('no SSNs');
    expect(both.redactions).toEqual([]);
    expect(both.matches).toHaveLength(3);
  });

  it('simulate records what would happen and changes nothing', () => {
    const ps = policies([{ name: 'sim', mode: 'simulate', rules: [{ name: 'r', conditions: [{ sit: { types: ['*'] } }], actions: ['block'] }] }]);
    const d = evaluatePolicies(ps, ctx({ findings: [finding('CREDIT_CARD', 0, 16)] }), catalog);
    expect(d.outcome).toBe('allow');
    expect(d.simulatedOutcome).toBe('block');
    expect(d.matches[0]).toMatchObject({ policy: 'sim', mode: 'simulate', action: 'block' });
  });

  it('off policies, other locations and out-of-scope principals are ignored', () => {
    const ps = policies([
      { name: 'off', mode: 'off', rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: ['block'] }] },
      { name: 'responses-only', locations: ['response'], rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: ['block'] }] },
      { name: 'agents-only', scope: { include: { agents: ['build-*'] } }, rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: ['block'] }] },
    ]);
    expect(evaluatePolicies(ps, ctx(), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ principal: agent }), catalog).outcome).toBe('block');
    expect(evaluatePolicies(ps, ctx({ location: 'response' }), catalog).outcome).toBe('block');
  });

  it('scope include by group and model, exclude by key', () => {
    const ps = policies([
      {
        name: 'finance-gpt',
        scope: { include: { groups: ['finance'], models: ['gpt-*'] }, exclude: { keys: ['build-bot'] } },
        rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: ['audit'] }],
      },
    ]);
    expect(evaluatePolicies(ps, ctx({ model: 'gpt-4o' }), catalog).outcome).toBe('audit');
    expect(evaluatePolicies(ps, ctx({ model: 'claude' }), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ model: 'gpt-4o', principal: { ...agent, groups: ['finance'] } }), catalog).outcome).toBe('allow');
  });

  it('confidence and instance-count ranges', () => {
    const ps = policies([
      { name: 'bulk', rules: [{ name: 'r', conditions: [{ sit: { types: ['CREDIT_CARD'], minConfidence: 'high', minCount: 2, maxCount: 3 } }], actions: ['block'] }] },
    ]);
    const one = [finding('CREDIT_CARD', 0, 16)];
    const two = [finding('CREDIT_CARD', 0, 16), finding('CREDIT_CARD', 20, 36)];
    const dupes = [finding('CREDIT_CARD', 0, 16, 85, 'same'), finding('CREDIT_CARD', 20, 36, 85, 'same')];
    const lowConf = [finding('CREDIT_CARD', 0, 16, 65), finding('CREDIT_CARD', 20, 36, 65)];
    const four = [0, 1, 2, 3].map((i) => finding('CREDIT_CARD', i * 20, i * 20 + 16));
    expect(evaluatePolicies(ps, ctx({ findings: one }), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ findings: two }), catalog).outcome).toBe('block');
    expect(evaluatePolicies(ps, ctx({ findings: dupes }), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ findings: lowConf }), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ findings: four }), catalog).outcome).toBe('allow');
  });

  it('labels at or above a level, detector scores, risk levels, all-of rules', () => {
    const ps = policies([
      { name: 'labels', rules: [{ name: 'l', conditions: [{ label: { atLeast: 'Confidential' } }], actions: ['alert'] }] },
      { name: 'inj', rules: [{ name: 'i', conditions: [{ detector: { types: ['PROMPT_INJECTION'], minScore: 0.8 } }], actions: ['block'] }] },
      {
        name: 'risky-and-card',
        rules: [{ name: 'rc', match: 'all', conditions: [{ risk: { atLeast: 'moderate' } }, { sit: { categories: ['financial'] } }], actions: ['block'] }],
      },
    ]);
    expect(evaluatePolicies(ps, ctx({ labels: ['General'] }), catalog).outcome).toBe('allow');
    const labelled = evaluatePolicies(ps, ctx({ labels: ['highly confidential'] }), catalog);
    expect(labelled.outcome).toBe('alert');
    expect(labelled.alerts).toEqual([{ policy: 'labels', rule: 'l', severity: 'medium', simulated: false }]);
    expect(evaluatePolicies(ps, ctx({ findings: [finding('PROMPT_INJECTION', 0, 10, 85, 'h', 0.6)] }), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ findings: [finding('PROMPT_INJECTION', 0, 10, 85, 'h', 0.9)] }), catalog).outcome).toBe('block');
    const card = [finding('CREDIT_CARD', 0, 16)];
    expect(evaluatePolicies(ps, ctx({ findings: card, riskLevel: 'minor' }), catalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ findings: card, riskLevel: 'elevated' }), catalog).outcome).toBe('block');
  });

  it('block-with-override yields to a justification, down to the next most restrictive action', () => {
    const ps = policies([
      { name: 'bwo', rules: [{ name: 'r', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: [{ 'block-with-override': { tip: 'justify' } }] }] },
      { name: 'red', rules: [{ name: 'r2', conditions: [{ sit: { types: ['CREDIT_CARD'] } }], actions: ['redact'] }] },
    ]);
    const f = [finding('CREDIT_CARD', 0, 16)];
    const blocked = evaluatePolicies(ps, ctx({ findings: f }), catalog);
    expect(blocked).toMatchObject({ outcome: 'block-with-override', tip: 'justify', overridden: false });
    const overridden = evaluatePolicies(ps, ctx({ findings: f, overrideJustification: 'customer asked for a refund' }), catalog);
    expect(overridden).toMatchObject({ outcome: 'redact', overridden: true });
    expect(overridden.redactions).toHaveLength(1);
  });

  it('every template instantiates to a valid policy and behaves as described', () => {
    for (const t of POLICY_TEMPLATES) expect(() => instantiateTemplate(t)).not.toThrow();
    expect(POLICY_TEMPLATES.length).toBeGreaterThanOrEqual(7);
    const creds = instantiateTemplate(POLICY_TEMPLATES.find((t) => t.id === 'never-send-credentials')!);
    const d = evaluatePolicies([creds], ctx({ findings: [finding('AWS_ACCESS_KEY', 3, 23)] }), catalog);
    expect(d.outcome).toBe('redact');
    expect(d.alerts[0]?.severity).toBe('high');
    const block = instantiateTemplate(POLICY_TEMPLATES.find((t) => t.id === 'block-sensitive-info')!);
    expect(block.mode).toBe('simulate');
    expect(evaluatePolicies([block], ctx({ findings: [finding('US_SSN', 0, 11)] }), catalog)).toMatchObject({ outcome: 'allow', simulatedOutcome: 'block' });
    const forced = instantiateTemplate(POLICY_TEMPLATES.find((t) => t.id === 'capture-interactions')!, { simulate: true });
    expect(forced.mode).toBe('simulate');
  });

  it('rejects bad policy configuration with paths', () => {
    const r = policiesConfig.safeParse([{ name: 'x', rules: [{ name: 'r', conditions: [{ sit: {} }], actions: ['explode'] }] }]);
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths.some((p) => p.startsWith('0.rules.0.conditions.0'))).toBe(true);
    expect(paths).toContain('0.rules.0.actions.0');
    const ok = { name: 'x', rules: [{ name: 'r', conditions: [{ predicate: 'always' }], actions: ['audit'] }] };
    const dup = policiesConfig.safeParse([ok, ok]);
    expect(dup.error?.issues.map((i) => i.path.join('.'))).toEqual(['1.name']);
  });
});

describe('detector conditions for hidden characters and content safety', () => {
  const safetyCatalog: PolicyCatalog = {
    ...catalog,
    categoriesOf: (t) => (t === 'HATE' ? ['harmful-content', 'hate'] : t === 'HIDDEN_CHARACTERS' ? ['attack', 'evasion'] : catalog.categoriesOf(t)),
    redactionOf: (t) => (t === 'HIDDEN_CHARACTERS' ? 'strip' : undefined),
  };
  const severe = (severity: 'low' | 'medium' | 'high', score: number): Finding => ({ ...finding('HATE', 0, 10, 85, `h-${severity}`, score), severity });

  it('minSeverity filters content-safety findings; minScore still applies', () => {
    const ps = policies([{ name: 'hate', rules: [{ name: 'r', conditions: [{ detector: { types: ['HATE'], minSeverity: 'medium' } }], actions: ['block'] }] }]);
    expect(evaluatePolicies(ps, ctx({ findings: [severe('low', 0.6)] }), safetyCatalog).outcome).toBe('allow');
    expect(evaluatePolicies(ps, ctx({ findings: [severe('medium', 0.7)] }), safetyCatalog).outcome).toBe('block');
    expect(evaluatePolicies(ps, ctx({ findings: [severe('high', 0.4)] }), safetyCatalog).outcome).toBe('allow');
  });

  it('harmful-content and hidden-character findings are never sensitive information, even for sit types *', () => {
    const ps = policies([{ name: 'all', rules: [{ name: 'r', conditions: [{ sit: { types: ['*'] } }], actions: ['block'] }] }]);
    expect(evaluatePolicies(ps, ctx({ findings: [severe('high', 0.99), finding('HIDDEN_CHARACTERS', 0, 4)] }), safetyCatalog).outcome).toBe('allow');
  });

  it('a type with a fixed redaction is redacted that way whatever style the rule names', () => {
    const ps = policies([
      { name: 'redact', rules: [{ name: 'r', conditions: [{ detector: { types: ['HIDDEN_CHARACTERS'] } }, { sit: { types: ['CREDIT_CARD'] } }], actions: [{ redact: { style: 'mask' } }] }] },
    ]);
    const d = evaluatePolicies(ps, ctx({ findings: [finding('HIDDEN_CHARACTERS', 30, 34), finding('CREDIT_CARD', 5, 24)] }), safetyCatalog);
    expect(d.redactions.map((x) => [x.type, x.style])).toEqual([
      ['CREDIT_CARD', 'mask'],
      ['HIDDEN_CHARACTERS', 'strip'],
    ]);
  });

  it('policy config rejects unknown detector types and severities, listing the valid ones', () => {
    const bad = policiesConfig.safeParse([{ name: 'p', rules: [{ name: 'r', conditions: [{ detector: { types: ['HATRED'], minSeverity: 'extreme' } }], actions: ['block'] }] }]);
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/HATE/);
  });
});
