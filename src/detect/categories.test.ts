// Every registered type declares its policy categories in its detector's definition (issue 10/11): the
// policy catalog is built from the engine, so a type without a category would silently escape every
// category-based policy (`never-send-credentials` selects `secret`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectionConfig } from '../core/config/detection.ts';
import { createDetection, importEdmCsv, loadEdmIndex, SECRET_RULES } from './index.ts';
import { createInjectionDetector, loadInjectionModel, INJECTION_TYPES } from './injection/index.ts';
import { STRUCTURED_SECRET_TYPES } from './secrets/detector.ts';
import { GENERIC_SECRET_TYPES } from './secrets/generic.ts';
import { BUILTIN_SITS } from './sit/builtin.ts';
import { PEOPLE_SITS } from './sit/people.ts';

const home = mkdtempSync(join(tmpdir(), 'palisade-categories-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function fullDetection() {
  const csv = join(home, 'staff.csv');
  writeFileSync(csv, 'employee_id,name\nE-100234,Jane Roe\n');
  const imported = await importEdmCsv({ file: csv, name: 'staff', home });
  if (!imported.ok) throw new Error(imported.error);
  const index = loadEdmIndex(home, 'staff');
  if (!index.ok) throw new Error(index.error);
  const model = loadInjectionModel();
  if (!model.ok) throw new Error(model.error);
  const config = detectionConfig.parse({
    customTypes: [
      { id: 'PROJECT_CODE', pattern: 'PRJ-[0-9]{4}' },
      { id: 'INVOICE_NUMBER', pattern: 'INV-[0-9]{6}', categories: ['financial'] },
    ],
  });
  return createDetection(config, { edm: [{ index: index.value }], additional: [createInjectionDetector({ model: model.value })] });
}

describe('type categories come from the detector definitions', () => {
  it('every registered type of every detector has a category, and the engine reports it', async () => {
    const { engine } = await fullDetection();
    const all = engine.detectors.flatMap((d) => d.types.map((t) => ({ detector: d.id, type: t, declared: d.categories[t] ?? [] })));
    // Built-ins, people, every secret rule, custom, EDM and injection are all registered.
    expect(all.length).toBeGreaterThan(BUILTIN_SITS.length + PEOPLE_SITS.length + SECRET_RULES.length + 5);
    const missing = all.filter((x) => x.declared.length === 0 || engine.categoriesOf(x.type).length === 0);
    expect(missing).toEqual([]);
    expect(engine.categoriesOf('NO_SUCH_TYPE')).toEqual([]);
  });

  it('every secret type is `secret` and only `secret`: rules, private keys, AWS secret keys, URLs, generic passwords', async () => {
    const { engine } = await fullDetection();
    const secretTypes = [...SECRET_RULES.map((r) => r.id), ...STRUCTURED_SECRET_TYPES, ...GENERIC_SECRET_TYPES];
    for (const t of ['PRIVATE_KEY', 'AWS_SECRET_KEY', 'DATABASE_URI_WITH_PASSWORD', 'GENERIC_PASSWORD']) expect(secretTypes).toContain(t);
    for (const t of secretTypes) expect([t, engine.categoriesOf(t)]).toEqual([t, ['secret']]);
    // And nothing outside the secrets detector claims to be a credential by accident.
    const nonSecret = engine.types.filter((t) => !secretTypes.includes(t) && engine.categoriesOf(t).includes('secret'));
    expect(nonSecret).toEqual([]);
  });

  it('SITs keep their category (national ids also answer to government-id); custom, EDM and injection types have theirs', async () => {
    const { engine } = await fullDetection();
    expect(engine.categoriesOf('CREDIT_CARD')).toEqual(['financial']);
    expect(engine.categoriesOf('US_SSN')).toEqual(['national-id', 'government-id']);
    expect(engine.categoriesOf('PROJECT_CODE')).toEqual(['custom']);
    expect(engine.categoriesOf('INVOICE_NUMBER')).toEqual(['custom', 'financial']);
    expect(engine.categoriesOf('EDM:staff')).toEqual(['edm']);
    for (const t of INJECTION_TYPES) expect(engine.categoriesOf(t)).toEqual(['attack']);
  });
});
