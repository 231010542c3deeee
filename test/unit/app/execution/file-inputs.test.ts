/**
 * FILE inputs: a server never reads a path a request names (it would leak its own files into
 * internal storage); a kestra:// URI must be a file of the flow's namespace; uploads are stored.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputsRefused } from '../../../../app/src/execution/contract.ts';
import { createLocalExecutionService } from '../../../../app/src/execution/local.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { memoryStorage, parseFlow } from './harness.ts';

const FLOW = parseFlow(`id: upload
namespace: company.team
inputs:
  - id: data
    type: FILE
tasks:
  - id: size
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.data }}"
`);

function service(localFileInputs: boolean) {
  const storage = memoryStorage();
  const executions = createLocalExecutionService({
    runner: { run: async (job) => ({ jobId: job.jobId, state: 'SUCCESS' }) },
    storage,
    kv: { get: async () => undefined, set: async () => {}, delete: async () => false, keys: async () => [] },
    secrets: { get: async () => undefined },
    flows: { get: async () => undefined },
    clock: new FakeClock(),
    localFileInputs,
  });
  return { executions, storage };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof InputsRefused, `expected InputsRefused, got ${String(error)}`);
  return error.message;
}

test('a server refuses a FILE input given as a path and stores nothing', async () => {
  const { executions, storage } = service(false);
  const message = await refusal(executions.start({ flow: FLOW, inputs: { data: '/etc/passwd' } }));
  assert.match(message, /input 'data': .*paths are not read on the server/);
  assert.equal(storage.files.size, 0);
});

test('a kestra:// URI of another namespace is refused; one of the flow namespace is accepted', async () => {
  const { executions, storage } = service(false);
  const theirs = await storage.put(
    { namespace: 'other', flowId: 'x', executionId: 'e' },
    'secret.csv',
    'a,b',
  );
  assert.match(
    await refusal(executions.start({ flow: FLOW, inputs: { data: theirs } })),
    /not a file of namespace company\.team/,
  );
  const traversal = 'kestra:///company/team/../../other/x/executions/e/1-secret.csv';
  assert.match(
    await refusal(executions.start({ flow: FLOW, inputs: { data: traversal } })),
    /not a file of namespace/,
  );
  const ours = await storage.put(
    { namespace: 'company.team', flowId: 'upload', executionId: 'e' },
    'data.csv',
    'a,b',
  );
  const started = await executions.start({ flow: FLOW, inputs: { data: ours } });
  assert.equal(started.inputs['data'], ours);
});

test('uploaded bytes are stored; osprey run (localFileInputs) reads a local path', async () => {
  const server = service(false);
  const uploaded = await server.executions.start({ flow: FLOW, inputs: { data: Buffer.from('x,y') } });
  assert.equal(server.storage.files.get(String(uploaded.inputs['data']))?.toString(), 'x,y');
  const cli = service(true);
  const path = join(tmpdir(), `osprey-file-input-${process.pid}.csv`);
  writeFileSync(path, 'local,file');
  const started = await cli.executions.start({ flow: FLOW, inputs: { data: path } });
  assert.equal(cli.storage.files.get(String(started.inputs['data']))?.toString(), 'local,file');
});
