// Secrets appear in configuration only as references (`${env:NAME}`, `${file:PATH}`), are resolved once at
// start, and are held in a `Secret` whose string and JSON forms are redacted, so a logged config never leaks.

const SECRET_REF = /^\$\{(env|file):([^}]+)\}$/;

export class Secret {
  #value: string | undefined;
  readonly ref: string;
  constructor(ref: string, value?: string) {
    this.ref = ref;
    this.#value = value;
  }
  /** Filled once by the config loader. */
  resolve(value: string): void {
    this.#value = value;
  }
  get resolved(): boolean {
    return this.#value !== undefined;
  }
  /** The secret itself; call only where it is sent (an upstream header, a token request). */
  reveal(): string {
    if (this.#value === undefined) throw new Error(`secret ${this.ref} used before it was resolved`);
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return `[secret ${this.ref}]`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.ref})`;
  }
}

export function isSecretRef(value: string): boolean {
  return SECRET_REF.test(value);
}

export type SecretResolver = (ref: string) => { ok: true; value: string } | { ok: false; reason: string };

export function parseSecretRef(ref: string): { kind: 'env' | 'file'; name: string } | undefined {
  const m = SECRET_REF.exec(ref);
  if (!m?.[1] || !m[2]) return undefined;
  return { kind: m[1] as 'env' | 'file', name: m[2] };
}
