/** Small presentation helpers: state badges, durations, times. */
import { TERMINAL } from '../../app/src/engine/states.ts';
import { h } from './dom.ts';
import type { StateDocument } from './types.ts';

/** The engine's own terminal states (one set for the server and the console). */
export function isTerminal(state: string): boolean {
  return (TERMINAL as ReadonlySet<string>).has(state);
}

export function badge(state: string): HTMLElement {
  return h('span', { class: `state state-${state.toLowerCase()}`, dataset: { state } }, state);
}

/** Milliseconds as `850 ms`, `4.2 s`, `3 min 20 s`, `2 h 5 min`. */
export function ms(n: number): string {
  if (n < 1000) return `${Math.max(0, Math.round(n))} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} s`;
  if (n < 3_600_000) return `${Math.floor(n / 60_000)} min ${Math.round((n % 60_000) / 1000)} s`;
  return `${Math.floor(n / 3_600_000)} h ${Math.round((n % 3_600_000) / 60_000)} min`;
}

export function started(state: StateDocument): number | undefined {
  const first = state.startDate ?? state.histories[0]?.date;
  return first === undefined ? undefined : Date.parse(first);
}

/** From the first history to the end, or to now while it runs. */
export function elapsed(state: StateDocument, now = Date.now()): number | undefined {
  const from = started(state);
  if (from === undefined) return undefined;
  const end = state.endDate ?? (isTerminal(state.current) ? state.histories.at(-1)?.date : undefined);
  return (end === undefined ? now : Date.parse(end)) - from;
}

export function when(iso: string | undefined): string {
  if (iso === undefined) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function json(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/**
 * Links to a commit and a file on GitHub, when `repository` is a GitHub `owner/name` — not
 * `osprey dev`'s `local/<folder>` (app/src/dev/local-deployer.ts), whose "sha" is a content hash.
 */
export function githubLink(
  repository: string | undefined,
  sha: string | undefined,
  path: string | undefined,
): { commit: string; file: string } | undefined {
  if (
    repository === undefined ||
    sha === undefined ||
    sha === '' ||
    !/^[\w.-]+\/[\w.-]+$/.test(repository) ||
    repository.startsWith('local/')
  )
    return undefined;
  return {
    commit: `https://github.com/${repository}/commit/${sha}`,
    file: `https://github.com/${repository}/blob/${sha}/${path ?? ''}`,
  };
}

/** A `table.grid` with a header row of `headers` and the body `rows`. */
export function grid(cls: string, headers: readonly string[], rows: Node[]): HTMLElement {
  return h(
    'table',
    { class: cls === '' ? 'grid' : `grid ${cls}` },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((t) => h('th', null, t)),
      ),
    ),
    h('tbody', null, rows),
  );
}

/** A `datetime-local` value (local time) as an ISO instant, or undefined. */
export function instant(local: string | null): string | undefined {
  if (local === null || local === '') return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
