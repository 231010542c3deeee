/**
 * `taskRunner`: Osprey runs scripts as local processes. The process runner is accepted; a runner
 * that needs a container engine or a cloud batch service fails the task up front, not retryable,
 * with what to change. `containerImage` alone only picks Kestra's default Docker runner, so it is
 * ignored with a DEBUG line.
 */
import { TaskFailure, type TaskLogger } from '../../../../protocol/src/task-contract.ts';

const PROCESS = 'io.kestra.plugin.core.runner.Process';
const PROCESS_ALIASES = new Set([
  PROCESS,
  'io.kestra.plugin.scripts.runner.process.Process',
  'io.kestra.core.models.tasks.runners.types.ProcessTaskRunner',
]);

export function checkTaskRunner(properties: Record<string, unknown>, logger: TaskLogger, what: string): void {
  const runner = properties['taskRunner'];
  const legacy = typeof properties['runner'] === 'string' ? properties['runner'].toUpperCase() : undefined;
  if (runner !== undefined && runner !== null) {
    const type = typeof runner === 'object' ? String((runner as Record<string, unknown>)['type'] ?? '') : '';
    if (/docker|podman/i.test(type)) throw containerFailure(what, `taskRunner ${type}`);
    if (!PROCESS_ALIASES.has(type)) {
      throw new TaskFailure(
        `${what}: taskRunner ${type || '(without a type)'} cannot run here: this runner runs scripts as local processes; use ${PROCESS}`,
        { retryable: false },
      );
    }
  } else if (legacy === 'DOCKER') throw containerFailure(what, 'runner: DOCKER');
  const image = properties['containerImage'];
  if (typeof image === 'string' && image !== '') {
    logger.log('DEBUG', `containerImage '${image}' ignored: this runner runs scripts as local processes`);
  }
}

function containerFailure(what: string, setting: string): TaskFailure {
  return new TaskFailure(
    `${what}: ${setting} needs a container engine, which this runner does not have; use ${PROCESS} or run on a runner with Docker`,
    { retryable: false },
  );
}
