/** SECRET inputs: tasks get the value; documents, logs and outputs never show it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness } from './harness.ts';

const FLOW = `
id: login
namespace: company.team
inputs:
  - id: user
    type: STRING
  - id: password
    type: SECRET
tasks:
  - id: connect
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.user }}:{{ inputs.password }}"
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "using {{ inputs.password }}"
`;

test('a SECRET input reaches the task but is ****** in the document, logs and outputs', async () => {
  const h = harness();
  const doc = await h.run(FLOW, { user: 'ana', password: 'hunter2-long' });
  assert.equal(doc.state.current, 'SUCCESS');
  assert.deepEqual(doc.inputs, { user: 'ana', password: '******' });
  assert.equal(
    h.runner.jobsOf('connect')[0]?.properties['format'],
    'ana:hunter2-long',
    'the task gets the value',
  );
  const text = JSON.stringify({ doc, logs: await h.service.logs(doc.id) });
  assert.equal(text.includes('hunter2-long'), false, text);
  assert.ok((await h.messages(doc.id)).includes('using ******'));
});
