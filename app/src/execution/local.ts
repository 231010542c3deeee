/**
 * `createLocalExecutionService(deps)`: the executor wired for one process (`osprey run`, tests):
 * in-memory store, system clock and random ids unless the caller passes its own.
 */
import { systemClock } from './clock.ts';
import type { LocalExecutionDeps } from './deps.ts';
import { LocalExecutionService } from './executor.ts';
import { newId } from './ids.ts';
import { MemoryExecutionStore } from './memory-store.ts';

export type { LocalExecutionDeps } from './deps.ts';
export { LocalExecutionService } from './executor.ts';

export function createLocalExecutionService(deps: LocalExecutionDeps): LocalExecutionService {
  return new LocalExecutionService({
    runner: deps.runner,
    storage: deps.storage,
    kv: deps.kv,
    secrets: deps.secrets,
    flows: deps.flows,
    clock: deps.clock ?? systemClock,
    environment: deps.environment ?? {},
    store: deps.store ?? new MemoryExecutionStore(),
    newId: deps.newId ?? newId,
    random: deps.random ?? Math.random,
    localFileInputs: deps.localFileInputs ?? false,
  });
}
