/**
 * `flow.WorkingDirectory`: children run in sequence in one shared working directory; the engine
 * tells the executor which scope a job belongs to, the executor provides the folder.
 */
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const workingDirectory: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.WorkingDirectory',
  sharesWorkingDirectory: true,
  next: ({ task }, signal) =>
    signal.kind === 'begin' ? { kind: 'plan', plan: chain(enabledIds(task['tasks'])) } : undefined,
};
