/** Pieces the namespace pages (KV, secrets, triggers, namespaces, announcements) share. */
import { ApiFailure } from './api.ts';
import { type NamespaceInfo, stores } from './api-stores.ts';
import { fill, h } from './dom.ts';

type Cell = Parameters<typeof h>[2];

/** A `.grid` table with a header row (empty `headers`: none); `rows` or a ready `<tbody>`. */
export function grid(headers: string[], rows: Cell): HTMLTableElement {
  return h(
    'table',
    { class: 'grid' },
    headers.length === 0
      ? null
      : h(
          'thead',
          null,
          h(
            'tr',
            null,
            headers.map((t) => h('th', null, t)),
          ),
        ),
    rows instanceof HTMLTableSectionElement ? rows : h('tbody', null, rows),
  );
}

/** What to show under a form for a refused request. */
export function refusal(err: unknown): string {
  return err instanceof ApiFailure ? err.message : String(err);
}

/** A form whose submit runs `action`; a refusal is shown in its `.field-error`. */
export function actionForm(
  className: string,
  action: () => Promise<void>,
  ...children: Cell[]
): HTMLFormElement {
  const error = h('p', { class: 'field-error', role: 'alert' });
  return h(
    'form',
    {
      class: `${className} inline-form`,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        try {
          await action();
        } catch (err) {
          error.textContent = refusal(err);
        }
      },
    },
    ...children,
    error,
  );
}

/**
 * A page of one section per namespace (all of them, or `?namespace=` only): `section` renders one
 * and gets `reload` to call after a change.
 */
export function perNamespace(
  list: HTMLElement,
  chosen: string,
  section: (info: NamespaceInfo, reload: () => void) => Promise<HTMLElement>,
): void {
  const load = async () => {
    try {
      const all = (await stores.namespaces()).results.filter((n) => chosen === '' || n.namespace === chosen);
      const sections = await Promise.all(all.map((n) => section(n, load)));
      fill(list, sections.length === 0 ? h('p', { class: 'muted' }, 'No namespace.') : sections);
    } catch (err) {
      fill(list, h('p', { class: 'error' }, refusal(err)));
    }
  };
  void load();
}
