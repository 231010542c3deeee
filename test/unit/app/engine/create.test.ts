/** New executions: labels (flow, request, system.correlationId), concurrency admission, flow outputs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admit, createExecution, labelValue } from '../../../../app/src/engine/index.ts';
import { flow } from './flows.ts';
import { simulate } from './simulator.ts';

const limited = (behavior?: string) =>
  flow(`
id: lim
namespace: company.team
labels: { team: data }
concurrency: { limit: 2${behavior ? `, behavior: ${behavior}` : ''} }
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
`);

test('labels: the flow’s, the request’s, and system.correlationId (its own id, or inherited)', () => {
  const ex = createExecution(limited(), { id: 'e1', now: 0, labels: [{ key: 'env', value: 'dev' }] });
  assert.deepEqual(ex.labels, [
    { key: 'team', value: 'data' },
    { key: 'env', value: 'dev' },
    { key: 'system.correlationId', value: 'e1' },
  ]);
  const child = createExecution(limited(), { id: 'e2', now: 0, correlationId: 'root' });
  assert.equal(labelValue(child.labels, 'system.correlationId'), 'root');
});

test('concurrency: under the limit runs; at the limit QUEUE (default), CANCEL or FAIL', () => {
  assert.equal(admit(limited(), 1), 'RUN');
  assert.equal(admit(limited(), 2), 'QUEUE');
  assert.equal(admit(limited('CANCEL'), 2), 'CANCEL');
  assert.equal(admit(limited('FAIL'), 3), 'FAIL');
});

test('flow outputs are rendered at the end and typed', () => {
  const f = flow(`
id: out
namespace: company.team
tasks:
  - { id: t, type: io.kestra.plugin.core.log.Log, message: m }
outputs:
  - { id: count, type: INT, value: "{{ n }}" }
  - { id: label, type: STRING, value: plain }
`);
  const sim = simulate(f, { vars: { n: '42' } });
  assert.deepEqual(sim.ex.outputs, { count: 42, label: 'plain' });
  assert.equal(sim.ex.state, 'SUCCESS');
  const bad = simulate(f, { vars: { n: 'many' } });
  assert.equal(bad.ex.state, 'FAILED');
  assert.match(bad.logs.at(-1)?.message ?? '', /output 'count' must be an INT/);
});
