/**
 * Flows of a local folder (default `flows/` of the repository) for `osprey run`: subflows and flow
 * triggers find their target by namespace and id. Files are validated like `osprey validate` does;
 * invalid ones are skipped and kept in `problems` so a missing subflow can be explained.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatIssue } from '../../../flows-schema/src/issue.ts';
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import {
  type ValidateOptions,
  validateFlowSource,
} from '../../../flows-schema/src/validate/validate-flow.ts';
import type { FlowRepository } from '../execution/contract.ts';

export interface LocalFlow {
  flow: Flow;
  /** Path relative to the repository root (or the flows folder). */
  file: string;
}

export class LocalFlowRepository implements FlowRepository {
  readonly #dir: string;
  readonly #root: string;
  #index: Promise<Map<string, LocalFlow>> | undefined;
  readonly #problems: string[] = [];
  readonly #context: ValidateOptions;

  /**
   * `dir`: the flows folder; `root`: what file names in messages are relative to; `context`: the
   * repository's namespace pluginDefaults and templates (`repositoryContext`).
   */
  constructor(dir: string, root: string = dir, context: ValidateOptions = {}) {
    this.#dir = dir;
    this.#root = root;
    this.#context = context;
  }

  async get(namespace: string, flowId: string): Promise<Flow | undefined> {
    return (await this.#load()).get(key(namespace, flowId))?.flow;
  }

  async list(): Promise<LocalFlow[]> {
    return [...(await this.#load()).values()];
  }

  /** `file:line:col: message` lines of the files that could not be loaded. */
  async problems(): Promise<string[]> {
    await this.#load();
    return [...this.#problems];
  }

  #load(): Promise<Map<string, LocalFlow>> {
    this.#index ??= this.#scan();
    return this.#index;
  }

  async #scan(): Promise<Map<string, LocalFlow>> {
    const index = new Map<string, LocalFlow>();
    for (const path of await yamlFiles(this.#dir)) {
      const file = relative(this.#root, path) || path;
      const { flow, issues } = validateFlowSource(await readFile(path, 'utf8'), undefined, this.#context);
      if (flow === undefined) {
        this.#problems.push(...issues.filter((i) => i.severity === 'error').map((i) => formatIssue(file, i)));
        continue;
      }
      const k = key(flow.namespace, flow.id);
      const other = index.get(k);
      if (other !== undefined) {
        this.#problems.push(
          `${file}:1:1: flow ${flow.namespace}.${flow.id} is also declared in ${other.file}; keep one of them`,
        );
        continue;
      }
      index.set(k, { flow, file });
    }
    return index;
  }
}

function key(namespace: string, flowId: string): string {
  return `${namespace}\u0000${flowId}`;
}

async function yamlFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
