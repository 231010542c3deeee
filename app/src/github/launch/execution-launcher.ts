/**
 * `ExecutionLauncher` on top of the `ExecutionService`: the execution is pinned to the commit
 * (`source`), the repository's installation is remembered for reporting, and the check run is
 * created right after the start rather than at the next execution event.
 */
import type { ExecutionDocument, ExecutionService } from '../../execution/contract.ts';
import { idOf } from '../../execution/ids.ts';
import type { ExecutionLauncher, InstallationIndex, LaunchRequest } from '../ports.ts';

export interface LauncherOptions {
  executions: ExecutionService;
  installations: InstallationIndex;
  /** Called with the new execution (the reporter observes it). */
  onStarted?: (execution: ExecutionDocument) => void;
}

export function createExecutionLauncher(options: LauncherOptions): ExecutionLauncher {
  return {
    async launch(request: LaunchRequest): Promise<ExecutionDocument> {
      await options.installations.set(request.repository, request.installationId);
      const execution = await options.executions.start({
        ...(request.occurrence !== undefined
          ? { id: idOf('github', request.occurrence, request.repository, request.path) }
          : {}),
        flow: request.flow,
        ...(request.inputs !== undefined ? { inputs: request.inputs } : {}),
        ...(request.labels !== undefined ? { labels: request.labels } : {}),
        ...(request.trigger !== undefined ? { trigger: request.trigger } : {}),
        source: { repository: request.repository, sha: request.sha, path: request.path },
      });
      options.onStarted?.(execution);
      return execution;
    },
  };
}
