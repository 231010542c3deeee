/**
 * A repository written twice with identical commits: through the emulator's Git Data API (blobs,
 * trees, commits, refs — the app reads it and gets the webhooks) and into a real local bare git
 * repository (runners clone it with simple-git). Same tree, author, committer, dates and message
 * give the same SHA, which every commit asserts. Git runs asynchronously: the in-process emulator
 * must keep answering.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Api, expectStatus, ORG, tempDir } from './emulator.ts';

const AUTHOR = { name: 'Osprey Test', email: 'test@osprey.dev' };
const EPOCH = Date.UTC(2024, 0, 1, 0, 0, 0);

export class MirroredRepo {
  readonly name: string;
  readonly fullName: string;
  readonly bareDir: string;
  readonly #api: Api;
  readonly #files = new Map<string, Map<string, string>>();
  readonly #branches = new Set<string>(['main']);
  /** Blobs already in the emulator: each is sent once (the emulator allows 5000 calls an hour per token). */
  readonly #blobs = new Set<string>();
  #tick = 0;

  private constructor(api: Api, name: string, bareDir: string) {
    this.#api = api;
    this.name = name;
    this.fullName = `${ORG}/${name}`;
    this.bareDir = bareDir;
  }

  /**
   * An empty repository whose `main` branch gets a first commit holding `files`. The bare repository
   * is `bareDir` when given (created; e.g. where an `OSPREY_GIT_URL` template points), else a temp
   * folder.
   */
  static async create(
    api: Api,
    name: string,
    files: Record<string, string>,
    options: { bareDir?: string } = {},
  ): Promise<{ repo: MirroredRepo; sha: string }> {
    const bareDir = options.bareDir ?? (await tempDir(`osprey-${name}-`));
    await mkdir(bareDir, { recursive: true });
    await git(bareDir, ['init', '-q', '--bare', '-b', 'main']);
    const repo = new MirroredRepo(api, name, bareDir);
    const sha = await repo.#commit([], new Map(Object.entries(files)), 'initial commit');
    await git(bareDir, ['update-ref', 'refs/heads/main', sha]);
    await expectStatus(
      api('POST', `/repos/${repo.fullName}/git/refs`, { ref: 'refs/heads/main', sha }),
      [201],
    );
    return { repo, sha };
  }

  /** Files of a commit this object wrote. */
  files(sha: string): Map<string, string> {
    const files = this.#files.get(sha);
    if (files === undefined) throw new Error(`commit ${sha} was not written by this test`);
    return new Map(files);
  }

  /**
   * A commit on top of `parent` with `changes` (null deletes a file). Moves `branch` to it unless
   * `move` is false; creating a branch emits `create`, moving one emits `push`.
   */
  async commit(
    branch: string,
    parent: string,
    changes: Record<string, string | null>,
    message: string,
    move = true,
  ): Promise<string> {
    const files = this.files(parent);
    for (const [path, text] of Object.entries(changes)) {
      if (text === null) files.delete(path);
      else files.set(path, text);
    }
    const sha = await this.#commit([parent], files, message);
    if (move) await this.moveBranch(branch, sha);
    return sha;
  }

  /**
   * Moves `branch` in the bare repository first, then in the emulator (which emits the webhook), so
   * a runner told about the commit can always fetch it.
   */
  async moveBranch(branch: string, sha: string): Promise<void> {
    await git(this.bareDir, ['update-ref', `refs/heads/${branch}`, sha]);
    if (this.#branches.has(branch)) {
      await expectStatus(
        this.#api('PATCH', `/repos/${this.fullName}/git/refs/heads/${branch}`, { sha, force: true }),
        [200],
      );
    } else {
      await expectStatus(
        this.#api('POST', `/repos/${this.fullName}/git/refs`, { ref: `refs/heads/${branch}`, sha }),
        [201],
      );
      this.#branches.add(branch);
    }
  }

  async #commit(parents: string[], files: Map<string, string>, message: string): Promise<string> {
    const entries: Array<{ path: string; mode: string; type: string; sha: string }> = [];
    const index = join(this.bareDir, `index-${this.#tick}`);
    for (const [path, text] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const local = await git(this.bareDir, ['hash-object', '-w', '--stdin'], {}, text);
      if (!this.#blobs.has(local)) {
        const remote = await expectStatus(
          this.#api('POST', `/repos/${this.fullName}/git/blobs`, { content: text, encoding: 'utf-8' }),
          [201],
        );
        if (remote.body.sha !== local)
          throw new Error(`blob of ${path}: emulator ${remote.body.sha}, git ${local}`);
        this.#blobs.add(local);
      }
      entries.push({ path, mode: '100644', type: 'blob', sha: local });
      await git(this.bareDir, ['update-index', '--add', '--cacheinfo', `100644,${local},${path}`], {
        GIT_INDEX_FILE: index,
      });
    }
    const localTree = await git(this.bareDir, ['write-tree'], { GIT_INDEX_FILE: index });
    const tree = await expectStatus(
      this.#api('POST', `/repos/${this.fullName}/git/trees`, { tree: entries }),
      [201],
    );
    if (tree.body.sha !== localTree) throw new Error(`tree: emulator ${tree.body.sha}, git ${localTree}`);

    const at = new Date(EPOCH + ++this.#tick * 60_000);
    const person = { ...AUTHOR, date: at.toISOString().replace('.000Z', 'Z') };
    const remote = await expectStatus(
      this.#api('POST', `/repos/${this.fullName}/git/commits`, {
        message,
        tree: localTree,
        parents,
        author: person,
        committer: person,
      }),
      [201],
    );
    const stamp = `${Math.floor(at.getTime() / 1000)} +0000`;
    const local = await git(
      this.bareDir,
      ['commit-tree', localTree, ...parents.flatMap((p) => ['-p', p]), '-m', message],
      {
        GIT_AUTHOR_NAME: AUTHOR.name,
        GIT_AUTHOR_EMAIL: AUTHOR.email,
        GIT_AUTHOR_DATE: stamp,
        GIT_COMMITTER_NAME: AUTHOR.name,
        GIT_COMMITTER_EMAIL: AUTHOR.email,
        GIT_COMMITTER_DATE: stamp,
      },
    );
    if (remote.body.sha !== local)
      throw new Error(
        `commit '${message}': emulator ${remote.body.sha}, git ${local}; the two repositories diverged`,
      );
    this.#files.set(local, new Map(files));
    return local;
  }
}

function git(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout.trim());
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
