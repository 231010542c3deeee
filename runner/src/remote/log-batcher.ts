/**
 * A job's log lines leave in batches: every `intervalMs`, or as soon as `maxLines` are waiting, and
 * on `close()` — which the runner awaits before it submits the result, so the lines are stored
 * before the task run ends — or, with a server that takes them with the result (protocol 2),
 * `finish()` hands back the last lines unsent. A batch the app cannot take is retried; lines are
 * kept in order.
 */
import type { JobLog } from '../../../protocol/src/job.ts';
import { logger } from '../../../protocol/src/logger.ts';

const log = logger('runner');

export interface LogBatcherOptions {
  intervalMs?: number;
  maxLines?: number;
}

export class LogBatcher {
  readonly #send: (lines: JobLog[]) => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #maxLines: number;
  #pending: JobLog[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(send: (lines: JobLog[]) => Promise<unknown>, options: LogBatcherOptions = {}) {
    this.#send = send;
    this.#intervalMs = options.intervalMs ?? 200;
    this.#maxLines = options.maxLines ?? 500;
  }

  add(line: JobLog): void {
    if (this.#closed) return;
    this.#pending.push(line);
    if (this.#pending.length >= this.#maxLines) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#intervalMs);
  }

  /** Sends what is waiting and stops taking lines. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#flush();
    await this.#flushing;
  }

  /** Stops taking lines, waits for the batches in flight and returns the lines not sent yet. */
  async finish(): Promise<JobLog[]> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    const rest = this.#pending;
    this.#pending = [];
    return rest;
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    // One batch at a time, in order; a failed batch is reported and dropped (the task goes on).
    this.#flushing = this.#flushing.then(() =>
      this.#send(lines).then(
        () => undefined,
        (e: Error) => log.warn({ err: e, lines: lines.length }, 'log lines could not be sent to the server'),
      ),
    );
  }
}
