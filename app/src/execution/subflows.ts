/**
 * Subflows: the parent's Subflow task run asks for a child execution (resolved by namespace + flow
 * id, inputs validated like any start); the child carries the parent's correlation id and, with
 * `inheritLabels`, its labels. When the child ends, the parent task run hears its state and outputs.
 */

import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { Command, ExecutionState } from '../engine/index.ts';
import {
  findTaskRun,
  indexFlow,
  isRestartable,
  isTerminal,
  labelValue,
  mergeLabels,
} from '../engine/index.ts';
import { expressionContext } from './context.ts';
import type { ExecutorHost } from './host.ts';
import { renderValue } from './render.ts';

export const SUBFLOW_TYPE = 'io.kestra.plugin.core.flow.Subflow';

export type SubflowHost = Pick<
  ExecutorHost,
  'deps' | 'starting' | 'post' | 'enqueue' | 'create' | 'load' | 'services' | 'liveOf'
>;

export async function startSubflow(
  host: SubflowHost,
  ex: ExecutionState,
  cmd: Extract<Command, { kind: 'startSubflow' }>,
  /** The child's id; the durable service picks it when the command is recorded, so a redo finds the child. */
  id: string = host.deps.newId(),
): Promise<void> {
  const req = cmd.request;
  const run = findTaskRun(ex, cmd.taskRunId)!;
  if (req.restartExecutionId !== undefined && (await restartChild(host, ex, run.id, req.restartExecutionId)))
    return;
  host.starting.add(id);
  try {
    const flow = await host.deps.flows.get(req.namespace, req.flowId);
    if (flow === undefined)
      throw new Error(`Subflow ${req.namespace}.${req.flowId} was not found; check its namespace and flowId`);
    const inherited = req.inheritLabels ? ex.labels.filter((l) => !l.key.startsWith('system.')) : [];
    const child = await host.create(
      {
        flow,
        inputs: req.inputs,
        labels: mergeLabels(inherited, req.labels),
        trigger: {
          id: run.taskId,
          type: SUBFLOW_TYPE,
          variables: {
            executionId: ex.id,
            namespace: ex.namespace,
            flowId: ex.flowId,
            flowRevision: ex.flowRevision ?? null,
            taskRunId: run.id,
          },
        },
      },
      { id, parentId: ex.id, correlationId: labelValue(ex.labels, 'system.correlationId') ?? ex.id },
    );
    host.starting.delete(id);
    host.post(ex.id, { type: 'subflowStarted', taskRunId: run.id, executionId: child.id });
    const now = await host.load(child.id);
    if (now !== undefined && isTerminal(now.execution.state))
      await notifyParent(host, now.execution, now.flow);
  } catch (e) {
    host.starting.delete(id);
    host.post(ex.id, {
      type: 'subflowFailed',
      taskRunId: run.id,
      message: `Subflow ${req.namespace}.${req.flowId}: ${(e as Error).message}`,
    });
  }
}

/**
 * `restartBehavior: RETRY_FAILED`: the restarted Subflow task run restarts its failed child in place
 * (same id, the child's own failed tasks run again); its end reaches the parent as a first run's
 * would. False when the child is gone or no longer restartable: a new child is started instead.
 */
async function restartChild(
  host: SubflowHost,
  parent: ExecutionState,
  taskRunId: string,
  childId: string,
): Promise<boolean> {
  const child = await host.load(childId);
  if (child === undefined || child.execution.parentId !== parent.id || !isRestartable(child.execution.state))
    return false;
  // The parent hears first which attempt of the child to wait for; a notice of the child's earlier
  // end that arrives late is then told apart.
  await host.enqueue(parent.id, {
    type: 'subflowStarted',
    taskRunId,
    executionId: childId,
    childAttempt: child.execution.attemptNumber + 1,
  });
  host.post(childId, { type: 'restart' });
  return true;
}

/** Tell the parent's Subflow task run that its child ended, with the child's outputs. */
export async function notifyParent(host: SubflowHost, child: ExecutionState, childFlow: Flow): Promise<void> {
  const vars = child.trigger?.variables;
  if (
    child.parentId === undefined ||
    child.trigger?.type !== SUBFLOW_TYPE ||
    typeof vars?.['taskRunId'] !== 'string'
  )
    return;
  if (host.starting.has(child.id)) return;
  const taskRunId = vars['taskRunId'];
  const parent = await host.load(child.parentId);
  const run = parent?.execution.taskRuns.find((r) => r.id === taskRunId);
  let outputs: Record<string, unknown> = { ...child.outputs };
  const templates = run && parent ? indexFlow(parent.flow).get(run.taskId)?.task['outputs'] : undefined;
  if (templates !== undefined && typeof templates === 'object' && templates !== null) {
    const live = host.liveOf(child.id, childFlow);
    const ctx = expressionContext(child, childFlow, undefined, host.deps.environment);
    try {
      outputs = {
        ...outputs,
        ...((await renderValue(templates, ctx, host.services(child, live))) as Record<string, unknown>),
      };
    } catch (e) {
      outputs = { ...outputs, error: `Subflow outputs could not be rendered: ${(e as Error).message}` };
    }
  }
  host.post(child.parentId, {
    type: 'subflowEnded',
    taskRunId,
    executionId: child.id,
    state: child.state,
    outputs,
    childAttempt: child.attemptNumber,
  });
}
