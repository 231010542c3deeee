/** Where a task run's files go in internal storage, and translating storage errors for users. */
import type { StorageScope } from '../../../../protocol/src/internal-storage.ts';
import type { TaskRunInfo } from '../../../../protocol/src/task-contract.ts';
import { TaskFailure } from '../../../../protocol/src/task-contract.ts';

export function scopeOf(run: TaskRunInfo): StorageScope {
  return {
    namespace: run.namespace,
    flowId: run.flowId,
    executionId: run.executionId,
    taskId: run.taskId,
    taskRunId: run.taskRunId,
  };
}

/** `ion` and `.ion` both mean `.ion`. */
export function dotted(extension: string): string {
  return extension === '' || extension.startsWith('.') ? extension : `.${extension}`;
}

/** The extension of the file a URI names (`.csv`), or `fallback`. */
export function extensionOf(uri: string, fallback: string): string {
  const last = uri.split(/[?#]/)[0]?.split('/').pop() ?? '';
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(dot) : fallback;
}

/**
 * Storage errors (a missing file, a URI outside the storage) are configuration problems of the flow:
 * retrying cannot make the file appear, so they become non-retryable failures naming the task.
 */
export async function withStorage<T>(taskId: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'StorageFileNotFound' || name === 'InvalidStorageUri') {
      throw new TaskFailure(`task '${taskId}': ${(e as Error).message}`, { retryable: false, cause: e });
    }
    throw e;
  }
}
