/**
 * The loop both shippers share. Each exporter has its own offset — the id of the last record it
 * took — kept in the KV store of the flow's namespace under `offsetKey` as `{ <exporter id>: id }`,
 * written after every batch the exporter accepted. An exporter that fails keeps its offset and the
 * others go on; the task then fails naming it, and the next run sends it what it missed. So no
 * record is skipped, and none is sent twice unless the process dies between an exporter's answer
 * and the offset write (file and S3 exporters then overwrite the same object: their names come from
 * the record ids).
 */
import {
  LOG_EXPORTER_TYPES,
  LogExporter,
} from '../../../../../flows-schema/src/tasks/plugins/log-shipping.ts';
import {
  type RecordQuery,
  type TaskContext,
  TaskFailure,
  type TaskResult,
} from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import type { LogExporterPlugin, RecordSource } from './exporter.ts';
import { fileExporter } from './file-exporter.ts';
import { lokiExporter, otlpExporter, splunkExporter } from './http-exporters.ts';
import { s3Exporter } from './s3-exporter.ts';

const DEFAULT_LOOKBACK_MS = 24 * 3600 * 1000;
const NUMBERS = new Set(['chunk', 'maxLinesPerFile']);

type Filters = Omit<RecordQuery, 'source' | 'afterId' | 'since' | 'limit'>;

function exporterOf(spec: LogExporter, ctx: TaskContext): LogExporterPlugin {
  const file = (s: {
    format?: 'ION' | 'JSON' | undefined;
    logFilePrefix?: string | undefined;
    maxLinesPerFile?: unknown;
  }) => ({
    format: s.format ?? 'JSON',
    logFilePrefix: s.logFilePrefix ?? 'kestra-log-file',
    maxLinesPerFile: Number(s.maxLinesPerFile ?? 10_000),
  });
  const chunk = (s: { chunk?: unknown }) => Number(s.chunk ?? 1000);
  switch (spec.type) {
    case LOG_EXPORTER_TYPES.file:
      return fileExporter(file(spec));
    case LOG_EXPORTER_TYPES.splunk:
      return splunkExporter(
        { host: spec.host, token: spec.token, chunk: chunk(spec), ...optional(spec, 'source', 'index') },
        ctx,
      );
    case LOG_EXPORTER_TYPES.s3:
      return s3Exporter({ ...spec, ...file(spec) }, ctx, spec.id);
    case LOG_EXPORTER_TYPES.otlp:
      return otlpExporter(
        {
          otlpEndpoint: spec.otlpEndpoint,
          chunk: chunk(spec),
          ...optional(spec, 'authorizationHeaderName', 'authorizationHeaderValue'),
        },
        ctx,
      );
    case LOG_EXPORTER_TYPES.loki:
      return lokiExporter(
        {
          url: spec.url,
          chunk: chunk(spec),
          ...optional(spec, 'labels', 'tenantId', 'username', 'password'),
        },
        ctx,
      );
  }
}

function optional<T extends object, K extends keyof T>(o: T, ...keys: K[]): { [P in K]?: NonNullable<T[P]> } {
  const out: Partial<Record<K, unknown>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out as { [P in K]?: NonNullable<T[P]> };
}

/** The exporters of the task, checked (rendered numbers such as "100" are read as numbers). */
function exportersOf(type: string, ctx: TaskContext): LogExporter[] {
  const p = propertiesOf(type, ctx);
  const raw = p.required('logExporters');
  if (!Array.isArray(raw) || raw.length === 0) p.fail('logExporters', 'list at least one log exporter');
  const ids = new Set<string>();
  return (raw as unknown[]).map((item, i) => {
    const given = { ...(item as Record<string, unknown>) };
    for (const k of NUMBERS)
      if (typeof given[k] === 'string' && /^\d+$/.test(given[k])) given[k] = Number(given[k]);
    const parsed = LogExporter.safeParse(given);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return p.fail(
        `logExporters[${i}]${issue?.path.length ? `.${issue.path.join('.')}` : ''}`,
        issue?.message ?? 'invalid log exporter',
      );
    }
    if (ids.has(parsed.data.id))
      p.fail(
        `logExporters[${i}].id`,
        `'${parsed.data.id}' is used by another exporter; ids keep their offsets apart`,
      );
    ids.add(parsed.data.id);
    return parsed.data;
  });
}

export async function shipRecords(
  type: string,
  ctx: TaskContext,
  source: RecordSource,
  filters: Filters,
): Promise<TaskResult> {
  const p = propertiesOf(type, ctx);
  const records = ctx.services.records;
  if (records === undefined) {
    throw new TaskFailure(
      `task '${ctx.run.taskId}': ${type.split('.').pop()} ships what a server stores; run this flow on osprey server or osprey dev, not osprey run`,
      { retryable: false },
    );
  }
  const specs = exportersOf(type, ctx);
  const batchSize = p.optionalInteger('batchSize', 1) ?? 1000;
  const lookback = p.optionalDuration('lookbackPeriod') ?? DEFAULT_LOOKBACK_MS;
  const namespace = ctx.run.namespace;
  const offsetKey =
    p.optionalString('offsetKey') ?? `${type.split('.').pop()}-${ctx.run.flowId}-${ctx.run.taskId}`;
  const stored = (await ctx.services.kv.get(namespace, offsetKey))?.value;
  const offsets: Record<string, number> =
    stored !== null && typeof stored === 'object' ? { ...(stored as Record<string, number>) } : {};
  const since = new Date(Date.now() - lookback).toISOString();

  const report: Record<string, { count: number; offset: number; uris?: string[] }> = {};
  const failures: string[] = [];
  for (const spec of specs) {
    const exporter = exporterOf(spec, ctx);
    const first = offsets[spec.id] === undefined;
    let after = offsets[spec.id] ?? 0;
    let count = 0;
    const uris: string[] = [];
    try {
      for (;;) {
        const batch = await records({
          source,
          afterId: after,
          ...(first ? { since } : {}),
          ...filters,
          limit: batchSize,
        });
        if (batch.length === 0) break;
        const sent = await exporter.send({ records: batch, source }, ctx);
        uris.push(...(sent.uris ?? []));
        after = batch.at(-1)?.id ?? after;
        count += batch.length;
        offsets[spec.id] = after;
        await ctx.services.kv.set(namespace, offsetKey, offsets);
        if (batch.length < batchSize) break;
      }
    } catch (e) {
      if (!(e instanceof TaskFailure)) throw e;
      failures.push(`${spec.id}: ${e.message}`);
      ctx.logger.log('ERROR', `log exporter '${spec.id}' stopped after ${count} record(s): ${e.message}`);
    }
    ctx.logger.log(
      'INFO',
      `log exporter '${spec.id}' shipped ${count} record(s)${count > 0 ? `, up to #${after}` : ''}`,
    );
    report[spec.id] = { count, offset: after, ...(uris.length > 0 ? { uris } : {}) };
  }
  const total = Object.values(report).reduce((n, r) => n + r.count, 0);
  const outputs = { count: total, exporters: report, offsetKey };
  if (failures.length > 0) {
    // FAILED with the outputs of what was shipped (the files written), not a bare error.
    ctx.logger.log(
      'ERROR',
      `task '${ctx.run.taskId}': ${failures.length} log exporter(s) failed; their offsets are kept and the next run sends them what they missed: ${failures.join('; ')}`,
    );
    return { state: 'FAILED', outputs };
  }
  return { state: 'SUCCESS', outputs };
}
