/**
 * Kestra's purge tasks on a real server and runner, on both drivers, with the flows of Kestra's
 * purge guide: `PurgeExecutions` deletes ended executions with their logs and files, `PurgeLogs`
 * deletes lines by level and date, `PurgeKV` deletes expired (or all matching) keys. A flow purges
 * its own namespace and those under it; a flow of `system` purges every namespace.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeBackends, eventually } from '../helpers/backends.ts';
import { startTestServer, type TestServer } from './support/harness.ts';

const work = (namespace: string, id: string, fail = false) => `
id: ${id}
namespace: ${namespace}
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    content: "some bytes"
    extension: .txt
  - id: debug
    type: io.kestra.plugin.core.log.Log
    level: DEBUG
    message: a debug line
  - id: warn
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message: a warning
${fail ? '  - id: boom\n    type: io.kestra.plugin.core.execution.Fail\n    errorMessage: on purpose\n' : ''}`;

async function run(s: TestServer, yaml: string) {
  return s.waitFor((await s.start(yaml)).id);
}

function outputsOf(doc: Awaited<ReturnType<typeof run>>, taskId: string): Record<string, unknown> {
  return (doc.taskRunList.find((r) => r.taskId === taskId)?.outputs ?? {}) as Record<string, unknown>;
}

/** An execution's lines are written after it ends: wait for the one that says why it failed. */
async function logged(s: TestServer, id: string, pattern: RegExp): Promise<void> {
  await eventually(
    async () => (await s.server.services.executions.logs(id)).some((l) => pattern.test(l.message)),
    5000,
    `a line matching ${pattern}`,
  );
}

