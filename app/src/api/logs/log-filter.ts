/** Kestra's log filters: `minLevel` (that level and more severe), `taskId`, `taskRunId`. */
import type { LogEntry } from '../../execution/contract.ts';

const SEVERITY: Record<LogEntry['level'], number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

export interface LogFilter {
  minLevel?: LogEntry['level'] | undefined;
  taskId?: string | undefined;
  taskRunId?: string | undefined;
}

export function logMatches(filter: LogFilter, log: LogEntry): boolean {
  return (
    (filter.minLevel === undefined || SEVERITY[log.level] >= SEVERITY[filter.minLevel]) &&
    (filter.taskId === undefined || log.taskId === filter.taskId) &&
    (filter.taskRunId === undefined || log.taskRunId === filter.taskRunId)
  );
}
