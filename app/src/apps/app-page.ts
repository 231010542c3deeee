/**
 * An app's page as plain server-rendered HTML: the blocks of one stage, in order, inside one form
 * whose buttons post to their own action (`formaction`), so creating, approving and rejecting work
 * without JavaScript. Pages of an unfinished execution refresh themselves with
 * `<meta http-equiv="refresh">`, again without a script. Every value is escaped (hono/html);
 * Markdown is rendered by markdown-it with raw HTML disabled.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import MarkdownIt from 'markdown-it';
import type { App, AppBlock, AppStage } from '../../../flows-schema/src/apps/app.ts';
import { blockKind } from '../../../flows-schema/src/apps/app.ts';
import type { Input } from '../../../flows-schema/src/schema/inputs.ts';
import { parseDuration } from '../../../flows-schema/src/time.ts';
import type { ExecutionDocument, LogEntry } from '../execution/contract.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const markdown = new MarkdownIt({ html: false, linkify: true });
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface PageModel {
  app: App;
  /** `/apps/<namespace>/<id>` */
  base: string;
  stage: AppStage;
  blocks: readonly AppBlock[];
  /** Who is signed in, if anyone. */
  user?: string | undefined;
  /** The flow's inputs (OPEN) or the paused task's `onResume` inputs (PAUSE). */
  form: readonly Input[];
  /** Values to put back in the form after a refusal, and the refusals by input id. */
  values?: Record<string, unknown>;
  problems?: ReadonlyMap<string, string>;
  execution?: ExecutionDocument;
  logs?: readonly LogEntry[];
  approvals?: { required: number; by: readonly string[]; mine: boolean };
  /** A message at the top: what just happened or why a request was refused. */
  notice?: { kind: 'info' | 'error'; text: string };
  /** Refresh the page every few seconds (an unfinished execution). */
  refresh?: boolean;
}

