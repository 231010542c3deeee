/**
 * `/ui/kv?namespace=…`: the KV store of every namespace (or one), with types and expiry; add,
 * edit and delete where the caller may write; one click copies `{{ kv('key') }}`.
 */
import { copy, KV_TYPES, type KvMeta, type NamespaceInfo, stores } from '../api-stores.ts';
import { h } from '../dom.ts';
import { json, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { actionForm, grid, perNamespace } from '../widgets.ts';
import { namespaceFilter } from './namespace-filter.ts';

function entryForm(ns: string, onSaved: () => void, initial?: { key: string; type: string; text: string }) {
  const key = h('input', { name: 'key', required: true, placeholder: 'key', value: initial?.key ?? '' });
  if (initial !== undefined) key.readOnly = true;
  const type = h(
    'select',
    { name: 'type' },
    KV_TYPES.map((t) => h('option', { value: t, selected: t === (initial?.type ?? 'STRING') }, t)),
  );
  const value = h('textarea', { name: 'value', rows: 2, placeholder: 'value' });
  value.value = initial?.text ?? '';
  const ttl = h('input', { name: 'ttl', placeholder: 'expires after, e.g. P7D', size: 14 });
  return actionForm(
    initial === undefined ? 'kv-add' : 'kv-edit',
    async () => {
      await stores.kvPut(ns, key.value.trim(), {
        type: type.value,
        text: value.value,
        ttl: ttl.value.trim(),
      });
      onSaved();
    },
    key,
    type,
    value,
    ttl,
    h('button', { type: 'submit' }, initial === undefined ? 'Add' : 'Save'),
  );
}

function section(info: NamespaceInfo, entries: KvMeta[], reload: () => void): HTMLElement {
  const writable = info.access === 'write';
  const body = h('tbody');
  for (const e of entries) {
    const row = h(
      'tr',
      { dataset: { key: e.key } },
      h('td', null, h('code', null, e.key)),
      h('td', null, e.type),
      h(
        'td',
        null,
        e.expirationDate === undefined ? h('span', { class: 'muted' }, 'never') : when(e.expirationDate),
      ),
      h('td', null, when(e.updateDate)),
      h(
        'td',
        { class: 'row-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'copy',
            title: `copy {{ kv('${e.key}') }}`,
            onclick: (ev: Event) => copy(`{{ kv('${e.key}') }}`, ev.currentTarget as HTMLElement),
          },
          "{{ kv('…') }}",
        ),
        writable
          ? [
              h(
                'button',
                {
                  type: 'button',
                  dataset: { action: 'edit' },
                  onclick: async () => {
                    const { type, value } = await stores.kvGet(info.namespace, e.key);
                    const text = typeof value === 'string' ? value : json(value);
                    const cell = h(
                      'td',
                      { colspan: 5 },
                      entryForm(info.namespace, reload, { key: e.key, type, text }),
                    );
                    row.replaceChildren(cell);
                  },
                },
                'Edit',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  dataset: { action: 'delete' },
                  onclick: async () => {
                    if (!window.confirm(`Delete KV entry ${e.key} of ${info.namespace}?`)) return;
                    await stores.kvDelete(info.namespace, e.key);
                    reload();
                  },
                },
                'Delete',
              ),
            ]
          : null,
      ),
    );
    body.append(row);
  }
  return h(
    'section',
    { class: 'namespace card', dataset: { namespace: info.namespace } },
    h('h2', null, info.namespace),
    entries.length === 0
      ? h('p', { class: 'muted' }, 'No KV entries.')
      : grid(['Key', 'Type', 'Expires', 'Updated', ''], body),
    writable ? entryForm(info.namespace, reload) : null,
  );
}

export const kvPage: PageRender = (root, _params, query) => {
  const chosen = query.get('namespace') ?? '';
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'KV store'), namespaceFilter('/ui/kv', chosen), list);
  perNamespace(list, chosen, async (n, reload) => section(n, await stores.kvList(n.namespace), reload));
  return undefined;
};
