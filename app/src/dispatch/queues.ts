/**
 * Queue names and ids of the durable engine. Task jobs go to one pg-boss queue per worker group
 * (`workerGroup.key` on a task; runners claim from the queue of the group they were started with);
 * timers, side effects and late events go to the engine queue. A timer's pg-boss job id is derived
 * from the execution and timer ids, so arming it twice sends one job and clearing it cancels it.
 */
import { createHash } from 'node:crypto';

export const ENGINE_QUEUE = 'osprey.engine';
const TASKS = 'osprey.tasks';

/** Worker group keys: they become part of a queue name. */
export const WORKER_GROUP = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const WORKER_GROUP_HINT =
  'a worker group key is 1 to 63 letters, digits, "_", "." or "-", starting with a letter or digit (e.g. gpu or team-a.linux)';

/** The queue of a worker group (`undefined`: the default group). */
export function taskQueueName(group: string | undefined): string {
  return group === undefined ? TASKS : `${TASKS}.${group}`;
}

/**
 * A runner's own queue: later jobs of a WorkingDirectory whose first child it ran (the folder is
 * on that runner). It claims from it before its group's queue.
 */
export function runnerQueueName(runnerId: string): string {
  return `osprey.runner.${runnerId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** A stable UUID for a name: pg-boss job ids are UUIDs. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  // Version 8 (custom) and the RFC 4122 variant, so it is a well-formed UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function timerJobId(executionId: string, timerId: string): string {
  return stableUuid(`timer:${executionId}:${timerId}`);
}
