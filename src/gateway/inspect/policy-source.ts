// The policies in force: those in palisade.yaml plus those created from the CLI, the admin API or a
// template (kept in the state store). Store changes are picked up by polling a revision counter, so a
// policy enabled from the CLI applies on a running gateway within a second, on every replica.
import { policyConfig, zodProblems, type Clock, type PolicyConfig } from '../../core/index.ts';
import type { PolicyStore } from '../../store/index.ts';

export interface PolicySourceOptions {
  readonly pollIntervalMs?: number;
  readonly onInvalid?: (name: string, problems: string) => void;
  readonly onError?: (error: unknown) => void;
}

export class PolicySource {
  readonly #fromConfig: readonly PolicyConfig[];
  readonly #store: PolicyStore;
  readonly #opts: PolicySourceOptions;
  #current: readonly PolicyConfig[];
  #revision = -1;
  #timer: NodeJS.Timeout | undefined;

  constructor(fromConfig: readonly PolicyConfig[], store: PolicyStore, _clock: Clock, opts: PolicySourceOptions = {}) {
    this.#fromConfig = fromConfig;
    this.#store = store;
    this.#opts = opts;
    this.#current = sortPolicies(fromConfig);
  }

  current(): readonly PolicyConfig[] {
    return this.#current;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((e: unknown) => this.#opts.onError?.(e));
    }, this.#opts.pollIntervalMs ?? 250);
    this.#timer.unref();
  }

  /** Reloads from the store when its revision moved. */
  async refresh(): Promise<void> {
    const revision = await this.#store.revision();
    if (revision === this.#revision) return;
    const stored = await this.#store.list();
    const names = new Set(this.#fromConfig.map((p) => p.name));
    const fromStore: PolicyConfig[] = [];
    for (const s of stored) {
      if (names.has(s.name)) continue; // palisade.yaml wins: a stored policy cannot shadow a configured one
      const parsed = policyConfig.safeParse(s.definition);
      if (parsed.success) fromStore.push(parsed.data);
      else this.#opts.onInvalid?.(s.name, zodProblems(parsed.error).map((p) => `${p.path}: ${p.message}`).join('; '));
    }
    this.#current = sortPolicies([...this.#fromConfig, ...fromStore]);
    this.#revision = revision;
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }
}

function sortPolicies(ps: readonly PolicyConfig[]): readonly PolicyConfig[] {
  return Object.freeze([...ps].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name)));
}
