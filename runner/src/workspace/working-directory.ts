/**
 * The working directory of one task run: a fresh temp folder (or the shared folder of a
 * `WorkingDirectory` parent), with namespace files laid down first — one namespace after the other,
 * later ones overriding earlier ones — then `inputFiles` on top. After the run, `outputFiles` globs
 * are uploaded. A private scratch folder next to it holds what the task must not see as its own
 * files (script bodies, tool shims). `dispose()` removes what this run created.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withWorkingDir } from '../../../flows-schema/src/expressions/working-dir.ts';
import type { TaskContext } from '../../../protocol/src/task-contract.ts';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';
import { confine, prepareParent } from './confine.ts';
import { inputFilesMap, writeInputFiles } from './input-files.ts';
import { fileFilter, type NamespaceFilesOptions, namespaceFilesOptions } from './namespace-files.ts';
import { outputFilesList, uploadOutputFiles } from './output-files.ts';

export interface WorkspaceSpec {
  /** The task's rendered `namespaceFiles` property. */
  namespaceFiles?: unknown;
  /** The task's rendered `inputFiles` property. */
  inputFiles?: unknown;
}

export class Workspace {
  /** The working directory the task runs in. */
  readonly path: string;
  /** A private folder for this run only (never shared, never uploaded). */
  readonly scratch: string;
  readonly #owned: boolean;
  readonly #ctx: TaskContext;

  constructor(path: string, scratch: string, owned: boolean, ctx: TaskContext) {
    this.path = path;
    this.scratch = scratch;
    this.#owned = owned;
    this.#ctx = ctx;
  }

  /** Upload the files matching the task's `outputFiles` globs: Kestra's `outputFiles` output. */
  async collectOutputFiles(raw: unknown): Promise<Record<string, string>> {
    const where = `task '${this.#ctx.run.taskId}': outputFiles`;
    const { run } = this.#ctx;
    return uploadOutputFiles(
      this.path,
      outputFilesList(raw, where),
      this.#ctx.storage,
      {
        namespace: run.namespace,
        flowId: run.flowId,
        executionId: run.executionId,
        taskId: run.taskId,
        taskRunId: run.taskRunId,
      },
      where,
    );
  }

  /** The task's context with `{{ workingDir }}` (rendered as a token) replaced by this folder's path. */
  resolve(ctx: TaskContext): TaskContext {
    return { ...ctx, properties: withWorkingDir(ctx.properties, this.path) };
  }

  async dispose(): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
    if (this.#owned) await rm(this.path, { recursive: true, force: true });
  }
}

export async function prepareWorkspace(ctx: TaskContext, spec: WorkspaceSpec = {}): Promise<Workspace> {
  const task = `task '${ctx.run.taskId}'`;
  const scratch = await mkdtemp(join(tmpdir(), 'osprey-scratch-'));
  const owned = ctx.workingDirectory === undefined;
  const path = ctx.workingDirectory ?? (await mkdtemp(join(tmpdir(), 'osprey-wd-')));
  const workspace = new Workspace(path, scratch, owned, ctx);
  try {
    await layDownFiles(ctx, path, spec, task);
    return workspace;
  } catch (e) {
    await workspace.dispose();
    throw e;
  }
}

/** What laying down files needs of a task's context. */
export type FilesContext = Pick<TaskContext, 'run' | 'logger' | 'storage' | 'services'>;

/**
 * Namespace files, then `inputFiles`, into `path`; `task` names the task in error messages. Used for
 * a task's own folder and, on a remote runner, for the shared folder of a WorkingDirectory.
 */
export async function layDownFiles(
  ctx: FilesContext,
  path: string,
  spec: WorkspaceSpec,
  task: string,
): Promise<void> {
  const options = namespaceFilesOptions(spec.namespaceFiles, ctx.run.namespace, `${task}: namespaceFiles`);
  if (options !== undefined) await layDownNamespaceFiles(ctx, path, options, task);
  const inputs = inputFilesMap(spec.inputFiles, `${task}: inputFiles`);
  await writeInputFiles(path, inputs, ctx.storage, `${task}: inputFiles`);
}

async function layDownNamespaceFiles(
  ctx: FilesContext,
  root: string,
  options: NamespaceFilesOptions,
  task: string,
): Promise<void> {
  const read = ctx.services.namespaceFiles;
  if (read === undefined) {
    throw new TaskFailure(
      `${task}: namespaceFiles is enabled but this runner has no namespace files (no local repository or git source was given); run from a repository, or remove namespaceFiles`,
      { retryable: false },
    );
  }
  const keep = fileFilter(options.include, options.exclude);
  const written = new Set<string>();
  let count = 0;
  for (const namespace of options.namespaces) {
    const files = await read(namespace);
    for (const [name, content] of files) {
      if (!keep(name)) continue;
      const relative = options.folderPerNamespace ? `${namespace}/${name}` : name;
      const where = `${task}: namespace file of ${namespace}`;
      if (written.has(relative) && !(await allowOverride(ctx, options, relative, namespace, task))) continue;
      const target = confine(root, relative, where);
      await prepareParent(root, target, where, relative);
      await writeFile(target, content);
      written.add(relative);
      count++;
    }
  }
  const overridden = count - written.size;
  ctx.logger.log(
    'DEBUG',
    `Namespace files: ${written.size} file(s) from ${options.namespaces.join(', ')}${overridden > 0 ? ` (${overridden} overridden by a later namespace)` : ''}`,
  );
}

/** `ifExists` decides what a later namespace does to a file an earlier one already wrote. */
async function allowOverride(
  ctx: FilesContext,
  options: NamespaceFilesOptions,
  path: string,
  namespace: string,
  task: string,
): Promise<boolean> {
  switch (options.ifExists) {
    case 'OVERWRITE':
      return true;
    case 'IGNORE':
      return false;
    case 'WARN':
      ctx.logger.log(
        'WARN',
        `Namespace file '${path}' from ${namespace} ignored: an earlier namespace has it`,
      );
      return false;
    case 'FAIL':
      throw new TaskFailure(
        `${task}: namespace file '${path}' exists in several namespaces and namespaceFiles.ifExists is FAIL; remove one copy or set ifExists: OVERWRITE`,
        { retryable: false },
      );
  }
}
