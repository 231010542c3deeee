import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionDocument, TaskRunDocument } from '../../../../../app/src/execution/contract.ts';
import { formatElapsed, taskTree } from '../../../../../cli/src/commands/run/task-tree.ts';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function run(
  id: string,
  taskId: string,
  state: string,
  startMs: number,
  endMs?: number,
  extra: Partial<TaskRunDocument> = {},
): TaskRunDocument {
  const histories = [
    { state: 'CREATED', date: at(startMs - 5) },
    { state: 'RUNNING', date: at(startMs) },
    ...(endMs === undefined ? [] : [{ state, date: at(endMs) }]),
  ] as TaskRunDocument['state']['histories'];
  return {
    id,
    executionId: 'ex',
    namespace: 'ns',
    flowId: 'f',
    taskId,
    state: { current: state as TaskRunDocument['state']['current'], histories },
    attempts: [],
    ...extra,
  };
}

function execution(taskRunList: TaskRunDocument[]): ExecutionDocument {
  return {
    id: 'ex',
    namespace: 'ns',
    flowId: 'f',
    state: { current: 'RUNNING', histories: [] },
    taskRunList,
    inputs: {},
    labels: [],
  };
}

test('children sit under their parent, loop values shown, in list order', () => {
  const rows = taskTree(
    execution([
      run('a', 'each', 'RUNNING', 0),
      run('b', 'hello', 'SUCCESS', 10, 30, { parentTaskRunId: 'a', value: 'x' }),
      run('c', 'after', 'CREATED', 0, undefined, {
        state: { current: 'CREATED', histories: [{ state: 'CREATED', date: at(0) }] },
      }),
      run('d', 'hello', 'RUNNING', 40, undefined, { parentTaskRunId: 'a', value: 'y' }),
    ]),
    T0 + 100,
  );
  assert.deepEqual(
    rows.map((r) => [r.depth, r.label, r.state, r.elapsedMs]),
    [
      [0, 'each', 'RUNNING', 100],
      [1, 'hello [x]', 'SUCCESS', 20],
      [1, 'hello [y]', 'RUNNING', 60],
      [0, 'after', 'CREATED', undefined],
    ],
  );
});

test('a task run whose parent is unknown is still shown', () => {
  const rows = taskTree(execution([run('b', 'orphan', 'SUCCESS', 0, 5, { parentTaskRunId: 'zzz' })]), T0);
  assert.deepEqual(
    rows.map((r) => [r.depth, r.label]),
    [[0, 'orphan']],
  );
});

test('formatElapsed', () => {
  assert.equal(formatElapsed(undefined), '');
  assert.equal(formatElapsed(123), '0.12s');
  assert.equal(formatElapsed(12_340), '12.3s');
  assert.equal(formatElapsed(65_000), '1m05s');
  assert.equal(formatElapsed(7_380_000), '2h03m');
});
