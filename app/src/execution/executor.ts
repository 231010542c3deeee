/**
 * The local executor: the impure shell around the pure engine, in one process. The events of one
 * execution are applied in order (load → step → save → carry out the commands); jobs, renders,
 * timers and subflows run outside that chain and come back as new events. The API it offers
 * (`ExecutionService`) is shared with the durable service in `service-base.ts`.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { type EngineEvent, type ExecutionState, isFinished, isTerminal, step } from '../engine/index.ts';
import { dequeue } from './admission.ts';
import { carryOut } from './carry-out.ts';
import { logEntry } from './jobs.ts';
import type { Live } from './live.ts';
import { SerialByKey } from './serial-by-key.ts';
import { ExecutionServiceBase } from './service-base.ts';
import { notifyParent } from './subflows.ts';

export class LocalExecutionService extends ExecutionServiceBase {
  protected readonly admissionLock = new SerialByKey();

  enqueue(id: string, event: EngineEvent): Promise<ExecutionState> {
    const live = this.lives.get(id);
    if (live === undefined)
      return this.mustLoad(id).then((s) => this.#chain(id, this.liveOf(id, s.flow), event));
    return this.#chain(id, live, event);
  }

  #chain(id: string, live: Live, event: EngineEvent): Promise<ExecutionState> {
    const next = live.chain.then(() => this.#process(id, live, event));
    live.chain = next.catch(() => undefined);
    return next;
  }

  async #process(id: string, live: Live, event: EngineEvent): Promise<ExecutionState> {
    const { execution: before, flow } = await this.mustLoad(id);
    const r = step(before, flow, event, this.env());
    const ex = r.execution;
    const byRun = new Map(r.logs.length > 0 ? ex.taskRuns.map((t) => [t.id, t]) : []);
    const logs = r.logs.map((l) =>
      logEntry(
        ex,
        l.taskRunId === undefined ? undefined : byRun.get(l.taskRunId),
        l.level,
        live.mask(l.message),
        new Date(l.at).toISOString(),
      ),
    );
    await this.deps.store.save(ex, { logs });
    live.last = ex;
    this.publish(ex, logs);
    for (const c of r.commands) carryOut(this, ex, live, c);
    if (!isTerminal(before.state) && isTerminal(ex.state)) this.#onTerminal(ex, flow);
    if (!isFinished(before) && isFinished(ex)) this.#onFinished(ex, live);
    return ex;
  }

  #onTerminal(ex: ExecutionState, flow: Flow): void {
    notifyParent(this, ex, flow).catch((e: Error) => this.internalError(ex.id, e));
    dequeue(this.admissionHost(), this.admissionLock, flow).catch((e: Error) => this.internalError(ex.id, e));
  }

  #onFinished(ex: ExecutionState, live: Live): void {
    for (const handle of live.timers.values()) this.deps.clock.clearTimer(handle);
    live.timers.clear();
    if (live.workDirs.size > 0) {
      const keys = [...live.workDirs];
      live.workDirs.clear();
      this.deps.runner.releaseWorkingDirectories?.(keys).catch((e: Error) => this.internalError(ex.id, e));
    }
    delete live.last;
    this.finished(ex);
  }
}
