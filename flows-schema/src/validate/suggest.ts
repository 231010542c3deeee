/** "Did you mean" suggestions by edit distance, for unknown types and properties. */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Up to `max` candidates closest to `input`; type names compare on their last segments too. */
export function closest(input: string, candidates: readonly string[], max = 3): string[] {
  const lower = input.toLowerCase();
  const tail = lower.split('.').slice(-2).join('.');
  const scored = candidates.map((c) => {
    const cl = c.toLowerCase();
    const ctail = cl.split('.').slice(-2).join('.');
    const score = Math.min(
      distance(lower, cl),
      distance(tail, ctail) + 1,
      cl.endsWith(`.${lower}`) ? 0 : Number.POSITIVE_INFINITY,
      lower.length >= 3 && (cl.startsWith(lower) || lower.startsWith(cl)) ? 1 : Number.POSITIVE_INFINITY,
    );
    return { c, score };
  });
  const limit = Math.max(2, Math.floor(input.length / 3));
  // A dotted type name: its class name must be close too (no `states.Set` for `test.TaskThatFail`).
  const last = lower.split('.').at(-1) ?? lower;
  const lastLimit = Math.max(2, Math.floor(last.length / 3));
  const nameClose = (c: string) =>
    !lower.includes('.') || distance(last, c.toLowerCase().split('.').at(-1) ?? c) <= lastLimit;
  const hits = scored
    .filter((s) => s.score <= limit && nameClose(s.c))
    .sort((a, b) => a.score - b.score || a.c.length - b.c.length);
  const best = hits[0]?.score ?? 0;
  return hits
    .filter((s) => s.score <= best + 1)
    .slice(0, max)
    .map((s) => s.c);
}

export function didYouMean(input: string, candidates: readonly string[]): string {
  const hits = closest(input, candidates);
  if (hits.length === 0) return '';
  return ` Did you mean ${hits.map((h) => `'${h}'`).join(' or ')}?`;
}
