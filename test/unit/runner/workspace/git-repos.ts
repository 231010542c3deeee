/** Real git repositories in temp folders for the workspace tests: a bare origin and commits made with simple-git. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleGit } from 'simple-git';

export interface Origin {
  /** The bare repository (a local path, usable as a clone URL). */
  url: string;
  /** Commit `files` (path → content, null deletes, {link} makes a symlink) and push; returns the SHA. */
  commit(files: Record<string, string | null | { link: string }>, message?: string): Promise<string>;
  root: string;
  cleanup(): Promise<void>;
}

export async function origin(): Promise<Origin> {
  const root = await mkdtemp(join(tmpdir(), 'osprey-git-'));
  const url = join(root, 'origin.git');
  const work = join(root, 'work');
  await mkdir(url);
  await simpleGit(url).init(true);
  // What GitHub allows: partial fetches and fetching any reachable commit by SHA.
  await simpleGit(url).addConfig('uploadpack.allowFilter', 'true');
  await simpleGit(url).addConfig('uploadpack.allowAnySHA1InWant', 'true');
  await mkdir(work);
  const git = simpleGit(work);
  await git.init();
  await git.addConfig('user.email', 'dev@example.com');
  await git.addConfig('user.name', 'Dev');
  await git.addRemote('origin', url);
  let n = 0;
  return {
    url,
    root,
    async commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        const target = join(work, path);
        await rm(target, { force: true });
        if (content === null) continue;
        await mkdir(dirname(target), { recursive: true });
        if (typeof content === 'string') await writeFile(target, content);
        else await symlink(content.link, target);
      }
      await git.add(['-A']);
      await git.commit(message ?? `commit ${++n}`);
      await git.push('origin', 'HEAD:refs/heads/main', ['--force']);
      return (await git.revparse(['HEAD'])).trim();
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A temp folder removed when the test ends. */
export async function scratch(t: { after(fn: () => Promise<void>): void }, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
