/**
 * Drives the pure engine without an executor: jobs are answered by a callback, templates by a tiny
 * renderer (`{{ x }}` looked up in a map), timers by a virtual clock that jumps to the next timer
 * once nothing else is pending. Deterministic: ids are sequential, random is fixed.
 */

import {
  type Command,
  createExecution,
  type EngineEvent,
  type EngineLog,
  type ExecutionState,
  isFinished,
  step,
  type TaskRun,
  type Timer,
} from '../../../../app/src/engine/index.ts';
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';

export type JobAnswer =
  Extract<EngineEvent, { type: 'taskResult' }> extends infer E
    ? Omit<E & object, 'type' | 'taskRunId' | 'attempt'>
    : never;

export interface SimOptions {
  /** The job's result; default SUCCESS. Return undefined to leave the job running. */
  job?: (run: TaskRun, attempt: number, sim: Simulation) => JobAnswer | undefined;
  /** Values for `{{ name }}` templates. */
  vars?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  random?: number;
}

export class Simulation {
  ex: ExecutionState;
  readonly flow: Flow;
  now = 1_000_000;
  readonly logs: EngineLog[] = [];
  readonly commands: Command[] = [];
  readonly timers = new Map<string, Timer>();
  readonly running = new Set<string>();
  readonly #queue: EngineEvent[] = [];
  readonly #options: SimOptions;
  #ids = 0;

  constructor(flow: Flow, options: SimOptions = {}) {
    this.flow = flow;
    this.#options = options;
    this.ex = createExecution(flow, { id: 'exec-1', now: this.now, inputs: options.inputs ?? {} });
  }

  env() {
    return { now: this.now, newId: () => `id${++this.#ids}`, random: () => this.#options.random ?? 0.5 };
  }

  send(event: EngineEvent): void {
    const r = step(this.ex, this.flow, event, this.env());
    this.ex = r.execution;
    this.logs.push(...r.logs);
    for (const c of r.commands) this.#handle(c);
  }

  /** Process queued events; jump to timers when idle, until finished or stuck on `until`. */
  run(options: { until?: (sim: Simulation) => boolean; maxMs?: number } = {}): this {
    const deadline = this.now + (options.maxMs ?? 3_600_000);
    for (let guard = 0; guard < 100_000; guard++) {
      if (options.until?.(this)) return this;
      const ev = this.#queue.shift();
      if (ev) {
        this.send(ev);
        continue;
      }
      if (isFinished(this.ex)) return this;
      const next = [...this.timers.values()].sort((a, b) => a.at - b.at)[0];
      if (next === undefined || next.at > deadline) return this;
      this.now = Math.max(this.now, next.at);
      this.timers.delete(next.id);
      this.send({ type: 'timer', id: next.id });
    }
    throw new Error('simulation did not settle');
  }

  start(): this {
    this.send({ type: 'start' });
    return this.run();
  }

  /** Task runs of a task id, in creation order. */
  runsOf(taskId: string): TaskRun[] {
    return this.ex.taskRuns.filter((r) => r.taskId === taskId);
  }

  stateOf(taskId: string): string | undefined {
    return this.runsOf(taskId).at(-1)?.state;
  }

  /** Task ids in the order their runs were created. */
  order(): string[] {
    return this.ex.taskRuns.map((r) => r.taskId);
  }

  finish(taskRunId: string, answer: JobAnswer): void {
    const run = this.ex.taskRuns.find((r) => r.id === taskRunId)!;
    this.running.delete(taskRunId);
    this.#queue.push({ type: 'taskResult', taskRunId, attempt: run.attempts.length, ...answer });
  }

  #handle(c: Command): void {
    this.commands.push(c);
    switch (c.kind) {
      case 'run': {
        const run = this.ex.taskRuns.find((r) => r.id === c.taskRunId)!;
        this.running.add(c.taskRunId);
        const answer = this.#options.job
          ? this.#options.job(run, c.attempt, this)
          : { state: 'SUCCESS' as const };
        if (answer) this.finish(c.taskRunId, answer);
        return;
      }
      case 'render':
        this.#queue.push({
          type: 'rendered',
          ...(c.taskRunId ? { taskRunId: c.taskRunId } : {}),
          purpose: c.purpose,
          values: this.render(c.properties) as Record<string, unknown>,
        });
        return;
      case 'cancel':
        if (this.running.has(c.taskRunId)) this.finish(c.taskRunId, { state: 'FAILED', error: 'killed' });
        return;
      case 'setTimer':
        this.timers.set(c.timer.id, c.timer);
        return;
      case 'clearTimer':
        this.timers.delete(c.id);
        return;
      default:
        return;
    }
  }

  render(value: unknown): unknown {
    if (typeof value === 'string') {
      const whole = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(value);
      if (whole) return this.#lookup(whole[1]!);
      return value.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => String(this.#lookup(name)));
    }
    if (Array.isArray(value)) return value.map((v) => this.render(v));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.render(v)]));
    return value;
  }

  #lookup(name: string): unknown {
    const vars = this.#options.vars ?? {};
    if (name in vars) {
      const v = vars[name];
      return typeof v === 'function' ? (v as (s: Simulation) => unknown)(this) : v;
    }
    throw new Error(`no value for ${name}`);
  }
}

export function simulate(flow: Flow, options: SimOptions = {}): Simulation {
  return new Simulation(flow, options).start();
}
