/** Log levels as Kestra names them, and how a rendered value becomes log text. */
import type { LogLevel } from '../../../../protocol/src/task-contract.ts';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const satisfies readonly LogLevel[];

/** Strings as they are; anything else (a number, an object rendered typed) as JSON. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}
