/**
 * `io.kestra.plugin.ee.aws.s3.LogExporter`: records as JSON-lines (or Ion) objects in an S3 bucket,
 * signed with AWS Signature V4 (aws4fetch). `endpointOverride` points it at any S3-compatible store
 * (path-style URLs: `<endpoint>/<bucket>/<key>`). Object keys are named by the first and last record
 * ids, so a chunk shipped again after a crash overwrites the same object instead of adding one.
 */
import { AwsClient } from 'aws4fetch';
import { type TaskContext, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { parseUrl, send, statusFailure } from '../../support/http.ts';
import { chunkName, chunks, type ExportBatch, jsonLines, type LogExporterPlugin } from './exporter.ts';

export interface S3ExporterOptions {
  bucket: string;
  region: string;
  accessKeyId?: string | undefined;
  secretKeyId?: string | undefined;
  sessionToken?: string | undefined;
  endpointOverride?: string | undefined;
  format: 'JSON' | 'ION';
  logFilePrefix: string;
  maxLinesPerFile: number;
}

export function s3Exporter(o: S3ExporterOptions, ctx: TaskContext, exporterId: string): LogExporterPlugin {
  if (o.accessKeyId === undefined || o.secretKeyId === undefined) {
    throw new TaskFailure(
      `task '${ctx.run.taskId}': log exporter '${exporterId}' needs accessKeyId and secretKeyId (e.g. "{{ secret('AWS_ACCESS_KEY_ID') }}"); Osprey does not read AWS's default credential chain`,
      { retryable: false },
    );
  }
  const aws = new AwsClient({
    accessKeyId: o.accessKeyId,
    secretAccessKey: o.secretKeyId,
    ...(o.sessionToken === undefined ? {} : { sessionToken: o.sessionToken }),
    service: 's3',
    region: o.region,
  });
  const endpoint = parseUrl(
    ctx.run.taskId,
    'endpointOverride',
    o.endpointOverride ?? `https://s3.${o.region}.amazonaws.com`,
  );
  return {
    async send(batch: ExportBatch) {
      const uris: string[] = [];
      for (const part of chunks(batch.records, o.maxLinesPerFile)) {
        const key = chunkName(o.logFilePrefix, part, o.format);
        const url = new URL(
          `${endpoint.pathname.replace(/\/+$/, '')}/${encodeURIComponent(o.bucket)}/${encodeURIComponent(key)}`,
          endpoint,
        );
        const body = jsonLines(part);
        const signed = await aws.sign(url.toString(), {
          method: 'PUT',
          body,
          headers: { 'Content-Type': o.format === 'ION' ? 'application/ion' : 'application/x-ndjson' },
        });
        const label = `S3 ${endpoint.origin}/${o.bucket}`;
        const res = await send({
          taskId: ctx.run.taskId,
          url,
          method: 'PUT',
          headers: signed.headers,
          body,
          signal: ctx.signal,
          timeoutMs: 60_000,
          label,
        });
        const text = await res.text().catch(() => '');
        if (!res.ok) throw statusFailure(ctx.run.taskId, 'PUT', label, res, text);
        uris.push(`s3://${o.bucket}/${key}`);
      }
      return { uris };
    },
  };
}
