/**
 * `io.kestra.plugin.core.storage.Concat`: concatenate `files` (a list of URIs, or a JSON string of
 * one, as `{{ outputs.split.uris }}` renders) with an optional `separator`; output `uri`. Files are
 * streamed one after another, so large files are not held in memory.
 */
import { Readable } from 'node:stream';
import {
  type RunnableTask,
  type TaskContext,
  TaskFailure,
} from '../../../../../protocol/src/task-contract.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';
import { dotted, scopeOf, withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.Concat';

export const concatTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const files = uriList(p);
    const separator = p.optionalString('separator');
    const extension = dotted(p.optionalString('extension') ?? '.tmp');
    return withStorage(ctx.run.taskId, async () => {
      // Fail before writing anything when an input is missing.
      for (const f of files) {
        if (!(await ctx.storage.exists(f))) {
          throw new TaskFailure(`task '${ctx.run.taskId}': internal storage file '${f}' does not exist`, {
            retryable: false,
          });
        }
      }
      const uri = await ctx.storage.put(
        scopeOf(ctx.run),
        `${ctx.run.taskId}${extension}`,
        Readable.from(chunks(ctx, files, separator)),
      );
      return { state: 'SUCCESS', outputs: { uri } };
    });
  },
};

async function* chunks(
  ctx: TaskContext,
  files: string[],
  separator: string | undefined,
): AsyncGenerator<Buffer> {
  for (const [i, f] of files.entries()) {
    if (i > 0 && separator !== undefined) yield Buffer.from(separator);
    for await (const chunk of await ctx.storage.open(f)) {
      ctx.signal.throwIfAborted();
      yield chunk as Buffer;
    }
  }
}

function uriList(p: PropertyReader): string[] {
  let files = p.required('files');
  if (typeof files === 'string') {
    try {
      files = JSON.parse(files);
    } catch {
      // A single URI written as a plain string.
      files = [files];
    }
  }
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string')) {
    return p.fail('files', 'must be a non-empty list of internal storage URIs (or a JSON string of one)');
  }
  return files as string[];
}
