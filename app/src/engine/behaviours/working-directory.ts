/**
 * `flow.WorkingDirectory`: children run in sequence in one shared working directory; the engine
 * tells the executor which scope a job belongs to, the executor provides the folder. With
 * `outputFiles`, a last child (`<id>_outputFiles`, a LocalFiles upload in the same folder) sends the
 * matching files to internal storage, and the task run's output `outputFiles` maps them to URIs.
 */
import type { Task } from '../../../../flows-schema/src/schema/flow.ts';
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

const LOCAL_FILES = 'io.kestra.plugin.core.storage.LocalFiles';
const uploadId = (task: Task) => `${task.id}_outputFiles`;

export const workingDirectory: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.WorkingDirectory',
  sharesWorkingDirectory: true,
  syntheticTasks: (task) =>
    task['outputFiles'] === undefined
      ? []
      : [{ id: uploadId(task), type: LOCAL_FILES, outputs: task['outputFiles'] } as Task],
  next: ({ task, childOutputs }, signal) => {
    const upload = task['outputFiles'] === undefined ? [] : [uploadId(task)];
    if (signal.kind === 'begin')
      return { kind: 'plan', plan: chain([...enabledIds(task['tasks']), ...upload]) };
    if (signal.kind === 'childrenDone' && upload[0] !== undefined) {
      const uris = childOutputs(upload[0])?.['uris'];
      return {
        kind: 'end',
        state: signal.state,
        ...(uris !== undefined ? { outputs: { outputFiles: uris } } : {}),
      };
    }
    return undefined;
  },
};
