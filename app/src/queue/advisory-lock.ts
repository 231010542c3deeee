/**
 * Singletons across app replicas, on Postgres advisory locks (emulated in-process on PGlite, where
 * one process owns the database). `withAdvisoryLock` runs a piece of work under a named lock;
 * `LeaderElection` keeps one long-lived leader (scheduler, SLA monitor) and elects another when
 * the leader's connection dies, the leader stops, or its process disappears.
 */

import { logger } from '../../../protocol/src/logger.ts';
import type { Database, HeldLock } from '../storage/database.ts';

const log = logger('leader-election');

export interface LockWaitOptions {
  /** Give up after this long (default: wait forever). */
  timeoutMs?: number;
  /** Time between attempts (default 100 ms). */
  retryMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs `fn` while holding the lock `name`, waiting for it if another session holds it. `fn`'s
 * signal aborts if the lock is lost while it runs (the connection dropped): stop and let the new
 * holder redo the work.
 */
export async function withAdvisoryLock<T>(
  db: Database,
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
  options: LockWaitOptions = {},
): Promise<T> {
  const retryMs = options.retryMs ?? 100;
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const lock = await db.tryLock(name);
    if (lock !== undefined) return runHolding(lock, fn);
    if (Date.now() + retryMs > deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for lock '${name}', held by another session`,
      );
    }
    await sleep(retryMs, options.signal);
  }
}

/** Runs `fn` under the lock if it is free now; `{ acquired: false }` otherwise. */
export async function tryWithAdvisoryLock<T>(
  db: Database,
  name: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<{ acquired: true; value: T } | { acquired: false }> {
  const lock = await db.tryLock(name);
  if (lock === undefined) return { acquired: false };
  return { acquired: true, value: await runHolding(lock, fn) };
}

async function runHolding<T>(lock: HeldLock, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let released = false;
  void lock.lost.then((e) => {
    if (!released) controller.abort(e);
  });
  try {
    return await fn(controller.signal);
  } finally {
    released = true;
    await lock.release();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export interface LeaderElectionOptions {
  /** How often a follower tries to take over and the leader checks its session (default 2 s). */
  intervalMs?: number;
  /** Called on election; `signal` aborts when leadership is lost or the election stops. */
  onElected: (signal: AbortSignal) => void | Promise<void>;
  /** Called when leadership ends (lost or stopped). */
  onDeposed?: (reason: Error) => void;
  /** Errors from `onElected` or from the database; default: stderr. */
  onError?: (error: Error) => void;
}

/**
 * One leader per name among every process on the database. Start it in each replica; exactly one
 * runs `onElected` at a time (a leader that loses its connection learns it within `intervalMs`).
 */
export class LeaderElection {
  readonly name: string;
  readonly #db: Database;
  readonly #options: LeaderElectionOptions;
  readonly #intervalMs: number;
  #lock: HeldLock | undefined;
  #controller: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #ticking: Promise<void> | undefined;

  constructor(db: Database, name: string, options: LeaderElectionOptions) {
    this.#db = db;
    this.name = name;
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? 2000;
  }

  get isLeader(): boolean {
    return this.#lock !== undefined;
  }

  /** Starts campaigning; the first attempt happens at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops campaigning and gives up leadership (the lock is released for another replica). */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#ticking;
    await this.#stepDown(new Error(`leader election '${this.name}' stopped`));
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
        this.#schedule(this.#intervalMs);
      });
    }, delayMs);
  }

  async #tick(): Promise<void> {
    try {
      if (this.#lock !== undefined) {
        if (!(await this.#lock.check())) await this.#stepDown(new Error(`lost lock '${this.name}'`));
        return;
      }
      const lock = await this.#db.tryLock(this.name);
      if (lock === undefined) return;
      if (!this.#running) {
        await lock.release();
        return;
      }
      this.#lock = lock;
      const controller = new AbortController();
      this.#controller = controller;
      void lock.lost.then((e) => {
        if (this.#lock === lock) void this.#stepDown(e);
      });
      try {
        await this.#options.onElected(controller.signal);
      } catch (e) {
        this.#report(e as Error);
      }
    } catch (e) {
      this.#report(e as Error);
    }
  }

  async #stepDown(reason: Error): Promise<void> {
    const lock = this.#lock;
    if (lock === undefined) return;
    this.#lock = undefined;
    this.#controller?.abort(reason);
    this.#controller = undefined;
    await lock.release().catch(() => {});
    this.#options.onDeposed?.(reason);
  }

  #report(error: Error): void {
    if (this.#options.onError !== undefined) this.#options.onError(error);
    else log.error({ err: error, election: this.name }, 'leader election failed');
  }
}

export interface ElectedIntervalOptions {
  /** Time between runs of `work` on the leader. */
  intervalMs: number;
  /** How often a follower tries to take over (default: `intervalMs`, within 500 ms … 10 s). */
  electionIntervalMs?: number;
  work: () => Promise<unknown>;
  onError: (error: Error) => void;
}

/**
 * Periodic work that one replica does at a time (sweeps, purges): the elected leader runs `work` at
 * once and then `intervalMs` after each run ends, until it loses leadership or stops.
 */
export class ElectedInterval {
  readonly #options: ElectedIntervalOptions;
  readonly #election: LeaderElection;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(db: Database, name: string, options: ElectedIntervalOptions) {
    this.#options = options;
    this.#election = new LeaderElection(db, name, {
      intervalMs: options.electionIntervalMs ?? Math.min(Math.max(options.intervalMs, 500), 10_000),
      onElected: (signal) => this.#lead(signal),
      onError: options.onError,
    });
  }

  start(): void {
    this.#election.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#election.stop();
    await this.#running;
  }

  #lead(signal: AbortSignal): void {
    const tick = () => {
      if (signal.aborted) return;
      this.#running = this.#options
        .work()
        .then(() => undefined, this.#options.onError)
        .finally(() => {
          this.#running = undefined;
          if (!signal.aborted) this.#timer = setTimeout(tick, this.#options.intervalMs);
        });
    };
    signal.addEventListener('abort', () => clearTimeout(this.#timer), { once: true });
    tick();
  }
}
