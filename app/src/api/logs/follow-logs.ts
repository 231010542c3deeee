/**
 * `GET /logs/{executionId}/follow`: Server-Sent Events, one `data:` event per log line (a
 * `LogEntry`), first the lines already written, then new ones as the execution produces them, and
 * a final `event: end` with the execution's state once it is finished (afterExecution included).
 * Subscribing happens before the stored lines are read, so no line falls between the two; lines
 * seen in both are sent once.
 */
import type { Context } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import type { SecretMasker } from '../../../../protocol/src/masking.ts';
import type { ExecutionService, LogEntry } from '../../execution/contract.ts';
import { followExecutionEvents } from '../edge/follow-execution-events.ts';
import { type LogFilter, logMatches } from './log-filter.ts';

const key = (l: LogEntry) => `${l.timestamp}|${l.taskRunId ?? ''}|${l.level}|${l.message}`;

export function followLogs(
  c: Context,
  executions: ExecutionService,
  id: string,
  filter: LogFilter,
  masker: SecretMasker | undefined,
): Response {
  let sent = 0;
  // Lines published between subscribing and reading are in both: send them once.
  const already = new Map<string, number>();
  const send = async (log: LogEntry, stream: SSEStreamingApi) => {
    if (!logMatches(filter, log)) return;
    const shown = masker === undefined ? log : masker.maskValue(log);
    await stream.writeSSE({ id: String(++sent), data: JSON.stringify(shown) });
  };
  return followExecutionEvents<LogEntry>(c, executions, id, {
    pick: (event) => (event.logs ?? []).filter((l) => l.executionId === id),
    async start(stream) {
      const stored = await executions.logs(id);
      for (const l of stored) already.set(key(l), (already.get(key(l)) ?? 0) + 1);
      for (const l of stored) await send(l, stream);
    },
    async send(logs, stream) {
      for (const l of logs) {
        const k = key(l);
        const n = already.get(k) ?? 0;
        if (n > 0) already.set(k, n - 1);
        else await send(l, stream);
      }
    },
    async end(stream) {
      const final = await executions.get(id);
      await stream.writeSSE({
        event: 'end',
        data: JSON.stringify({ executionId: id, state: final?.state.current ?? null }),
      });
    },
  });
}
