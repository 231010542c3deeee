/**
 * Engine cost against execution size: per-task overhead at 100, 1,000 and 10,000 task runs for a
 * sequential flow (N Log tasks) and a ForEach (one Return task per value, 100 at a time), through
 * the in-process executor and embedded runner (what `osprey run` uses). A step that cost
 * O(all task runs) would show as a per-task figure growing with N; the goal is ≤ 2x the N=100 figure
 * at N=10,000.
 *
 *   npm run bench:scale            (or: npx node bench/engine-scale.ts 100 1000 10000)
 */
import { performance } from 'node:perf_hooks';
import { createLocalExecutionService } from '../app/src/execution/local.ts';
import { type Flow, Flow as FlowSchema } from '../flows-schema/src/schema/flow.ts';
import type { InternalStorage } from '../protocol/src/internal-storage.ts';
import { createEmbeddedRunner } from '../runner/src/embedded-runner.ts';

function sequential(n: number): Flow {
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `log_${i}`,
    type: 'io.kestra.plugin.core.log.Log',
    message: `message ${i}`,
  }));
  return FlowSchema.parse({ id: `seq_${n}`, namespace: 'bench', tasks }) as Flow;
}

/** N task runs: the ForEach run itself plus N - 1 Return runs. */
function forEach(n: number): Flow {
  const values = Array.from({ length: n - 1 }, (_, i) => String(i));
  return FlowSchema.parse({
    id: `each_${n}`,
    namespace: 'bench',
    tasks: [
      {
        id: 'loop',
        type: 'io.kestra.plugin.core.flow.ForEach',
        values,
        concurrencyLimit: 100,
        tasks: [{ id: 'r', type: 'io.kestra.plugin.core.debug.Return', format: '{{ taskrun.value }}' }],
      },
    ],
  }) as Flow;
}

const storage: InternalStorage = {
  put: async () => 'kestra:///bench',
  get: async () => Buffer.alloc(0),
  open: async () => {
    throw new Error('unused');
  },
  exists: async () => false,
  size: async () => 0,
  delete: async () => false,
};
const kv = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => false,
  keys: async () => [],
};

async function run(flow: Flow): Promise<number> {
  const service = createLocalExecutionService({
    runner: createEmbeddedRunner({ storage, kv }),
    storage,
    kv,
    secrets: { get: async () => undefined },
    flows: { get: async () => undefined },
  });
  const t0 = performance.now();
  const started = await service.start({ flow });
  const done = await service.waitForTerminal(started.id);
  const ms = performance.now() - t0;
  if (done.state.current !== 'SUCCESS') throw new Error(`${flow.id} ended ${done.state.current}`);
  if (done.taskRunList.length < flow.tasks.length) throw new Error(`${flow.id}: too few task runs`);
  return ms;
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const ns = sizes.length > 0 ? sizes : [100, 1000, 10000];
console.log('per-task overhead by execution size (engine + executor + embedded runner, in process)');
for (const [name, make] of [
  ['sequential', sequential],
  ['ForEach   ', forEach],
] as const) {
  let base: number | undefined;
  for (const n of ns) {
    const flow = make(n);
    await run(flow); // warm-up: JIT, module caches
    const ms = Math.min(await run(flow), await run(flow));
    const perTask = ms / n;
    base ??= perTask;
    console.log(
      `  ${name} N=${String(n).padEnd(6)} ${perTask.toFixed(3)} ms/task  (${ms.toFixed(0)} ms total, ${(perTask / base).toFixed(2)}x N=${ns[0]})`,
    );
  }
}
