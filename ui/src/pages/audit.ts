/**
 * `/ui/audit?actor=…&action=…&resourceType=…&namespace=…&from=…&to=…&page=…`: the audit log, newest
 * first — who did what, when and from where — for admins (the API refuses the others). Every filter
 * lives in the query string, so a filtered page is a bookmark.
 */
import { type AuditEntry, type AuditFilter, stores } from '../api-stores.ts';
import { fill, h } from '../dom.ts';
import { instant, json, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { submitFilters } from '../nav.ts';
import { grid, refusal } from '../widgets.ts';

const SIZE = 50;

function filterOf(query: URLSearchParams): AuditFilter {
  const one = (k: string) => {
    const v = query.get(k)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const page = Number(query.get('page') ?? '1');
  const f: AuditFilter = { page: Number.isInteger(page) && page > 0 ? page : 1, size: SIZE };
  const fields: Array<[keyof AuditFilter, string | undefined]> = [
    ['actor', one('actor')],
    ['action', one('action')],
    ['resourceType', one('resourceType')],
    ['namespace', one('namespace')],
    ['startDate', instant(query.get('from'))],
    ['endDate', instant(query.get('to'))],
  ];
  for (const [k, v] of fields) if (v !== undefined) Object.assign(f, { [k]: v });
  return f;
}

function who(e: AuditEntry): string {
  return e.actorName ?? e.actorId ?? e.actorKind;
}

function what(e: AuditEntry): string {
  return [e.resourceType, e.namespace, e.resourceId].filter((p) => p !== undefined && p !== '').join(' ');
}

export const auditPage: PageRender = (root, _params, query) => {
  const filter = filterOf(query);
  const field = (name: string, label: string, placeholder: string, type = 'search') =>
    h('label', null, label, h('input', { name, value: query.get(name) ?? '', placeholder, type }));
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: submitFilters('/ui/audit'),
    },
    field('actor', 'Who', 'token or GitHub login'),
    field('action', 'Action', 'CREATE, UPDATE, DELETE, LOGIN…'),
    field('resourceType', 'Resource', 'EXECUTION, KV, SECRET…'),
    field('namespace', 'Namespace', 'company.team'),
    field('from', 'From', '', 'datetime-local'),
    field('to', 'Before', '', 'datetime-local'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Filter'),
      ' ',
      h('a', { href: '/ui/audit' }, 'clear'),
    ),
  );
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Audit log'), form, list);

  const pageHref = (page: number) => {
    const next = new URLSearchParams(query);
    if (page === 1) next.delete('page');
    else next.set('page', String(page));
    return `/ui/audit${next.size > 0 ? `?${next}` : ''}`;
  };
  let stopped = false;
  void stores
    .auditLogs(filter)
    .then(({ results, total }) => {
      if (stopped) return;
      const pages = Math.max(1, Math.ceil(total / SIZE));
      fill(
        list,
        results.length === 0
          ? h('p', { class: 'muted' }, 'No entry matches.')
          : grid(
              ['When', 'Who', 'Action', 'What', 'Request', 'From'],
              h(
                'tbody',
                null,
                results.map((e) =>
                  h(
                    'tr',
                    { class: 'audit-entry', dataset: { id: String(e.id) } },
                    h('td', null, when(e.at)),
                    h('td', null, who(e), h('span', { class: 'muted' }, ` (${e.actorKind})`)),
                    h(
                      'td',
                      null,
                      h('span', { class: `audit-action action-${e.action.toLowerCase()}` }, e.action),
                    ),
                    h('td', { title: e.details === undefined ? '' : json(e.details) }, what(e)),
                    h(
                      'td',
                      { class: 'mono' },
                      [e.method, e.path, e.status === undefined ? undefined : String(e.status)]
                        .filter((p) => p !== undefined)
                        .join(' '),
                    ),
                    h('td', { class: 'mono', title: e.userAgent ?? '' }, e.ip ?? ''),
                  ),
                ),
              ),
            ),
        h(
          'p',
          { class: 'pager' },
          `${total} entr${total === 1 ? 'y' : 'ies'} · page ${filter.page} of ${pages} `,
          filter.page > 1 ? h('a', { href: pageHref(filter.page - 1), rel: 'prev' }, '← newer') : '',
          ' ',
          filter.page < pages ? h('a', { href: pageHref(filter.page + 1), rel: 'next' }, 'older →') : '',
        ),
      );
    })
    .catch((err: unknown) => {
      if (!stopped) fill(list, h('p', { class: 'error' }, refusal(err)));
    });
  return () => {
    stopped = true;
  };
};
