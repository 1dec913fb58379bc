// Tries to inject SQL through every hunting operator and function, on both backends. Two properties:
// the SQL text never depends on a user value (only the parameters do), and running the queries leaves the
// stored log untouched and gives the same rows on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUNT_SEED, SEED_NOW } from '../../audit/fixtures.ts';
import { openTestBackend, seedStore, type TestBackend } from '../../audit/testing.ts';
import { compileHunt, runHunt } from '../../hunt/index.ts';

const PAYLOADS = [
  "'; DROP TABLE audit_events; --",
  '" OR 1=1 --',
  "' OR '1'='1",
  ') UNION SELECT hash, hash FROM audit_checkpoints --',
  '*/ SELECT 1 /*',
  "'||(SELECT sqlite_version())||'",
  "\\'; DELETE FROM audit_events WHERE '1'='1",
  '$1::text; TRUNCATE audit_events',
  '?',
  '\u0001 0 \u0001',
  '\u00010\u0001',
  "'); COMMIT; DROP SCHEMA public CASCADE; --",
  'copilot-chat',
  '%_[]^$.*+?(){}|\\',
  'line\nbreak\ttab',
  'ünïcödé ✓ 🛡',
  '',
];

function kql(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

function re(v: string): string {
  return v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every operator and function that takes a user value; V is the quoted payload, R the regex-escaped one. */
const TEMPLATES: readonly string[] = [
  'AIInteractions | where app == V | project id',
  'AIInteractions | where app != V | project id',
  'AIInteractions | where app =~ V | project id',
  'AIInteractions | where app !~ V | project id',
  'AIInteractions | where app has V | project id',
  'AIInteractions | where app !has V | project id',
  'AIInteractions | where app contains V | project id',
  'AIInteractions | where app !contains V | project id',
  'AIInteractions | where app contains_cs V | project id',
  'AIInteractions | where app startswith V | project id',
  'AIInteractions | where app !startswith V | project id',
  'AIInteractions | where app endswith V | project id',
  'AIInteractions | where app !endswith V | project id',
  'AIInteractions | where app matches regex R | project id',
  'AIInteractions | where app in (V, "x") | project id',
  'AIInteractions | where app in~ (V) | project id',
  'AIInteractions | where app !in (V) | project id',
  'AIInteractions | where app !in~ (V) | project id',
  'AIInteractions | where app between (V .. V) | project id',
  'AIInteractions | project id, x = strcat(app, V)',
  'AIInteractions | project id, x = tostring(V)',
  'AIInteractions | project id, x = toint(V), y = toreal(V)',
  'AIInteractions | project id, x = tolower(V), y = toupper(V), z = strlen(V)',
  'AIInteractions | project id, x = substring(V, 0, 2)',
  'AIInteractions | project id, x = iff(app == V, V, app)',
  'AIInteractions | project id, x = coalesce(clientIp, V)',
  'AIInteractions | project id, x = isempty(V), y = isnotempty(V), z = isnull(V)',
  'AIInteractions | extend x = V | project id, x',
  'AIInteractions | summarize n = countif(app == V), s = make_set(strcat(V, app)) by k = strcat(V, provider) | project n, k',
  'AIInteractions | summarize n = dcount(strcat(app, V))',
  'let v = V; AIInteractions | where app == v | project id',
  'AIInteractions | mv-expand f = findings | where tostring(f.type) == V | project id',
  'AIInteractions | where tostring(findings[0]["type"]) == V | project id',
  'AIInteractions | join kind=inner (Findings | where type != V) on $left.id == $right.eventId | project id',
  'AIInteractions | join kind=leftanti (Findings | where type == V) on $left.id == $right.eventId | project id',
  'AIInteractions | where principalGroups has V | project id',
  'AdminActions | project x = tostring(details.version), y = strcat(target, V)',
  'AIInteractions | top 3 by strcat(app, V, id) asc | project id',
  'AIInteractions | order by strcat(V, id) asc | project id',
  'AIInteractions | distinct x = strcat(V, provider) | order by x asc',
  'AIInteractions | where app in (Findings | where type == V | project app) | project id',
];

function build(template: string, v: string): string {
  return template.replace(/\bV\b/g, kql(v)).replace(/\bR\b/g, kql(re(v)));
}

describe('SQL injection through every operator and function', () => {
  const backends: TestBackend[] = [];
  beforeAll(async () => {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const b = await openTestBackend(kind);
      await seedStore(b.store, HUNT_SEED);
      backends.push(b);
    }
  });
  afterAll(async () => {
    for (const b of backends) await b.cleanup();
  });

  it.each(TEMPLATES)('%s', async (template) => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const benign = compileHunt(build(template, 'benign'), { dialect, now: SEED_NOW });
      if (!benign.ok) throw new Error(benign.error.message);
      for (const p of PAYLOADS) {
        const c = compileHunt(build(template, p), { dialect, now: SEED_NOW });
        if (!c.ok) throw new Error(`${c.error.message} for payload ${JSON.stringify(p)}`);
        // The statement is the same whatever the value: values only ever travel as parameters.
        expect(c.value.sql).toBe(benign.value.sql);
        if (p.length > 3) expect(c.value.sql).not.toContain(p);
      }
    }
    for (const p of PAYLOADS) {
      const results = [];
      for (const b of backends) {
        const r = await runHunt(b.store, build(template, p), { now: SEED_NOW });
        if (!r.ok) throw new Error(`${b.store.dialect}: ${r.error.message} for payload ${JSON.stringify(p)}`);
        results.push(r.value.rows);
      }
      expect(results[1]).toEqual(results[0]);
    }
    for (const b of backends) {
      const n = await runHunt(b.store, 'AIInteractions | count', { now: SEED_NOW });
      expect(n.ok && n.value.rows).toEqual([{ Count: 8 }]);
    }
  });

  it('refuses identifiers that are not plain words, and property names with quotes', () => {
    for (const q of [
      'AIInteractions | project "x"; DROP TABLE audit_events',
      'AIInteractions | project a"b',
      'AIInteractions; DROP TABLE audit_events',
      'AIInteractions | where id == 1 -- comment',
      'AdminActions | project x = details["a\\") OR 1=1 --"]',
      'AIInteractions | project `id`',
    ]) {
      const r = compileHunt(q, { dialect: 'postgres', now: SEED_NOW });
      expect(r.ok, q).toBe(false);
    }
  });
});
