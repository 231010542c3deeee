/**
 * Creating and beginning task runs. Beginning renders what must be known first (`runIf`, a dynamic
 * `timeout`, a flowable's start properties) through one `render` command; literal values skip that
 * round trip, which keeps a plain task at one engine step.
 */
import { parseDuration } from '../../../flows-schema/src/time.ts';
import { applyDecision, signalFlowable } from './decide.ts';
import type { Draft } from './draft.ts';
import { tolerate } from './states.ts';
import { hasTemplate } from './templates.ts';
import { isTruthy } from './truthy.ts';
import type { PlanItem, TaskRun } from './types.ts';

export const BEGIN = 'begin';

export function createRun(d: Draft, parent: TaskRun | undefined, item: PlanItem): TaskRun {
  const value = item.value ?? parent?.value;
  const valuePath = item.value !== undefined ? [...(parent?.valuePath ?? []), item.value] : parent?.valuePath;
  const run: TaskRun = {
    id: d.env.newId(),
    taskId: item.taskId,
    ...(parent ? { parentId: parent.id } : {}),
    ...(value !== undefined ? { value } : {}),
    ...(valuePath !== undefined ? { valuePath } : {}),
    ...(item.iteration !== undefined ? { iteration: item.iteration } : {}),
    state: 'CREATED',
    histories: [{ state: 'CREATED', at: d.now }],
    attempts: [],
  };
  d.add(run);
  return run;
}

export function beginRun(d: Draft, id: string): void {
  const run = d.get(id)!;
  const entry = d.index.get(run.taskId);
  if (entry === undefined) {
    failRun(d, id, `Task '${run.taskId}' is not in the flow`);
    return;
  }
  const { task } = entry;
  const start = entry.behaviour?.startProperties?.(task) ?? {};
  const literal = { runIf: task.runIf, timeout: task.timeout, start };
  const pending: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(literal)) if (hasTemplate(v)) pending[k] = v;
  if (Object.keys(pending).length === 0) {
    onBegun(d, id, literal);
    return;
  }
  d.patch(id, { awaiting: BEGIN });
  d.commands.push({ kind: 'render', taskRunId: id, purpose: BEGIN, properties: pending });
}

/** `values` holds runIf, timeout and start properties, rendered where they were templates. */
export function onBegun(d: Draft, id: string, values: Record<string, unknown>): void {
  const run = d.patch(id, { awaiting: undefined });
  const entry = d.index.get(run.taskId)!;
  if (values['runIf'] !== undefined && !isTruthy(values['runIf'])) {
    d.setState(id, 'SKIPPED');
    return;
  }
  let timeoutMs: number | undefined;
  if (values['timeout'] !== undefined) {
    timeoutMs = parseDuration(String(values['timeout']));
    if (timeoutMs === undefined) {
      failRun(
        d,
        id,
        `Invalid timeout '${String(values['timeout'])}': expected an ISO-8601 duration such as PT10M`,
      );
      return;
    }
  }
  if (entry.behaviour !== undefined) {
    const attempts =
      entry.behaviour.retriesWhole === true ? { attempts: [...run.attempts, newAttempt(d)] } : {};
    d.setState(id, 'RUNNING', { scope: { phase: 'main' }, ...attempts });
    signalFlowable(d, id, { kind: 'begin', values: (values['start'] ?? {}) as Record<string, unknown> });
    return;
  }
  if (timeoutMs !== undefined) d.patch(id, { timeoutMs });
  startAttempt(d, id);
}

/** A new attempt of a runnable task: RUNNING, and a job for the executor. */
function newAttempt(d: Draft) {
  return { state: 'RUNNING' as const, histories: [{ state: 'RUNNING' as const, at: d.now }] };
}

export function startAttempt(d: Draft, id: string): void {
  const run = d.get(id)!;
  const attempts = [...run.attempts, newAttempt(d)];
  d.setState(id, 'RUNNING', { attempts });
  const workingDirectory = workingDirectoryOf(d, run);
  d.commands.push({
    kind: 'run',
    taskRunId: id,
    attempt: attempts.length,
    ...(run.timeoutMs !== undefined ? { timeoutMs: run.timeoutMs } : {}),
    ...(workingDirectory !== undefined ? { workingDirectory } : {}),
  });
}

/** The task run of the nearest enclosing scope whose tasks share a working directory. */
function workingDirectoryOf(d: Draft, run: TaskRun): string | undefined {
  for (let p = run.parentId; p !== undefined; p = d.get(p)?.parentId) {
    const parent = d.get(p);
    if (parent && d.index.get(parent.taskId)?.behaviour?.sharesWorkingDirectory) return parent.id;
  }
  return undefined;
}

/** Fail a task run that could not begin (a render error, a bad property). */
export function failRun(d: Draft, id: string, message: string): void {
  const run = d.patch(id, { awaiting: undefined });
  d.log('ERROR', message, id);
  if (run.scope !== undefined) {
    applyDecision(d, id, { kind: 'end', state: 'FAILED' });
    return;
  }
  d.setState(id, tolerate('FAILED', d.index.get(run.taskId)?.task ?? {}));
}
