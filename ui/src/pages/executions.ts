/**
 * `/ui/executions?state=…&namespace=…&flow=…&text=…&page=…`: the executions, newest first, paged
 * on the server. The filters live in the query string, so a filtered list is a bookmark.
 */
import { api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { badge, elapsed, ms, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { navigate } from '../nav.ts';
import { STATES } from '../types.ts';

const SIZE = 25;

export function executionHref(e: { namespace: string; flowId: string; id: string }): string {
  return `/ui/executions/${encodeURIComponent(e.namespace)}/${encodeURIComponent(e.flowId)}/${encodeURIComponent(e.id)}`;
}

export const executionsPage: PageRender = (root, _params, query) => {
  const states = query.getAll('state');
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  const field = (name: string, label: string, placeholder: string) =>
    h('label', null, label, h('input', { name, value: query.get(name) ?? '', placeholder, type: 'search' }));
  const stateBoxes = h(
    'fieldset',
    { class: 'states' },
    h('legend', null, 'State'),
    STATES.map((s) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', name: 'state', value: s, checked: states.includes(s) }),
        s,
      ),
    ),
  );
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const data = new FormData(e.target as HTMLFormElement);
        const next = new URLSearchParams();
        for (const [k, v] of data) if (typeof v === 'string' && v.trim() !== '') next.append(k, v.trim());
        navigate(`/ui/executions${next.size > 0 ? `?${next}` : ''}`);
      },
    },
    field('namespace', 'Namespace', 'company.team'),
    field('flow', 'Flow', 'flow id'),
    field('text', 'Text', 'id, flow or label key:value'),
    stateBoxes,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Filter'),
      ' ',
      h('a', { href: '/ui/executions' }, 'clear'),
    ),
  );
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Executions'), form, list);

  const opt = (k: string) => query.get(k) ?? undefined;
  const pageHref = (n: number) => {
    const next = new URLSearchParams(query);
    next.set('page', String(n));
    return `/ui/executions?${next}`;
  };
  let stopped = false;
  const load = async () => {
    try {
      const result = await api.searchExecutions({
        state: states,
        ...(opt('namespace') === undefined ? {} : { namespace: opt('namespace') as string }),
        ...(opt('flow') === undefined ? {} : { flow: opt('flow') as string }),
        ...(opt('text') === undefined ? {} : { text: opt('text') as string }),
        page,
        size: SIZE,
      });
      if (stopped) return;
      const pages = Math.max(1, Math.ceil(result.total / SIZE));
      fill(
        list,
        result.results.length === 0
          ? h('p', { class: 'muted' }, 'No execution matches.')
          : h(
              'table',
              { class: 'grid executions' },
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Id', 'Namespace', 'Flow', 'State', 'Started', 'Duration', 'Labels'].map((t) =>
                    h('th', null, t),
                  ),
                ),
              ),
              h(
                'tbody',
                null,
                result.results.map((e) =>
                  h(
                    'tr',
                    { dataset: { id: e.id } },
                    h('td', null, h('a', { href: executionHref(e), class: 'mono' }, e.id)),
                    h('td', null, e.namespace),
                    h('td', null, e.flowId),
                    h('td', null, badge(e.state.current)),
                    h('td', null, when(e.state.startDate ?? e.state.histories[0]?.date)),
                    h('td', null, ms(elapsed(e.state) ?? 0)),
                    h(
                      'td',
                      null,
                      e.labels.map((l) => h('span', { class: 'label' }, `${l.key}:${l.value}`)),
                    ),
                  ),
                ),
              ),
            ),
        h(
          'nav',
          { class: 'pager' },
          page > 1 ? h('a', { href: pageHref(page - 1), rel: 'prev' }, '← newer') : null,
          h(
            'span',
            null,
            ` page ${page} of ${pages} · ${result.total} execution${result.total === 1 ? '' : 's'} `,
          ),
          page < pages ? h('a', { href: pageHref(page + 1), rel: 'next' }, 'older →') : null,
        ),
      );
    } catch (err) {
      if (!stopped) fill(list, h('p', { class: 'error' }, (err as Error).message));
    }
  };
  void load();
  // The list is a snapshot; refresh it while it is on screen.
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void load();
  }, 3000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
};
