/**
 * Creating executions: inputs parsed and validated first (a refused start creates nothing), then
 * the flow's concurrency limit decides RUN, QUEUE, CANCEL or FAIL. Admission decisions of one flow
 * are taken one at a time, so two starts cannot both see the last free slot.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import {
  admit,
  createExecution,
  type EngineEvent,
  type ExecutionState,
  isTerminal,
} from '../engine/index.ts';
import { InputsRefused, type StartRequest } from './contract.ts';
import type { CreateOptions, ExecutorHost } from './host.ts';
import { parseInputs } from './inputs/parse-inputs.ts';
import { addSecret, createLive, type Live } from './live.ts';

export type AdmissionHost = Pick<ExecutorHost, 'deps' | 'enqueue'> & {
  adopt(id: string, live: Live): void;
  /**
   * Save a new execution and apply its first event (the durable service does both in one
   * transaction, so a crash cannot leave an execution CREATED).
   */
  begin(execution: ExecutionState, flow: Flow, event: EngineEvent): Promise<ExecutionState>;
};

/** Runs admission decisions of one key (a flow) one at a time: in-process, or across app replicas. */
export interface SerialLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

const flowKey = (flow: Flow) => `${flow.namespace}/${flow.id}`;

/** Counts against the limit: started and not finished (queued ones wait outside it). */
function active(e: ExecutionState): boolean {
  return !isTerminal(e.state) && e.state !== 'QUEUED' && e.state !== 'CREATED';
}

export async function createAndAdmit(
  host: AdmissionHost,
  lock: SerialLock,
  request: StartRequest,
  options: CreateOptions,
): Promise<ExecutionState> {
  const { flow } = request;
  const { deps } = host;
  if (flow.disabled === true)
    throw new Error(`Flow ${flow.namespace}.${flow.id} is disabled; set disabled: false to run it`);
  const id = options.id ?? deps.newId();
  const live = createLive(flow);
  let inputs = options.parsedInputs;
  if (inputs === undefined) {
    const parsed = await parseInputs(flow.inputs, request.inputs ?? {}, {
      onSecret: (v) => addSecret(live, v),
      storeFile: (name, raw) => storeFileInput(host, flow, id, name, raw),
    });
    if (parsed.problems.length > 0) throw new InputsRefused(parsed.problems);
    inputs = parsed.values;
  }
  const ex = createExecution(flow, {
    id,
    now: deps.clock.now(),
    inputs,
    ...(request.labels ? { labels: request.labels } : {}),
    ...(request.trigger ? { trigger: request.trigger } : {}),
    ...(request.source ? { source: request.source } : {}),
    ...(options.parentId ? { parentId: options.parentId } : {}),
    ...(options.originalId ? { originalId: options.originalId } : {}),
    ...(options.correlationId ? { correlationId: options.correlationId } : {}),
    ...(options.attemptNumber ? { attemptNumber: options.attemptNumber } : {}),
  });
  host.adopt(id, live);
  const decide = async () => {
    const others = flow.concurrency
      ? await deps.store.list({ namespace: flow.namespace, flowId: flow.id })
      : [];
    const running = others.filter((e) => e.id !== id && active(e)).length;
    const why = `Concurrency limit of ${flow.concurrency?.limit} running executions reached`;
    const events: Record<ReturnType<typeof admit>, EngineEvent> = {
      RUN: { type: 'start' },
      QUEUE: { type: 'queue' },
      CANCEL: { type: 'refuse', state: 'CANCELLED', reason: `${why}; execution cancelled` },
      FAIL: { type: 'refuse', state: 'FAILED', reason: `${why}; execution failed` },
    };
    return host.begin(ex, flow, events[admit(flow, running)]);
  };
  // Without a limit there is no decision to serialise.
  return flow.concurrency === undefined ? decide() : lock.run(flowKey(flow), decide);
}

/** Start queued executions of a flow while it is under its concurrency limit. */
export async function dequeue(host: AdmissionHost, lock: SerialLock, flow: Flow): Promise<void> {
  const limit = flow.concurrency?.limit;
  if (limit === undefined) return;
  await lock.run(flowKey(flow), async () => {
    const all = await host.deps.store.list({ namespace: flow.namespace, flowId: flow.id });
    let running = all.filter(active).length;
    for (const queued of all.filter((e) => e.state === 'QUEUED')) {
      if (running >= limit) break;
      running++;
      await host.enqueue(queued.id, { type: 'start' });
    }
  });
}

/**
 * A FILE input: uploaded bytes go to internal storage and its URI is the value; a `kestra://` URI
 * must be a file of the flow's own namespace; a path is read from disk only by `osprey run`
 * (`localFileInputs`), never by a server, where the path would come from a request.
 */
async function storeFileInput(
  host: AdmissionHost,
  flow: Flow,
  executionId: string,
  name: string,
  raw: unknown,
): Promise<string> {
  const scope = { namespace: flow.namespace, flowId: flow.id, executionId };
  const { storage } = host.deps;
  if (Buffer.isBuffer(raw)) return storage.put(scope, name, raw);
  const value = String(raw);
  if (value.startsWith('kestra://')) {
    const own = `kestra:///${flow.namespace.replaceAll('.', '/')}/`;
    const normalised = value.replace(/^kestra:\/\/(?!\/)/, 'kestra:///');
    if (!normalised.startsWith(own) || normalised.includes('/../')) {
      throw new Error(
        `${value} is not a file of namespace ${flow.namespace}; pass a file of this namespace or upload the file`,
      );
    }
    if (!(await storage.exists(normalised))) throw new Error(`${value} does not exist in internal storage`);
    return normalised;
  }
  if (!host.deps.localFileInputs) {
    throw new Error(
      "a FILE input must be an uploaded file (multipart form part) or a kestra:/// URI of the flow's namespace; paths are not read on the server",
    );
  }
  const path = value.replace(/^file:\/\//, '');
  return storage.put(scope, basename(path), await readFile(path));
}
