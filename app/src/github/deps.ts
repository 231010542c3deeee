/** What the webhook handlers share: the ports, the caches and the logger, built once by `createGitHubApp`. */
import type { AppDeployment, AppFile } from '../apps/app-store.ts';

import type { FlowRevisionStore, NamespaceOwnership, TriggerRegistry } from '../deployments/ports.ts';
import type { ExecutionService } from '../execution/contract.ts';
import type { SerialByKey } from '../execution/serial-by-key.ts';
import type { RenderTriggerInputs } from './git-triggers/render-trigger-inputs.ts';
import type { ExecutionLauncher } from './ports.ts';
import type { BlobCache } from './repository/blob-cache.ts';
import type { FlowFileCache } from './repository/read-flows.ts';

/** The logging Osprey's GitHub code does (pino's object-then-message form; Probot's logger fits). */
export interface Log {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export interface HandlerDeps {
  store: FlowRevisionStore;
  ownership: NamespaceOwnership;
  triggers: TriggerRegistry;
  launcher: ExecutionLauncher;
  executions: ExecutionService;
  blobs: BlobCache;
  flowFiles: FlowFileCache;
  serial: SerialByKey;
  renderInputs: RenderTriggerInputs;
  log: Log;
  /** Where the apps of a deployed commit go (apps/**.yaml); without it apps are validated, not deployed. */
  apps?: { deploy(repository: string, sha: string, files: readonly AppFile[]): Promise<AppDeployment> };
}