async function executionIds(s: TestServer): Promise<string[]> {
  const { db } = s.server.services;
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM "${db.schema}".executions ORDER BY id`);
  return rows.map((r) => r.id);
}

describeBackends('purge tasks', (backend) => {
  it('PurgeExecutions deletes ended executions of its namespace tree, by state, with their logs and files', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const ok = await run(s, work('company.team', 'ok'));
    const failed = await run(s, work('company.team.sub', 'failing', true));
    const elsewhere = await run(s, work('elsewhere', 'other'));
    assert.deepEqual([ok.state.current, failed.state.current], ['SUCCESS', 'FAILED']);
    const fileOf = (doc: typeof ok) => String(outputsOf(doc, 'write')['uri']);
    const { storage } = s.server.services;
    assert.equal(await storage.exists(fileOf(ok)), true);

    // Only FAILED ones first: the successful execution stays.
    const byState = await run(
      s,
      `
id: purge_failed
namespace: company.team
tasks:
  - id: purge
    type: io.kestra.plugin.core.execution.PurgeExecutions
    endDate: "{{ now() }}"
    states:
      - FAILED
`,
    );
    assert.equal(byState.state.current, 'SUCCESS', JSON.stringify(byState.taskRunList));
    const counts = outputsOf(byState, 'purge');
    assert.equal(counts['executionsCount'], 1);
    assert.ok(Number(counts['logsCount']) >= 2, 'the failed execution’s lines went with it');
    assert.equal(counts['storagesCount'], 1);
    assert.equal(await s.server.services.executions.get(failed.id), undefined);
    assert.equal(await storage.exists(fileOf(failed)), false, 'its file is gone');
    assert.ok((await executionIds(s)).includes(ok.id));

    // The guide's flow: everything that ended before now, in the flow's own tree, not `elsewhere`.
    const all = await run(
      s,
      `
id: purge
namespace: company.team
tasks:
  - id: purge_executions
    type: io.kestra.plugin.core.execution.PurgeExecutions
    endDate: "{{ now() | dateAdd(1, 'SECONDS') }}"
    purgeLog: false
`,
    );
    assert.equal(all.state.current, 'SUCCESS', JSON.stringify(all.taskRunList));
    // ok and purge_failed, both ended; the running purge itself is never purged.
    assert.equal(outputsOf(all, 'purge_executions')['executionsCount'], 2);
    const left = await executionIds(s);
    assert.ok(left.includes(elsewhere.id) && left.includes(all.id) && !left.includes(ok.id));
    assert.equal(await storage.exists(fileOf(elsewhere)), true);

    // Another namespace is refused, naming it; nothing is deleted.
    const refused = await run(
      s,
      `
id: purge_other
namespace: company.team
tasks:
  - id: purge
    type: io.kestra.plugin.core.execution.PurgeExecutions
    namespace: elsewhere
    endDate: "{{ now() }}"
`,
    );
    assert.equal(refused.state.current, 'FAILED');
    await logged(s, refused.id, /namespace elsewhere is outside company\.team/);
    assert.ok((await executionIds(s)).includes(elsewhere.id));

    // A `system` flow purges any namespace; `storage.Purge` is the old name of the same task.
    const system = await run(
      s,
      `
id: purge_everything
namespace: system
tasks:
  - id: purge
    type: io.kestra.plugin.core.storage.Purge
    namespace: elsewhere
    flowId: other
    endDate: "{{ now() }}"
    purgeExecution: "{{ true }}"
`,
    );
    assert.equal(system.state.current, 'SUCCESS', JSON.stringify(system.taskRunList));
    assert.equal(outputsOf(system, 'purge')['executionsCount'], 1);
    assert.equal(await storage.exists(fileOf(elsewhere)), false);
  });

  it('PurgeLogs deletes lines by level and date; a bad endDate fails naming the property', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const a = await run(s, work('company.team', 'a'));
    const b = await run(s, work('other', 'b'));
    const levels = async (id: string) =>
      (await s.server.services.executions.logs(id)).map((l) => l.level).sort();
    assert.ok((await levels(a.id)).includes('DEBUG'));

    const purge = await run(
      s,
      `
id: purge
namespace: company
tasks:
  - id: purge_logs
    type: io.kestra.plugin.core.log.PurgeLogs
    endDate: "{{ now() }}"
    logLevels:
      - TRACE
      - DEBUG
      - INFO
`,
    );
    assert.equal(purge.state.current, 'SUCCESS', JSON.stringify(purge.taskRunList));
    assert.ok(Number(outputsOf(purge, 'purge_logs')['count']) >= 1);
    assert.deepEqual(
      (await levels(a.id)).filter((l) => l !== 'WARN'),
      [],
      'only the warning is left in company.team',
    );
    assert.ok((await levels(b.id)).includes('DEBUG'), 'another namespace keeps its lines');

    // A startDate in the future matches nothing.
    const none = await run(
      s,
      `
id: purge_future
namespace: other
tasks:
  - id: purge_logs
    type: io.kestra.plugin.core.log.PurgeLogs
    startDate: "{{ now() | dateAdd(1, 'DAYS') }}"
    endDate: "{{ now() | dateAdd(2, 'DAYS') }}"
`,
    );
    assert.equal(outputsOf(none, 'purge_logs')['count'], 0);

    const bad = await run(
      s,
      `
id: purge_bad
namespace: other
tasks:
  - id: purge_logs
    type: io.kestra.plugin.core.log.PurgeLogs
    endDate: "last tuesday"
`,
    );
    assert.equal(bad.state.current, 'FAILED');
    await logged(s, bad.id, /endDate: 'last tuesday' is not an ISO-8601 date-time/);
    assert.ok((await levels(b.id)).includes('DEBUG'), 'nothing was deleted');
  });

  it('PurgeKV deletes expired keys of namespaces and their children, or every key matching a pattern', async (t) => {
    // The server's retention purge also deletes expired keys: let its first run pass.
    let firstPurge = () => {};
    const purged = new Promise<void>((resolve) => {
      firstPurge = resolve;
    });
    const s = await startTestServer(backend, t, {
      retention: { intervalMs: 3_600_000, onPurged: () => firstPurge() },
    });
    await s.runner();
    await purged;
    const { kv } = s.server.services;
    await kv.set('company', 'old', 'x', { ttlMs: 1 });
    await kv.set('company', 'fresh', 'x');
    await kv.set('company.team', 'old', 'x', { ttlMs: 1 });
    await kv.set('company.team', 'AI_model', 'x');
    await kv.set('company.team', 'AI_prompt', 'x');
    await kv.set('other', 'old', 'x', { ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const keys = async (ns: string) => (await kv.keys(ns)).sort();
    const rows = async () => {
      const { db } = s.server.services;
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${db.schema}".kv`);
      return r.rows[0]?.n;
    };
    assert.equal(await rows(), 6);

    // Kestra's example, from the system namespace: expired keys of company and its children.
    const expired = await run(
      s,
      `
id: purge_kv_store
namespace: system
tasks:
  - id: purge_kv
    type: io.kestra.plugin.core.kv.PurgeKV
    expiredOnly: true
    namespaces:
      - company
    includeChildNamespaces: true
`,
    );
    assert.equal(expired.state.current, 'SUCCESS', JSON.stringify(expired.taskRunList));
    assert.equal(outputsOf(expired, 'purge_kv')['size'], 2);
    assert.equal(await rows(), 4, 'other.old is outside the namespaces named');

    // Every key matching a glob, expired or not, in the flow's own namespace.
    const pattern = await run(
      s,
      `
id: purge_ai
namespace: company.team
tasks:
  - id: purge_kv
    type: io.kestra.plugin.core.kv.PurgeKV
    keyPattern: "AI_*"
    behavior:
      type: key
      expiredOnly: false
`,
    );
    assert.equal(outputsOf(pattern, 'purge_kv')['size'], 2);
    assert.deepEqual(await keys('company.team'), []);
    assert.deepEqual(await keys('company'), ['fresh']);

    const outside = await run(
      s,
      `
id: purge_outside
namespace: company.team
tasks:
  - id: purge_kv
    type: io.kestra.plugin.core.kv.PurgeKV
    namespaces: [other]
`,
    );
    assert.equal(outside.state.current, 'FAILED');
    assert.equal(await rows(), 2);
  });
});
