/** The namespace list of the KV, secrets and triggers pages, kept in `?namespace=` (bookmarkable). */
import { stores } from '../api-stores.ts';
import { h } from '../dom.ts';
import { navigate } from '../nav.ts';

export function namespaceFilter(base: string, chosen: string): HTMLElement {
  const select = h('select', { name: 'namespace' }, h('option', { value: '' }, 'All namespaces'));
  void stores.namespaces().then(({ results }) => {
    for (const n of results) {
      select.append(h('option', { value: n.namespace, selected: n.namespace === chosen }, n.namespace));
    }
  });
  select.addEventListener('change', () =>
    navigate(select.value === '' ? base : `${base}?namespace=${encodeURIComponent(select.value)}`),
  );
  return h(
    'form',
    { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
    h('label', null, 'Namespace', select),
  );
}
