/**
 * Per-task overhead of a flow of N sequential Log tasks, printed as ms per task:
 * 1. the engine alone: the pure step loop, each `run` command answered at once with SUCCESS;
 * 2. engine + executor + embedded runner in one process (in-memory store, real Log plugin).
 * Goals: ≤ 1 ms/task engine alone, ≤ 5 ms/task with the embedded runner.
 *
 *   npx node bench/engine-overhead.ts [N ...]
 */
import { performance } from 'node:perf_hooks';
import {
  createExecution,
  type EngineEvent,
  type ExecutionState,
  isFinished,
  step,
} from '../app/src/engine/index.ts';
import { createLocalExecutionService } from '../app/src/execution/local.ts';
import type { Flow } from '../flows-schema/src/schema/flow.ts';
import { Flow as FlowSchema } from '../flows-schema/src/schema/flow.ts';
import type { InternalStorage } from '../protocol/src/internal-storage.ts';
import { createEmbeddedRunner } from '../runner/src/embedded-runner.ts';

function logFlow(n: number): Flow {
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `log_${i}`,
    type: 'io.kestra.plugin.core.log.Log',
    message: `message ${i}`,
  }));
  return FlowSchema.parse({ id: `bench_${n}`, namespace: 'bench', tasks }) as Flow;
}

function engineAlone(flow: Flow): number {
  let ids = 0;
  const env = () => ({ now: Date.now(), newId: () => `id${++ids}`, random: () => 0.5 });
  const t0 = performance.now();
  let ex: ExecutionState = createExecution(flow, { id: 'bench', now: Date.now() });
  const queue: EngineEvent[] = [{ type: 'start' }];
  while (queue.length > 0) {
    const r = step(ex, flow, queue.shift()!, env());
    ex = r.execution;
    for (const c of r.commands) {
      if (c.kind === 'run')
        queue.push({ type: 'taskResult', taskRunId: c.taskRunId, attempt: c.attempt, state: 'SUCCESS' });
    }
  }
  if (!isFinished(ex) || ex.state !== 'SUCCESS') throw new Error(`engine bench ended ${ex.state}`);
  return performance.now() - t0;
}

const noStorage: InternalStorage = {
  put: async () => 'kestra:///bench',
  get: async () => Buffer.alloc(0),
  open: async () => {
    throw new Error('unused');
  },
  exists: async () => false,
  size: async () => 0,
  delete: async () => false,
};

async function withEmbeddedRunner(flow: Flow): Promise<number> {
  const kv = {
    get: async () => undefined,
    set: async () => {},
    delete: async () => false,
    keys: async () => [],
  };
  const service = createLocalExecutionService({
    runner: createEmbeddedRunner({ storage: noStorage, kv }),
    storage: noStorage,
    kv,
    secrets: { get: async () => undefined },
    flows: { get: async () => undefined },
  });
  const t0 = performance.now();
  const started = await service.start({ flow });
  const done = await service.waitForTerminal(started.id);
  const ms = performance.now() - t0;
  if (done.state.current !== 'SUCCESS') throw new Error(`embedded bench ended ${done.state.current}`);
  return ms;
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
for (const n of sizes.length > 0 ? sizes : [100, 1000]) {
  const flow = logFlow(n);
  engineAlone(flow);
  await withEmbeddedRunner(flow); // warm-up: JIT, module caches
  const engine = Math.min(...[0, 1, 2].map(() => engineAlone(flow)));
  const embedded = Math.min(await withEmbeddedRunner(flow), await withEmbeddedRunner(flow));
  console.log(
    `N=${String(n).padEnd(5)} engine alone: ${(engine / n).toFixed(3)} ms/task (${engine.toFixed(1)} ms)   ` +
      `engine + executor + embedded runner: ${(embedded / n).toFixed(3)} ms/task (${embedded.toFixed(1)} ms)`,
  );
}
