/**
 * What the executor holds in memory for an execution besides its stored state: the pinned flow,
 * the secrets to mask, running jobs, armed timers and working directories. None of it needs to
 * survive a restart: timers are in the state, jobs are retried, masks are rebuilt on render.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { logSecrets } from '../../../protocol/src/logger.ts';
import { createMasker, type Masker } from '../../../protocol/src/masking.ts';
import type { ExecutionState } from '../engine/index.ts';
import type { TimerHandle } from './clock.ts';

export interface Live {
  flow: Flow;
  secrets: Set<string>;
  mask: Masker;
  jobs: Map<string, AbortController>;
  timers: Map<string, TimerHandle>;
  /** Affinity keys of WorkingDirectory task runs whose children were dispatched. */
  workDirs: Set<string>;
  /** Events of one execution are applied one at a time, in order. */
  chain: Promise<unknown>;
  /** The last saved state (subscribers' log events carry it). */
  last?: ExecutionState;
}

export function createLive(flow: Flow): Live {
  return {
    flow,
    secrets: new Set(),
    mask: createMasker([]),
    jobs: new Map(),
    timers: new Map(),
    workDirs: new Set(),
    chain: Promise.resolve(),
  };
}

/** Remember a resolved secret; everything logged or stored afterwards is masked with it. */
export function addSecret(live: Live, value: string): void {
  if (value === '' || live.secrets.has(value)) return;
  live.secrets.add(value);
  logSecrets.register(value);
  live.mask = createMasker([...live.secrets]);
}
