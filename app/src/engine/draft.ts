/**
 * The working copy of one step. The input execution is never mutated: the task-run array is copied
 * once and each changed task run is replaced by a new object, so a caller (or an in-memory store)
 * may keep the previous state and a step costs O(changed runs), not a deep clone.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { type FlowIndex, indexFlow } from './flow-index.ts';
import type { StateName } from './states.ts';
import { isTerminal } from './states.ts';
import type { Command, EngineLog, ExecutionState, ScopeMemo, StepEnv, TaskRun, Timer } from './types.ts';

type Patch<T> = { [K in keyof T]?: T[K] | undefined };

const ROOT = '';

export class Draft {
  readonly ex: ExecutionState;
  readonly flow: Flow;
  readonly index: FlowIndex;
  readonly env: StepEnv;
  readonly commands: Command[] = [];
  readonly logs: EngineLog[] = [];
  #pos: Map<string, number> | undefined;
  #kids: Map<string, string[]> | undefined;

  constructor(execution: ExecutionState, flow: Flow, env: StepEnv) {
    this.ex = { ...execution, taskRuns: execution.taskRuns.slice() };
    this.flow = flow;
    this.index = indexFlow(flow);
    this.env = env;
  }

  get now(): number {
    return this.env.now;
  }

  get(id: string): TaskRun | undefined {
    const i = this.#positions().get(id);
    return i === undefined ? undefined : this.ex.taskRuns[i];
  }

  /** Child task runs of a task run (or of the flow when undefined), in creation order. */
  children(parentId: string | undefined): TaskRun[] {
    const ids = this.#children().get(parentId ?? ROOT) ?? [];
    return ids.map((id) => this.get(id)!);
  }

  add(run: TaskRun): void {
    this.#positions().set(run.id, this.ex.taskRuns.length);
    this.ex.taskRuns.push(run);
    const key = run.parentId ?? ROOT;
    const kids = this.#children();
    const list = kids.get(key);
    if (list) list.push(run.id);
    else kids.set(key, [run.id]);
  }

  /** Replace fields of a task run; an `undefined` value removes the field. */
  patch(id: string, fields: Patch<TaskRun>): TaskRun {
    const i = this.#positions().get(id);
    if (i === undefined) throw new Error(`engine: unknown task run ${id}`);
    const next = { ...this.ex.taskRuns[i]!, ...fields } as TaskRun;
    for (const [k, v] of Object.entries(fields))
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
    this.ex.taskRuns[i] = next;
    return next;
  }

  setState(id: string, state: StateName, fields: Patch<TaskRun> = {}): TaskRun {
    const run = this.get(id)!;
    if (run.state === state) return this.patch(id, fields);
    return this.patch(id, { ...fields, state, histories: [...run.histories, { state, at: this.now }] });
  }

  /** Record the state of a runnable's current attempt. */
  setAttemptState(id: string, state: StateName): void {
    const run = this.get(id)!;
    const last = run.attempts.at(-1);
    if (last === undefined || isTerminal(last.state)) return;
    const attempts = run.attempts.slice();
    attempts[attempts.length - 1] = { state, histories: [...last.histories, { state, at: this.now }] };
    this.patch(id, { attempts });
  }

  patchScope(id: string | undefined, fields: Patch<ScopeMemo>): ScopeMemo {
    const current = id === undefined ? this.ex.root : this.get(id)!.scope!;
    const next = { ...current, ...fields } as ScopeMemo;
    for (const [k, v] of Object.entries(fields))
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
    if (id === undefined) this.ex.root = next;
    else this.patch(id, { scope: next });
    return next;
  }

  setExecutionState(state: StateName): void {
    if (this.ex.state === state) return;
    this.ex.state = state;
    this.ex.histories = [...this.ex.histories, { state, at: this.now }];
  }

  log(level: EngineLog['level'], message: string, taskRunId?: string): void {
    this.logs.push({ level, message, at: this.now, ...(taskRunId !== undefined ? { taskRunId } : {}) });
  }

  addTimer(timer: Omit<Timer, 'id'>): void {
    const full = { ...timer, id: this.env.newId() } as Timer;
    this.ex.timers = [...this.ex.timers, full];
    this.commands.push({ kind: 'setTimer', timer: full });
  }

  /** Drop pending timers (of one task run, or all), telling the executor to disarm them. */
  clearTimers(taskRunId?: string): void {
    if (this.ex.timers.length === 0) return;
    const keep: Timer[] = [];
    for (const t of this.ex.timers) {
      if (taskRunId === undefined || t.taskRunId === taskRunId)
        this.commands.push({ kind: 'clearTimer', id: t.id });
      else keep.push(t);
    }
    this.ex.timers = keep;
  }

  /** Remove task runs (restart, replay); indexes are rebuilt on next use. */
  remove(ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    this.ex.taskRuns = this.ex.taskRuns.filter((r) => !ids.has(r.id));
    this.#pos = undefined;
    this.#kids = undefined;
  }

  #positions(): Map<string, number> {
    if (this.#pos === undefined) {
      const pos = new Map<string, number>();
      for (const [i, r] of this.ex.taskRuns.entries()) pos.set(r.id, i);
      this.#pos = pos;
    }
    return this.#pos;
  }

  #children(): Map<string, string[]> {
    if (this.#kids === undefined) {
      const kids = new Map<string, string[]>();
      for (const r of this.ex.taskRuns) {
        const key = r.parentId ?? ROOT;
        const list = kids.get(key);
        if (list) list.push(r.id);
        else kids.set(key, [r.id]);
      }
      this.#kids = kids;
    }
    return this.#kids;
  }
}
