/**
 * The runner side of the end-to-end tests: the real embedded runner with the real plugins, whose
 * namespace files come from the runner's git workspace (a cached mirror fetched at the job's pinned
 * SHA) of the local bare repository that holds the same commits as the emulator.
 */

import type { InternalStorage } from '../../../../protocol/src/internal-storage.ts';
import type { JobRunner } from '../../../../protocol/src/job.ts';
import type { KvStore } from '../../../../protocol/src/task-contract.ts';
import { createEmbeddedRunner } from '../../../../runner/src/embedded-runner.ts';
import { GitMirrorCache } from '../../../../runner/src/workspace/git-namespace-files.ts';
import { namespaceFilesForJobs } from '../../../../runner/src/workspace/job-namespace-files.ts';

export interface CheckoutRunner extends JobRunner {
  /** Distinct SHAs whose namespace files were read, in order. */
  readonly checkouts: string[];
}

/** `bareDir` is asked for at the first job (the repository is created after the execution service). */
export function checkoutRunner(
  bareDir: () => string,
  storage: InternalStorage,
  kv: KvStore,
  cacheDir: string,
): CheckoutRunner {
  const checkouts: string[] = [];
  const files = namespaceFilesForJobs({ git: new GitMirrorCache({ cacheDir }), cloneUrl: () => bareDir() });
  const runner = createEmbeddedRunner({
    storage,
    kv,
    namespaceFiles: async (namespace, job) => {
      const sha = job.source?.sha;
      if (sha === undefined)
        throw new Error(
          `job ${job.jobId} has no pinned commit; executions from a repository always have one`,
        );
      if (!checkouts.includes(sha)) checkouts.push(sha);
      return files(namespace, job);
    },
  });
  return { checkouts, run: (job, hooks) => runner.run(job, hooks) };
}
