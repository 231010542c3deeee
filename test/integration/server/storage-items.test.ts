/**
 * The item tasks of internal storage on a real server and remote runner, on both drivers:
 * FilterItems and DeduplicateItems render their expression per item through the runner protocol
 * (`renderEach`, protocol 3), with the task-run context beside the item's fields, and an item the
 * expression fails on is named. PurgeCurrentExecutionFiles (run by the executor) deletes the
 * execution's files from the server's storage.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeBackends } from '../helpers/backends.ts';
import { startTestServer } from './support/harness.ts';

const ITEMS = `
id: items
namespace: company.team
inputs:
  - id: min
    type: INT
    defaults: 2
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    content: |
      {id:1,email:"a@x"}
      {id:2,email:"b@x"}
      {id:3,email:"a@x"}
      {id:4,email:"c@x"}
  - id: filter
    type: io.kestra.plugin.core.storage.FilterItems
    from: "{{ outputs.write.uri }}"
    filterCondition: "{{ id >= inputs.min }}"
  - id: dedup
    type: io.kestra.plugin.core.storage.DeduplicateItems
    from: "{{ outputs.filter.uri }}"
    expr: "{{ email }}"
  - id: reverse
    type: io.kestra.plugin.core.storage.Reverse
    from: "{{ outputs.dedup.uri }}"
  - id: purge
    type: io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles
`;

describeBackends('storage item tasks', (backend) => {
  it('FilterItems, DeduplicateItems and Reverse run on a remote runner; PurgeCurrentExecutionFiles empties the execution folder', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const started = await s.start(ITEMS);
    const done = await s.waitFor(started.id);
    assert.equal(done.state.current, 'SUCCESS', JSON.stringify(done.taskRunList));
    const outputs = (id: string) =>
      (done.taskRunList.find((r) => r.taskId === id)?.outputs ?? {}) as Record<string, unknown>;
    assert.deepEqual(
      [outputs('filter')['processedItemsTotal'], outputs('filter')['droppedItemsTotal']],
      [4, 1],
    );
    assert.deepEqual([outputs('dedup')['numKeys'], outputs('dedup')['droppedItemsTotal']], [3, 0]);
    const uris = outputs('purge')['uris'] as string[];
    const written = ['write', 'filter', 'dedup', 'reverse'].map((id) => String(outputs(id)['uri']));
    assert.deepEqual([...uris].sort(), [...written].sort());
    for (const uri of written) assert.equal(await s.server.services.storage.exists(uri), false, uri);
  });

  it('an item the expression fails on fails the task, naming the item', async (t) => {
    const s = await startTestServer(backend, t);
    await s.runner();
    const failing = await s.start(`
id: failing
namespace: company.team
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    content: |
      {id:1}
      {other:2}
  - id: filter
    type: io.kestra.plugin.core.storage.FilterItems
    from: "{{ outputs.write.uri }}"
    filterCondition: "{{ id > 0 }}"
`);
    const done = await s.waitFor(failing.id);
    assert.equal(done.state.current, 'FAILED');
    const logs = await s.server.services.executions.logs(done.id);
    assert.ok(
      logs.some((l) => /cannot render 'filterCondition' on item 2 \(\{other:2\}\)/.test(l.message)),
      JSON.stringify(logs.map((l) => l.message)),
    );
  });
});
