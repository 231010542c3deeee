/**
 * `/ui/flows/{namespace}/{id}`: a deployed flow — its source as committed, where it came from —
 * and a form to start it, generated from its inputs (the server checks the inputs; each refusal
 * is shown on its field); `?tab=topology`: its task graph, exported as PNG, JPG or SVG;
 * `?tab=revisions&from=N&to=M`: its revisions (commits that changed the file) and a diff of two.
 */

import { structuredPatch } from 'diff';
import { writableOnly } from '../access.ts';
import { ApiFailure, api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { githubLink, grid, json, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { navigate } from '../nav.ts';
import { download, type ImageFormat, rasterise, svgBlob, topologySvg } from '../topology.ts';
import type { FlowDocument, FlowInput, FlowRevisionDocument, FlowTrigger } from '../types.ts';
import { yamlView } from '../yaml-view.ts';
import { executionHref } from './executions.ts';

/** An ISO date-time as the value of a `datetime-local` field (local time, seconds). */
function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function choices(input: FlowInput): string[] | undefined {
  const values = input.values ?? input.options;
  return Array.isArray(values) ? values : undefined;
}

/** The field for one input; `read` turns it into form entries (none: the input is left out). */
export function inputField(input: FlowInput): { el: HTMLElement; read: () => Array<string | File> } {
  const name = `input-${input.id}`;
  const def = input.defaults;
  const text = (type: string, extra: Record<string, unknown> = {}) => {
    const el = h('input', {
      id: name,
      name: input.id,
      type,
      value: def === undefined ? '' : String(def),
      ...extra,
    });
    return { el, read: () => (el.value === '' ? [] : [el.value]) };
  };
  const options = choices(input);
  switch (input.type) {
    case 'INT':
      return text('number', { step: 1, min: input.min, max: input.max });
    case 'FLOAT':
      return text('number', { step: 'any', min: input.min, max: input.max });
    case 'BOOLEAN':
    case 'BOOL': {
      const el = h('input', {
        id: name,
        name: input.id,
        type: 'checkbox',
        checked: def === true || def === 'true',
      });
      return { el, read: () => [String(el.checked)] };
    }
    case 'DATETIME': {
      const el = h('input', {
        id: name,
        name: input.id,
        type: 'datetime-local',
        step: 1,
        value: typeof def === 'string' ? localDateTime(def) : '',
      });
      return { el, read: () => (el.value === '' ? [] : [new Date(el.value).toISOString()]) };
    }
    case 'DATE':
      return text('date');
    case 'TIME':
      return text('time', { step: 1 });
    case 'FILE': {
      const el = h('input', { id: name, name: input.id, type: 'file' });
      return { el, read: () => (el.files?.[0] === undefined ? [] : [el.files[0]]) };
    }
    case 'SECRET':
      return text('password', { autocomplete: 'off' });
    case 'EMAIL':
      return text('email');
    case 'URI':
      return text('url');
    case 'JSON':
    case 'YAML':
    case 'ARRAY': {
      const el = h('textarea', { id: name, name: input.id, rows: 4 }, def === undefined ? '' : json(def));
      return { el, read: () => (el.value.trim() === '' ? [] : [el.value]) };
    }
    case 'SELECT':
    case 'ENUM':
      if (options !== undefined) {
        const el = h(
          'select',
          { id: name, name: input.id },
          h('option', { value: '' }, '—'),
          options.map((o) => h('option', { value: o, selected: def === o }, o)),
        );
        return { el, read: () => (el.value === '' ? [] : [el.value]) };
      }
      return text('text');
    case 'MULTISELECT':
      if (options !== undefined) {
        const picked = Array.isArray(def) ? def.map(String) : [];
        const boxes = options.map((o) =>
          h('input', { type: 'checkbox', name: input.id, value: o, checked: picked.includes(o) }),
        );
        const el = h(
          'div',
          { id: name, class: 'multi', role: 'group' },
          options.map((o, i) => h('label', { class: 'check' }, boxes[i], o)),
        );
        return { el, read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
      }
      return text('text');
    default:
      return text('text');
  }
}

/** An input's field with its label, help and the place its refusal is shown. */
export interface FormField {
  input: FlowInput;
  el: HTMLElement;
  read: () => Array<string | File>;
  error: HTMLElement;
}

export function formField(input: FlowInput): FormField {
  return { input, ...inputField(input), error: h('p', { class: 'field-error', dataset: { for: input.id } }) };
}

export function fieldRow(f: FormField): HTMLElement {
  return h(
    'div',
    { class: 'field', dataset: { input: f.input.id, type: f.input.type } },
    h(
      'label',
      { for: `input-${f.input.id}` },
      f.input.displayName ?? f.input.id,
      f.input.required === false || f.input.defaults !== undefined ? '' : ' *',
      h('span', { class: 'muted type' }, ` ${f.input.type}`),
    ),
    f.input.description === undefined ? null : h('p', { class: 'muted help' }, f.input.description),
    f.el,
    f.error,
  );
}

/** The fields as a multipart body (the server checks every value); clears the last refusals. */
export function formData(fields: readonly FormField[], formError: HTMLElement): FormData {
  fill(formError);
  for (const f of fields) fill(f.error);
  const form = new FormData();
  for (const f of fields) for (const v of f.read()) form.append(f.input.id, v);
  return form;
}

/** The server's refusals (`422`, `problems`), each under its field; the rest in `formError`. */
export function showProblems(err: unknown, fields: readonly FormField[], formError: HTMLElement): void {
  if (err instanceof ApiFailure && err.body.problems !== undefined) {
    for (const p of err.body.problems) {
      const f = fields.find((x) => x.input.id === p.input);
      if (f !== undefined) f.error.append(h('span', null, p.message));
      else formError.append(h('span', null, `${p.input}: ${p.message} `));
    }
  } else {
    fill(formError, err instanceof ApiFailure ? err.message : String(err));
  }
}

function startForm(flow: FlowDocument): HTMLElement {
  const inputs = flow.inputs ?? [];
  const fields = inputs.map(formField);
  const labels = h('input', { id: 'labels', name: 'labels', placeholder: 'team:data, env:dev' });
  const formError = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Start execution');
  return h(
    'form',
    {
      class: 'card start',
      // The server checks the inputs, and its answer lands on the field (no browser-only rules).
      noValidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const form = formData(fields, formError);
        const labelList = labels.value
          .split(',')
          .map((l) => l.trim())
          .filter((l) => l !== '');
        submit.disabled = true;
        try {
          const started = await api.start(flow.namespace, flow.id, form, labelList);
          navigate(executionHref(started));
        } catch (err) {
          showProblems(err, fields, formError);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', null, 'Start an execution'),
    fields.length === 0 ? h('p', { class: 'muted' }, 'This flow has no inputs.') : null,
    fields.map(fieldRow),
    h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: 'labels' },
        'Labels ',
        h('span', { class: 'muted type' }, 'key:value, comma separated'),
      ),
      labels,
    ),
    formError,
    submit,
  );
}

type Tab = 'overview' | 'topology' | 'revisions';
const TABS: Array<[Tab, string]> = [
  ['overview', 'Start & source'],
  ['topology', 'Topology'],
  ['revisions', 'Revisions'],
];

export const flowPage: PageRender = (root, params, query) => {
  const [namespace, id] = params as [string, string];
  const tab = (TABS.find(([t]) => t === query.get('tab'))?.[0] ?? 'overview') as Tab;
  const base = `/ui/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(id)}`;
  root.append(h('p', { class: 'muted' }, 'Loading…'));
  api.flow(namespace, id).then(
    (flow) => {
      const link = githubLink(flow.repository, flow.sha, flow.path);
      const body = h('div', { class: 'tab-body' });
      fill(
        root,
        h(
          'h1',
          null,
          `${flow.namespace}.${flow.id}`,
          flow.disabled === true ? h('span', { class: 'state state-killed' }, 'disabled') : null,
        ),
        h(
          'p',
          { class: 'meta' },
          `revision ${flow.revision} · `,
          link === undefined
            ? `${flow.repository}@${flow.sha.slice(0, 7)}`
            : [
                h(
                  'a',
                  { href: link.commit, target: '_blank', rel: 'noopener', class: 'commit-link' },
                  `${flow.repository}@${flow.sha.slice(0, 7)}`,
                ),
              ],
          ` (${flow.branch}) `,
          link === undefined
            ? h('code', null, flow.path)
            : h(
                'a',
                { href: link.file, target: '_blank', rel: 'noopener', class: 'file-link' },
                h('code', null, flow.path),
              ),
          ` · deployed ${when(flow.updated)} · `,
          h(
            'a',
            {
              href: `/ui/executions?namespace=${encodeURIComponent(flow.namespace)}&flow=${encodeURIComponent(flow.id)}`,
            },
            'executions',
          ),
        ),
        flow.description === undefined ? null : h('p', { class: 'description' }, flow.description),
        h(
          'nav',
          { class: 'tabs' },
          TABS.map(([t, label]) =>
            h(
              'a',
              {
                href: t === 'overview' ? base : `${base}?tab=${t}`,
                class: t === tab ? 'active' : '',
                dataset: { tab: t },
              },
              label,
            ),
          ),
        ),
        body,
      );
      if (tab === 'topology') topologyTab(body, flow);
      else if (tab === 'revisions') revisionsTab(body, flow, query);
      else {
        const source = h('pre', { class: 'yaml' }, flow.source ?? '');
        void yamlView(source, flow.source ?? '').catch(() => {}); // the <pre> stays
        fill(
          body,
          triggersCard(flow),
          h(
            'div',
            { class: 'flow-body' },
            writableOnly(flow.namespace, startForm(flow)),
            h(
              'section',
              { class: 'card source' },
              h('h2', null, 'Source', h('span', { class: 'muted type' }, ` at ${flow.sha.slice(0, 7)}`)),
              source,
            ),
          ),
        );
      }
    },
    (err) =>
      fill(
        root,
        h('h1', null, `${namespace}.${id}`),
        h('p', { class: 'error' }, err instanceof ApiFailure ? err.message : String(err)),
      ),
  );
  return undefined;
};

/** What `cron` (or `dates`, `conditions`, ...) the trigger was declared with, in a few words. */
function triggerWhat(t: FlowTrigger): string {
  const d = t.definition;
  if (typeof d['cron'] === 'string')
    return `cron ${d['cron']}${typeof d['timezone'] === 'string' ? ` (${d['timezone']})` : ''}`;
  if (Array.isArray(d['dates'])) return `${d['dates'].length} date${d['dates'].length === 1 ? '' : 's'}`;
  if (typeof d['key'] === 'string') return 'webhook';
  return t.kind;
}

/** The flow's triggers, with their next fire time; hidden when it has none. */
function triggersCard(flow: FlowDocument): HTMLElement {
  const card = h('section', { class: 'card triggers', hidden: true });
  api.triggers(flow.namespace, flow.id).then(
    (triggers) => {
      if (triggers.length === 0) return;
      card.hidden = false;
      fill(
        card,
        h('h2', null, 'Triggers'),
        grid(
          '',
          ['Trigger', 'Type', 'When', 'Next', 'Status'],
          triggers.map((t) =>
            h(
              'tr',
              { dataset: { trigger: t.id } },
              h('td', null, h('code', null, t.id)),
              h('td', { title: t.type }, t.type.slice(t.type.lastIndexOf('.') + 1)),
              h('td', null, triggerWhat(t)),
              h(
                'td',
                { class: 'next', dataset: t.nextFireAt === undefined ? {} : { at: t.nextFireAt } },
                t.nextFireAt === undefined ? '–' : when(t.nextFireAt),
              ),
              h(
                'td',
                null,
                t.problem !== undefined
                  ? h('span', { class: 'error', title: t.problem }, 'refused: ', t.problem)
                  : t.disabled
                    ? 'disabled'
                    : t.stopped
                      ? 'stopped'
                      : 'active',
              ),
            ),
          ),
        ),
      );
    },
    (err) => {
      if (err instanceof ApiFailure && err.status === 501) return; // no trigger registry: nothing to show
      card.hidden = false;
      fill(
        card,
        h('h2', null, 'Triggers'),
        h('p', { class: 'error' }, err instanceof ApiFailure ? err.message : String(err)),
      );
    },
  );
  return card;
}

/** The task graph, drawn by elkjs, with its export buttons. */
function topologyTab(body: HTMLElement, flow: FlowDocument): void {
  const status = h('p', { class: 'notice', role: 'status' });
  const canvas = h('div', { class: 'topology-view card' }, h('p', { class: 'muted' }, 'Laying out…'));
  const name = `${flow.namespace}.${flow.id}`;
  let svg: SVGSVGElement | undefined;
  const exportAs = (format: ImageFormat) =>
    h(
      'button',
      {
        type: 'button',
        dataset: { export: format },
        disabled: true,
        onclick: async () => {
          if (svg === undefined) return;
          fill(status);
          try {
            download(format === 'svg' ? svgBlob(svg) : await rasterise(svg, format), `${name}.${format}`);
          } catch (err) {
            fill(
              status,
              h('span', { class: 'error' }, `export as ${format.toUpperCase()} failed: ${String(err)}`),
            );
          }
        },
      },
      `Export ${format.toUpperCase()}`,
    );
  const buttons = (['png', 'jpg', 'svg'] as const).map(exportAs);
  fill(
    body,
    h(
      'div',
      { class: 'topology-tools' },
      buttons,
      h(
        'span',
        { class: 'muted' },
        ' flowable tasks and branches are groups; errors, finally and afterExecution are their own',
      ),
    ),
    status,
    canvas,
  );
  api
    .graph(flow.namespace, flow.id)
    .then(async (graph) => {
      if (graph.children.length === 0)
        return fill(canvas, h('p', { class: 'muted' }, 'This flow has no tasks.'));
      svg = await topologySvg(graph);
      fill(
        canvas,
        svg,
        graph.truncated
          ? h(
              'p',
              { class: 'muted' },
              'Only the first tasks are drawn: the flow has more than a graph shows.',
            )
          : null,
      );
      for (const b of buttons) b.disabled = false;
    })
    .catch((err) =>
      fill(canvas, h('p', { class: 'error' }, err instanceof ApiFailure ? err.message : String(err))),
    );
}

/** The revisions (one per commit that changed the file), and a diff between any two. */
function revisionsTab(body: HTMLElement, flow: FlowDocument, query: URLSearchParams): void {
  fill(body, h('p', { class: 'muted' }, 'Loading revisions…'));
  api.revisions(flow.namespace, flow.id).then(
    (revisions) => {
      const latest = revisions.at(-1)?.revision ?? flow.revision;
      const pick = (key: string, fallback: number) => {
        const n = Number(query.get(key));
        return revisions.some((r) => r.revision === n) ? n : fallback;
      };
      const to = pick('to', latest);
      const from = pick('from', revisions.find((r) => r.revision === to - 1)?.revision ?? to);
      const href = (f: number, t: number) =>
        `/ui/flows/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}?tab=revisions&from=${f}&to=${t}`;
      const a = revisions.find((r) => r.revision === from);
      const b = revisions.find((r) => r.revision === to);
      fill(
        body,
        grid(
          'revisions',
          ['From', 'To', 'Revision', 'Commit', 'Branch', 'Path', 'Deployed'],
          [...revisions].reverse().map((r) => {
            const link = githubLink(r.repository, r.sha, r.path);
            return h(
              'tr',
              { dataset: { revision: String(r.revision) } },
              h(
                'td',
                null,
                h('input', {
                  type: 'radio',
                  name: 'from',
                  value: r.revision,
                  checked: r.revision === from,
                  onchange: () => navigate(href(r.revision, to), true),
                }),
              ),
              h(
                'td',
                null,
                h('input', {
                  type: 'radio',
                  name: 'to',
                  value: r.revision,
                  checked: r.revision === to,
                  onchange: () => navigate(href(from, r.revision), true),
                }),
              ),
              h(
                'td',
                null,
                String(r.revision),
                r.deleted ? h('span', { class: 'state state-killed' }, 'removed') : null,
              ),
              h(
                'td',
                { class: 'mono' },
                link === undefined
                  ? r.sha.slice(0, 7)
                  : h('a', { href: link.commit, target: '_blank', rel: 'noopener' }, r.sha.slice(0, 7)),
              ),
              h('td', null, r.branch),
              h(
                'td',
                null,
                link === undefined
                  ? h('code', null, r.path)
                  : h('a', { href: link.file, target: '_blank', rel: 'noopener' }, h('code', null, r.path)),
              ),
              h('td', null, when(r.updated)),
            );
          }),
        ),
        a === undefined || b === undefined ? null : diffView(a, b),
      );
    },
    (err) => fill(body, h('p', { class: 'error' }, err instanceof ApiFailure ? err.message : String(err))),
  );
}

/** A unified diff (jsdiff's `structuredPatch`) with old and new line numbers. */
function diffView(a: FlowRevisionDocument, b: FlowRevisionDocument): HTMLElement {
  const patch = structuredPatch(
    `revision ${a.revision}`,
    `revision ${b.revision}`,
    a.source,
    b.source,
    '',
    '',
    { context: 3 },
  );
  const title = h(
    'h2',
    null,
    `Revision ${a.revision} → ${b.revision}`,
    h('span', { class: 'muted type' }, ` ${a.sha.slice(0, 7)} → ${b.sha.slice(0, 7)}`),
  );
  if (patch.hunks.length === 0)
    return h(
      'section',
      { class: 'card diff' },
      title,
      h(
        'p',
        { class: 'muted' },
        a.revision === b.revision
          ? 'The same revision: pick two to compare.'
          : 'No difference in the source.',
      ),
    );
  const rows: HTMLElement[] = [];
  for (const hunk of patch.hunks) {
    rows.push(
      h(
        'tr',
        { class: 'hunk' },
        h(
          'td',
          { colspan: 3 },
          `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
        ),
      ),
    );
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    for (const line of hunk.lines) {
      const sign = line[0];
      if (sign === '\\') continue; // "\ No newline at end of file"
      const kind = sign === '+' ? 'add' : sign === '-' ? 'del' : 'same';
      rows.push(
        h(
          'tr',
          { class: kind },
          h('td', { class: 'num' }, kind === 'add' ? '' : String(oldNo++)),
          h('td', { class: 'num' }, kind === 'del' ? '' : String(newNo++)),
          h('td', { class: 'code' }, line),
        ),
      );
    }
  }
  return h(
    'section',
    { class: 'card diff' },
    title,
    h('table', { class: 'diff-lines' }, h('tbody', null, rows)),
  );
}
