/**
 * One executor wired for a test: fake clock, fake runner, in-memory KV, secrets, storage and
 * flows, sequential ids. `run(yaml)` starts a flow and lets virtual time pass until it is finished.
 */
import { Readable } from 'node:stream';
import YAML from 'yaml';
import type { ExecutionDocument, LogEntry } from '../../../../app/src/execution/contract.ts';
import {
  createLocalExecutionService,
  type LocalExecutionService,
} from '../../../../app/src/execution/local.ts';
import type { Flow } from '../../../../flows-schema/src/schema/flow.ts';
import { Flow as FlowSchema } from '../../../../flows-schema/src/schema/flow.ts';
import type { InternalStorage } from '../../../../protocol/src/internal-storage.ts';
import { FakeClock, flush } from '../../../support/fake-clock.ts';
import { FakeRunner, type Script } from './fake-runner.ts';

export function parseFlow(yaml: string): Flow {
  const parsed = FlowSchema.safeParse(YAML.parse(yaml));
  if (!parsed.success) throw new Error(`invalid test flow: ${JSON.stringify(parsed.error.issues, null, 1)}`);
  return parsed.data as Flow;
}

export function memoryStorage(): InternalStorage & { files: Map<string, Buffer> } {
  const files = new Map<string, Buffer>();
  let n = 0;
  return {
    files,
    async put(scope, name, data) {
      const uri = `kestra:///${scope.namespace.replaceAll('.', '/')}/${scope.flowId}/executions/${scope.executionId}/${++n}-${name}`;
      files.set(uri, Buffer.isBuffer(data) ? data : Buffer.from(String(data)));
      return uri;
    },
    async get(uri) {
      const f = files.get(uri);
      if (!f) throw new Error(`no file ${uri}`);
      return f;
    },
    async open(uri) {
      const f = files.get(uri);
      if (!f) throw new Error(`no file ${uri}`);
      return Readable.from([f]);
    },
    exists: async (uri) => files.has(uri),
    size: async (uri) => files.get(uri)?.length ?? 0,
    delete: async (uri) => files.delete(uri),
  };
}

export interface HarnessOptions {
  scripts?: Record<string, Script>;
  flows?: string[];
  kv?: Record<string, Record<string, unknown>>;
  secrets?: Record<string, Record<string, string>>;
}

export function harness(options: HarnessOptions = {}) {
  const clock = new FakeClock();
  const runner = new FakeRunner(clock, options.scripts);
  const flows = new Map((options.flows ?? []).map(parseFlow).map((f) => [`${f.namespace}/${f.id}`, f]));
  const kvData = new Map(Object.entries(options.kv ?? {}).map(([ns, m]) => [ns, new Map(Object.entries(m))]));
  let ids = 0;
  const service: LocalExecutionService = createLocalExecutionService({
    runner,
    storage: memoryStorage(),
    kv: {
      get: async (ns, key) => (kvData.get(ns)?.has(key) ? { value: kvData.get(ns)!.get(key) } : undefined),
      set: async (ns, key, value) =>
        void (kvData.get(ns) ?? kvData.set(ns, new Map()).get(ns)!).set(key, value),
      delete: async (ns, key) => kvData.get(ns)?.delete(key) ?? false,
      keys: async (ns) => [...(kvData.get(ns)?.keys() ?? [])],
    },
    secrets: { get: async (ns, name) => options.secrets?.[ns]?.[name] },
    flows: { get: async (ns, id) => flows.get(`${ns}/${id}`) },
    clock,
    environment: { name: 'test', url: 'http://osprey.test' },
    newId: () => `id${String(++ids).padStart(4, '0')}`,
    random: () => 0.5,
  });

  /** Start a flow and let virtual time run (at most `maxMs`) until it is finished. */
  async function run(
    yaml: string | Flow,
    inputs: Record<string, unknown> = {},
    maxMs = 3_600_000,
  ): Promise<ExecutionDocument> {
    const flow = typeof yaml === 'string' ? parseFlow(yaml) : yaml;
    const started = await service.start({ flow, inputs });
    return settle(started.id, maxMs);
  }

  /** Let virtual time pass in steps until the execution is finished (or `maxMs` passed). */
  async function settle(id: string, maxMs = 3_600_000): Promise<ExecutionDocument> {
    let finished: ExecutionDocument | undefined;
    void service.waitForTerminal(id).then((d) => {
      finished = d;
    });
    await flush();
    for (let t = 0; finished === undefined && t < maxMs; t += 100) await clock.advance(100);
    return finished ?? (await service.get(id))!;
  }

  async function messages(id: string, level?: LogEntry['level']): Promise<string[]> {
    return (await service.logs(id))
      .filter((l) => level === undefined || l.level === level)
      .map((l) => l.message);
  }

  return { clock, runner, service, run, settle, messages };
}

/** State of the last task run of `taskId`. */
export function stateOf(doc: ExecutionDocument, taskId: string): string | undefined {
  return doc.taskRunList.filter((t) => t.taskId === taskId).at(-1)?.state.current;
}

export function runsOf(doc: ExecutionDocument, taskId: string) {
  return doc.taskRunList.filter((t) => t.taskId === taskId);
}
