/**
 * Notifications sent right after a commit, outside the transaction, coalesced per event-loop turn.
 * A NOTIFY inside a writing transaction makes Postgres serialise that commit, WAL flush included,
 * with every other notifying commit (a database-wide lock): at a few milliseconds per flush that
 * caps the whole app at a few hundred steps per second. Sent after the commit instead, NOTIFY costs
 * no flush, and the listener still only hears of data that is committed. If the process dies in
 * between, listeners on other replicas find the work at their next look (a long-poll's end).
 */

import { logger } from '../../../protocol/src/logger.ts';
import type { Database } from '../storage/database.ts';

const log = logger('dispatch');

/** Payloads are joined with a comma up to this size (Postgres allows 8000 bytes). */
const MAX_PAYLOAD = 7000;

export class Announcer {
  readonly #db: Database;
  readonly #pending = new Map<string, Set<string>>();
  #scheduled = false;

  constructor(db: Database) {
    this.#db = db;
  }

  announce(channel: string, payload: string): void {
    let set = this.#pending.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#pending.set(channel, set);
    }
    set.add(payload);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [channel, payloads] of pending) {
      for (const payload of batches([...payloads])) {
        this.#db
          .notify(channel, payload)
          .catch((e: Error) => log.error({ err: e, channel }, 'notify failed'));
      }
    }
  }
}

/** Payloads joined by commas, each batch under the size limit. */
function batches(payloads: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const p of payloads) {
    if (current !== '' && current.length + p.length + 1 > MAX_PAYLOAD) {
      out.push(current);
      current = '';
    }
    current = current === '' ? p : `${current},${p}`;
  }
  if (current !== '' || payloads.length > 0) out.push(current);
  return out;
}

/** The payloads of one notification. */
export function payloadsOf(notification: string): string[] {
  return notification.split(',');
}
