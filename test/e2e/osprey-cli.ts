/** The real CLI (bin/osprey.js) in a child process, its stdout and stderr kept apart. */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/osprey.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function osprey(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/**
 * Kills a child process and resolves once it has exited, so that a folder it writes to (an embedded
 * database) can then be removed without racing its last writes.
 */
export async function stopChild(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export interface DevProcess {
  child: ChildProcess;
  url: string;
  /** The API token `osprey dev` printed. */
  token: string;
  /** All it printed so far (stdout and stderr). */
  output(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** GET an API path with the token, as JSON. */
  get<T>(path: string): Promise<T>;
  /** Ctrl-C; resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/**
 * `osprey dev --port 0` in `root` (embedded database, no DATABASE_URL or API token from this
 * process). When the test ends it is killed, and only then is `root` removed.
 */
export async function startDev(
  t: { after(fn: () => Promise<void>): void },
  root: string,
  env: Record<string, string> = {},
): Promise<DevProcess> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv['DATABASE_URL'];
  delete childEnv['OSPREY_API_TOKEN'];
  delete childEnv['PORT'];
  const child = spawn(process.execPath, [BIN, 'dev', '--port', '0'], { cwd: root, env: childEnv });
  t.after(async () => {
    await stopChild(child);
    await rm(root, { recursive: true, force: true });
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const waitFor = async (pattern: RegExp, ms = 60_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = output.match(pattern);
      if (m) return m;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no ${pattern}; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const url = (await waitFor(/Osprey dev is running on (http:\/\/\S+)/))[1] as string;
  const token = (await waitFor(/API token: (\S+)/))[1] as string;
  return {
    child,
    url,
    token,
    output: () => output,
    waitFor,
    async get<T>(path: string) {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as T;
    },
    interrupt() {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      return exited;
    },
  };
}
