/**
 * `GET /logs/{executionId}/follow`: Server-Sent Events, one `data:` event per log line (a
 * `LogEntry`), first the lines already written, then new ones as the execution produces them, and
 * a final `event: end` with the execution's state once it is finished (afterExecution included).
 * Subscribing happens before the stored lines are read, so no line falls between the two; lines
 * seen in both are sent once.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SecretMasker } from '../../../../runner/src/masking.ts';
import type { ExecutionService, LogEntry } from '../../execution/contract.ts';
import { type LogFilter, logMatches } from './log-filter.ts';

const key = (l: LogEntry) => `${l.timestamp}|${l.taskRunId ?? ''}|${l.level}|${l.message}`;

export function followLogs(
  c: Context,
  executions: ExecutionService,
  id: string,
  filter: LogFilter,
  masker: SecretMasker | undefined,
): Response {
  return streamSSE(c, async (stream) => {
    const pending: LogEntry[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const unsubscribe = executions.subscribe((event) => {
      if (event.execution.id !== id || event.logs === undefined) return;
      pending.push(...event.logs.filter((l) => l.executionId === id));
      wake?.();
    });
    const stop = new AbortController();
    stream.onAbort(() => {
      stop.abort();
      wake?.();
    });
    executions.waitForTerminal(id, stop.signal).then(
      () => {
        ended = true;
        wake?.();
      },
      () => {},
    );
    let sent = 0;
    const send = async (log: LogEntry) => {
      if (!logMatches(filter, log)) return;
      const shown = masker === undefined ? log : masker.maskValue(log);
      await stream.writeSSE({ id: String(++sent), data: JSON.stringify(shown) });
    };
    try {
      const stored = await executions.logs(id);
      // Lines published between subscribing and reading are in both: send them once.
      const already = new Map<string, number>();
      for (const l of stored) already.set(key(l), (already.get(key(l)) ?? 0) + 1);
      for (const l of stored) await send(l);
      while (!stream.aborted) {
        for (const l of pending.splice(0)) {
          const k = key(l);
          const n = already.get(k) ?? 0;
          if (n > 0) already.set(k, n - 1);
          else await send(l);
        }
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending.length > 0 || ended || stream.aborted) resolve();
        });
        wake = undefined;
      }
      if (!stream.aborted) {
        // Lines of the last step are published with it; take them before saying the end.
        for (const l of pending.splice(0)) if ((already.get(key(l)) ?? 0) === 0) await send(l);
        const final = await executions.get(id);
        await stream.writeSSE({
          event: 'end',
          data: JSON.stringify({ executionId: id, state: final?.state.current ?? null }),
        });
      }
    } finally {
      unsubscribe();
      stop.abort();
    }
  });
}
