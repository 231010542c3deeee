/**
 * The process that runs SQLite (`node:sqlite`) for one Query task. node:sqlite is synchronous and
 * cannot be interrupted from JavaScript (a worker thread's terminate() waits for the native step to
 * return), so it runs in a child process: a long query neither blocks the runner's heartbeats nor
 * outlives a kill (SIGKILL). One message per statement, answered in order; the database file is
 * the first argument.
 */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';

export type WorkerRequest = { text: string; values: unknown[] } | { close: true };
export type WorkerResponse = { ok: true; rows?: Record<string, unknown>[] } | { ok: false; message: string };

const db = new DatabaseSync(process.argv[2] ?? ':memory:');

/** SQLite binds numbers, text, bytes and null; booleans as 1/0 and objects as JSON text, like JDBC. */
function bindable(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  return JSON.stringify(value);
}

process.on('message', (request: WorkerRequest) => {
  if ('close' in request) {
    db.close();
    process.send?.({ ok: true } satisfies WorkerResponse, () => process.exit(0));
    return;
  }
  try {
    const statement = db.prepare(request.text);
    const values = request.values.map(bindable);
    if (statement.columns().length > 0) {
      process.send?.({ ok: true, rows: statement.all(...values) as Record<string, unknown>[] });
    } else {
      statement.run(...values);
      process.send?.({ ok: true } satisfies WorkerResponse);
    }
  } catch (e) {
    process.send?.({
      ok: false,
      message: e instanceof Error ? e.message : String(e),
    } satisfies WorkerResponse);
  }
});
