/**
 * Carrying out the engine's commands. Nothing here blocks the execution's event chain: jobs,
 * renders and subflows run on their own and answer with new events; timers fire into the chain.
 */
import type { Command, EngineEvent, ExecutionState } from '../engine/index.ts';
import { findTaskRun } from '../engine/index.ts';
import { expressionContext } from './context.ts';
import type { ExecutorHost } from './host.ts';
import { runJob } from './jobs.ts';
import type { Live } from './live.ts';
import { renderProperties } from './render.ts';
import { startSubflow } from './subflows.ts';

export function carryOut(host: ExecutorHost, ex: ExecutionState, live: Live, c: Command): void {
  const { clock } = host.deps;
  const guard = (p: Promise<unknown>) => p.catch((e: Error) => host.internalError(ex.id, e));
  switch (c.kind) {
    case 'run':
      guard(runJob(host, ex, live, c));
      return;
    case 'render':
      guard(renderCommand(host, ex, live, c));
      return;
    case 'cancel':
      live.jobs.get(c.taskRunId)?.abort(new Error('killed'));
      return;
    case 'startSubflow':
      guard(startSubflow(host, ex, c));
      return;
    case 'killSubflow':
      // The child may be gone already (finished, or never created): nothing to kill then.
      host.kill(c.executionId).catch(() => undefined);
      return;
    case 'setTimer': {
      const { timer } = c;
      const handle = clock.setTimer(timer.at, () => {
        live.timers.delete(timer.id);
        host.post(ex.id, { type: 'timer', id: timer.id });
      });
      live.timers.set(timer.id, handle);
      return;
    }
    case 'clearTimer': {
      const handle = live.timers.get(c.id);
      if (handle !== undefined) clock.clearTimer(handle);
      live.timers.delete(c.id);
      return;
    }
    case 'retryExecution':
      clock.setTimer(clock.now() + c.delayMs, () => guard(retryAsNewExecution(host, ex, live)));
      return;
  }
}

/** Render templates in a task run's (or, at the end, the execution's) context and answer the engine. */
async function renderCommand(
  host: ExecutorHost,
  ex: ExecutionState,
  live: Live,
  c: Extract<Command, { kind: 'render' }>,
): Promise<void> {
  host.post(ex.id, await renderedEvent(host, ex, live, c));
}

/** The `rendered` event answering a render command (a render failure is in its `error`). */
export async function renderedEvent(
  host: Pick<ExecutorHost, 'deps' | 'services'>,
  ex: ExecutionState,
  live: Live,
  c: Extract<Command, { kind: 'render' }>,
): Promise<EngineEvent> {
  const run = c.taskRunId === undefined ? undefined : findTaskRun(ex, c.taskRunId);
  // At the end (flow outputs, SLA assertions) `execution.state` is the state about to be set.
  const final = ex.root.data?.['final'];
  const overrides = run === undefined && typeof final === 'string' ? { state: final } : {};
  const ctx = expressionContext(ex, live.flow, run, host.deps.environment, overrides);
  const target = c.taskRunId === undefined ? {} : { taskRunId: c.taskRunId };
  try {
    const values = await renderProperties(c.properties, ctx, host.services(ex, live));
    // Flow outputs are stored: mask them. Task-run values feed properties and must stay real.
    return {
      type: 'rendered',
      ...target,
      purpose: c.purpose,
      values: run === undefined ? live.mask(values) : values,
    };
  } catch (e) {
    const where = run ? `Task '${run.taskId}': ` : '';
    return { type: 'rendered', ...target, purpose: c.purpose, error: `${where}${(e as Error).message}` };
  }
}

/** Retry behaviour CREATE_NEW_EXECUTION: the same flow and inputs, a new execution id, same correlation. */
export async function retryAsNewExecution(
  host: Pick<ExecutorHost, 'create'>,
  ex: ExecutionState,
  live: Live,
): Promise<void> {
  const correlationId = ex.labels.find((l) => l.key === 'system.correlationId')?.value ?? ex.id;
  await host.create(
    {
      flow: live.flow,
      labels: ex.labels.filter((l) => l.key !== 'system.correlationId'),
      ...(ex.trigger ? { trigger: ex.trigger } : {}),
      ...(ex.source ? { source: ex.source } : {}),
    },
    {
      parsedInputs: ex.inputs,
      originalId: ex.originalId ?? ex.id,
      attemptNumber: ex.attemptNumber + 1,
      correlationId,
    },
  );
}
