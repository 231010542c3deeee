/**
 * `/ui/namespaces`: the namespaces the caller may read, with their parents; `/ui/namespaces/{ns}`:
 * its flows, and the KV entries and secrets it sees — its own and those it inherits from its
 * parents (`company.team` sees `company`'s unless it has its own of the same name, as `kv()` and
 * `secret()` do in flows).
 */
import { api } from '../api.ts';
import { type KvMeta, stores } from '../api-stores.ts';
import { fill, h } from '../dom.ts';
import { when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { grid, refusal } from '../widgets.ts';
import { flowHref } from './flows.ts';

const nsHref = (ns: string) => `/ui/namespaces/${encodeURIComponent(ns)}`;

export const namespacesPage: PageRender = (root) => {
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Namespaces'), list);
  stores.namespaces().then(
    ({ results }) =>
      fill(
        list,
        grid(
          ['Namespace', 'Inherits from', 'Flows', 'Access'],
          h(
            'tbody',
            null,
            results.map((n) =>
              h(
                'tr',
                { dataset: { namespace: n.namespace } },
                h('td', null, h('a', { href: nsHref(n.namespace) }, n.namespace)),
                h(
                  'td',
                  null,
                  n.parents.map((p, i) => [i > 0 ? ' → ' : '', h('a', { href: nsHref(p) }, p)]),
                ),
                h('td', { class: 'num' }, String(n.flows)),
                h('td', null, n.access),
              ),
            ),
          ),
        ),
      ),
    (err) => fill(list, h('p', { class: 'error' }, refusal(err))),
  );
  return undefined;
};

/** The namespace's files (and its parents') at a commit; a click shows one. */
function filesSection(chain: string[], commit: string): HTMLElement {
  const viewer = h('pre', { class: 'file-view', hidden: true });
  const section = h(
    'section',
    { class: 'card ns-files' },
    h('h2', null, 'Namespace files'),
    h('p', { class: 'muted' }, 'Loading…'),
  );
  void Promise.all(chain.map((n, i) => stores.files(n, i === 0 ? commit : '').catch(() => undefined))).then(
    (lists) => {
      const shown = lists.filter((l) => l !== undefined && l.files.length > 0);
      const own = lists[0];
      fill(
        section,
        h('h2', null, 'Namespace files'),
        own === undefined
          ? null
          : h(
              'p',
              { class: 'muted' },
              `${own.folder}/ in ${own.repository} at `,
              h('code', null, own.sha.slice(0, 7)),
            ),
        shown.length === 0
          ? h('p', { class: 'muted' }, 'No namespace files.')
          : grid(
              ['File', 'From'],
              shown.flatMap((l) =>
                (l?.files ?? []).map((f) =>
                  h(
                    'tr',
                    { dataset: { file: f.path } },
                    h(
                      'td',
                      null,
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'link file-open',
                          onclick: async () => {
                            viewer.hidden = false;
                            viewer.textContent = await stores.fileText(
                              l?.namespace ?? '',
                              f.path,
                              l?.sha ?? '',
                            );
                          },
                        },
                        f.path,
                      ),
                    ),
                    h(
                      'td',
                      null,
                      l?.namespace === chain[0]
                        ? h('span', { class: 'muted' }, 'own')
                        : `from ${l?.namespace}`,
                    ),
                  ),
                ),
              ),
            ),
        viewer,
      );
    },
  );
  return section;
}

export const namespacePage: PageRender = (root, params, query) => {
  const [ns] = params as [string];
  const chain = ns.split('.').map((_, i, parts) => parts.slice(0, parts.length - i).join('.'));
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  root.append(
    h('h1', null, ns),
    h(
      'p',
      { class: 'muted' },
      chain.length > 1
        ? [
            'inherits from ',
            chain.slice(1).map((p, i) => [i > 0 ? ' → ' : '', h('a', { href: nsHref(p) }, p)]),
          ]
        : 'a top-level namespace',
    ),
    body,
  );
  const from = (owner: string) =>
    owner === ns
      ? h('span', { class: 'muted' }, 'own')
      : h('a', { class: 'inherited', href: nsHref(owner) }, `from ${owner}`);
  Promise.all([
    api.searchFlows({ namespace: ns }),
    Promise.all(chain.map((n) => stores.kvList(n).catch(() => [] as KvMeta[]))),
    Promise.all(chain.map((n) => stores.secrets(n).catch(() => undefined))),
  ]).then(
    ([flows, kvs, secrets]) => {
      // Nearest first: a key of the namespace itself hides the same key of a parent.
      const kv = new Map<string, { owner: string; e: KvMeta }>();
      kvs.forEach((entries, i) => {
        for (const e of entries) if (!kv.has(e.key)) kv.set(e.key, { owner: chain[i] as string, e });
      });
      const names = new Map<string, string>();
      secrets.forEach((list, i) => {
        for (const s of list?.results ?? []) if (!names.has(s.key)) names.set(s.key, chain[i] as string);
      });
      const own = flows.results.filter((f) => f.namespace === ns);
      fill(
        body,
        h(
          'section',
          { class: 'card ns-flows' },
          h('h2', null, 'Flows'),
          own.length === 0
            ? h('p', { class: 'muted' }, 'No flow here.')
            : h(
                'ul',
                null,
                own.map((f) =>
                  h('li', null, h('a', { href: flowHref(f) }, f.id), ' ', h('code', null, f.path)),
                ),
              ),
        ),
        h(
          'section',
          { class: 'card ns-kv' },
          h(
            'h2',
            null,
            'KV entries it sees ',
            h('a', { href: `/ui/kv?namespace=${encodeURIComponent(ns)}` }, 'edit'),
          ),
          kv.size === 0
            ? h('p', { class: 'muted' }, 'None.')
            : grid(
                [],
                h(
                  'tbody',
                  null,
                  [...kv.values()].map(({ owner, e }) =>
                    h(
                      'tr',
                      { dataset: { key: e.key } },
                      h('td', null, h('code', null, e.key)),
                      h('td', null, e.type),
                      h('td', null, from(owner)),
                      h('td', null, when(e.updateDate)),
                    ),
                  ),
                ),
              ),
        ),
        h(
          'section',
          { class: 'card ns-secrets' },
          h(
            'h2',
            null,
            'Secrets it sees ',
            h('a', { href: `/ui/secrets?namespace=${encodeURIComponent(ns)}` }, 'manage'),
          ),
          names.size === 0
            ? h('p', { class: 'muted' }, 'None.')
            : grid(
                [],
                h(
                  'tbody',
                  null,
                  [...names].map(([name, owner]) =>
                    h(
                      'tr',
                      { dataset: { name } },
                      h('td', null, h('code', null, name)),
                      h('td', null, from(owner)),
                    ),
                  ),
                ),
              ),
        ),
        filesSection(chain, query.get('commit') ?? ''),
      );
    },
    (err) => fill(body, h('p', { class: 'error' }, refusal(err))),
  );
  return undefined;
};
