/**
 * Kestra's output protocol: a line `::{"outputs": {...}}::` printed by a script sets task outputs
 * (under `vars`), `::{"logs": [{"level": "WARN", "message": "..."}]}::` logs at a level, and
 * `::{"metrics": [...]}::` reports metrics (not recorded by Osprey yet; accepted and skipped).
 * Protocol lines are consumed, not echoed as plain logs.
 */
import type { LogLevel } from '../../../../protocol/src/task-contract.ts';

const LINE = /^::(\{.*\})::$/;
const LEVELS = new Set<LogLevel>(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);

export interface ProtocolMessage {
  outputs?: Record<string, unknown>;
  logs?: Array<{ level: LogLevel; message: string }>;
  metrics?: unknown[];
}

/** The message a line carries, or undefined for an ordinary line (or a malformed one). */
export function parseProtocolLine(line: string): ProtocolMessage | undefined {
  const m = LINE.exec(line.trim());
  if (m === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(m[1] as string);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const message: ProtocolMessage = {};
  if (isRecord(o['outputs'])) message.outputs = o['outputs'];
  if (Array.isArray(o['metrics'])) message.metrics = o['metrics'];
  if (Array.isArray(o['logs'])) {
    message.logs = o['logs'].filter(isRecord).map((l) => {
      const level = String(l['level'] ?? 'INFO').toUpperCase() as LogLevel;
      return { level: LEVELS.has(level) ? level : 'INFO', message: String(l['message'] ?? '') };
    });
  }
  return message.outputs === undefined && message.metrics === undefined && message.logs === undefined
    ? undefined
    : message;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