export function renderAppPage(m: PageModel): Html {
  const title = m.app.displayName ?? m.app.id;
  const action = m.execution === undefined ? m.base : `${m.base}/executions/${m.execution.id}`;
  const blocks = m.blocks.map((b) => renderBlock(b, m));
  const redirect = m.blocks.find((b) => blockKind(b.type)?.name === 'RedirectTo');
  const refreshMeta =
    redirect !== undefined
      ? html`<meta http-equiv="refresh" content="${redirectDelay(redirect)};url=${String(redirect['url'] ?? redirect['uri'] ?? '')}">`
      : m.refresh === true || m.blocks.some((b) => blockKind(b.type)?.name === 'AutoRefresh')
        ? html`<meta http-equiv="refresh" content="2;url=${action}">`
        : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${refreshMeta}
<style>${raw(STYLE)}</style>
</head>
<body>
<main class="app" data-stage="${m.stage}"${m.execution === undefined ? '' : raw(` data-state="${m.execution.state.current}"`)}>
<header><h1>${title}</h1>${m.app.description === undefined ? '' : html`<p class="description">${m.app.description}</p>`}
<p class="who">${m.user === undefined ? html`Not signed in · <a href="/apps/sign-in?next=${encodeURIComponent(action)}">Sign in</a>` : html`Signed in as <strong>${m.user}</strong>`}</p></header>
${m.notice === undefined ? '' : html`<p class="notice ${m.notice.kind}" role="${m.notice.kind === 'error' ? 'alert' : 'status'}">${m.notice.text}</p>`}
${m.execution === undefined ? '' : html`<p class="execution">Request <code>${m.execution.id}</code>: <span class="state" data-state="${m.execution.state.current}">${m.execution.state.current}</span></p>`}
${m.approvals === undefined || m.stage !== 'PAUSE' ? '' : html`<p class="approvals">Approvals: <strong>${m.approvals.by.length} of ${m.approvals.required}</strong>${m.approvals.by.length > 0 ? html` (${m.approvals.by.join(', ')})` : ''}</p>`}
<form method="post" action="${action}" class="stage">
${blocks}
</form>
</main>
</body>
</html>`;
}

function redirectDelay(b: AppBlock): number {
  const ms = typeof b['delay'] === 'string' ? parseDuration(b['delay']) : undefined;
  return ms === undefined ? 0 : Math.round(ms / 1000);
}

function renderBlock(b: AppBlock, m: PageModel): Html | string {
  const kind = blockKind(b.type);
  switch (kind?.name) {
    case 'Markdown':
      return html`<section class="block markdown">${raw(markdown.render(String(b['content'] ?? '')))}</section>`;
    case 'Alert':
      return html`<section class="block alert ${String(b['style'] ?? 'INFO').toLowerCase()}" role="alert">${b['showIcon'] === true ? html`<span class="icon" aria-hidden="true">${ICONS[String(b['style'] ?? 'INFO')] ?? 'ℹ'}</span> ` : ''}${raw(markdown.renderInline(String(b['content'] ?? '')))}</section>`;
    case 'Loading':
      return html`<section class="block loading" aria-busy="true"><span class="spinner" aria-hidden="true"></span> Working on it…</section>`;
    case 'Button':
      return html`<p class="block"><a class="button ${String(b['style'] ?? 'DEFAULT').toLowerCase()}" href="${String(b['url'])}">${String(b['text'])}</a></p>`;
    case 'CreateExecutionForm':
    case 'ResumeExecutionForm':
      return renderFields(m);
    case 'CreateExecutionButton':
      return button(b, m.base, 'Submit', 'create');
    case 'ResumeExecutionButton':
      return m.approvals?.mine === true
        ? html`<p class="block done">You approved this request.</p>`
        : button(b, `${m.base}/executions/${m.execution?.id}/approve`, 'Approve', 'approve');
    case 'CancelExecutionButton':
      return button(b, `${m.base}/executions/${m.execution?.id}/reject`, 'Reject', 'reject');
    case 'Inputs':
      return table('inputs', 'Inputs', filtered(m.execution?.inputs ?? {}, b['filter']));
    case 'Outputs':
      return table('outputs', 'Outputs', filtered(m.execution?.outputs ?? {}, b['filter']));
    case 'Logs':
      return renderLogs(b, m.logs ?? []);
    default:
      return ''; // RedirectTo and AutoRefresh act in <head>
  }
}

const ICONS: Record<string, string> = { SUCCESS: '✔', WARNING: '⚠', ERROR: '✖', INFO: 'ℹ' };

function button(b: AppBlock, formaction: string, fallback: string, role: string): Html {
  const style = String(b['style'] ?? 'DEFAULT').toLowerCase();
  const size = String(b['size'] ?? 'DEFAULT').toLowerCase();
  return html`<p class="block"><button type="submit" class="${style} ${size}" data-action="${role}" formaction="${formaction}">${String(b['text'] ?? fallback)}</button></p>`;
}

function filtered(values: Record<string, unknown>, filter: unknown): Array<[string, unknown]> {
  const f = (filter ?? {}) as { include?: string[]; exclude?: string[] };
  return Object.entries(values).filter(
    ([k]) =>
      (f.include === undefined || f.include.length === 0 || f.include.includes(k)) && !f.exclude?.includes(k),
  );
}

function shown(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function table(cls: string, caption: string, rows: Array<[string, unknown]>): Html {
  return html`<section class="block ${cls}"><h2>${caption}</h2>${
    rows.length === 0
      ? html`<p class="empty">None.</p>`
      : html`<table><tbody>${rows.map(([k, v]) => html`<tr data-key="${k}"><th scope="row">${k}</th><td>${shown(v)}</td></tr>`)}</tbody></table>`
  }</section>`;
}

function renderLogs(b: AppBlock, logs: readonly LogEntry[]): Html {
  const f = (b['filter'] ?? {}) as { logLevel?: string; taskIds?: string[] };
  const min = LEVELS.indexOf(f.logLevel ?? 'INFO');
  const lines = logs.filter(
    (l) =>
      LEVELS.indexOf(l.level) >= min &&
      (f.taskIds === undefined ||
        f.taskIds.length === 0 ||
        (l.taskId !== undefined && f.taskIds.includes(l.taskId))),
  );
  return html`<section class="block logs"><h2>Logs</h2>${
    lines.length === 0
      ? html`<p class="empty">No log lines yet.</p>`
      : html`<ol class="log">${lines.map((l) => html`<li class="log-line ${l.level.toLowerCase()}"><time>${l.timestamp.slice(11, 19)}</time> <span class="level">${l.level}</span> ${l.taskId === undefined ? '' : html`<span class="task">${l.taskId}</span> `}${l.message}</li>`)}</ol>`
  }</section>`;
}

function renderFields(m: PageModel): Html {
  if (m.form.length === 0) return html``;
  return html`<fieldset class="block fields">${m.form.map((input) => field(input, m.values?.[input.id], m.problems?.get(input.id)))}</fieldset>`;
}

function field(input: Input, entered: unknown, problem: string | undefined): Html {
  const id = `input-${input.id}`;
  const required = input.required !== false && input.defaults === undefined;
  const value = entered ?? input.defaults ?? input.prefill;
  const label = html`<label for="${id}">${input.displayName ?? input.id}${required ? html` <span class="required" title="required">*</span>` : ''}</label>`;
  const hint = input.description === undefined ? '' : html`<small class="hint">${input.description}</small>`;
  const error =
    problem === undefined
      ? ''
      : html`<small class="field-error" data-for="${input.id}" role="alert">${problem}</small>`;
  return html`<div class="field">${label}${control(input, id, value, required)}${hint}${error}</div>`;
}

function control(input: Input, id: string, value: unknown, required: boolean): Html {
  const name = input.id;
  const text = value === undefined || value === null ? '' : shown(value);
  const req = required ? raw(' required') : '';
  switch (input.type) {
    case 'INT':
      return html`<input id="${id}" name="${name}" type="number" step="1" value="${text}"${req}>`;
    case 'FLOAT':
      return html`<input id="${id}" name="${name}" type="number" step="any" value="${text}"${req}>`;
    case 'BOOLEAN':
    case 'BOOL':
      return html`<select id="${id}" name="${name}">${['true', 'false'].map((v) => html`<option value="${v}"${text === v ? raw(' selected') : ''}>${v}</option>`)}</select>`;
    case 'SELECT':
    case 'ENUM': {
      const options = optionsOf(input);
      return html`<select id="${id}" name="${name}"${req}>${required && text === '' ? html`<option value="">Choose…</option>` : ''}${options.map((v) => html`<option value="${v}"${text === v ? raw(' selected') : ''}>${v}</option>`)}</select>`;
    }
    case 'MULTISELECT': {
      const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
      return html`<span id="${id}" class="choices">${optionsOf(input).map((v) => html`<label><input type="checkbox" name="${name}" value="${v}"${chosen.has(v) ? raw(' checked') : ''}> ${v}</label>`)}</span>`;
    }
    case 'DATE':
      return html`<input id="${id}" name="${name}" type="date" value="${text}"${req}>`;
    case 'TIME':
      return html`<input id="${id}" name="${name}" type="time" value="${text}"${req}>`;
    case 'EMAIL':
      return html`<input id="${id}" name="${name}" type="email" value="${text}"${req}>`;
    case 'URI':
      return html`<input id="${id}" name="${name}" type="url" value="${text}"${req}>`;
    case 'SECRET':
      return html`<input id="${id}" name="${name}" type="password" autocomplete="off"${req}>`;
    case 'JSON':
    case 'YAML':
    case 'ARRAY':
      return html`<textarea id="${id}" name="${name}" rows="4"${req}>${text}</textarea>`;
    case 'FILE':
      return html`<p id="${id}" class="hint">File inputs cannot be sent through an app form; start this flow from the console or the API.</p>`;
    default:
      return html`<input id="${id}" name="${name}" type="text" value="${text}"${req}${input.type === 'DATETIME' ? raw(' placeholder="2026-01-31T09:00:00Z"') : ''}>`;
  }
}

function optionsOf(input: Input): string[] {
  const i = input as { values?: unknown; options?: unknown };
  const values = Array.isArray(i.values) ? i.values : Array.isArray(i.options) ? i.options : [];
  return values.map(String);
}

/** The sign-in page of apps: one field for an API token, posted as a plain form. */
export function renderSignIn(next: string, problem?: string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in</title><style>${raw(STYLE)}</style></head>
<body><main class="app sign-in"><h1>Sign in</h1>
<p>This app is private. Sign in with your Osprey API token (<code>osprey tokens create &lt;your name&gt;</code>).</p>
${problem === undefined ? '' : html`<p class="notice error" role="alert">${problem}</p>`}
<form method="post" action="/apps/sign-in"><input type="hidden" name="next" value="${next}">
<div class="field"><label for="token">API token</label><input id="token" name="token" type="password" autocomplete="current-password" required></div>
<p><button type="submit" class="info">Sign in</button></p></form></main></body></html>`;
}

