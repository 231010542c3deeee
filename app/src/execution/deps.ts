/** What the local executor is built from (the factory fills the optional parts). */

import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import type { JobRunner } from '../../../protocol/src/job.ts';
import type { Clock } from './clock.ts';
import type { Environment } from './context.ts';
import type { FlowRepository, KvStore, SecretStore } from './contract.ts';
import type { ExecutionStore } from './store.ts';

export interface LocalExecutionDeps {
  runner: JobRunner;
  storage: InternalStorage;
  kv: KvStore;
  secrets: SecretStore;
  flows: FlowRepository;
  clock?: Clock;
  environment?: Environment;
  /** Defaults to an in-memory store. */
  store?: ExecutionStore;
  /** Id generator (22-char base62 by default); tests pass a sequential one. */
  newId?: () => string;
  /** In [0, 1): jitter for random retry intervals. */
  random?: () => number;
  /**
   * FILE inputs given as a path are read from this machine's disk. Only for `osprey run`, where the
   * caller is the machine's user; a server must never read a path a request names.
   */
  localFileInputs?: boolean;
}

export type ExecutorDeps = Required<Omit<LocalExecutionDeps, 'environment'>> & { environment: Environment };
