/**
 * The runner's credential, kept between runs so a restarted runner is the same runner (one
 * registration, one name in the app). One file per state folder, readable by its owner only, with
 * an entry per server and runner name.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

interface Saved {
  runnerId: string;
  credential: string;
}

const FILE = 'credentials.json';

/** `$XDG_STATE_HOME/osprey/runner`, else `~/.local/state/osprey/runner`. */
export function defaultStateDir(): string {
  const base = process.env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(base, 'osprey', 'runner');
}

export class CredentialStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async get(server: string, name: string): Promise<Saved | undefined> {
    return (await this.#read())[key(server, name)];
  }

  async set(server: string, name: string, saved: Saved): Promise<void> {
    const all = await this.#read();
    all[key(server, name)] = saved;
    await this.#write(all);
  }

  async forget(server: string, name: string): Promise<void> {
    const all = await this.#read();
    delete all[key(server, name)];
    await this.#write(all);
  }

  async #read(): Promise<Record<string, Saved>> {
    try {
      return JSON.parse(await readFile(join(this.#dir, FILE), 'utf8')) as Record<string, Saved>;
    } catch {
      return {};
    }
  }

  async #write(all: Record<string, Saved>): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.#dir, `${FILE}.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(all, null, 2), { mode: 0o600 });
    await rename(tmp, join(this.#dir, FILE));
  }
}

function key(server: string, name: string): string {
  return `${server.replace(/\/+$/, '')} ${name}`;
}