/** A page that only says something (unknown app, refused request). */
export function renderMessage(title: string, text: string): Html {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>${raw(STYLE)}</style></head>
<body><main class="app"><h1>${title}</h1><p class="notice error" role="alert">${text}</p></main></body></html>`;
}

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1f2328}
main.app{max-width:44rem;margin:2rem auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1.5rem 2rem}
h1{margin:.2rem 0 .5rem;font-size:1.6rem} h2{font-size:1.1rem;margin:.8rem 0 .4rem}
.who{color:#57606a;font-size:.9rem}.description{color:#57606a}
.notice{padding:.6rem .8rem;border-radius:6px}.notice.info{background:#ddf4ff}.notice.error{background:#ffebe9}
.alert{padding:.6rem .8rem;border-radius:6px;background:#ddf4ff}.alert.success{background:#dafbe1}.alert.warning{background:#fff8c5}.alert.error{background:#ffebe9}
.field{display:flex;flex-direction:column;margin:.6rem 0}.field label{font-weight:600}
.field input,.field select,.field textarea{font:inherit;padding:.4rem;border:1px solid #d0d7de;border-radius:6px}
.hint{color:#57606a}.field-error{color:#cf222e}.required{color:#cf222e}
fieldset{border:0;padding:0;margin:0}.choices label{font-weight:400;margin-right:1rem}
button,.button{font:inherit;padding:.5rem 1.1rem;border-radius:6px;border:1px solid #d0d7de;background:#f6f8fa;cursor:pointer;text-decoration:none;color:inherit;display:inline-block}
button.success,.button.success{background:#1f883d;color:#fff}button.danger,.button.danger{background:#cf222e;color:#fff}
button.info,.button.info{background:#0969da;color:#fff}button.warning{background:#bf8700;color:#fff}
button.large{font-size:1.1rem;padding:.6rem 1.4rem}button.small{font-size:.9rem;padding:.3rem .8rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #eaeef2;padding:.3rem .5rem;vertical-align:top}
.log{list-style:none;padding:0;font:13px/1.4 ui-monospace,monospace;background:#f6f8fa;border-radius:6px;padding:.5rem}
.log .level{font-weight:700}.log .error .level{color:#cf222e}.log .warn .level{color:#bf8700}
.state{font-weight:700}.spinner{display:inline-block;width:1em;height:1em;border:2px solid #0969da;border-right-color:transparent;border-radius:50%;animation:spin 1s linear infinite;vertical-align:middle}
@keyframes spin{to{transform:rotate(360deg)}}
`;
