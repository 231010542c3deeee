/**
 * Keeping task files inside their working directory. Paths come from flows (`inputFiles` keys,
 * `outputFiles` globs, namespace file names), so every one is checked twice: lexically before it
 * touches the disk (`..` escapes, absolute paths, NUL bytes), and against the real file system
 * (a symbolic link laid down earlier must not carry a write or an upload outside the folder).
 */
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TaskFailure } from '../../../protocol/src/task-contract.ts';

/** A path that would leave the working directory. Never retryable: the flow must change. */
export class PathEscapeError extends TaskFailure {
  constructor(message: string) {
    super(message, { retryable: false });
    this.name = 'PathEscapeError';
  }
}

/**
 * The absolute path of `relativePath` inside `root`, refusing anything that is not a plain relative
 * path staying inside it. `what` names the field in messages, e.g. `inputFiles`.
 */
export function confine(root: string, relativePath: string, what: string): string {
  const shown = JSON.stringify(relativePath).slice(1, -1);
  if (relativePath.includes('\0')) {
    throw new PathEscapeError(`${what}: '${shown}' contains a NUL byte; use a plain relative file name`);
  }
  if (relativePath.trim() === '') {
    throw new PathEscapeError(`${what}: a file name is empty; give a path relative to the working directory`);
  }
  if (isAbsolute(relativePath) || /^[A-Za-z]:[\\/]/.test(relativePath) || relativePath.startsWith('\\')) {
    throw new PathEscapeError(
      `${what}: '${shown}' is an absolute path; use a path relative to the working directory`,
    );
  }
  const base = resolve(root);
  const target = resolve(base, relativePath);
  const rel = relative(base, target);
  if (rel === '') {
    throw new PathEscapeError(
      `${what}: '${shown}' names the working directory itself; name a file inside it`,
    );
  }
  if (!isInside(rel)) {
    throw new PathEscapeError(`${what}: '${shown}' escapes the working directory; use a path inside it`);
  }
  return target;
}

/**
 * Create the parent folders of `target` (already confined) without following a symbolic link out of
 * `root`: every existing component on the way is resolved first, so `link/file` with `link -> /etc`
 * is refused before anything is created under /etc.
 */
export async function prepareParent(
  root: string,
  target: string,
  what: string,
  shown: string,
): Promise<void> {
  const realRoot = await realpath(root);
  const rel = relative(resolve(root), target);
  const parts = rel.split(sep).slice(0, -1);
  let current = resolve(root);
  for (const part of parts) {
    current = join(current, part);
    const stat = await lstat(current).catch(() => undefined);
    if (stat === undefined) break;
    if (stat.isSymbolicLink()) await assertRealInside(realRoot, current, what, shown);
  }
  await mkdir(dirname(target), { recursive: true });
  await assertRealInside(realRoot, dirname(target), what, shown);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) await assertRealInside(realRoot, target, what, shown);
  if (existing?.isDirectory()) {
    throw new PathEscapeError(
      `${what}: '${shown}' is a folder in the working directory; choose another file name`,
    );
  }
}

/**
 * Whether `path` (a file found in the working directory) really lives inside `root`; a symbolic
 * link pointing outside is refused rather than followed.
 */
export async function assertInsideReally(
  root: string,
  path: string,
  what: string,
  shown: string,
): Promise<void> {
  await assertRealInside(await realpath(root), path, what, shown);
}

async function assertRealInside(realRoot: string, path: string, what: string, shown: string): Promise<void> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    // A dangling link resolves nowhere: it cannot be written through safely either.
    throw new PathEscapeError(
      `${what}: '${shown}' goes through a symbolic link that points nowhere; remove the link or use another path`,
    );
  }
  const rel = relative(realRoot, real);
  if (rel !== '' && !isInside(rel)) {
    throw new PathEscapeError(
      `${what}: '${shown}' goes through a symbolic link to outside the working directory; use a path inside it`,
    );
  }
}

function isInside(rel: string): boolean {
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
