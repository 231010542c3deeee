/** `/ui/flows?namespace=…&text=…`: the deployed flows, grouped by namespace. */
import { api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { submitFilters } from '../nav.ts';
import type { FlowDocument } from '../types.ts';

export function flowHref(f: { namespace: string; id: string }): string {
  return `/ui/flows/${encodeURIComponent(f.namespace)}/${encodeURIComponent(f.id)}`;
}

export const flowsPage: PageRender = (root, _params, query) => {
  const namespace = query.get('namespace') ?? '';
  const text = query.get('text') ?? '';
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: submitFilters('/ui/flows'),
    },
    h(
      'label',
      null,
      'Namespace',
      h('input', { type: 'search', name: 'namespace', value: namespace, placeholder: 'company (and below)' }),
    ),
    h(
      'label',
      null,
      'Text',
      h('input', { type: 'search', name: 'text', value: text, placeholder: 'flow id' }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Filter')),
  );
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Flows'), form, list);
  api.searchFlows({ ...(namespace === '' ? {} : { namespace }), ...(text === '' ? {} : { text }) }).then(
    (page) => {
      const groups = new Map<string, FlowDocument[]>();
      for (const f of page.results) groups.set(f.namespace, [...(groups.get(f.namespace) ?? []), f]);
      fill(
        list,
        page.total === 0 ? h('p', { class: 'muted' }, 'No deployed flow matches.') : null,
        [...groups].map(([ns, flows]) =>
          h(
            'section',
            { class: 'namespace', dataset: { namespace: ns } },
            h('h2', null, h('a', { href: `/ui/flows?namespace=${encodeURIComponent(ns)}` }, ns)),
            h(
              'table',
              { class: 'grid' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Flow', 'Revision', 'Path', 'Commit', 'Deployed', ''].map((t) => h('th', null, t)),
                ),
              ),
              h(
                'tbody',
                null,
                flows.map((f) =>
                  h(
                    'tr',
                    null,
                    h('td', null, h('a', { href: flowHref(f) }, f.id)),
                    h('td', { class: 'num' }, String(f.revision)),
                    h('td', null, h('code', null, f.path)),
                    h('td', { class: 'mono' }, f.sha.slice(0, 7)),
                    h('td', null, when(f.updated)),
                    h(
                      'td',
                      null,
                      h(
                        'a',
                        {
                          href: `/ui/executions?namespace=${encodeURIComponent(f.namespace)}&flow=${encodeURIComponent(f.id)}`,
                        },
                        'executions',
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    },
    (err) => fill(list, h('p', { class: 'error' }, (err as Error).message)),
  );
  return undefined;
};
