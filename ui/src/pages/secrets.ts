/**
 * `/ui/secrets?namespace=…`: the names of the secrets of each namespace — never their values — and
 * the backend that serves them. A read-only backend (environment variables, mounted files) shows a
 * lock and no add or delete controls; a writable one takes new secrets and deletions from those who
 * may write to the namespace. One click copies `{{ secret('NAME') }}`.
 */
import { copy, type NamespaceInfo, type SecretList, stores } from '../api-stores.ts';
import { h } from '../dom.ts';
import { when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { actionForm, grid, perNamespace } from '../widgets.ts';
import { namespaceFilter } from './namespace-filter.ts';

/** A padlock (inline SVG: emoji fonts are not everywhere), for read-only backends. */
const LOCK_SVG =
  '<svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true"><path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm1.5 0h5V5a2.5 2.5 0 0 0-5 0v2Z"/></svg>';

export function lock(backend: string): HTMLElement {
  const el = h('span', {
    class: 'lock',
    role: 'img',
    'aria-label': `read-only (${backend})`,
    title: `read-only backend: ${backend}`,
  });
  el.innerHTML = LOCK_SVG;
  return el;
}

function addForm(ns: string, reload: () => void): HTMLElement {
  const name = h('input', {
    name: 'name',
    required: true,
    placeholder: 'NAME',
    pattern: '[A-Za-z_][A-Za-z0-9_]*',
  });
  const value = h('input', {
    name: 'value',
    type: 'password',
    required: true,
    placeholder: 'value',
    autocomplete: 'off',
  });
  return actionForm(
    'secret-add',
    async () => {
      await stores.secretPut(ns, name.value.trim(), value.value);
      reload();
    },
    name,
    value,
    h('button', { type: 'submit' }, 'Add secret'),
  );
}

function section(info: NamespaceInfo, list: SecretList, reload: () => void): HTMLElement {
  const editable = !list.readOnly && info.access === 'write';
  return h(
    'section',
    { class: 'namespace card', dataset: { namespace: info.namespace, backend: list.backend } },
    h(
      'h2',
      null,
      info.namespace,
      ' ',
      h('span', { class: 'muted backend' }, list.backend),
      list.readOnly ? lock(list.backend) : null,
    ),
    list.results.length === 0
      ? h('p', { class: 'muted' }, 'No secrets.')
      : grid(
          ['Name', 'Description', 'Updated', ''],
          h(
            'tbody',
            null,
            list.results.map((s) =>
              h(
                'tr',
                { dataset: { name: s.key } },
                h('td', null, s.readOnly ? lock(s.backend) : null, ' ', h('code', null, s.key)),
                h('td', null, s.description ?? ''),
                h('td', null, when(s.updateDate)),
                h(
                  'td',
                  { class: 'row-actions' },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'copy',
                      onclick: (ev: Event) =>
                        copy(`{{ secret('${s.key}') }}`, ev.currentTarget as HTMLElement),
                    },
                    "{{ secret('…') }}",
                  ),
                  editable && !s.readOnly
                    ? h(
                        'button',
                        {
                          type: 'button',
                          class: 'danger',
                          dataset: { action: 'delete' },
                          onclick: async () => {
                            if (!window.confirm(`Delete secret ${s.key} of ${info.namespace}?`)) return;
                            await stores.secretDelete(info.namespace, s.key);
                            reload();
                          },
                        },
                        'Delete',
                      )
                    : null,
                ),
              ),
            ),
          ),
        ),
    editable
      ? addForm(info.namespace, reload)
      : list.readOnly
        ? h(
            'p',
            { class: 'muted' },
            `Secrets of the ${list.backend} backend are changed where it reads them, not here.`,
          )
        : null,
  );
}

export const secretsPage: PageRender = (root, _params, query) => {
  const chosen = query.get('namespace') ?? '';
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Secrets'), namespaceFilter('/ui/secrets', chosen), list);
  perNamespace(list, chosen, async (n, reload) => section(n, await stores.secrets(n.namespace), reload));
  return undefined;
};
