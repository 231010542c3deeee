/** What every log exporter implements: send one batch of records, oldest first, or throw. */
import type { ShippedRecord, TaskContext } from '../../../../../protocol/src/task-contract.ts';

export type RecordSource = 'logs' | 'audit';

export interface ExportBatch {
  records: readonly ShippedRecord[];
  source: RecordSource;
}

export interface LogExporterPlugin {
  /** Sends the batch; returns URIs of files written, if the exporter writes files. */
  send(batch: ExportBatch, ctx: TaskContext): Promise<{ uris?: string[] }>;
}

/** A record as one line of text: the message for logs, a sentence for audit entries. */
export function lineOf(r: ShippedRecord, source: RecordSource): string {
  if (source === 'logs') return String(r['message'] ?? '');
  const who = r['actorName'] ?? r['actorId'] ?? r['actorKind'];
  const what = [r['action'], r['resourceType'], r['resourceId']].filter((x) => x !== undefined).join(' ');
  return `${String(who)} ${what}${r['status'] === undefined ? '' : ` (${String(r['status'])})`}`;
}

/** Records in chunks of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** JSON lines: one record per line (also a valid Amazon Ion text file, one value per line). */
export function jsonLines(records: readonly ShippedRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '');
}

/** The file name of a chunk: named by its first and last record ids, so shipping it again overwrites it. */
export function chunkName(prefix: string, records: readonly ShippedRecord[], format: 'JSON' | 'ION'): string {
  const first = records[0]?.id ?? 0;
  const last = records.at(-1)?.id ?? first;
  return `${prefix}-${String(first).padStart(12, '0')}-${String(last).padStart(12, '0')}.${format === 'ION' ? 'ion' : 'json'}`;
}
