/**
 * Notifications sent through an executor: inside a transaction they are delivered on commit (and
 * dropped on rollback), which is how a state change wakes listeners exactly when it becomes visible.
 */
import type { Executor } from './database.ts';
import { scopedChannel } from './identifiers.ts';

export async function notify(ex: Executor, channel: string, payload = ''): Promise<void> {
  await ex.query('SELECT pg_notify($1, $2)', [scopedChannel(ex.schema, channel), payload]);
}
