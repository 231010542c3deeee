/**
 * What every execution service shares, whatever applies its events: the `ExecutionService` API
 * (start, kill, pause, resume, restart, replay, waiting and subscribing), the `ExecutorHost` the
 * helpers (admission, subflows, jobs, renders) are given, and the per-execution memory (`Live`).
 * Subclasses decide how an event is applied: in this process (`LocalExecutionService`, `osprey run`)
 * or durably, in a database transaction (`app/src/dispatch`, `osprey server`).
 */

import { render } from '../../../flows-schema/src/expressions/index.ts';
import type { ExpressionServices } from '../../../flows-schema/src/expressions/types.ts';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { isoDuration } from '../../../flows-schema/src/time.ts';
import type { TaskJob } from '../../../protocol/src/job.ts';
import { logger } from '../../../protocol/src/logger.ts';
import type { ExecutionSummary, RenderedItem } from '../../../protocol/src/task-contract.ts';
import {
  type EngineEvent,
  type ExecutionState,
  findTaskRun,
  indexFlow,
  isFinished,
  isRestartable,
  isTerminal,
  replayExecution,
  type StepEnv,
} from '../engine/index.ts';
import { type AdmissionHost, createAndAdmit, type SerialLock } from './admission.ts';
import { expressionContext } from './context.ts';
import {
  type ExecutionDocument,
  type ExecutionEvent,
  type ExecutionService,
  InputsRefused,
  type LogEntry,
  type StartRequest,
} from './contract.ts';
import type { ExecutorDeps } from './deps.ts';
import { toDocument } from './documents.ts';
import type { CreateOptions, ExecutorHost } from './host.ts';
import { inputValue, parseInputs } from './inputs/parse-inputs.ts';
import { logEntry } from './jobs.ts';
import { addSecret, createLive, type Live } from './live.ts';
import { type LocalTask, localTasks } from './local-tasks.ts';
import type { Purge } from './purge-tasks.ts';
import { mergeVariables, servicesFor } from './render.ts';

const log = logger('executor');

export abstract class ExecutionServiceBase implements ExecutionService, ExecutorHost {
  readonly deps: ExecutorDeps;
  readonly starting = new Set<string>();
  protected readonly lives = new Map<string, Live>();
  readonly #listeners = new Set<(event: ExecutionEvent) => void>();
  readonly #waiters = new Map<string, Set<(ex: ExecutionState) => void>>();
  readonly #local: ReadonlyMap<string, LocalTask>;

  constructor(deps: ExecutorDeps) {
    this.deps = deps;
    this.#local = localTasks(this);
  }

  /** Apply an event after the ones before it; resolves with the new state. */
  abstract enqueue(id: string, event: EngineEvent): Promise<ExecutionState>;

  /** Serialises the admission decisions of one flow (concurrency limits). */
  protected abstract readonly admissionLock: SerialLock;

  /** Save a new execution and apply its first event (admission, replay). */
  protected async begin(ex: ExecutionState, flow: Flow, event: EngineEvent): Promise<ExecutionState> {
    await this.deps.store.save(ex, { flow });
    return this.enqueue(ex.id, event);
  }

  // ---- ExecutionService -------------------------------------------------------------------------

  async start(request: StartRequest): Promise<ExecutionDocument> {
    if (request.id === undefined) return toDocument(await this.create(request, {}));
    // A start with an id is idempotent: a retried start finds the execution it made.
    const existing = await this.deps.store.load(request.id);
    if (existing !== undefined) return toDocument(existing.execution);
    return toDocument(await this.create(request, { id: request.id }));
  }

  async get(id: string): Promise<ExecutionDocument | undefined> {
    const stored = await this.deps.store.load(id);
    return stored && toDocument(stored.execution);
  }

