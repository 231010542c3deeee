/**
 * `io.kestra.plugin.core.storage.Split`: split the file `from` into several files, by `bytes`
 * ("10MB"), by `rows` (or `lines`) per file, or into `partitions` files (rows dealt round-robin);
 * output `uris`. Rows end with `separator` ("\n"). Output files are written as they are produced.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { RunnableTask, TaskContext } from '../../../../../protocol/src/task-contract.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';
import { extensionOf, scopeOf, withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.Split';

type Mode =
  | { by: 'bytes'; limit: number }
  | { by: 'rows'; limit: number }
  | { by: 'partitions'; count: number };

export const splitTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const from = p.string('from');
    const separator = p.optionalString('separator') ?? '\n';
    const mode = modeOf(p);
    const uris = await withStorage(ctx.run.taskId, () => split(ctx, from, separator, mode));
    return { state: 'SUCCESS', outputs: { uris } };
  },
};

function modeOf(p: PropertyReader): Mode {
  const bytes = p.optionalString('bytes');
  if (bytes !== undefined) {
    const limit = parseBytes(bytes);
    if (limit === undefined || limit <= 0)
      p.fail('bytes', `must be a size such as 512KB, 10MB or 1GB, got '${bytes}'`);
    return { by: 'bytes', limit };
  }
  const partitions = p.optionalInteger('partitions', 1);
  if (partitions !== undefined) return { by: 'partitions', count: partitions };
  const rows = p.optionalInteger('rows', 1) ?? p.optionalInteger('lines', 1);
  if (rows !== undefined) return { by: 'rows', limit: rows };
  return p.fail('bytes', 'is missing: set one of bytes, rows or partitions');
}

/** Bytes of "10MB", "512KB", "1GB", "100B" or "100" (1024-based, as Kestra reads them). */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const power = ['B', 'KB', 'MB', 'GB', 'TB'].indexOf((m[2] ?? 'B').toUpperCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}

/** One output file being written: its bytes go through a stream that `put` consumes. */
interface Part {
  stream: PassThrough;
  uri: Promise<string>;
  bytes: number;
  rows: number;
}

async function split(ctx: TaskContext, from: string, separator: string, mode: Mode): Promise<string[]> {
  const extension = extensionOf(from, '.tmp');
  const parts: Part[] = [];
  const open = (): Part => {
    const stream = new PassThrough();
    const part: Part = {
      stream,
      uri: ctx.storage.put(scopeOf(ctx.run), `${ctx.run.taskId}${extension}`, stream),
      bytes: 0,
      rows: 0,
    };
    // Surface a failed put through the final await, not as an unhandled rejection.
    part.uri.catch(() => undefined);
    parts.push(part);
    return part;
  };
  const write = async (part: Part, row: string) => {
    const data = Buffer.from(row + separator);
    part.bytes += data.length;
    part.rows += 1;
    if (!part.stream.write(data)) await once(part.stream, 'drain', { signal: ctx.signal });
  };

  const pool = mode.by === 'partitions' ? Array.from({ length: mode.count }, open) : [];
  let current: Part | undefined;
  let index = 0;
  const lines = createInterface({ input: await ctx.storage.open(from), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const row of lines) {
      ctx.signal.throwIfAborted();
      if (mode.by === 'partitions') {
        await write(pool[index]!, row);
        index = (index + 1) % pool.length;
        continue;
      }
      const full =
        current !== undefined &&
        (mode.by === 'bytes' ? current.bytes >= mode.limit : current.rows >= mode.limit);
      if (current === undefined || full) {
        current?.stream.end();
        current = open();
      }
      await write(current, row);
    }
  } catch (e) {
    // Unfinished parts would keep their `put` waiting forever.
    for (const part of parts) part.stream.destroy();
    throw e;
  }
  for (const part of parts) part.stream.end();
  const uris = await Promise.all(parts.map((part) => part.uri));
  // Kestra drops empty partitions (fewer rows than partitions).
  const kept: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (part.rows > 0) kept.push(uris[i]!);
    else await ctx.storage.delete(uris[i]!);
  }
  return kept;
}
