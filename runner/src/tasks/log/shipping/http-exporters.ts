/**
 * Exporters that POST records to a log service: Splunk's HTTP Event Collector
 * (`io.kestra.plugin.ee.splunk.LogExporter`), OpenTelemetry logs over OTLP/HTTP with JSON
 * (`io.kestra.plugin.ee.opentelemetry.LogExporter`) and Grafana Loki's push API
 * (`io.osprey.plugin.loki.LogExporter`, an Osprey extension). A chunk is one request; any answer
 * but 2xx fails the export, and the shipper's offset for that exporter stays where it was.
 */
import type { ShippedRecord, TaskContext } from '../../../../../protocol/src/task-contract.ts';
import { parseUrl, send, statusFailure } from '../../support/http.ts';
import { chunks, type ExportBatch, type LogExporterPlugin, lineOf, type RecordSource } from './exporter.ts';

async function post(
  ctx: TaskContext,
  property: string,
  url: URL,
  headers: Headers,
  body: string,
  label: string,
) {
  headers.set('Content-Type', 'application/json');
  const res = await send({
    taskId: ctx.run.taskId,
    url,
    method: 'POST',
    headers,
    body,
    signal: ctx.signal,
    timeoutMs: 30_000,
    label,
  });
  const text = await res.text().catch(() => '');
  if (!res.ok) throw statusFailure(ctx.run.taskId, 'POST', `${label} (${property})`, res, text);
}

/** Posts the batch in chunks of `size`, one request each, with the headers and body `request` makes. */
async function postChunks(
  ctx: TaskContext,
  batch: ExportBatch,
  size: number,
  target: { property: string; url: URL; label: string },
  request: (part: ShippedRecord[]) => { headers: Headers; body: string },
): Promise<{ uris?: string[] }> {
  for (const part of chunks(batch.records, size)) {
    const { headers, body } = request(part);
    await post(ctx, target.property, target.url, headers, body, target.label);
  }
  return {};
}

const seconds = (r: ShippedRecord) => Date.parse(r.timestamp) / 1000;
const nanos = (r: ShippedRecord) => `${BigInt(Date.parse(r.timestamp)) * 1_000_000n}`;

export function splunkExporter(
  o: { host: string; token: string; chunk: number; source?: string; index?: string },
  ctx: TaskContext,
): LogExporterPlugin {
  const base = parseUrl(ctx.run.taskId, 'host', o.host);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/services/collector/event`, base);
  const target = { property: 'host', url, label: `Splunk HEC ${url.origin}` };
  return {
    send: (batch: ExportBatch) =>
      postChunks(ctx, batch, o.chunk, target, (part) => ({
        headers: new Headers({ Authorization: `Splunk ${o.token}` }),
        body: part
          .map((r) =>
            JSON.stringify({
              time: seconds(r),
              host: 'osprey',
              source: o.source ?? 'Kestra',
              sourcetype: '_json',
              ...(o.index === undefined ? {} : { index: o.index }),
              event: r,
            }),
          )
          .join('\n'),
      })),
  };
}

const SEVERITY: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 };

function attribute(key: string, value: unknown) {
  if (typeof value === 'number' && Number.isInteger(value))
    return { key, value: { intValue: String(value) } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return { key, value: { stringValue: typeof value === 'string' ? value : JSON.stringify(value) } };
}

/** One OTLP `ExportLogsServiceRequest` (JSON encoding of the OpenTelemetry protocol). */
export function otlpRequest(records: readonly ShippedRecord[], source: RecordSource): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: [attribute('service.name', 'osprey')] },
        scopeLogs: [
          {
            scope: { name: source === 'logs' ? 'osprey.logs' : 'osprey.audit' },
            logRecords: records.map((r) => {
              const level = typeof r['level'] === 'string' ? r['level'] : 'INFO';
              return {
                timeUnixNano: nanos(r),
                observedTimeUnixNano: nanos(r),
                severityNumber: SEVERITY[level] ?? 9,
                severityText: level,
                body: { stringValue: lineOf(r, source) },
                attributes: Object.entries(r)
                  .filter(([k]) => k !== 'message' && k !== 'timestamp' && k !== 'level')
                  .map(([k, v]) => attribute(k === 'id' ? 'osprey.record.id' : k, v)),
              };
            }),
          },
        ],
      },
    ],
  };
}

export function otlpExporter(
  o: {
    otlpEndpoint: string;
    authorizationHeaderName?: string;
    authorizationHeaderValue?: string;
    chunk: number;
  },
  ctx: TaskContext,
): LogExporterPlugin {
  const url = parseUrl(ctx.run.taskId, 'otlpEndpoint', o.otlpEndpoint);
  const target = { property: 'otlpEndpoint', url, label: `OTLP ${url.origin}` };
  return {
    send: (batch: ExportBatch) =>
      postChunks(ctx, batch, o.chunk, target, (part) => {
        const headers = new Headers();
        if (o.authorizationHeaderValue !== undefined)
          headers.set(o.authorizationHeaderName ?? 'Authorization', o.authorizationHeaderValue);
        return { headers, body: JSON.stringify(otlpRequest(part, batch.source)) };
      }),
  };
}

/** Loki push body: one stream per label set (source, level, namespace), values in time order. */
export function lokiRequest(
  records: readonly ShippedRecord[],
  source: RecordSource,
  labels: Record<string, string>,
) {
  const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
  for (const r of records) {
    const stream: Record<string, string> = {
      ...labels,
      source: source === 'logs' ? 'osprey' : 'osprey-audit',
      ...(typeof r['level'] === 'string' ? { level: r['level'] } : {}),
      ...(typeof r['namespace'] === 'string' ? { namespace: r['namespace'] } : {}),
    };
    const key = JSON.stringify(stream);
    const entry = streams.get(key) ?? { stream, values: [] };
    streams.set(key, entry);
    entry.values.push([nanos(r), JSON.stringify(r)]);
  }
  return { streams: [...streams.values()] };
}

export function lokiExporter(
  o: {
    url: string;
    labels?: Record<string, string>;
    tenantId?: string;
    username?: string;
    password?: string;
    chunk: number;
  },
  ctx: TaskContext,
): LogExporterPlugin {
  const url = parseUrl(ctx.run.taskId, 'url', o.url);
  const target = { property: 'url', url, label: `Loki ${url.origin}` };
  const headers = new Headers();
  if (o.tenantId !== undefined) headers.set('X-Scope-OrgID', o.tenantId);
  if (o.username !== undefined)
    headers.set(
      'Authorization',
      `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`,
    );
  return {
    send: (batch: ExportBatch) =>
      postChunks(ctx, batch, o.chunk, target, (part) => ({
        headers: new Headers(headers),
        body: JSON.stringify(lokiRequest(part, batch.source, o.labels ?? {})),
      })),
  };
}
