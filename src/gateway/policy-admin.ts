// Policy administration shared by the admin API and the CLI: list what is in force (palisade.yaml and the
// store), create from a template, change a stored policy's mode, delete, and test a text against the
// policies exactly as the gateway would.
import {
  policyConfig,
  zodProblems,
  type PalisadeError,
  palisadeError,
  type PolicyConfig,
  type PolicyLocation,
  type PolicyMode,
  type Principal,
  type Result,
} from '../core/index.ts';
import { buildScanReport, type Detection, type ScanReport } from '../detect/index.ts';
import { checkPolicyReferences, evaluatePolicies, findTemplate, type KnownTypes, instantiateTemplate, POLICY_TEMPLATES, RedactionSession, type Decision, type PolicyCatalog, type PolicyTemplate } from '../policy/index.ts';
import type { PolicyStore } from '../store/index.ts';

export interface ListedPolicy {
  readonly source: 'config' | 'store';
  readonly policy: PolicyConfig;
}

export interface PolicyTestResult {
  readonly location: PolicyLocation;
  readonly report: ScanReport;
  readonly decision: Decision;
  /** The text as it would leave Palisade (redacted), or null when blocked. */
  readonly output: string | null;
}

export class PolicyAdmin {
  readonly #configured: readonly PolicyConfig[];
  readonly #store: PolicyStore;
  readonly #clock: () => number;

  /** The types and categories the engine registers, to refuse a policy naming one that does not exist. */
  readonly #known: KnownTypes | undefined;

  constructor(configured: readonly PolicyConfig[], store: PolicyStore, clock: () => number, known?: KnownTypes) {
    this.#configured = configured;
    this.#known = known;
    this.#store = store;
    this.#clock = clock;
  }

  async list(): Promise<ListedPolicy[]> {
    const names = new Set(this.#configured.map((p) => p.name));
    const stored: ListedPolicy[] = [];
    for (const s of await this.#store.list()) {
      if (names.has(s.name)) continue;
      const parsed = policyConfig.safeParse(s.definition);
      if (parsed.success) stored.push({ source: 'store', policy: parsed.data });
    }
    return [...this.#configured.map((policy) => ({ source: 'config' as const, policy })), ...stored].sort(
      (a, b) => a.policy.priority - b.policy.priority || a.policy.name.localeCompare(b.policy.name),
    );
  }

  async get(name: string): Promise<ListedPolicy | undefined> {
    return (await this.list()).find((p) => p.policy.name === name);
  }

  /** Validates and stores a policy (create or replace). */
  async put(definition: unknown): Promise<Result<PolicyConfig, PalisadeError>> {
    const parsed = policyConfig.safeParse(definition);
    if (!parsed.success) {
      return { ok: false, error: palisadeError('invalid_request', `Invalid policy: ${zodProblems(parsed.error).map((p) => `${p.path || '(policy)'}: ${p.message}`).join('; ')}`) };
    }
    if (this.#configured.some((p) => p.name === parsed.data.name)) {
      return { ok: false, error: palisadeError('invalid_request', `Policy "${parsed.data.name}" is defined in palisade.yaml; change it there.`) };
    }
    const problems = this.#known === undefined ? [] : checkPolicyReferences(parsed.data, this.#known, '');
    if (problems.length > 0) {
      return { ok: false, error: palisadeError('invalid_request', `Invalid policy: ${problems.map((p) => `${p.path.replace(/^\./, '')}: ${p.message}`).join('; ')}`) };
    }
    await this.#store.put(parsed.data.name, definition, this.#clock());
    return { ok: true, value: parsed.data };
  }

  async setMode(name: string, mode: PolicyMode): Promise<Result<PolicyConfig, PalisadeError>> {
    if (this.#configured.some((p) => p.name === name)) {
      return { ok: false, error: palisadeError('invalid_request', `Policy "${name}" is defined in palisade.yaml; change its mode there.`) };
    }
    const stored = (await this.#store.list()).find((s) => s.name === name);
    if (stored === undefined) return { ok: false, error: palisadeError('not_found', `No policy named "${name}".`) };
    return this.put({ ...(stored.definition as Record<string, unknown>), mode });
  }

  async remove(name: string): Promise<Result<void, PalisadeError>> {
    if (this.#configured.some((p) => p.name === name)) {
      return { ok: false, error: palisadeError('invalid_request', `Policy "${name}" is defined in palisade.yaml; remove it there.`) };
    }
    return (await this.#store.remove(name)) ? { ok: true, value: undefined } : { ok: false, error: palisadeError('not_found', `No policy named "${name}".`) };
  }

  templates(): readonly PolicyTemplate[] {
    return POLICY_TEMPLATES;
  }

  async enableTemplate(id: string, opts: { simulate?: boolean } = {}): Promise<Result<PolicyConfig, PalisadeError>> {
    const t = findTemplate(id);
    if (t === undefined) return { ok: false, error: palisadeError('not_found', `No template "${id}". Templates: ${POLICY_TEMPLATES.map((x) => x.id).join(', ')}.`) };
    const policy = instantiateTemplate(t, opts);
    return this.put(opts.simulate === true ? { ...t.policy, mode: 'simulate' } : t.policy).then((r) => (r.ok ? { ok: true, value: policy } : r));
  }
}

/** Runs a text through detection and the given policies, as the gateway would at `location`. */
export function testPolicies(
  policies: readonly PolicyConfig[],
  detection: Detection,
  catalog: PolicyCatalog,
  text: string,
  opts: { principal: Principal; location?: PolicyLocation; model?: string; labelsHeader?: string },
): PolicyTestResult {
  const location = opts.location ?? 'prompt';
  const source = location === 'response' ? 'model-output' : location === 'tool-output' ? 'tool-result' : 'user';
  const findings = detection.engine.scan(text, { source });
  const labels = detection.labels.resolve({ text, ...(opts.labelsHeader !== undefined ? { header: opts.labelsHeader } : {}) });
  const decision = evaluatePolicies(
    policies,
    { location, principal: opts.principal, findings, labels: labels.found.map((l) => l.name), ...(opts.model !== undefined ? { model: opts.model } : {}) },
    catalog,
  );
  const report = buildScanReport(text, findings, { effective: labels.effective, found: labels.found });
  const blocked = decision.outcome === 'block' || decision.outcome === 'block-with-override';
  const output = blocked ? null : decision.outcome === 'redact' ? new RedactionSession().apply(text, decision.redactions) : text;
  return { location, report, decision, output };
}
