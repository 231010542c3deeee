/**
 * Secret redaction: every resolved secret of a job is replaced by `******` in what leaves the
 * runner (log lines, outputs, error messages). The JSON-escaped form is masked too, because a
 * secret with a quote or a newline shows up escaped in JSON payloads.
 */
export const MASK = '******';

export type Masker = <T>(value: T) => T;

export function createMasker(secrets: readonly string[]): Masker {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const maskString = (text: string): string => {
    let out = text;
    for (const f of ordered) if (out.includes(f)) out = out.replaceAll(f, MASK);
    return out;
  };
  const mask = (value: unknown): unknown => {
    if (typeof value === 'string') return maskString(value);
    if (Array.isArray(value)) return value.map(mask);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskString(k), mask(v)]));
    }
    return value;
  };
  return ordered.length === 0 ? <T>(value: T) => value : <T>(value: T) => mask(value) as T;
}
