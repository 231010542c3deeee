/**
 * Kill, pause, resume, restart and replay: each allowed from some states only. The state is
 * checked before the service is called, so a refused request changes nothing and its 409 says why;
 * should the state move meanwhile, a service refusal is answered the same way.
 */

import { isRestartable } from '../../engine/restart.ts';
import { isTerminal, type StateName } from '../../engine/states.ts';
import type { ExecutionDocument, ExecutionService } from '../../execution/contract.ts';
import { conflict, notFound } from '../errors.ts';

export const CONTROLS = {
  kill: {
    allowed: (s: StateName) => !isTerminal(s),
    refusal: (id: string, s: StateName) =>
      `execution ${id} is already ${s}; only an unfinished execution can be killed`,
  },
  pause: {
    allowed: (s: StateName) => s === 'RUNNING',
    refusal: (id: string, s: StateName) => `execution ${id} is ${s}; only a RUNNING execution can be paused`,
  },
  resume: {
    allowed: (s: StateName) => s === 'PAUSED',
    refusal: (id: string, s: StateName) => `execution ${id} is ${s}; only a PAUSED execution can be resumed`,
  },
  restart: {
    allowed: isRestartable,
    refusal: (id: string, s: StateName) =>
      `execution ${id} is ${s}; only a FAILED or KILLED execution can be restarted (replay a finished one instead)`,
  },
  replay: {
    allowed: (s: StateName) => isTerminal(s),
    refusal: (id: string, s: StateName) =>
      `execution ${id} is ${s}; only a finished execution can be replayed (kill it first, or wait for it)`,
  },
} as const;
export type Control = keyof typeof CONTROLS;

export async function mustGet(executions: ExecutionService, id: string): Promise<ExecutionDocument> {
  const doc = await executions.get(id);
  if (doc === undefined) {
    throw notFound(`execution ${id} not found; GET /api/v1/executions/search lists executions`);
  }
  return doc;
}

/** Runs `action` if the execution's state allows `control`; a 409 otherwise. */
export async function control(
  executions: ExecutionService,
  id: string,
  which: Control,
  action: (doc: ExecutionDocument) => Promise<ExecutionDocument>,
): Promise<ExecutionDocument> {
  const rule = CONTROLS[which];
  const before = await mustGet(executions, id);
  if (!rule.allowed(before.state.current)) throw conflict(rule.refusal(id, before.state.current));
  try {
    return await action(before);
  } catch (e) {
    const now = await executions.get(id);
    if (now !== undefined && !rule.allowed(now.state.current))
      throw conflict(rule.refusal(id, now.state.current));
    throw e;
  }
}
