/**
 * `/ui/flows/{namespace}/{id}`: a deployed flow — its source as committed, where it came from —
 * and a form to start it, generated from its inputs. The server checks the inputs; each refusal
 * is shown on its field.
 */
import { writableOnly } from '../access.ts';
import { ApiFailure, api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { json, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { navigate } from '../nav.ts';
import type { FlowDocument, FlowInput } from '../types.ts';
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

function startForm(flow: FlowDocument): HTMLElement {
  const inputs = flow.inputs ?? [];
  const fields = inputs.map((input) => ({
    input,
    ...inputField(input),
    error: h('p', { class: 'field-error', dataset: { for: input.id } }),
  }));
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
        fill(formError);
        for (const f of fields) fill(f.error);
        const form = new FormData();
        for (const f of fields) for (const v of f.read()) form.append(f.input.id, v);
        const labelList = labels.value
          .split(',')
          .map((l) => l.trim())
          .filter((l) => l !== '');
        submit.disabled = true;
        try {
          const started = await api.start(flow.namespace, flow.id, form, labelList);
          navigate(executionHref(started));
        } catch (err) {
          if (err instanceof ApiFailure && err.body.problems !== undefined) {
            for (const p of err.body.problems) {
              const f = fields.find((x) => x.input.id === p.input);
              if (f !== undefined) f.error.append(h('span', null, p.message));
              else formError.append(h('span', null, `${p.input}: ${p.message} `));
            }
          } else {
            fill(formError, err instanceof ApiFailure ? err.message : String(err));
          }
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', null, 'Start an execution'),
    fields.length === 0 ? h('p', { class: 'muted' }, 'This flow has no inputs.') : null,
    fields.map((f) =>
      h(
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
      ),
    ),
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

export const flowPage: PageRender = (root, params) => {
  const [namespace, id] = params as [string, string];
  root.append(h('p', { class: 'muted' }, 'Loading…'));
  api.flow(namespace, id).then(
    (flow) => {
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
          `revision ${flow.revision} · ${flow.repository}@${flow.sha.slice(0, 7)} (${flow.branch}) `,
          h('code', null, flow.path),
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
          'div',
          { class: 'flow-body' },
          writableOnly(flow.namespace, startForm(flow)),
          h(
            'section',
            { class: 'card source' },
            h('h2', null, 'Source'),
            h('pre', { class: 'yaml' }, flow.source ?? ''),
          ),
        ),
      );
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
