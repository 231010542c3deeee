/**
 * The objects behind `osprey run`, wired once: internal storage and KV under the repository's
 * `.osprey/`, KV seeds and namespace files from its namespaces folder, secrets from the
 * environment, subflows from its flows folder, the embedded runner and the local executor.
 */
import { join, resolve } from 'node:path';
import type { ExecutionService } from '../../../../app/src/execution/contract.ts';
import {
  createLocalExecutionService,
  type LocalExecutionService,
} from '../../../../app/src/execution/local.ts';
import { FileKvStore } from '../../../../app/src/local/file-kv-store.ts';
import { LocalFlowRepository } from '../../../../app/src/local/local-flow-repository.ts';
import { type LocalRepository, repositoryContext } from '../../../../app/src/local/local-repository.ts';
import { EnvSecretBackend } from '../../../../app/src/secrets/env-secret-backend.ts';
import { LocalFolderStorage } from '../../../../app/src/server/local-folder-storage.ts';
import { createEmbeddedRunner } from '../../../../runner/src/embedded-runner.ts';
import type { PluginCatalog } from '../../../../runner/src/plugins/catalog.ts';
import { LocalNamespaceFiles } from '../../../../runner/src/workspace/local-namespace-files.ts';

export interface LocalService {
  executions: ExecutionService;
  close(): Promise<void>;
}

export function createLocalService(
  repository: LocalRepository,
  options: { flowsDir?: string | undefined; storageDir?: string | undefined; plugins?: PluginCatalog },
): LocalService {
  const state = join(repository.root, '.osprey');
  const namespacesDir = join(repository.root, repository.config.namespaceFiles);
  const storage = new LocalFolderStorage(
    options.storageDir === undefined ? join(state, 'storage') : resolve(options.storageDir),
  );
  const namespaceFiles = new LocalNamespaceFiles(repository.root, {
    folder: repository.config.namespaceFiles,
  });
  const kv = new FileKvStore({ dir: join(state, 'kv'), seedDir: namespacesDir });
  const flows = new LocalFlowRepository(
    options.flowsDir === undefined ? repository.flowsDir : resolve(options.flowsDir),
    repository.root,
    repositoryContext(repository),
  );
  // The runner and the executor need each other (TemplatedTask renders in the execution's context,
  // SlackExecution summarises an execution): the runner reaches the service once it exists.
  let service: LocalExecutionService | undefined;
  const executor = () => {
    if (service === undefined) throw new Error('the execution service is not ready yet');
    return service;
  };
  const runner = createEmbeddedRunner({
    storage,
    kv,
    namespaceFiles: (namespace) => namespaceFiles.read(namespace),
    render: (job, template) => executor().renderForJob(job, template),
    renderEach: (job, template, items) => executor().renderEachForJob(job, template, items),
    execution: (id) => executor().summary(id),
    ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
  });
  service = createLocalExecutionService({
    runner,
    storage,
    kv,
    secrets: new EnvSecretBackend(),
    flows,
    // The CLI's user names files on their own machine: `--input data=./orders.csv`.
    localFileInputs: true,
  });
  return { executions: service, close: async () => undefined };
}
