/**
 * `io.kestra.plugin.core.storage.Reverse`: the file `from` with its lines in reverse order, each
 * followed by `separator` ("\n" by default); output `uri` (same extension as `from`). Lines end at
 * \n, \r\n or \r, and a final end of line makes no empty last line (as Java's line readers read).
 * `charset` (UTF-8 by default) names the file's encoding. The file is copied to a local folder and
 * read backwards in blocks, so only the longest line is held in memory (the whole file for UTF-16).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { RunnableTask, TaskContext } from '../../../../../protocol/src/task-contract.ts';
import { type PropertyReader, propertiesOf } from '../../support/properties.ts';
import { extensionOf, scopeOf, withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.Reverse';
const BLOCK = 64 * 1024;
const CR = 0x0d;
const LF = 0x0a;

/** How the file's bytes are read: as bytes (an ASCII-compatible charset) or as UTF-16 text. */
type Encoding =
  | { kind: 'bytes'; separator: Buffer }
  | { kind: 'utf16'; bigEndian: boolean; separator: string };

export const reverseTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const from = p.string('from');
    const separator = p.optionalString('separator') ?? '\n';
    const encoding = encodingOf(p, p.optionalString('charset') ?? 'UTF-8', separator);
    const dir = await mkdtemp(join(tmpdir(), 'osprey-reverse-'));
    try {
      const original = join(dir, 'original');
      const reversed = join(dir, 'reversed');
      await withStorage(ctx.run.taskId, async () =>
        pipeline(await ctx.storage.open(from), createWriteStream(original)),
      );
      if (encoding.kind === 'bytes') await reverseBytes(ctx, original, reversed, encoding.separator);
      else await reverseUtf16(original, reversed, encoding);
      const uri = await ctx.storage.put(
        scopeOf(ctx.run),
        `${ctx.run.taskId}${extensionOf(from, '.tmp')}`,
        createReadStream(reversed),
      );
      return { state: 'SUCCESS', outputs: { uri } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function encodingOf(p: PropertyReader, charset: string, separator: string): Encoding {
  const label = charset.trim().toLowerCase();
  if (label === 'utf-16' || label === 'utf16')
    p.fail('charset', "must name the byte order of UTF-16: 'UTF-16BE' or 'UTF-16LE'");
  let canonical: string;
  try {
    canonical = new TextDecoder(label).encoding;
  } catch {
    return p.fail('charset', `'${charset}' is not a supported charset (e.g. UTF-8, ISO-8859-1, UTF-16LE)`);
  }
  if (canonical === 'utf-16le' || canonical === 'utf-16be')
    return { kind: 'utf16', bigEndian: canonical === 'utf-16be', separator };
  // Every other charset keeps ASCII as ASCII and never uses the bytes of \r or \n in a character,
  // so lines can be cut on bytes; the separator must be written in the charset.
  if (canonical === 'utf-8') return { kind: 'bytes', separator: Buffer.from(separator, 'utf8') };
  if (below(separator, 0x80) || (canonical === 'windows-1252' && below(separator, 0x100)))
    return { kind: 'bytes', separator: Buffer.from(separator, 'latin1') };
  return p.fail('separator', `must be ASCII text with charset ${charset}`);
}

function below(text: string, limit: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= limit) return false;
  return true;
}

/** Write `bytes` to `out`, waiting when its buffer is full. */
async function put(out: WriteStream, bytes: Buffer, signal: AbortSignal): Promise<void> {
  if (!out.write(bytes)) await once(out, 'drain', { signal });
}

/**
 * Read `path` backwards in blocks and write its lines last first. A block never starts between the
 * \r and \n of one end of line, so each block's ends of line are found in the block itself.
 */
async function reverseBytes(
  ctx: TaskContext,
  path: string,
  target: string,
  separator: Buffer,
): Promise<void> {
  const file = await open(path, 'r');
  const out = createWriteStream(target);
  try {
    const { size } = await file.stat();
    let end = size;
    // The start of a line whose beginning is in an earlier block.
    let carry = Buffer.alloc(0);
    // No end of line seen yet: the next line found is the file's last one.
    let atLastLine = true;
    const emit = async (line: Buffer) => {
      await put(out, line, ctx.signal);
      await put(out, separator, ctx.signal);
    };
    while (end > 0) {
      ctx.signal.throwIfAborted();
      let start = Math.max(0, end - BLOCK);
      const block = Buffer.alloc(end - start);
      await file.read(block, 0, block.length, start);
      let bytes = block;
      if (start > 0 && bytes[0] === LF) {
        const before = Buffer.alloc(1);
        await file.read(before, 0, 1, start - 1);
        if (before[0] === CR) {
          start -= 1;
          bytes = Buffer.concat([before, bytes]);
        }
      }
      // Ends of line in this block: [index, length].
      const ends: Array<[number, number]> = [];
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === CR) {
          const crlf = bytes[i + 1] === LF;
          ends.push([i, crlf ? 2 : 1]);
          if (crlf) i++;
        } else if (bytes[i] === LF) ends.push([i, 1]);
      }
      if (ends.length === 0) {
        carry = Buffer.concat([bytes, carry]);
      } else {
        const [lastAt, lastLength] = ends.at(-1)!;
        const tail = Buffer.concat([bytes.subarray(lastAt + lastLength), carry]);
        // A file ending with an end of line has no empty line after it.
        if (!(atLastLine && tail.length === 0)) await emit(tail);
        atLastLine = false;
        for (let k = ends.length - 1; k > 0; k--) {
          const [at, length] = ends[k - 1]!;
          await emit(bytes.subarray(at + length, ends[k]![0]));
        }
        carry = Buffer.from(bytes.subarray(0, ends[0]![0]));
      }
      end = start;
    }
    // The first line of the file (or the only one, with no end of line).
    if (!atLastLine || carry.length > 0) await emit(carry);
    out.end();
    await once(out, 'finish');
  } finally {
    out.destroy();
    await file.close();
  }
}

/** UTF-16 text: decoded whole, reversed by lines, written back in the same byte order. */
async function reverseUtf16(
  path: string,
  target: string,
  encoding: Extract<Encoding, { kind: 'utf16' }>,
): Promise<void> {
  const text = new TextDecoder(encoding.bigEndian ? 'utf-16be' : 'utf-16le', { ignoreBOM: true }).decode(
    await readFile(path),
  );
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  const reversed = lines
    .reverse()
    .map((line) => line + encoding.separator)
    .join('');
  const bytes = Buffer.from(reversed, 'utf16le');
  if (encoding.bigEndian) bytes.swap16();
  await writeFile(target, bytes);
}
