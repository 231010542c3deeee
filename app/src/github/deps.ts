/** What the webhook handlers share: the ports, the caches and the logger, built once by `createGitHubApp`. */
import type { AppDeployment, AppFile } from '../apps/app-store.ts';
import type { ExecutionService } from '../execution/contract.ts';
import type { BlobCache } from '../repository/blob-cache.ts';
import type { FlowFileCache } from '../repository/read-flows.ts';
import type { RenderTriggerInputs } from './git-triggers/render-trigger-inputs.ts';
import type { KeyedSerial } from './keyed-serial.ts';
import type { ExecutionLauncher, FlowRevisionStore, NamespaceOwnership, TriggerRegistry } from './ports.ts';

/** The logging Osprey's GitHub code does (pino's object-then-message form; Probot's logger fits). */
export interface Log {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** Probot creates its logger asynchronously: log through it once it exists, to stderr before. */
export function lazyLog(current: () => Log | null | undefined): Log {
  const at = (level: keyof Log) => (fields: object, message?: string) => {
    const log = current();
    if (log) log[level](fields, message);
    else if (level === 'error' || level === 'warn')
      console.error(`[osprey github] ${level}: ${message ?? ''}`, fields);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface HandlerDeps {
  store: FlowRevisionStore;
  ownership: NamespaceOwnership;
  triggers: TriggerRegistry;
  launcher: ExecutionLauncher;
  executions: ExecutionService;
  blobs: BlobCache;
  flowFiles: FlowFileCache;
  serial: KeyedSerial;
  renderInputs: RenderTriggerInputs;
  log: Log;
  /** Where the apps of a deployed commit go (apps/**.yaml); without it apps are validated, not deployed. */
  apps?: { deploy(repository: string, sha: string, files: readonly AppFile[]): Promise<AppDeployment> };
}
