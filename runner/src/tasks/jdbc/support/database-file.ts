/**
 * The database file of an embedded-database task (DuckDB, SQLite): downloaded from internal storage
 * (`databaseUri` / `sqliteFile`), else the file `url` names (`jdbc:sqlite:myfile.db`, relative
 * paths inside the working directory), else a scratch file when `outputDbFile` must upload it,
 * else memory. After the query, `outputDbFile: true` uploads it as `databaseUri`.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { TaskContext } from '../../../../../protocol/src/task-contract.ts';
import { confine } from '../../../workspace/confine.ts';
import type { Workspace } from '../../../workspace/working-directory.ts';
import type { PropertyReader } from '../../support/properties.ts';
import { scopeOf, withStorage } from '../../support/storage.ts';

export interface DatabaseFileSpec {
  /** The property holding a kestra:// URI of a database file. */
  uriProperty: string;
  /** `jdbc:duckdb:`, `jdbc:sqlite:`. */
  urlPrefix: string;
  /** File name of the scratch copy and of the upload (`database.duckdb`). */
  fileName: string;
}

export async function databaseFile(
  ctx: TaskContext,
  p: PropertyReader,
  workspace: Workspace,
  spec: DatabaseFileSpec,
  outputDbFile: boolean,
): Promise<string> {
  const url = p.optionalString('url');
  const path = url?.startsWith(spec.urlPrefix) ? url.slice(spec.urlPrefix.length) : '';
  const named =
    path === '' || path === ':memory:'
      ? undefined
      : isAbsolute(path)
        ? path
        : confine(workspace.path, path, `task '${ctx.run.taskId}': url`);
  const uri = p.optionalString(spec.uriProperty);
  if (uri !== undefined) {
    const target = named ?? join(workspace.scratch, spec.fileName);
    await mkdir(dirname(target), { recursive: true });
    await withStorage(ctx.run.taskId, async () => {
      const local = ctx.storage.localPath?.(uri);
      if (local !== undefined && (await ctx.storage.exists(uri))) await copyFile(local, target);
      else await writeFile(target, await ctx.storage.get(uri));
    });
    return target;
  }
  if (named !== undefined) return named;
  if (outputDbFile) {
    const scratch = join(workspace.scratch, spec.fileName);
    await rm(scratch, { force: true });
    return scratch;
  }
  return ':memory:';
}

/** `databaseUri` (when `outputDbFile`) and `outputFiles`, the file outputs of the task. */
export async function databaseOutputs(
  ctx: TaskContext,
  p: PropertyReader,
  workspace: Workspace,
  database: string,
  spec: DatabaseFileSpec,
  outputDbFile: boolean,
): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  if (outputDbFile) {
    outputs['databaseUri'] = await ctx.storage.put(
      scopeOf(ctx.run),
      spec.fileName,
      createReadStream(database),
    );
  }
  if (p.has('outputFiles')) outputs['outputFiles'] = await workspace.collectOutputFiles(p.raw('outputFiles'));
  return outputs;
}
