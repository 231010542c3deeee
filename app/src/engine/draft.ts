/**
 * The working copy of one step. The input execution is never mutated: the task-run array is copied
 * once and each changed task run is replaced by a new object, so a caller (or an in-memory store)
 * may keep the previous state and a step costs O(changed runs), not a deep clone.
 *
 * The lookup indexes (id → position, parent → children, parent → run by plan key) are append-only
 * and shared with the execution this step returns, so the next step starts with them built instead
 * of scanning every task run again: that keeps a step independent of how many runs already ended.
 * Every hit is checked against this version's array; a stale hit (a sibling version added it) makes
 * this draft rebuild its own indexes.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { type FlowIndex, indexFlow } from './flow-index.ts';
import type { StateName } from './states.ts';
import { isTerminal } from './states.ts';
import type {
  Command,
  EngineLog,
  ExecutionState,
  Plan,
  ScopeMemo,
  StepEnv,
  TaskRun,
  Timer,
} from './types.ts';

type Patch<T> = { [K in keyof T]?: T[K] | undefined };

const ROOT = '';

interface RunIndex {
  pos: Map<string, number>;
  kids: Map<string, string[]>;
  /** parent → run key (task id, loop value, iteration) → the last run created with that key. */
  keys: Map<string, Map<string, string>>;
}

/** How far a plan has settled: its first `prefix` items ended in a passing state (`worst` of them). */
export interface PlanProgress {
  prefix: number;
  worst: StateName;
}

const indexes = new WeakMap<readonly TaskRun[], RunIndex>();
const progressByVersion = new WeakMap<readonly TaskRun[], Map<Plan, PlanProgress>>();

export function runKey(taskId: string, value: string | undefined, iteration: number | undefined): string {
  return `${taskId}\u0000${value ?? ''}\u0000${iteration ?? ''}`;
}

/**
 * One task run of an execution by id: through the index a step left on this version when there is
 * one (no scan), else by scanning from the end, where the runs being dispatched were just added.
 */
export function findTaskRun(execution: ExecutionState, id: string): TaskRun | undefined {
  const runs = execution.taskRuns;
  const i = indexes.get(runs)?.pos.get(id);
  if (i !== undefined && runs[i]?.id === id) return runs[i];
  for (let j = runs.length - 1; j >= 0; j--) if (runs[j]!.id === id) return runs[j];
  return undefined;
}

export class Draft {
  readonly ex: ExecutionState;
  readonly flow: Flow;
  readonly index: FlowIndex;
  readonly env: StepEnv;
  readonly commands: Command[] = [];
  readonly logs: EngineLog[] = [];
  #runs: RunIndex | undefined;
  #progress: Map<Plan, PlanProgress>;

  constructor(execution: ExecutionState, flow: Flow, env: StepEnv) {
    this.ex = { ...execution, taskRuns: execution.taskRuns.slice() };
    this.flow = flow;
    this.index = indexFlow(flow);
    this.env = env;
    this.#runs = indexes.get(execution.taskRuns);
    if (this.#runs !== undefined) indexes.set(this.ex.taskRuns, this.#runs);
    this.#progress = new Map(progressByVersion.get(execution.taskRuns));
    progressByVersion.set(this.ex.taskRuns, this.#progress);
  }

  get now(): number {
    return this.env.now;
  }

  get(id: string): TaskRun | undefined {
    const i = this.#index().pos.get(id);
    if (i === undefined) return undefined;
    const run = this.ex.taskRuns[i];
    if (run?.id === id) return run;
    return this.#rebuilt().pos.get(id) === undefined ? undefined : this.get(id);
  }

  /** Child task runs of a task run (or of the flow when undefined), in creation order. */
  children(parentId: string | undefined): TaskRun[] {
    const ids = this.#index().kids.get(parentId ?? ROOT) ?? [];
    const out: TaskRun[] = [];
    for (const id of ids) {
      const run = this.get(id);
      if (run !== undefined && run.parentId === parentId) out.push(run);
    }
    return out;
  }

  /** How many children `parentId` has; may count runs a sibling version added (never fewer). */
  childCount(parentId: string | undefined): number {
    return this.#index().kids.get(parentId ?? ROOT)?.length ?? 0;
  }

  /** The last child of `parentId` created for a plan item with this key, without a scan. */
  childByKey(parentId: string | undefined, key: string): TaskRun | undefined {
    const id = this.#index()
      .keys.get(parentId ?? ROOT)
      ?.get(key);
    if (id === undefined) return undefined;
    const run = this.get(id);
    if (run !== undefined) return run;
    const again = this.#rebuilt()
      .keys.get(parentId ?? ROOT)
      ?.get(key);
    return again === undefined ? undefined : this.get(again);
  }

  add(run: TaskRun): void {
    const index = this.#index();
    index.pos.set(run.id, this.ex.taskRuns.length);
    this.ex.taskRuns.push(run);
    addToIndex(index, run);
  }

  /** What is known about a plan in this version (dropped when a settled run could change again). */
  progress(plan: Plan): PlanProgress | undefined {
    return this.#progress.get(plan);
  }

  setProgress(plan: Plan, progress: PlanProgress): void {
    this.#progress.set(plan, progress);
  }

  /** Replace fields of a task run; an `undefined` value removes the field. */
  patch(id: string, fields: Patch<TaskRun>): TaskRun {
    const i = this.#index().pos.get(id);
    if (i === undefined || this.ex.taskRuns[i]?.id !== id) {
      if (this.get(id) === undefined) throw new Error(`engine: unknown task run ${id}`);
      return this.patch(id, fields);
    }
    const prev = this.ex.taskRuns[i]!;
    // A run that had ended starts again (restart, replay): what plans knew about it no longer holds.
    if (fields.state !== undefined && isTerminal(prev.state) && !isTerminal(fields.state))
      this.#progress.clear();
    const next = { ...prev, ...fields } as TaskRun;
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
    this.#progress = new Map();
    progressByVersion.set(this.ex.taskRuns, this.#progress);
    this.#rebuilt();
  }

  #index(): RunIndex {
    return this.#runs ?? this.#rebuilt();
  }

  /** Fresh indexes owned by this version (and shared with the versions that follow it). */
  #rebuilt(): RunIndex {
    const index: RunIndex = { pos: new Map(), kids: new Map(), keys: new Map() };
    for (const [i, r] of this.ex.taskRuns.entries()) {
      index.pos.set(r.id, i);
      addToIndex(index, r);
    }
    this.#runs = index;
    indexes.set(this.ex.taskRuns, index);
    return index;
  }
}

function addToIndex(index: RunIndex, run: TaskRun): void {
  const parent = run.parentId ?? ROOT;
  const list = index.kids.get(parent);
  if (list) list.push(run.id);
  else index.kids.set(parent, [run.id]);
  let keys = index.keys.get(parent);
  if (keys === undefined) {
    keys = new Map();
    index.keys.set(parent, keys);
  }
  keys.set(runKey(run.taskId, run.value, run.iteration), run.id);
}
