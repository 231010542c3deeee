/**
 * The executor wired as `osprey run` wires it, with the real embedded runner and the real plugins:
 * internal storage in a temp folder, KV in memory, secrets from a map, namespace files from what
 * the test gives. `run(yaml)` starts the flow and waits for the end.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { ExecutionDocument, LogEntry, StartRequest } from '../../../../app/src/execution/contract.ts';
import {
  createLocalExecutionService,
  type LocalExecutionService,
} from '../../../../app/src/execution/local.ts';
import { LocalFolderStorage } from '../../../../app/src/server/local-folder-storage.ts';
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';
import { createEmbeddedRunner, type EmbeddedRunnerDeps } from '../../../../runner/src/embedded-runner.ts';
import { parseFlow } from '../../app/execution/harness.ts';
import { MemoryKv, tempDir } from '../helpers.ts';

export function seed(name: string): string {
  return readFileSync(new URL(`../../../fixtures/flows/seeds/${name}.yaml`, import.meta.url), 'utf8');
}

export interface SeedRun {
  doc: ExecutionDocument;
  logs: LogEntry[];
  /** Outputs of the last run of a task. */
  outputs(taskId: string): Record<string, unknown>;
}

export async function seedService(
  options: { secrets?: Record<string, string>; namespaceFiles?: EmbeddedRunnerDeps['namespaceFiles'] } = {},
) {
  const dir = await tempDir('osprey-seeds-');
  const storage = new LocalFolderStorage(dir);
  const kv = new MemoryKv();
  const secrets = options.secrets ?? {};
  let service: LocalExecutionService | undefined;
  const runner = createEmbeddedRunner({
    storage,
    kv,
    ...(options.namespaceFiles === undefined ? {} : { namespaceFiles: options.namespaceFiles }),
    render: (job, template) => service!.renderForJob(job, template),
    execution: (id) => service!.summary(id),
  });
  service = createLocalExecutionService({
    runner,
    storage,
    kv,
    secrets: { get: async (_namespace, name) => secrets[name] },
    flows: { get: async () => undefined },
  });
  const started = service;
  return {
    storage,
    /** Run a flow: YAML parsed as it is, or a flow validated as `osprey run` validates it. */
    async run(flow: string | Flow, request: Omit<StartRequest, 'flow'> = {}): Promise<SeedRun> {
      const parsed = typeof flow === 'string' ? parseFlow(flow) : flow;
      const execution = await started.start({ flow: parsed, ...request });
      const doc = await started.waitForTerminal(execution.id);
      const logs = await started.logs(doc.id);
      return {
        doc,
        logs,
        outputs: (taskId) => doc.taskRunList.filter((r) => r.taskId === taskId).at(-1)?.outputs ?? {},
      };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every log line, for assertion messages. */
export function transcript(run: SeedRun): string {
  return run.logs.map((l) => `${l.taskId ?? '-'} ${l.level} ${l.message}`).join('\n');
}
