/**
 * Log shipping (Kestra 0.22, Enterprise): `LogShipper` exports execution logs and `AuditLogShipper`
 * the audit log to each of its `logExporters`, from where the previous run stopped (an offset kept
 * in the KV store under `offsetKey`, one per exporter), so nothing is shipped twice or skipped.
 * Exporter types are Kestra's (file in internal storage, Splunk HEC, S3, OpenTelemetry), plus a Loki
 * push exporter that Kestra does not have (an Osprey extension, `io.osprey.plugin.loki.LogExporter`).
 */
import { z } from 'zod';
import { Duration, dynamic, Id, LogLevel, Namespace } from '../../schema/primitives.ts';
import type { TaskDefinition } from '../registry.ts';

export const LOG_EXPORTER_TYPES = {
  file: 'io.kestra.plugin.ee.core.log.FileLogExporter',
  splunk: 'io.kestra.plugin.ee.splunk.LogExporter',
  s3: 'io.kestra.plugin.ee.aws.s3.LogExporter',
  otlp: 'io.kestra.plugin.ee.opentelemetry.LogExporter',
  loki: 'io.osprey.plugin.loki.LogExporter',
} as const;

const count = dynamic(z.int().min(1));
const fileShape = {
  format: z
    .enum(['ION', 'JSON'])
    .optional()
    .meta({ description: 'Default JSON (one JSON object per line); ION writes Amazon Ion text' }),
  logFilePrefix: z.string().optional(),
  maxLinesPerFile: count.optional(),
};

export const LogExporter = z.discriminatedUnion('type', [
  z.strictObject({ id: Id, type: z.literal(LOG_EXPORTER_TYPES.file), ...fileShape }),
  z.strictObject({
    id: Id,
    type: z.literal(LOG_EXPORTER_TYPES.splunk),
    host: z
      .string()
      .min(1)
      .meta({ description: 'Base URL of the HTTP Event Collector, e.g. https://splunk:8088' }),
    token: z.string().min(1),
    chunk: count.optional(),
    source: z.string().optional(),
    index: z.string().optional(),
  }),
  z.strictObject({
    id: Id,
    type: z.literal(LOG_EXPORTER_TYPES.s3),
    ...fileShape,
    bucket: z.string().min(1),
    region: z.string().min(1),
    accessKeyId: z.string().optional(),
    secretKeyId: z.string().optional(),
    sessionToken: z.string().optional(),
    endpointOverride: z
      .string()
      .optional()
      .meta({ description: 'An S3-compatible store (MinIO, s3rver, ...)' }),
    chunk: count.optional().meta({
      description: 'Accepted as in Kestra; each object is one PUT of at most maxLinesPerFile lines',
    }),
  }),
  z.strictObject({
    id: Id,
    type: z.literal(LOG_EXPORTER_TYPES.otlp),
    otlpEndpoint: z
      .string()
      .min(1)
      .meta({ description: 'OTLP/HTTP logs endpoint, e.g. http://collector:4318/v1/logs' }),
    authorizationHeaderName: z.string().optional(),
    authorizationHeaderValue: z.string().optional(),
    chunk: count.optional(),
  }),
  z.strictObject({
    id: Id,
    type: z.literal(LOG_EXPORTER_TYPES.loki),
    url: z
      .string()
      .min(1)
      .meta({ description: 'Loki push endpoint, e.g. http://loki:3100/loki/api/v1/push' }),
    labels: z.record(z.string(), z.string()).optional(),
    tenantId: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    chunk: count.optional(),
  }),
]);
export type LogExporter = z.infer<typeof LogExporter>;

const common = {
  logExporters: z.array(LogExporter).min(1),
  lookbackPeriod: Duration.optional().meta({
    description: 'On the first run, how far back to start (default P1D)',
  }),
  offsetKey: z
    .string()
    .optional()
    .meta({ description: 'KV key (in the flow namespace) holding the offsets' }),
  delete: z
    .literal(false)
    .optional()
    .meta({ description: 'Osprey keeps shipped records; only false is accepted' }),
  batchSize: count.optional(),
};

export const logShippingTasks: TaskDefinition[] = [
  {
    type: 'io.kestra.plugin.ee.core.log.LogShipper',
    kind: 'runnable',
    description: 'Ship execution logs to log exporters, from where the previous run stopped.',
    properties: {
      ...common,
      logLevelFilter: LogLevel.optional(),
      namespace: Namespace.optional(),
      flowId: z.string().optional(),
      executionId: z.string().optional(),
    },
  },
  {
    type: 'io.kestra.plugin.ee.core.log.AuditLogShipper',
    kind: 'runnable',
    description:
      'Ship the audit log (every user and token action) to log exporters, from where the previous run stopped.',
    properties: {
      ...common,
      resources: z
        .array(z.string().regex(/^[A-Z_]+$/, 'a resource type such as FLOW or EXECUTION'))
        .optional(),
      namespace: Namespace.optional(),
    },
  },
];
