/**
 * Secret redaction, the one implementation: every resolved secret value is replaced by `******` in
 * what Osprey shows or stores (log lines, outputs, error messages, API answers). It lives in the
 * runner because runners mask too and must not import the control plane; the app uses it as is.
 *
 * Decisions:
 * - longest first, so a secret that contains another is masked whole;
 * - the JSON-escaped form is masked too (a secret with a quote or newline appears escaped in JSON),
 *   and each line of a multi-line secret (a PEM key printed line by line);
 * - values shorter than 4 characters are not masked: masking `1` or `ab` would replace every
 *   occurrence in every log and, through the pattern of asterisks, reveal the value anyway.
 *   Such a value is not a secret that masking can protect; give it more entropy.
 */
export const MASK = '******';
export const MIN_MASKED_LENGTH = 4;

export class SecretMasker {
  readonly #forms = new Set<string>();
  #ordered: string[] | undefined = [];

  /** Adds a value (and its variants) to mask from now on. */
  register(value: string): void {
    const before = this.#forms.size;
    for (const form of variants(value)) if (form.length >= MIN_MASKED_LENGTH) this.#forms.add(form);
    if (this.#forms.size !== before) this.#ordered = undefined;
  }

  /** How many forms are masked (0 means `mask` returns its input unchanged). */
  get size(): number {
    return this.#forms.size;
  }

  mask(text: string): string {
    let out = text;
    for (const form of this.#order()) if (out.includes(form)) out = out.replaceAll(form, MASK);
    return out;
  }

  /** Masks every string of a JSON-like value (keys included); returns a copy. */
  maskValue<T>(value: T): T {
    if (this.#forms.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.mask(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.mask(k), walk(x)]));
      }
      return v;
    };
    return walk(value) as T;
  }

  /** An error whose message (and cause's) no longer holds a secret. */
  maskError(error: Error): Error {
    const masked = new Error(this.mask(error.message));
    masked.name = error.name;
    if (error.stack !== undefined) masked.stack = this.mask(error.stack);
    return masked;
  }

  #order(): string[] {
    this.#ordered ??= [...this.#forms].sort((a, b) => b.length - a.length);
    return this.#ordered;
  }
}

function variants(value: string): string[] {
  const out = [value, JSON.stringify(value).slice(1, -1)];
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) out.push(line.trim());
  }
  return out;
}

export type Masker = <T>(value: T) => T;

/** A masking function for a fixed set of secrets (one job, one execution). */
export function createMasker(secrets: readonly string[]): Masker {
  const masker = new SecretMasker();
  for (const s of secrets) masker.register(s);
  return masker.size === 0 ? <T>(value: T) => value : <T>(value: T) => masker.maskValue(value);
}
