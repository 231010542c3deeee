/**
 * `/ui/executions?state=…&namespace=…&flow=…&labels=k:v&from=…&to=…&sha=…&branch=…&pr=…&text=…&after=…`:
 * the executions, newest first, paged on the server by keyset (`after` is the `next` position the
 * server gave for the page before). Every filter lives in the query string, so a filtered list —
 * and any page of it — is a bookmark.
 */
import { api, type ExecutionFilter } from '../api.ts';
import { fill, h } from '../dom.ts';
import { badge, elapsed, instant, ms, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { submitFilters } from '../nav.ts';
import { STATES } from '../types.ts';

const SIZE = 25;

export function executionHref(e: { namespace: string; flowId: string; id: string }): string {
  return `/ui/executions/${encodeURIComponent(e.namespace)}/${encodeURIComponent(e.flowId)}/${encodeURIComponent(e.id)}`;
}

/** The URL's filters as the API's. */
function filterOf(query: URLSearchParams): ExecutionFilter {
  const one = (k: string) => {
    const v = query.get(k)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const labels = query
    .getAll('labels')
    .flatMap((v) => v.split(/[\s,]+/))
    .filter((v) => v !== '');
  const out: ExecutionFilter = { state: query.getAll('state'), labels, size: SIZE };
  const fields: Array<[keyof ExecutionFilter, string | undefined]> = [
    ['namespace', one('namespace')],
    ['flow', one('flow')],
    ['text', one('text')],
    ['from', instant(query.get('from'))],
    ['to', instant(query.get('to'))],
    ['sha', one('sha')],
    ['branch', one('branch')],
    ['pullRequest', one('pr')],
    ['after', one('after')],
  ];
  for (const [k, v] of fields) if (v !== undefined) Object.assign(out, { [k]: v });
  return out;
}

export const executionsPage: PageRender = (root, _params, query) => {
  const states = query.getAll('state');
  const filter = filterOf(query);
  const field = (name: string, label: string, placeholder: string, type = 'search') =>
    h('label', null, label, h('input', { name, value: query.getAll(name).join(' '), placeholder, type }));
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
      onsubmit: submitFilters('/ui/executions'),
    },
    field('namespace', 'Namespace', 'company.team'),
    field('flow', 'Flow', 'flow id'),
    field('labels', 'Labels (all of)', 'team:data env:prod'),
    field('from', 'Created from', '', 'datetime-local'),
    field('to', 'Created before', '', 'datetime-local'),
    field('sha', 'Commit', 'SHA or its start'),
    field('branch', 'Branch', 'main'),
    field('pr', 'Pull request', '42', 'number'),
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

  const pageHref = (after: string | undefined) => {
    const next = new URLSearchParams(query);
    if (after === undefined) next.delete('after');
    else next.set('after', after);
    return `/ui/executions${next.size > 0 ? `?${next}` : ''}`;
  };
  let stopped = false;
  const load = async () => {
    try {
      const result = await api.searchExecutions(filter);
      if (stopped) return;
      const total = `${result.total}${result.totalCapped === true ? '+' : ''}`;
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
          filter.after === undefined ? null : h('a', { href: pageHref(undefined), rel: 'first' }, '⇤ newest'),
          h('span', null, ` ${total} execution${total === '1' ? '' : 's'} match `),
          result.next === undefined ? null : h('a', { href: pageHref(result.next), rel: 'next' }, 'older →'),
        ),
      );
    } catch (err) {
      if (!stopped) fill(list, h('p', { class: 'error' }, (err as Error).message));
    }
  };
  void load();
  // The list is a snapshot; refresh it while it is on screen (the first page: later ones stay put).
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible' && filter.after === undefined) void load();
  }, 3000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
};
