/**
 * Watches a flows folder and calls back once per burst of changes (editors write several times per
 * save). The callback never runs twice at once; a change during a run schedules one more run.
 */
import { type FSWatcher, watch } from 'node:fs';

export class FlowWatcher {
  readonly #dir: string;
  readonly #onChange: () => Promise<void>;
  readonly #debounceMs: number;
  readonly #files: ReadonlySet<string> | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  /** `files`: watch only these entries of `dir` (e.g. `.osprey.yml`), not the whole folder. */
  constructor(
    dir: string,
    onChange: () => Promise<void>,
    options: { debounceMs?: number; files?: readonly string[] } = {},
  ) {
    this.#dir = dir;
    this.#onChange = onChange;
    this.#debounceMs = options.debounceMs ?? 150;
    this.#files = options.files === undefined ? undefined : new Set(options.files);
  }

  start(): void {
    const files = this.#files;
    if (files !== undefined) {
      // The folder, not the file: editors save by replacing it, which ends a watch on the file.
      this.#watcher = watch(this.#dir, (_event, file) => {
        if (file === null || files.has(String(file))) this.#schedule();
      });
      return;
    }
    this.#watcher = watch(this.#dir, { recursive: true }, (_event, file) => {
      if (file !== null && !/\.ya?ml$/i.test(String(file)) && !String(file).endsWith('~')) {
        // A folder event (rename/delete of a directory) still matters; plain non-YAML files do not.
        if (/\.[a-z0-9]+$/i.test(String(file))) return;
      }
      this.#schedule();
    });
  }

  /** Resolves when no change is pending or running (tests). */
  async idle(): Promise<void> {
    while (this.#timer !== undefined || this.#running !== undefined) {
      await (this.#running ?? new Promise((r) => setTimeout(r, this.#debounceMs)));
    }
  }

  close(): void {
    this.#watcher?.close();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, this.#debounceMs);
  }

  async #run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#onChange().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.#schedule();
      }
    });
    await this.#running;
  }
}
