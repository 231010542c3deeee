/**
 * `/ui/triggers?namespace=…`: every deployed trigger with its last and next date; switch one off
 * and on, and backfill a Schedule (Kestra's form: start, end, inputs, labels) where the caller may
 * write.
 */
import { stores, type TriggerInfo } from '../api-stores.ts';
import { fill, h } from '../dom.ts';
import { when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { actionForm, grid, refusal } from '../widgets.ts';
import { flowHref } from './flows.ts';
import { namespaceFilter } from './namespace-filter.ts';

const iso = (local: string) => (local === '' ? undefined : new Date(local).toISOString());

function backfillForm(t: TriggerInfo, done: () => void): HTMLElement {
  const start = h('input', { type: 'datetime-local', name: 'start', required: true, step: 1 });
  const end = h('input', { type: 'datetime-local', name: 'end', step: 1 });
  const inputs = h('textarea', { name: 'inputs', rows: 2, placeholder: '{"input": "value"}' });
  const labels = h('input', { name: 'labels', placeholder: 'key:value, …' });
  return actionForm(
    'backfill',
    async () => {
      let given: Record<string, unknown> = {};
      try {
        given = inputs.value.trim() === '' ? {} : (JSON.parse(inputs.value) as Record<string, unknown>);
      } catch (err) {
        throw new Error(`inputs: ${(err as Error).message}`);
      }
      const pairs = labels.value
        .split(',')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .map((l) => ({ key: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1) }));
      const to = iso(end.value);
      await stores.backfill(t, {
        start: iso(start.value) ?? '',
        ...(to === undefined ? {} : { end: to }),
        inputs: given,
        labels: pairs,
      });
      done();
    },
    h('label', null, 'Start', start),
    h('label', null, 'End (default now)', end),
    h('label', null, 'Inputs (JSON)', inputs),
    h('label', null, 'Labels', labels),
    h('button', { type: 'submit' }, 'Backfill'),
  );
}

export const triggersPage: PageRender = (root, _params, query) => {
  const chosen = query.get('namespace') ?? '';
  const list = h('div', { class: 'results' }, h('p', { class: 'muted' }, 'Loading…'));
  root.append(h('h1', null, 'Triggers'), namespaceFilter('/ui/triggers', chosen), list);
  const load = async () => {
    try {
      const [{ results }, namespaces] = await Promise.all([stores.triggers(chosen), stores.namespaces()]);
      const writable = new Set(
        namespaces.results.filter((n) => n.access === 'write').map((n) => n.namespace),
      );
      if (results.length === 0) return fill(list, h('p', { class: 'muted' }, 'No deployed trigger.'));
      const body = h('tbody');
      for (const t of results) {
        const scheduled = t.kind === 'schedule' || t.kind === 'schedule-on-dates';
        const status =
          t.problem !== undefined ? 'refused' : t.disabled ? 'disabled in Git' : t.stopped ? 'off' : 'on';
        const row = h(
          'tr',
          { dataset: { trigger: `${t.namespace}.${t.flowId}.${t.triggerId}`, status } },
          h(
            'td',
            null,
            h(
              'a',
              { href: flowHref({ namespace: t.namespace, id: t.flowId }) },
              `${t.namespace}.${t.flowId}`,
            ),
          ),
          h('td', null, h('code', null, t.triggerId)),
          h('td', { class: 'mono' }, t.type.replace(/^io\.kestra\.plugin\.core\.trigger\./, '')),
          h('td', null, when(t.date)),
          h(
            'td',
            null,
            t.backfill === undefined ? when(t.nextExecutionDate) : `backfilling to ${when(t.backfill.end)}`,
          ),
          h(
            'td',
            { class: `trigger-status status-${status.replaceAll(' ', '-')}`, title: t.problem ?? '' },
            status,
          ),
          h(
            'td',
            { class: 'row-actions' },
            writable.has(t.namespace) && t.problem === undefined && !t.disabled
              ? [
                  h(
                    'button',
                    {
                      type: 'button',
                      dataset: { action: t.stopped ? 'enable' : 'disable' },
                      onclick: async () => {
                        await stores.triggerSet(t, !t.stopped);
                        void load();
                      },
                    },
                    t.stopped ? 'Enable' : 'Disable',
                  ),
                  scheduled
                    ? h(
                        'button',
                        {
                          type: 'button',
                          dataset: { action: 'backfill' },
                          onclick: () => {
                            const form = h(
                              'tr',
                              { class: 'backfill-row' },
                              h('td', { colspan: 7 }, backfillForm(t, load)),
                            );
                            row.after(form);
                          },
                        },
                        'Backfill…',
                      )
                    : null,
                ]
              : null,
          ),
        );
        body.append(row);
      }
      fill(list, grid(['Flow', 'Trigger', 'Type', 'Last', 'Next', 'Status', ''], body));
    } catch (err) {
      fill(list, h('p', { class: 'error' }, refusal(err)));
    }
  };
  void load();
  return undefined;
};
