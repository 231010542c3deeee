/**
 * What FilterItems and DeduplicateItems share: reading an item file of internal storage line by
 * line (one Ion value per line, as Kestra's `BufferedReader` splits it: on \n, \r\n or \r), rendering
 * an expression on each item with its fields as variables (through the control plane, in batches),
 * and writing the kept lines to a new `.ion` file, unchanged.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { RENDER_EACH_MAX_ITEMS } from '../../../../protocol/src/runner-protocol.schema.ts';
import { type RenderedItem, type TaskContext, TaskFailure } from '../../../../protocol/src/task-contract.ts';
import { IonSyntaxError, parseIonValue } from './ion.ts';
import { scopeOf, withStorage } from './storage.ts';

/** Source text of a batch sent to the control plane at most (the items travel as JSON). */
const BATCH_CHARS = 1_000_000;

export interface RenderedLine {
  /** The line as read, without its end of line. */
  line: string;
  /** 1-based line number. */
  number: number;
  result: RenderedItem;
}

/** An item's line as quoted in a message: shortened, on one line. */
export function quoteItem(line: string): string {
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * Every line of `from` with `template` rendered on its item, in order. A line that is not an Ion
 * struct fails the task, naming its number; a render error is the line's `result.error`.
 */
export async function* renderEachLine(
  ctx: TaskContext,
  label: string,
  from: string,
  property: string,
  template: string,
): AsyncGenerator<RenderedLine> {
  const fail = (message: string): never => {
    throw new TaskFailure(`task '${ctx.run.taskId}' (${label}): ${message}`, { retryable: false });
  };
  // Kestra renders only what holds a '{': anything else is its own value, for every item.
  const constant = !template.includes('{');
  const renderEach = ctx.services.renderEach;
  if (!constant && renderEach === undefined)
    fail(
      `the server cannot render '${property}' per item (it speaks an older runner protocol than 3); upgrade osprey server`,
    );
  const input = await withStorage(ctx.run.taskId, () => ctx.storage.open(from));
  let batch: { line: string; number: number; item: Record<string, unknown> }[] = [];
  let chars = 0;
  const flush = async (): Promise<RenderedLine[]> => {
    const items = batch;
    batch = [];
    chars = 0;
    if (items.length === 0) return [];
    const results = constant
      ? items.map(() => ({ value: template }))
      : await renderEach!(
          template,
          items.map((i) => i.item),
        );
    if (results.length !== items.length)
      throw new Error(`the control plane answered ${results.length} renders for ${items.length} items`);
    return items.map((i, k) => ({ line: i.line, number: i.number, result: results[k]! }));
  };
  let number = 0;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      ctx.signal.throwIfAborted();
      number++;
      batch.push({ line, number, item: itemOf(line, number, fail) });
      chars += line.length;
      if (batch.length >= RENDER_EACH_MAX_ITEMS || chars >= BATCH_CHARS) yield* await flush();
    }
  } finally {
    lines.close();
    input.destroy();
  }
  yield* await flush();
}

function itemOf(line: string, number: number, fail: (message: string) => never): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseIonValue(line);
  } catch (e) {
    if (!(e instanceof IonSyntaxError)) throw e;
    return fail(`line ${number} is not an Ion value (${e.message}): ${quoteItem(line)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(`line ${number} is not an item (an Ion struct such as {id:1,name:"a"}): ${quoteItem(line)}`);
  return value as Record<string, unknown>;
}

/** Lines written to a local file, stored as `<taskId>.ion` once complete (nothing is stored on failure). */
export class ItemWriter {
  readonly #ctx: TaskContext;
  readonly #dir: string;
  readonly #out: WriteStream;

  private constructor(ctx: TaskContext, dir: string) {
    this.#ctx = ctx;
    this.#dir = dir;
    this.#out = createWriteStream(join(dir, 'items.ion'));
    // An error surfaces through `write` and `store` (they wait on the stream), not as an uncaught event.
    this.#out.on('error', () => undefined);
  }

  static async open(ctx: TaskContext): Promise<ItemWriter> {
    return new ItemWriter(ctx, await mkdtemp(join(tmpdir(), 'osprey-items-')));
  }

  async write(line: string): Promise<void> {
    if (!this.#out.write(`${line}\n`)) await once(this.#out, 'drain', { signal: this.#ctx.signal });
  }

  /** Store the file; its URI. */
  async store(): Promise<string> {
    this.#out.end();
    await finished(this.#out);
    return this.#ctx.storage.put(
      scopeOf(this.#ctx.run),
      `${this.#ctx.run.taskId}.ion`,
      createReadStream(join(this.#dir, 'items.ion')),
    );
  }

  /** Remove the local file (after `store`, or when the task failed on the way). */
  async close(): Promise<void> {
    // Let pending writes settle before the folder goes.
    this.#out.end();
    await finished(this.#out).catch(() => undefined);
    await rm(this.#dir, { recursive: true, force: true });
  }
}
