/**
 * Reading one repository at a commit through the GitHub API (the same calls work on github.com, GitHub
 * Enterprise Server and the test emulator): changed files between two commits (compare), the whole
 * tree (`git/trees/SHA?recursive=1`), blobs (base64) and single files. Nothing is cloned.
 */
import { callGitHub } from '../github-errors.ts';
import type { BlobCache } from './blob-cache.ts';
import { type GitHubClient, repoParams } from './github-client.ts';
import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfigResult } from './repo-config.ts';

export const FileStatus = {
  added: 'added',
  modified: 'modified',
  removed: 'removed',
  renamed: 'renamed',
  copied: 'copied',
  changed: 'changed',
  unchanged: 'unchanged',
} as const;
export type FileStatus = (typeof FileStatus)[keyof typeof FileStatus];

export interface ChangedFile {
  path: string;
  status: FileStatus;
  /** The path before a rename. */
  previousPath?: string;
  /** Blob SHA at the head commit (absent for removed files). */
  blobSha?: string;
}

export interface Comparison {
  /** `behind`: head is an ancestor of base (an older commit); `diverged`: history was rewritten. */
  status: 'ahead' | 'behind' | 'identical' | 'diverged';
  files: ChangedFile[];
  /** False when GitHub capped the file list (300 files): scan the whole tree instead. */
  complete: boolean;
}

export interface TreeFile {
  path: string;
  blobSha: string;
}

/** GitHub lists at most this many files in a comparison. */
const COMPARE_FILE_CAP = 300;
const ZERO_SHA = /^0+$/;

export class RepositoryReader {
  readonly #client: GitHubClient;
  readonly #cache: BlobCache | undefined;
  readonly fullName: string;
  readonly #owner: string;
  readonly #repo: string;

  constructor(client: GitHubClient, fullName: string, cache?: BlobCache) {
    this.#client = client;
    this.#cache = cache;
    this.fullName = fullName;
    const { owner, repo } = repoParams(fullName);
    this.#owner = owner;
    this.#repo = repo;
  }

  readonly #trees = new Map<string, Promise<TreeFile[]>>();

  /** Files changed from `base` to `head` (three-dot: from their merge base), with renames. */
  async compare(base: string, head: string): Promise<Comparison> {
    const { data } = await callGitHub(
      `comparing ${base.slice(0, 7)}...${head.slice(0, 7)} in ${this.fullName}`,
      () =>
        this.#client.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
          owner: this.#owner,
          repo: this.#repo,
          basehead: `${base}...${head}`,
          per_page: 1,
        }),
    );
    const files: ChangedFile[] = (data.files ?? []).map((f) => ({
      path: f.filename,
      status: f.status,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      ...(f.status !== 'removed' && f.sha ? { blobSha: f.sha } : {}),
    }));
    return { status: data.status, files, complete: files.length < COMPARE_FILE_CAP };
  }

  /** Every file (blob) of the commit's tree; read once per commit by this reader (flows and templates). */
  tree(sha: string): Promise<TreeFile[]> {
    let tree = this.#trees.get(sha);
    if (tree === undefined) {
      tree = this.#readTree(sha);
      tree.catch(() => this.#trees.delete(sha));
      this.#trees.set(sha, tree);
    }
    return tree;
  }

  async #readTree(sha: string): Promise<TreeFile[]> {
    const { data } = await callGitHub(`listing the files of ${this.fullName} at ${sha.slice(0, 7)}`, () =>
      this.#client.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
        owner: this.#owner,
        repo: this.#repo,
        tree_sha: sha,
        recursive: '1',
      }),
    );
    if (data.truncated) {
      throw new Error(
        `${this.fullName} at ${sha.slice(0, 7)} has more files than GitHub lists in one tree; move flows into a smaller repository or set \`flows\` in ${REPO_CONFIG_PATH}`,
      );
    }
    const out: TreeFile[] = [];
    for (const entry of data.tree) {
      if (entry.type === 'blob' && entry.path !== undefined && entry.sha !== undefined)
        out.push({ path: entry.path, blobSha: entry.sha });
    }
    return out;
  }

  /** A blob's text (UTF-8). Blobs are content-addressed, so the cache is shared across repositories. */
  async blob(blobSha: string, pathForMessages: string): Promise<string> {
    const cached = this.#cache?.get(blobSha);
    if (cached !== undefined) return cached;
    const { data } = await callGitHub(
      `reading ${pathForMessages} (blob ${blobSha.slice(0, 7)}) in ${this.fullName}`,
      () =>
        this.#client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
          owner: this.#owner,
          repo: this.#repo,
          file_sha: blobSha,
        }),
    );
    const text =
      data.encoding === 'base64' ? Buffer.from(data.content, 'base64').toString('utf8') : data.content;
    this.#cache?.set(blobSha, text);
    return text;
  }

  /** One file at a commit, or undefined when it does not exist there. */
  async file(path: string, sha: string): Promise<{ text: string; blobSha: string } | undefined> {
    try {
      const { data } = await this.#client.request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner: this.#owner,
        repo: this.#repo,
        path,
        ref: sha,
      });
      if (Array.isArray(data) || data.type !== 'file') return undefined;
      const content = 'content' in data && typeof data.content === 'string' ? data.content : undefined;
      if (content !== undefined && content !== '') {
        const text = Buffer.from(content, 'base64').toString('utf8');
        this.#cache?.set(data.sha, text);
        return { text, blobSha: data.sha };
      }
      return { text: await this.blob(data.sha, path), blobSha: data.sha };
    } catch (error) {
      if ((error as { status?: unknown }).status === 404) return undefined;
      return callGitHub(`reading ${path} of ${this.fullName} at ${sha.slice(0, 7)}`, () =>
        Promise.reject(error),
      );
    }
  }

  /** `.osprey.yml` at the commit (defaults when absent). */
  async config(sha: string): Promise<RepoConfigResult> {
    const file = await this.file(REPO_CONFIG_PATH, sha);
    return parseRepoConfig(file?.text);
  }
}

/** `0000…` is GitHub's "no commit" (a branch created or deleted by the push). */
export function isZeroSha(sha: string | undefined): boolean {
  return sha === undefined || sha === '' || ZERO_SHA.test(sha);
}
