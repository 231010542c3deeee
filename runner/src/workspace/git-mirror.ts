/**
 * A cached bare mirror of one repository (`<cache>/<host>/<owner>/<repo>.git`), filled lazily with
 * exactly what tasks need: `git fetch --depth=1 --filter=blob:none origin <sha>` brings the commit
 * and its trees, then only the blobs of the requested paths are fetched. A fetched commit is pinned
 * under `refs/osprey/pinned/<sha>`, so a later task at that SHA skips the network. Fetches into one
 * mirror are serialised (this process and others on the machine); reads run concurrently.
 *
 * The credential never touches the disk or the command line: it travels as an `http.extraHeader`
 * through git's environment (`GIT_CONFIG_*`), and the stored remote URL carries no user info.
 */
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { withFileLock } from './file-lock.ts';
import { redact, translateGitError } from './git-errors.ts';
import type { GitCredential } from './git-url.ts';

export type { GitCredential } from './git-url.ts';

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

const GUARDED_ENV = ['GIT_TERMINAL_PROMPT', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0'];
const FETCH_CHUNK = 200;

export class GitMirror {
  readonly path: string;
  readonly #url: string;
  readonly #credential: GitCredential | undefined;

  constructor(path: string, url: string, credential?: GitCredential) {
    this.path = path;
    this.#url = url;
    this.#credential = credential;
  }

  /** The repository as users see it in messages: the URL without credentials. */
  get repository(): string {
    return this.#url;
  }

  /** Make sure `sha` and the blobs of `paths` (folders or files, at that commit) are in the mirror. */
  async ensure(sha: string, paths: readonly string[]): Promise<void> {
    if ((await this.#pinned(sha)) && (await this.#missingBlobs(sha, paths)).length === 0) return;
    await mkdir(dirname(this.path), { recursive: true });
    await withFileLock(`${this.path}.osprey-lock`, async () => {
      await this.#init();
      if (!(await this.#pinned(sha))) {
        await this.#run(['fetch', '--depth=1', '--filter=blob:none', '--no-tags', 'origin', sha], sha);
        await this.#run(['update-ref', `refs/osprey/pinned/${sha}`, sha], sha);
      }
      const missing = await this.#missingBlobs(sha, paths);
      for (let i = 0; i < missing.length; i += FETCH_CHUNK) {
        await this.#run(
          [
            '-c',
            'fetch.negotiationAlgorithm=noop',
            'fetch',
            '--no-tags',
            '--no-write-fetch-head',
            '--filter=blob:none',
            'origin',
            ...missing.slice(i, i + FETCH_CHUNK),
          ],
          sha,
        );
      }
    });
  }

  /** Entries under `path` at `sha` (recursive), blobs of every mode. */
  async list(sha: string, path: string): Promise<TreeEntry[]> {
    const out = await this.#run(['ls-tree', '-r', '-z', '--full-tree', sha, '--', path], sha);
    const entries: TreeEntry[] = [];
    for (const record of out.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      if (mode === undefined || type === undefined || oid === undefined) continue;
      entries.push({ mode, type, oid, path: record.slice(tab + 1) });
    }
    return entries;
  }

  /** Blob contents by object id, in one `git cat-file --batch`. */
  async read(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const blobs = new Map<string, Buffer>();
    if (oids.length === 0) return blobs;
    const git = this.#git({ input: `${oids.join('\n')}\n` });
    let out: Buffer;
    try {
      out = (await git.binaryCatFile(['--batch'])) as Buffer;
    } catch (e) {
      throw this.#translate(e);
    }
    let at = 0;
    while (at < out.length) {
      const eol = out.indexOf(0x0a, at);
      if (eol < 0) break;
      const header = out.subarray(at, eol).toString('utf8').split(' ');
      const [oid, type, size] = header;
      if (type === 'missing' || oid === undefined || size === undefined) {
        throw this.#translate(new Error(`fatal: object ${oid} is missing from the mirror ${this.path}`));
      }
      const length = Number(size);
      blobs.set(oid, out.subarray(eol + 1, eol + 1 + length));
      at = eol + 1 + length + 1;
    }
    return blobs;
  }

  async #init(): Promise<void> {
    if (await exists(join(this.path, 'HEAD'))) {
      const current = (await this.#run(['config', '--get', 'remote.origin.url']).catch(() => '')).trim();
      if (current !== this.#url) {
        await this.#run(
          current === ''
            ? ['remote', 'add', 'origin', this.#url]
            : ['remote', 'set-url', 'origin', this.#url],
        );
      }
      return;
    }
    await mkdir(this.path, { recursive: true });
    await this.#run(['init', '--bare', '--quiet']);
    await this.#run(['config', 'gc.auto', '0']);
    await this.#run(['remote', 'add', 'origin', this.#url]);
  }

  async #pinned(sha: string): Promise<boolean> {
    if (!(await exists(join(this.path, 'HEAD')))) return false;
    const out = await this.#run(['for-each-ref', '--format=%(objectname)', `refs/osprey/pinned/${sha}`]);
    return out.trim() !== '';
  }

  /** Blobs under `paths` at `sha` that a blob-less fetch left out (`?` lines of rev-list). */
  async #missingBlobs(sha: string, paths: readonly string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    const out = await this.#run(['rev-list', '--objects', '--missing=print', sha, '--', ...paths], sha);
    return out
      .split('\n')
      .filter((line) => line.startsWith('?'))
      .map((line) => line.slice(1).trim());
  }

  async #run(args: string[], sha?: string): Promise<string> {
    try {
      return await this.#git().raw(args);
    } catch (e) {
      throw this.#translate(e, sha);
    }
  }

  #git(options: { input?: string } = {}): SimpleGit {
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      LC_ALL: 'C',
      GIT_TERMINAL_PROMPT: '0',
    };
    if (this.#credential !== undefined) {
      const user = this.#credential.username ?? 'x-access-token';
      const basic = Buffer.from(`${user}:${this.#credential.token}`).toString('base64');
      Object.assign(env, {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
      });
    }
    const input = options.input;
    return simpleGit({
      baseDir: this.path,
      allowEnvironment: GUARDED_ENV,
      // GIT_CONFIG_COUNT carries only our http.extraHeader, set above; nothing from the flow.
      unsafe: { allowUnsafeConfigEnvCount: true },
      maxConcurrentProcesses: 4,
      ...(input === undefined ? {} : { input: () => input }),
    }).env(env);
  }

  #translate(e: unknown, sha?: string) {
    const token = this.#credential?.token;
    const secrets =
      token === undefined
        ? []
        : [
            token,
            Buffer.from(`${this.#credential?.username ?? 'x-access-token'}:${token}`).toString('base64'),
          ];
    return translateGitError(e, { repository: redact(this.#url, secrets), secrets, ...(sha ? { sha } : {}) });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
