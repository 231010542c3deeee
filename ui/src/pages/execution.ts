/**
 * `/ui/executions/{namespace}/{flowId}/{id}`, where a GitHub check run's "Details" link leads: the
 * task-run tree with states, durations and a Gantt bar per task run (queue wait, then run time),
 * live logs, inputs, outputs, labels, the commit the execution is pinned to, and the controls.
 * Two Server-Sent Events streams keep it live while the execution runs: the execution document
 * (`/executions/{id}/follow`) and its log lines (`/logs/{id}/follow`).
 */
import { writableOnly } from '../access.ts';
import { ApiFailure, api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { badge, elapsed, githubLink, isTerminal, ms, started, when } from '../format.ts';
import type { PageRender } from '../main.ts';
import { navigate } from '../nav.ts';
import { outputTree } from '../outputs.ts';
import type { ExecutionDocument, FlowDocument, FlowInput, LogEntry, TaskRun } from '../types.ts';
import { executionHref } from './executions.ts';
import { fieldRow, formData, formField, showProblems } from './flow.ts';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** Height of one log row in pixels (style.css `.log-line`): rows are placed, not flowed. */
const LOG_ROW = 19;

/** Task runs in tree order (each parent before its children), with their depth. */
export function treeOf(runs: TaskRun[]): Array<{ run: TaskRun; depth: number }> {
  const ids = new Set(runs.map((r) => r.id));
  const children = new Map<string | undefined, TaskRun[]>();
  for (const r of runs) {
    const parent =
      r.parentTaskRunId !== undefined && ids.has(r.parentTaskRunId) ? r.parentTaskRunId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const out: Array<{ run: TaskRun; depth: number }> = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const run of children.get(parent) ?? []) {
      out.push({ run, depth });
      walk(run.id, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

/** When a task run was created, started running, and ended (or now). */
export function phases(run: TaskRun, now: number): { created: number; running?: number; end: number } {
  const created = started(run.state) ?? now;
  const firstRun = run.state.histories.find((s) => s.state === 'RUNNING');
  const end = isTerminal(run.state.current) ? created + (elapsed(run.state, now) ?? 0) : now;
  return { created, ...(firstRun === undefined ? {} : { running: Date.parse(firstRun.date) }), end };
}

/** The `onResume` inputs of the task `taskId`, wherever it sits in the flow (flowables nest tasks). */
export function onResumeOf(flow: FlowDocument, taskId: string): FlowInput[] {
  const seen = new Set<unknown>();
  const walk = (v: unknown): FlowInput[] | undefined => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return undefined;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (o['id'] === taskId && typeof o['type'] === 'string' && Array.isArray(o['onResume'])) {
      return o['onResume'] as FlowInput[];
    }
    for (const child of Array.isArray(v) ? v : Object.values(o)) {
      const found = walk(child);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return (
    walk({
      tasks: flow.tasks,
      errors: flow.errors,
      finally: flow.finally,
      afterExecution: flow.afterExecution,
    }) ?? []
  );
}

export const executionPage: PageRender = (root, params) => {
  const [namespace, flowId, id] = params as [string, string, string];
  let doc: ExecutionDocument | undefined;
  const closers: Array<() => void> = [];
  let gone = false;

  const head = h('div', { class: 'exec-head' });
  const controls = writableOnly(namespace, h('div', { class: 'controls' }));
  const notice = h('p', { class: 'notice', role: 'status' });
  const tasks = h('div', { class: 'tasks' });
  const details = h('div', { class: 'details' });
  let taskFilter: string | undefined;

  // Logs: kept in full, shown through the filters; only the rows in view are in the DOM.
  const logs: LogEntry[] = [];
  let shown: LogEntry[] = [];
  const level = h(
    'select',
    { name: 'level', 'aria-label': 'Minimum level' },
    LEVELS.map((l) => h('option', { value: l, selected: l === 'INFO' }, l)),
  );
  const search = h('input', {
    type: 'search',
    name: 'search',
    placeholder: 'search logs',
    'aria-label': 'Search logs',
  });
  const follow = h('input', { type: 'checkbox', name: 'follow', checked: true });
  const taskChip = h('span', { class: 'chip' });
  const rows = h('div', { class: 'log-rows' });
  const spacer = h('div', { class: 'log-spacer' }, rows);
  const lines = h('div', { class: 'log-lines', role: 'log' }, spacer);
  const logCount = h('span', { class: 'muted' });
  const matcher = () => {
    const min = LEVELS.indexOf(level.value as LogEntry['level']);
    const text = search.value.trim().toLowerCase();
    return (l: LogEntry) =>
      LEVELS.indexOf(l.level) >= min &&
      (taskFilter === undefined || l.taskId === taskFilter) &&
      (text === '' || l.message.toLowerCase().includes(text));
  };
  let matches = matcher();
  const logLine = (l: LogEntry, index: number) =>
    h(
      'div',
      {
        class: `log-line level-${l.level.toLowerCase()}`,
        style: { top: `${index * LOG_ROW}px` },
        title: l.message.length > 120 || l.message.includes('\n') ? l.message : undefined,
      },
      h('span', { class: 'ts' }, l.timestamp.slice(11, 23)),
      h('span', { class: 'lvl' }, l.level),
      h('span', { class: 'task' }, l.taskId ?? ''),
      h('span', { class: 'msg' }, l.message),
    );
  /** Draws the rows in view (and a few around them); called at most once a frame. */
  const paint = () => {
    spacer.style.height = `${shown.length * LOG_ROW}px`;
    if (follow.checked) lines.scrollTop = lines.scrollHeight;
    const first = Math.max(0, Math.floor(lines.scrollTop / LOG_ROW) - 20);
    const last = Math.min(shown.length, Math.ceil((lines.scrollTop + lines.clientHeight) / LOG_ROW) + 20);
    fill(
      rows,
      shown.length === 0
        ? h(
            'div',
            { class: 'muted' },
            logs.length === 0 ? 'No log lines yet.' : 'No line matches the filters.',
          )
        : shown.slice(first, last).map((l, i) => logLine(l, first + i)),
    );
    fill(logCount, `${shown.length} of ${logs.length} lines`);
  };
  let frame: number | undefined;
  const schedule = () => {
    frame ??= requestAnimationFrame(() => {
      frame = undefined;
      paint();
    });
  };
  const renderLogs = () => {
    matches = matcher();
    shown = logs.filter(matches);
    fill(
      taskChip,
      taskFilter === undefined
        ? null
        : h('button', { class: 'link', onclick: () => showTask(undefined) }, `task ${taskFilter} ✕`),
    );
    schedule();
  };
  const addLog = (l: LogEntry) => {
    logs.push(l);
    if (matches(l)) shown.push(l);
    schedule();
  };
  const showTask = (taskId: string | undefined) => {
    taskFilter = taskId;
    renderLogs();
  };
  level.addEventListener('change', renderLogs);
  search.addEventListener('input', renderLogs);
  follow.addEventListener('change', schedule);
  lines.addEventListener('scroll', () => {
    // Scrolling up leaves follow mode; back at the bottom resumes it.
    const atBottom = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - LOG_ROW;
    if (follow.checked !== atBottom && !(follow.checked && frame !== undefined)) follow.checked = atBottom;
    schedule();
  });

  const renderHead = (e: ExecutionDocument) => {
    fill(
      head,
      h(
        'h1',
        null,
        h(
          'a',
          { href: `/ui/flows/${encodeURIComponent(e.namespace)}/${encodeURIComponent(e.flowId)}` },
          `${e.namespace}.${e.flowId}`,
        ),
        ' ',
        badge(e.state.current),
      ),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'mono' }, e.id),
        ` · started ${when(e.state.startDate ?? e.state.histories[0]?.date)} · ${ms(elapsed(e.state) ?? 0)}`,
        e.flowRevision === undefined ? null : ` · revision ${e.flowRevision}`,
        e.originalId === undefined
          ? null
          : [' · replay of ', h('a', { href: executionHref({ ...e, id: e.originalId }) }, e.originalId)],
        e.parentId === undefined ? null : [' · subflow of ', h('span', { class: 'mono' }, e.parentId)],
      ),
    );
  };

  let controlsFor: string | undefined;
  const renderControls = (e: ExecutionDocument) => {
    const s = e.state.current;
    if (s === controlsFor) return; // rebuilt only when the state moves, never under the pointer
    controlsFor = s;
    const button = (
      label: string,
      enabled: boolean,
      run: () => Promise<ExecutionDocument>,
      after?: (d: ExecutionDocument) => void,
    ) =>
      h(
        'button',
        {
          type: 'button',
          disabled: !enabled,
          dataset: { action: label.toLowerCase() },
          onclick: async () => {
            fill(notice);
            try {
              const next = await run();
              if (after !== undefined) return after(next);
              update(next);
              if (!isTerminal(next.state.current)) connect();
            } catch (err) {
              fill(
                notice,
                h('span', { class: 'error' }, err instanceof ApiFailure ? err.message : String(err)),
              );
            }
          },
        },
        label,
      );
    fill(
      controls,
      button('Kill', !isTerminal(s), () => api.kill(id)),
      button('Pause', s === 'RUNNING', () => api.control(id, 'pause')),
      button('Resume', s === 'PAUSED', () => api.control(id, 'resume')),
      button('Restart', s === 'FAILED' || s === 'KILLED', () => api.control(id, 'restart')),
      button(
        'Replay',
        isTerminal(s),
        () => api.control(id, 'replay'),
        (d) => navigate(executionHref(d)),
      ),
    );
  };

  // The paused tasks' onResume inputs, as a form (the pinned revision of the flow declares them).
  const resumeBox = h('div', { class: 'resume-box' });
  let resumeFor = '';
  const renderResume = (e: ExecutionDocument) => {
    const paused =
      e.state.current === 'PAUSED' ? e.taskRunList.filter((r) => r.state.current === 'PAUSED') : [];
    const key = paused.map((r) => r.id).join(',');
    if (key === resumeFor) return;
    resumeFor = key;
    fill(resumeBox);
    if (paused.length === 0) return;
    api.flow(e.namespace, e.flowId, e.flowRevision).then(
      (flow) => {
        if (resumeFor !== key) return;
        const inputs = paused.flatMap((r) => onResumeOf(flow, r.taskId));
        if (inputs.length === 0) return;
        const fields = inputs.map(formField);
        const formError = h('p', { class: 'error', role: 'alert' });
        const submit = h('button', { type: 'submit' }, 'Resume with these inputs');
        fill(
          resumeBox,
          h(
            'form',
            {
              class: 'card resume',
              noValidate: true,
              onsubmit: async (ev: Event) => {
                ev.preventDefault();
                const form = formData(fields, formError);
                submit.disabled = true;
                try {
                  const next = await api.resume(id, form);
                  update(next);
                  // Streams that ended with a quick finish are not reopened for nothing.
                  if (!isTerminal(next.state.current)) connect();
                } catch (err) {
                  showProblems(err, fields, formError);
                } finally {
                  submit.disabled = false;
                }
              },
            },
            h(
              'h2',
              null,
              'Resume: ',
              paused.map((r) => h('code', null, r.taskId)),
              ' waits for',
            ),
            fields.map(fieldRow),
            formError,
            submit,
          ),
        );
      },
      (err) =>
        fill(
          resumeBox,
          h('p', { class: 'error' }, `the paused task's onResume inputs could not be read: ${String(err)}`),
        ),
    );
  };

  const renderTasks = (e: ExecutionDocument) => {
    const now = Date.now();
    const from = started(e.state) ?? now;
    const to = Math.max(from + 1, isTerminal(e.state.current) ? from + (elapsed(e.state, now) ?? 1) : now);
    const pct = (t: number) => `${(((t - from) / (to - from)) * 100).toFixed(2)}%`;
    const rows = treeOf(e.taskRunList).map(({ run, depth }) => {
      const p = phases(run, now);
      const runFrom = p.running ?? p.end;
      const wait = runFrom - p.created;
      const running = p.running === undefined ? undefined : p.end - p.running;
      return h(
        'tr',
        { dataset: { taskId: run.taskId, taskRunId: run.id } },
        h(
          'td',
          { class: 'task-name', style: { paddingLeft: `${0.5 + depth * 1.25}rem` } },
          h(
            'button',
            {
              class: 'link',
              title: 'show this task’s logs',
              onclick: () => showTask(run.taskId),
            },
            run.taskId,
          ),
          run.value === undefined ? null : h('span', { class: 'value' }, ` [${run.value}]`),
        ),
        h('td', null, badge(run.state.current)),
        h('td', { class: 'num' }, run.attempts.length > 1 ? `${run.attempts.length} attempts` : ''),
        h('td', { class: 'num', title: 'queue wait: created → running' }, ms(wait)),
        h('td', { class: 'num', title: 'run time' }, running === undefined ? '–' : ms(running)),
        h(
          'td',
          { class: 'gantt' },
          h(
            'div',
            { class: 'track' },
            h('span', {
              class: 'bar wait',
              style: { left: pct(p.created), width: `calc(${pct(runFrom)} - ${pct(p.created)})` },
            }),
            p.running === undefined
              ? null
              : h('span', {
                  class: `bar run state-${run.state.current.toLowerCase()}`,
                  style: { left: pct(p.running), width: `max(2px, calc(${pct(p.end)} - ${pct(p.running)}))` },
                }),
          ),
        ),
      );
    });
    fill(
      tasks,
      rows.length === 0
        ? h('p', { class: 'muted' }, 'No task run yet.')
        : h(
            'table',
            { class: 'grid task-runs' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Task', 'State', '', 'Wait', 'Run', 'Timeline'].map((t) => h('th', null, t)),
              ),
            ),
            h('tbody', null, rows),
          ),
      h(
        'p',
        { class: 'legend muted' },
        h('span', { class: 'bar-key wait' }),
        ' queue wait ',
        h('span', { class: 'bar-key run' }),
        ' run time',
      ),
    );
  };

  // The GitHub check run that reports the execution, asked for once (executions from GitHub have one).
  const checkRunLine = h('p', { class: 'check-run' });
  let checkRunAsked = false;
  const askCheckRun = (e: ExecutionDocument) => {
    if (checkRunAsked || githubLink(e.source?.repository, e.source?.sha, e.source?.path) === undefined)
      return;
    checkRunAsked = true;
    api.checkRun(e.id).then(
      (run) =>
        fill(
          checkRunLine,
          'Check run: ',
          h(
            'a',
            { href: run.url, target: '_blank', rel: 'noopener' },
            `${run.repository} #${run.checkRunId}`,
          ),
        ),
      () => {}, // none: started by hand or by a schedule
    );
  };

  const renderDetails = (e: ExecutionDocument) => {
    askCheckRun(e);
    const src = e.source;
    const github = githubLink(src?.repository, src?.sha, src?.path);
    fill(
      details,
      h('section', null, h('h2', null, 'Inputs'), outputTree(e.id, e.inputs, 'No inputs.')),
      h(
        'section',
        { class: 'outputs' },
        h('h2', null, 'Outputs'),
        outputTree(e.id, e.outputs, 'No outputs.'),
      ),
      h(
        'section',
        { class: 'task-outputs' },
        h('h2', null, 'Task outputs'),
        outputTree(
          e.id,
          Object.fromEntries(
            e.taskRunList
              .filter((r) => r.outputs !== undefined && Object.keys(r.outputs).length > 0)
              .map((r) => [r.value === undefined ? r.taskId : `${r.taskId} [${r.value}]`, r.outputs]),
          ),
          'No task outputs.',
        ),
      ),
      h(
        'section',
        null,
        h('h2', null, 'Labels'),
        e.labels.length === 0
          ? h('p', { class: 'muted' }, 'No labels.')
          : h(
              'p',
              null,
              e.labels.map((l) => h('span', { class: 'label' }, `${l.key}:${l.value}`)),
            ),
      ),
      h(
        'section',
        { class: 'source' },
        h('h2', null, 'Commit'),
        src === undefined
          ? h('p', { class: 'muted' }, 'Not pinned to a commit.')
          : h(
              'p',
              null,
              github !== undefined
                ? h(
                    'a',
                    {
                      href: github.file,
                      target: '_blank',
                      rel: 'noopener',
                    },
                    `${src.repository}@${src.sha?.slice(0, 7)}`,
                  )
                : `${src.repository ?? ''}@${src.sha?.slice(0, 7) ?? ''}`,
              src.path === undefined ? null : [' ', h('code', null, src.path)],
              src.sha === undefined ? null : h('span', { class: 'mono muted sha' }, ` ${src.sha}`),
            ),
        e.trigger === undefined
          ? null
          : h('p', null, 'Trigger: ', h('code', null, `${e.trigger.id} (${e.trigger.type})`)),
        checkRunLine,
      ),
    );
  };

  const update = (next: ExecutionDocument) => {
    doc = next;
    renderHead(next);
    renderControls(next);
    renderResume(next);
    renderTasks(next);
    renderDetails(next);
  };

  /** Opens the two streams (again after a restart or resume); each closes itself at `end`. */
  let open = 0;
  const stream = (path: string, onMessage: (data: string) => void, onReset: () => void) => {
    const es = new EventSource(path);
    open++;
    let ended = false;
    const close = () => {
      if (ended) return;
      ended = true;
      open--;
      es.close();
    };
    es.addEventListener('message', (m) => onMessage(m.data));
    es.addEventListener('end', (m) => {
      onMessage((m as MessageEvent<string>).data);
      close();
    });
    es.addEventListener('error', () => {
      // The server resends everything on a new connection: start over after a pause.
      close();
      if (gone) return;
      setTimeout(() => {
        if (gone) return;
        onReset();
        stream(path, onMessage, onReset);
      }, 1500);
    });
    closers.push(close);
  };
  const connect = () => {
    if (open > 0) return;
    stream(
      `/api/v1/executions/${encodeURIComponent(id)}/follow`,
      (data) => {
        const parsed = JSON.parse(data) as ExecutionDocument;
        if (parsed.id === id) update(parsed);
      },
      () => {},
    );
    // The stream sends every line again: start from none (the filtered list too).
    const reset = () => {
      logs.length = 0;
      renderLogs();
    };
    reset();
    stream(
      `/api/v1/logs/${encodeURIComponent(id)}/follow?minLevel=TRACE`,
      (data) => {
        const parsed = JSON.parse(data) as LogEntry & { state?: string };
        if (parsed.message === undefined) return; // the end event
        addLog(parsed);
      },
      reset,
    );
  };

  root.append(
    head,
    controls,
    notice,
    resumeBox,
    h('section', null, h('h2', null, 'Task runs'), tasks),
    h(
      'section',
      { class: 'logs' },
      h('h2', null, 'Logs'),
      h(
        'div',
        { class: 'log-tools' },
        h('label', null, 'Level ', level),
        search,
        h('label', { class: 'check' }, follow, 'follow'),
        taskChip,
        logCount,
      ),
      lines,
    ),
    details,
  );
  renderLogs();

  api.execution(id).then(
    (e) => {
      if (gone) return;
      if (e.namespace !== namespace || e.flowId !== flowId) return navigate(executionHref(e), true);
      update(e);
      connect();
    },
    (err) => {
      if (gone) return;
      fill(
        root,
        h('h1', null, 'Execution'),
        h('p', { class: 'error' }, err instanceof ApiFailure ? err.message : String(err)),
      );
    },
  );
  const tick = setInterval(() => {
    if (doc !== undefined && !isTerminal(doc.state.current)) {
      renderHead(doc);
      renderTasks(doc);
    }
  }, 1000);
  return () => {
    gone = true;
    clearInterval(tick);
    if (frame !== undefined) cancelAnimationFrame(frame);
    for (const close of closers) close();
  };
};