  waitForTerminal(id: string, signal?: AbortSignal): Promise<ExecutionDocument> {
    return new Promise((resolve, reject) => {
      const waiters = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, waiters);
      const done = (ex: ExecutionState) => {
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(id) === waiters) this.#waiters.delete(id);
        resolve(toDocument(ex));
      };
      // Registered before loading: the execution may finish while the load is in flight.
      waiters.add(done);
      signal?.addEventListener('abort', () => {
        waiters.delete(done);
        reject(signal.reason);
      });
      this.mustLoad(id).then((s) => isFinished(s.execution) && done(s.execution), reject);
    });
  }

  logs(id: string): Promise<LogEntry[]> {
    return this.deps.store.logs(id);
  }

  async kill(id: string): Promise<ExecutionDocument> {
    await this.mustLoad(id);
    return toDocument(await this.enqueue(id, { type: 'kill' }));
  }

  async pause(id: string): Promise<ExecutionDocument> {
    const { execution } = await this.mustLoad(id);
    if (execution.state !== 'RUNNING')
      throw new Error(`Execution ${id} is ${execution.state}; only a RUNNING execution can be paused`);
    return toDocument(await this.enqueue(id, { type: 'pause' }));
  }

  /** Resume a PAUSED execution; inputs are checked against the paused tasks' `onResume` definitions. */
  async resume(id: string, inputs: Record<string, unknown> = {}): Promise<ExecutionDocument> {
    const { execution, flow } = await this.mustLoad(id);
    if (execution.state !== 'PAUSED')
      throw new Error(`Execution ${id} is ${execution.state}; only a PAUSED execution can be resumed`);
    const live = this.liveOf(id, flow);
    const parsed: Record<string, unknown> = { ...inputs };
    const problems: InputsRefused['problems'][number][] = [];
    for (const run of execution.taskRuns.filter((r) => r.state === 'PAUSED')) {
      const defs = indexFlow(flow).get(run.taskId)?.task['onResume'] as Parameters<typeof parseInputs>[0];
      const r = await parseInputs(defs, inputs, { onSecret: (v) => addSecret(live, v) });
      Object.assign(parsed, r.values);
      problems.push(...r.problems);
    }
    if (problems.length > 0) throw new InputsRefused(problems);
    return toDocument(await this.enqueue(id, { type: 'resume', inputs: parsed }));
  }

  async restart(id: string): Promise<ExecutionDocument> {
    const { execution } = await this.mustLoad(id);
    if (!isRestartable(execution.state)) {
      throw new Error(
        `Execution ${id} is ${execution.state}; only a FAILED or KILLED execution can be restarted (replay it instead)`,
      );
    }
    return toDocument(await this.enqueue(id, { type: 'restart' }));
  }

  async replay(id: string, taskRunId?: string): Promise<ExecutionDocument> {
    const { execution, flow } = await this.mustLoad(id);
    if (!isTerminal(execution.state))
      throw new Error(`Execution ${id} is ${execution.state}; only a finished execution can be replayed`);
    const copy = replayExecution(execution, flow, taskRunId, this.env());
    this.liveOf(copy.id, flow);
    return toDocument(await this.begin(copy, flow, { type: 'start' }));
  }

  subscribe(listener: (event: ExecutionEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- For runners (TemplatedTask, SlackExecution) ----------------------------------------------

  /** Render a template in a job's task-run context. */
  async renderForJob(job: TaskJob, template: string): Promise<string> {
    const { execution, flow } = await this.mustLoad(job.run.executionId);
    const run = findTaskRun(execution, job.run.taskRunId);
    const ctx = expressionContext(execution, flow, run, this.deps.environment);
    return render(template, ctx, { services: this.services(execution, this.liveOf(execution.id, flow)) });
  }

  /**
   * Render a template once per item, the item's fields merged over the job's task-run context as
   * Kestra merges extra variables (maps merged, lists joined, a null keeps the context's value).
   * The execution is loaded once for the whole batch; a failed render is that item's `error`.
   */
  async renderEachForJob(
    job: TaskJob,
    template: string,
    items: readonly Record<string, unknown>[],
  ): Promise<RenderedItem[]> {
    const { execution, flow } = await this.mustLoad(job.run.executionId);
    const run = findTaskRun(execution, job.run.taskRunId);
    const ctx = expressionContext(execution, flow, run, this.deps.environment);
    const services = this.services(execution, this.liveOf(execution.id, flow));
    const out: RenderedItem[] = [];
    for (const item of items) {
      try {
        out.push({ value: await render(template, mergeVariables(ctx, item), { services }) });
      } catch (e) {
        out.push({ error: (e as Error).message });
      }
    }
    return out;
  }

  async summary(id: string): Promise<ExecutionSummary | undefined> {
    const ex = (await this.deps.store.load(id))?.execution;
    if (ex === undefined) return undefined;
    const start = ex.histories[0]?.at ?? this.deps.clock.now();
    const end = isTerminal(ex.state) ? (ex.histories.at(-1)?.at ?? start) : this.deps.clock.now();
    return {
      id: ex.id,
      namespace: ex.namespace,
      flowId: ex.flowId,
      state: ex.state,
      startDate: new Date(start).toISOString(),
      duration: isoDuration(end - start),
      taskRuns: ex.taskRuns.map((r) => ({ taskId: r.taskId, state: r.state })),
    };
  }

  // ---- ExecutorHost -----------------------------------------------------------------------------

  create(request: StartRequest, options: CreateOptions): Promise<ExecutionState> {
    return createAndAdmit(this.admissionHost(), this.admissionLock, request, options);
  }

  post(id: string, event: EngineEvent): void {
    this.enqueue(id, event).catch((e: Error) => this.internalError(id, e));
  }

  internalError(id: string, e: Error): void {
    const message = `Internal error in Osprey's executor (please report it): ${e.stack ?? e.message}`;
    log.error({ err: e, execution: id }, "internal error in Osprey's executor (please report it)");
    this.deps.store
      .load(id)
      .then(
        (s) =>
          s &&
          this.deps.store.appendLogs([
            logEntry(s.execution, undefined, 'ERROR', message, new Date(this.deps.clock.now()).toISOString()),
          ]),
      )
      .catch(() => undefined);
  }

  load(id: string) {
    return this.deps.store.load(id);
  }

  liveOf(id: string, flow: Flow): Live {
    let live = this.lives.get(id);
    if (live === undefined) {
      live = createLive(flow);
      this.lives.set(id, live);
    }
    return live;
  }

  services(ex: ExecutionState, live: Live): ExpressionServices {
    const { deps } = this;
    const io = {
      kv: deps.kv,
      secrets: deps.secrets,
      storage: deps.storage,
      logs: (id: string) => deps.store.logs(id),
      now: () => deps.clock.now(),
    };
    // After a restart the live state is new: SECRET input values are masked again from here.
    for (const id of ex.secretInputs ?? []) {
      const value = inputValue(ex.inputs, id);
      if (typeof value === 'string') addSecret(live, value);
    }
    return servicesFor(io, ex, (v) => addSecret(live, v));
  }

  appendLogs(ex: ExecutionState, live: Live, logs: LogEntry[]): void {
    this.deps.store.appendLogs(logs).catch((e: Error) => this.internalError(ex.id, e));
    this.publish(live.last ?? ex, logs);
  }

  /** What the purge tasks delete with; a service that keeps history (the durable one) offers it. */
  get purge(): Purge | undefined {
    return undefined;
  }

  localTask(type: string): LocalTask | undefined {
    return this.#local.get(type);
  }

  // ---- For subclasses ---------------------------------------------------------------------------

  protected admissionHost(): AdmissionHost {
    return {
      deps: this.deps,
      enqueue: (id, e) => this.enqueue(id, e),
      adopt: (id, live) => this.lives.set(id, live),
      begin: (ex, flow, e) => this.begin(ex, flow, e),
    };
  }

  protected publish(ex: ExecutionState, logs: LogEntry[]): void {
    if (this.#listeners.size === 0) return;
    const event: ExecutionEvent = { execution: toDocument(ex), ...(logs.length > 0 ? { logs } : {}) };
    for (const l of this.#listeners) l(event);
  }

  /** The execution is finished: whoever waits for it hears it. */
  protected finished(ex: ExecutionState): void {
    for (const w of [...(this.#waiters.get(ex.id) ?? [])]) w(ex);
    this.#waiters.delete(ex.id);
  }

  protected env(): StepEnv {
    return { now: this.deps.clock.now(), newId: this.deps.newId, random: this.deps.random };
  }

  protected async mustLoad(id: string) {
    const stored = await this.deps.store.load(id);
    if (stored === undefined) throw new Error(`Execution ${id} does not exist`);
    return stored;
  }
}
