/**
 * Which namespace files a job sees: a job pinned to a commit of a repository (`source.repository` +
 * `source.sha`) reads them from the git mirror at that SHA; otherwise the local repository's working
 * tree (`osprey run`, `osprey dev`) answers. This is the `namespaceFiles` service of the embedded
 * runner (`createEmbeddedRunner({ namespaceFiles: namespaceFilesForJobs({ ... }) })`).
 */
import type { TaskJob } from '../../../protocol/src/job.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import type { GitCredential, GitMirrorCache, GitNamespaceFiles } from './git-namespace-files.ts';
import type { NamespaceFilesProvider } from './namespace-files.ts';

export interface JobNamespaceFilesOptions {
  /** Git mirrors for jobs pinned to a commit. */
  git?: GitMirrorCache;
  /**
   * The clone URL of the job's repository; the remote runner gets it with the claimed job
   * (`ClaimedJob.git.url`, credential included). Default: `job.source.repository`.
   */
  cloneUrl?(job: TaskJob): string | undefined;
  /** The short-lived credential the app handed out with the job, when it is not in the clone URL. */
  credential?(job: TaskJob): GitCredential | undefined;
  /** Files for jobs without a pinned commit (or when git is not configured). */
  local?: NamespaceFilesProvider;
}

const KEEP = 64;

export function namespaceFilesForJobs(
  options: JobNamespaceFilesOptions,
): (namespace: string, job: TaskJob) => Promise<Map<string, Buffer>> {
  const snapshots = new Map<string, GitNamespaceFiles>();
  return async (namespace, job) => {
    const repository = options.cloneUrl?.(job) ?? job.source?.repository;
    const sha = job.source?.sha;
    if (options.git !== undefined && repository !== undefined && sha !== undefined) {
      const key = `${repository}@${sha}`;
      let files = snapshots.get(key);
      if (files === undefined) {
        const credential = options.credential?.(job);
        files = options.git.at({ repository, sha, ...(credential === undefined ? {} : { credential }) });
        snapshots.set(key, files);
        if (snapshots.size > KEEP) snapshots.delete(snapshots.keys().next().value as string);
      }
      return files.read(namespace);
    }
    if (options.local !== undefined) return options.local.read(namespace);
    throw new TaskFailure(
      `namespace files of ${namespace}: job ${job.jobId} has no pinned commit and this runner has no local repository; start the execution from a repository`,
      { retryable: false },
    );
  };
}
