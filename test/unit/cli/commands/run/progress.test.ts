import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { ExecutionDocument, LogEntry } from '../../../../../app/src/execution/contract.ts';
import { plainProgress, ttyProgress } from '../../../../../cli/src/commands/run/progress.ts';

const ESC = '\u001b';

/** A real stream (styleText checks it) that records what is written, colourless. */
function sink(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const out = Object.assign(stream, {
    isTTY,
    columns: 60,
    hasColors: () => false,
  }) as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

const date = '2025-01-01T10:00:00.000Z';
function exec(current: string, runs: Array<[string, string, string?]>): ExecutionDocument {
  return {
    id: 'ex1',
    namespace: 'company.team',
    flowId: 'demo',
    state: {
      current: current as ExecutionDocument['state']['current'],
      histories: [{ state: 'RUNNING', date }],
    },
    inputs: {},
    labels: [],
    taskRunList: runs.map(([id, taskId, state]) => ({
      id,
      executionId: 'ex1',
      namespace: 'company.team',
      flowId: 'demo',
      taskId,
      state: {
        current: (state ?? 'RUNNING') as ExecutionDocument['state']['current'],
        histories: [
          { state: 'RUNNING', date },
          ...(state === undefined || state === 'RUNNING'
            ? []
            : [{ state: state as ExecutionDocument['state']['current'], date: '2025-01-01T10:00:01.500Z' }]),
        ],
      },
      attempts: [],
    })),
  };
}
const log = (taskRunId: string, message: string): LogEntry => ({
  executionId: 'ex1',
  namespace: 'company.team',
  flowId: 'demo',
  taskId: 'hello',
  taskRunId,
  level: 'INFO',
  message,
  timestamp: '2025-01-01T10:00:00.500Z',
});

test('plain progress prints each state change once, in time order with the logs', () => {
  const s = sink(false);
  const view = plainProgress(s.out);
  view.update(exec('RUNNING', [['r1', 'hello', 'RUNNING']]), []);
  view.update(exec('RUNNING', [['r1', 'hello', 'RUNNING']]), []);
  view.update(exec('RUNNING', [['r1', 'hello', 'SUCCESS']]), [log('r1', 'Hello World!')]);
  view.finish(exec('SUCCESS', [['r1', 'hello', 'SUCCESS']]));
  const lines = s.text().trimEnd().split('\n');
  assert.equal(lines.length, 4, s.text());
  assert.equal(lines[0], '10:00:00.000 Execution ex1 of company.team.demo: RUNNING');
  assert.equal(lines[1], '10:00:00.000 RUNNING   hello');
  assert.equal(lines[2], '10:00:00.500 INFO  hello Hello World!');
  assert.equal(lines[3], '10:00:01.500 SUCCESS   hello (1.50s)');
});

test('tty progress redraws the tree in place below new log lines', () => {
  const s = sink(true);
  const view = ttyProgress(s.out);
  view.update(exec('RUNNING', [['r1', 'hello', 'RUNNING']]), []);
  view.update(
    exec('RUNNING', [
      ['r1', 'hello', 'SUCCESS'],
      ['r2', 'next', 'RUNNING'],
    ]),
    [log('r1', 'Hello World!')],
  );
  view.finish(
    exec('SUCCESS', [
      ['r1', 'hello', 'SUCCESS'],
      ['r2', 'next', 'SUCCESS'],
    ]),
  );
  // Colours (SGR codes) vary with the environment; cursor moves are what matter here.
  const text = s.text().replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '');
  // First draw: header + 1 row; the second erases those 2 lines, the final draw erases 3.
  assert.ok(text.includes('\x1b[2F\x1b[J10:00:00.500 INFO  hello Hello World!\n'), JSON.stringify(text));
  assert.ok(text.includes('\x1b[3F\x1b[J'));
  const final = text.slice(text.lastIndexOf('\x1b[J') + 3).split('\n');
  assert.match(final[0]!, /^company\.team\.demo · ex1 · SUCCESS$/);
  assert.match(final[1]!, /^ {2}✔ hello {2}success 1\.50s$/);
  assert.match(final[2]!, /^ {2}✔ next {2}success 1\.50s$/);
});
