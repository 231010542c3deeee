/**
 * LogShipper and AuditLogShipper on a real server and runner, on both drivers, against real local
 * endpoints: s3rver (an S3-compatible server from npm, with SigV4 signatures checked) and one HTTP
 * server in this process that answers as Splunk's HEC, Loki's push API and an OTLP/HTTP logs
 * receiver would — local stand-ins of those remote services, speaking their documented formats.
 * Each exporter must receive every stored line at INFO and above exactly once across runs, and an
 * exporter that fails must get what it missed on the next run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { AwsClient } from 'aws4fetch';
import S3rver from 's3rver';
import { AuditLog } from '../../../app/src/audit/audit-log.ts';
import { describeBackends } from '../helpers/backends.ts';
import { startTestServer, type TestServer } from './support/harness.ts';

interface Received {
  splunk: Array<{ event: { id: number; message: string } }>;
  loki: Array<{ stream: Record<string, string>; values: [string, string][] }>;
  otlp: unknown[];
  splunkAuth: string[];
}

async function receiver(): Promise<{
  url: string;
  received: Received;
  failSplunk: { on: boolean };
  close(): Promise<void>;
}> {
  const received: Received = { splunk: [], loki: [], otlp: [], splunkAuth: [] };
  const failSplunk = { on: false };
  const body = async (req: IncomingMessage) => {
    const parts: Buffer[] = [];
    for await (const p of req) parts.push(p as Buffer);
    return Buffer.concat(parts).toString('utf8');
  };
  const server: Server = createServer(async (req, res) => {
    const text = await body(req);
    if (req.url === '/services/collector/event') {
      if (failSplunk.on) {
        res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"text":"Server is busy","code":9}');
        return;
      }
      received.splunkAuth.push(String(req.headers.authorization));
      for (const line of text.split('\n').filter(Boolean)) received.splunk.push(JSON.parse(line));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"text":"Success","code":0}');
    } else if (req.url === '/loki/api/v1/push') {
      received.loki.push(...(JSON.parse(text) as { streams: Received['loki'] }).streams);
      res.writeHead(204).end();
    } else if (req.url === '/v1/logs') {
      received.otlp.push(JSON.parse(text));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failSplunk,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function s3(): Promise<{
  url: string;
  keys(): Promise<string[]>;
  get(key: string): Promise<string>;
  close(): Promise<void>;
}> {
  const directory = await mkdtemp(join(tmpdir(), 'osprey-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: 'logbucket' }],
  });
  const { port } = (await server.run()) as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const aws = new AwsClient({
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    service: 's3',
    region: 'us-east-1',
  });
  return {
    url,
    async keys() {
      const res = await aws.fetch(`${url}/logbucket?list-type=2`);
      return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1] as string);
    },
    async get(key) {
      return (await aws.fetch(`${url}/logbucket/${encodeURIComponent(key)}`)).text();
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const CHATTY = `
id: chatty
namespace: company.team
tasks:
  - id: one
    type: io.kestra.plugin.core.log.Log
    message: "line one of {{ execution.id }}"
  - id: quiet
    type: io.kestra.plugin.core.log.Log
    level: DEBUG
    message: "debug line of {{ execution.id }}"
  - id: two
    type: io.kestra.plugin.core.log.Log
    message:
      - "line two of {{ execution.id }}"
      - "line three of {{ execution.id }}"
`;

function shipper(http: string, s3url: string): string {
  return `
id: ship
namespace: system
tasks:
  - id: ship
    type: io.kestra.plugin.ee.core.log.LogShipper
    logLevelFilter: INFO
    batchSize: 3
    lookbackPeriod: P1D
    logExporters:
      - id: file
        type: io.kestra.plugin.ee.core.log.FileLogExporter
        format: JSON
        maxLinesPerFile: 2
      - id: splunk
        type: io.kestra.plugin.ee.splunk.LogExporter
        host: ${http}
        token: hec-token-123
        chunk: 2
      - id: loki
        type: io.osprey.plugin.loki.LogExporter
        url: ${http}/loki/api/v1/push
        labels:
          env: test
      - id: otlp
        type: io.kestra.plugin.ee.opentelemetry.LogExporter
        otlpEndpoint: ${http}/v1/logs
        authorizationHeaderName: Authorization
        authorizationHeaderValue: Bearer otlp-token
      - id: s3
        type: io.kestra.plugin.ee.aws.s3.LogExporter
        accessKeyId: S3RVER
        secretKeyId: S3RVER
        region: us-east-1
        endpointOverride: ${s3url}
        bucket: logbucket
        format: JSON
        logFilePrefix: osprey-logs
        maxLinesPerFile: 4
`;
}

/** Ids of every stored line at INFO and above, up to `upTo`. */
async function storedIds(s: TestServer, upTo: number): Promise<number[]> {
  const { db } = s.server.services;
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM "${db.schema}".logs WHERE level IN ('INFO','WARN','ERROR') AND id <= $1 ORDER BY logs.id`,
    [upTo],
  );
  return rows.map((r) => Number(r.id));
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const settle = () => new Promise((r) => setTimeout(r, 400));

describeBackends('log shipping', (backend) => {
  it('ships every line once to file, Splunk, Loki, OTLP and S3; a failed exporter catches up on the next run', async (t) => {
    const http = await receiver();
    const store = await s3();
    t.after(() => http.close());
    t.after(() => store.close());
    const s = await startTestServer(backend, t, { shipperSettleMs: 300 });
    await s.runner();

    const first = await s.start(CHATTY);
    assert.equal((await s.waitFor(first.id)).state.current, 'SUCCESS');
    await settle();
    http.failSplunk.on = true;
    const run1 = await s.waitFor((await s.start(shipper(http.url, store.url))).id);
    assert.equal(run1.state.current, 'FAILED', 'Splunk answered 503: the task fails, naming it');
    const logs1 = await s.server.services.executions.logs(run1.id);
    assert.ok(
      logs1.some((l) => /log exporter\(s\) failed.*splunk.*503/s.test(l.message)),
      JSON.stringify(logs1.map((l) => l.message)),
    );

    http.failSplunk.on = false;
    const second = await s.start(CHATTY);
    await s.waitFor(second.id);
    await settle();
    const run2 = await s.waitFor((await s.start(shipper(http.url, store.url))).id);
    assert.equal(run2.state.current, 'SUCCESS');
    const out = run2.taskRunList.find((r) => r.taskId === 'ship')?.outputs as {
      exporters: Record<string, { count: number; offset: number; uris?: string[] }>;
    };
    // Each exporter went as far as the lines stored when it ran (the shipper's own lines come in between).
    const expectedFor = (name: string) => storedIds(s, out.exporters[name]?.offset ?? 0);
    assert.ok((out.exporters['file']?.offset ?? 0) > 0);
    for (const id of [first.id, second.id]) {
      const mine = (await s.server.services.executions.logs(id)).filter((l) => l.level === 'INFO');
      assert.equal(mine.length, 3, 'three INFO lines per chatty run; the DEBUG line is filtered out');
    }

    // Splunk: HEC events with the token, every line once, including those it missed in run 1.
    assert.ok(http.received.splunkAuth.every((a) => a === 'Splunk hec-token-123'));
    assert.deepEqual(sorted(http.received.splunk.map((e) => e.event.id)), await expectedFor('splunk'));
    assert.ok(http.received.splunk.some((e) => e.event.message === `line one of ${first.id}`));
    // Loki: streams labelled with the configured labels and the level.
    const lokiIds = http.received.loki.flatMap((st) =>
      st.values.map(([, line]) => (JSON.parse(line) as { id: number }).id),
    );
    assert.deepEqual(sorted(lokiIds), await expectedFor('loki'));
    assert.ok(
      http.received.loki.every((st) => st.stream['env'] === 'test' && st.stream['level'] !== undefined),
    );
    // OTLP: ExportLogsServiceRequest bodies with severity and the record id attribute.
    const records = (
      http.received.otlp as Array<{
        resourceLogs: Array<{
          scopeLogs: Array<{
            logRecords: Array<{
              severityText: string;
              body: { stringValue: string };
              attributes: Array<{ key: string; value: { intValue?: string } }>;
            }>;
          }>;
        }>;
      }>
    ).flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)));
    const otlpIds = records.map((r) =>
      Number(r.attributes.find((a) => a.key === 'osprey.record.id')?.value.intValue),
    );
    assert.deepEqual(sorted(otlpIds), await expectedFor('otlp'));
    assert.ok(
      records.some((r) => r.severityText === 'INFO' && r.body.stringValue === `line two of ${second.id}`),
    );
    // File: JSON lines in internal storage, at most 2 per file.
    const fileIds: number[] = [];
    for (const uri of [
      ...((run1.taskRunList[0]?.outputs?.['exporters'] as typeof out.exporters | undefined)?.['file']?.uris ??
        []),
      ...(out.exporters.file?.uris ?? []),
    ]) {
      const lines = (await s.server.services.storage.get(uri)).toString('utf8').trim().split('\n');
      assert.ok(lines.length <= 2);
      fileIds.push(...lines.map((l) => (JSON.parse(l) as { id: number }).id));
    }
    assert.deepEqual(sorted(fileIds), await expectedFor('file'));
    // S3: objects signed and stored by s3rver, JSON lines, at most 4 per object.
    const s3Ids: number[] = [];
    const keys = await store.keys();
    assert.ok(
      keys.length > 0 && keys.every((k) => k.startsWith('osprey-logs-') && k.endsWith('.json')),
      keys.join(),
    );
    for (const key of keys)
      s3Ids.push(
        ...(await store.get(key))
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { id: number }).id),
      );
    assert.deepEqual(sorted(s3Ids), await expectedFor('s3'));
  });

  it('ships the audit log from the system namespace only, once per entry', async (t) => {
    const http = await receiver();
    t.after(() => http.close());
    const s = await startTestServer(backend, t, { shipperSettleMs: 300 });
    await s.runner();
    const audit = new AuditLog(s.server.services.db);
    for (const action of ['CREATE', 'UPDATE', 'DELETE']) {
      await audit.record({
        actorKind: 'api',
        actorId: 'tok1',
        actorName: 'ci',
        action,
        resourceType: 'FLOW',
        resourceId: 'company.team.x',
        ip: '10.0.0.7',
      });
    }
    await audit.record({
      actorKind: 'api',
      actorName: 'ci',
      action: 'UPDATE',
      resourceType: 'KV',
      namespace: 'company.team',
    });
    await settle();
    const flow = (ns: string) => `
id: audit_ship
namespace: ${ns}
tasks:
  - id: ship
    type: io.kestra.plugin.ee.core.log.AuditLogShipper
    resources: [FLOW]
    logExporters:
      - id: otlp
        type: io.kestra.plugin.ee.opentelemetry.LogExporter
        otlpEndpoint: ${http.url}/v1/logs
`;
    const refused = await s.waitFor((await s.start(flow('company.team'))).id);
    assert.equal(refused.state.current, 'FAILED');
    assert.ok(
      (await s.server.services.executions.logs(refused.id)).some((l) => /namespace system/.test(l.message)),
    );
    assert.equal(http.received.otlp.length, 0);

    const ok = await s.waitFor((await s.start(flow('system'))).id);
    assert.equal(ok.state.current, 'SUCCESS');
    const again = await s.waitFor((await s.start(flow('system'))).id);
    assert.equal(again.taskRunList[0]?.outputs?.['count'], 0, 'the second run finds nothing new');
    const bodies = JSON.stringify(http.received.otlp);
    for (const action of ['CREATE', 'UPDATE', 'DELETE'])
      assert.ok(bodies.includes(`ci ${action} FLOW company.team.x`), action);
    assert.ok(!bodies.includes('KV'), 'resources: [FLOW] leaves the KV entry out');
    assert.ok(bodies.includes('10.0.0.7'), 'from where: the address is shipped');
  });
});
