/**
 * The runner side of the end-to-end tests: before each task, namespace files are checked out with
 * simple-git from the local bare repository at the execution's pinned SHA (the job's `source.sha`),
 * then the embedded runner runs the task with them. Remote runners and their git workspace are built
 * elsewhere; this stands in for them with the same inputs (a clone URL and a SHA).
 *
 * Script tasks are not implemented by the runner yet, so `io.kestra.plugin.scripts.shell.Commands`
 * is a test plugin here that understands `cat <namespace file>` only.
 */
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { createEmbeddedRunner } from '../../../../runner/src/embedded-runner.ts';
import type { JobRunner } from '../../../../runner/src/job.ts';
import type { InternalStorage } from '../../../../runner/src/storage/internal-storage.ts';
import { type KvStore, type RunnableTask, TaskFailure } from '../../../../runner/src/task-contract.ts';
import { taskRegistry } from '../../../../runner/src/tasks/registry.ts';
import { LocalNamespaceFiles } from '../../../../runner/src/workspace/local-namespace-files.ts';
import { tempDir } from './harness.ts';

const SHELL = 'io.kestra.plugin.scripts.shell.Commands';

const catCommands: RunnableTask = {
  type: SHELL,
  async run(ctx) {
    const files = (await ctx.services.namespaceFiles?.(ctx.run.namespace)) ?? new Map<string, Buffer>();
    const commands = ([] as unknown[]).concat(ctx.properties['commands'] ?? []).map(String);
    let stdout = '';
    for (const command of commands) {
      const m = /^cat\s+(\S+)$/.exec(command.trim());
      if (m === null)
        throw new TaskFailure(`test shell supports 'cat <file>' only, not '${command}'`, {
          retryable: false,
        });
      const file = files.get(m[1] as string);
      if (file === undefined)
        throw new TaskFailure(`cat: ${m[1]}: No such file or directory`, { retryable: false });
      stdout += file.toString('utf8');
      ctx.logger.log('INFO', file.toString('utf8').trim());
    }
    return { state: 'SUCCESS', outputs: { stdout: stdout.trim(), exitCode: 0 } };
  },
};

export interface CheckoutRunner extends JobRunner {
  /** SHAs checked out so far, in order. */
  readonly checkouts: string[];
}

/** `bareDir` is asked for at the first job (the repository is created after the execution service). */
export function checkoutRunner(bareDir: () => string, storage: InternalStorage, kv: KvStore): CheckoutRunner {
  const worktrees = new Map<string, Promise<string>>();
  const checkouts: string[] = [];
  const checkout = (sha: string) => {
    let dir = worktrees.get(sha);
    if (dir === undefined) {
      dir = (async () => {
        const target = await tempDir(`osprey-checkout-${sha.slice(0, 7)}-`);
        await simpleGit().clone(bareDir(), target, ['--no-checkout', '--quiet']);
        await simpleGit(target).checkout(sha);
        checkouts.push(sha);
        return target;
      })();
      worktrees.set(sha, dir);
    }
    return dir;
  };
  const tasks = new Map(taskRegistry);
  tasks.set(SHELL, catCommands);
  return {
    checkouts,
    async run(job, hooks) {
      const sha = job.source?.sha;
      if (sha === undefined)
        throw new Error(
          `job ${job.jobId} has no pinned commit; executions from a repository always have one`,
        );
      const root = await checkout(sha);
      const runner = createEmbeddedRunner({
        storage,
        kv,
        namespaceFiles: (namespace) => new LocalNamespaceFiles(root).read(namespace),
        tasks,
      });
      return runner.run(job, hooks);
    },
  };
}
