/**
 * Starts the execution a trigger asks for: the flow is looked up as deployed, the trigger's `inputs`
 * and label values are rendered with the trigger's variables, and the execution is pinned to the
 * commit the trigger was registered from. Failures are `LaunchRefused` with a message naming the
 * trigger; the scheduler logs them, the webhook route answers them.
 */
import { renderDeep } from '../../../flows-schema/src/expressions/index.ts';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import {
  type ExecutionDocument,
  type ExecutionService,
  type FlowRepository,
  InputsRefused,
  type Label,
} from '../execution/contract.ts';
import { describeKey, type LaunchRequest, type StoredTrigger } from './types.ts';

export const LAUNCH_FAILURES = ['flow-missing', 'flow-disabled', 'inputs'] as const;
export type LaunchFailure = (typeof LAUNCH_FAILURES)[number];

export class LaunchRefused extends Error {
  readonly reason: LaunchFailure;
  constructor(reason: LaunchFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LaunchRefused';
    this.reason = reason;
  }
}

export interface LaunchDeps {
  executions: ExecutionService;
  flows: FlowRepository;
  /** Called with each execution a trigger started (e.g. to report it on GitHub). */
  onStarted?: (execution: ExecutionDocument, trigger: StoredTrigger) => void;
}

export type { LaunchRequest };

/** The deployed flow of a trigger, or `LaunchRefused` when it cannot run. */
export async function flowOf(deps: Pick<LaunchDeps, 'flows'>, trigger: StoredTrigger): Promise<Flow> {
  const flow = await deps.flows.get(trigger.namespace, trigger.flowId);
  if (flow === undefined)
    throw new LaunchRefused(
      'flow-missing',
      `${describeKey(trigger)}: the flow is not deployed any more; nothing started (redeploy it, or remove the trigger)`,
    );
  if (flow.disabled === true)
    throw new LaunchRefused(
      'flow-disabled',
      `${describeKey(trigger)}: the flow is disabled; nothing started (set disabled: false to run it)`,
    );
  return flow;
}

/**
 * Starts the execution; with `id`, an execution of that id that already exists is returned instead
 * (a start retried after a crash, a webhook call repeated with the same idempotency key).
 */
export async function launchTriggered(
  deps: LaunchDeps,
  trigger: StoredTrigger,
  request: LaunchRequest,
  id?: string,
): Promise<ExecutionDocument> {
  const flow = await flowOf(deps, trigger);
  const context = {
    flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision ?? null },
    ...request.context,
    trigger: request.variables,
  };
  let inputs: Record<string, unknown>;
  let labels: Label[];
  try {
    inputs = await renderDeep(request.inputs, context);
    labels = await Promise.all(
      request.labels.map(async (l) => ({ key: l.key, value: String(await renderDeep(l.value, context)) })),
    );
  } catch (e) {
    throw new LaunchRefused(
      'inputs',
      `${describeKey(trigger)}: cannot render its inputs or labels: ${(e as Error).message}; nothing started`,
      { cause: e },
    );
  }
  if (request.correlationId !== undefined) {
    labels = [
      ...labels.filter((l) => l.key !== 'system.correlationId'),
      {
        key: 'system.correlationId',
        value: request.correlationId,
      },
    ];
  }
  try {
    const execution = await deps.executions.start({
      ...(id !== undefined ? { id } : {}),
      flow,
      inputs,
      labels,
      trigger: { id: trigger.triggerId, type: trigger.type, variables: request.variables },
      source: { repository: trigger.flow.repository, sha: trigger.flow.sha, path: trigger.flow.path },
    });
    deps.onStarted?.(execution, trigger);
    return execution;
  } catch (e) {
    if (e instanceof InputsRefused) {
      throw new LaunchRefused(
        'inputs',
        `${describeKey(trigger)}: the flow refused the trigger's inputs (${e.message}); nothing started — fix the trigger's inputs`,
        { cause: e },
      );
    }
    throw e;
  }
}
