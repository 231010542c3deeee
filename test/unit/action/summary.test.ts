/** Pieces of the Action's job summaries: table cells, code spans, the annotations past the cap, SSE. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Annotator, SHOWN_PER_STEP } from '../../../action/src/annotations.ts';
import { cell, code } from '../../../action/src/markdown.ts';
import { overflowSection } from '../../../action/src/run-action.ts';
import { readServerSentEvents } from '../../../action/src/sse.ts';

describe('markdown', () => {
  it('keeps a cell inside its table and a code span whole', () => {
    assert.equal(cell('a | b\nc'), 'a \\| b<br>c');
    assert.equal(code('x'), '`x`');
    assert.equal(code('a `b` c'), '``a `b` c``');
    assert.equal(code('`edge'), '`` `edge ``');
  });
});

describe('Annotator', () => {
  it('shows 10 errors and 10 warnings, keeps the rest for the summary and prints them', () => {
    const shown: string[] = [];
    const printed: string[] = [];
    const a = new Annotator({
      error: (m) => shown.push(`error ${m}`),
      warning: (m) => shown.push(`warning ${m}`),
      info: (m) => printed.push(m),
    });
    for (let i = 0; i < 12; i++) a.add({ level: 'error', message: `e${i}`, file: 'f.yaml', line: i + 1 });
    for (let i = 0; i < 11; i++) a.add({ level: 'warning', message: `w${i}` });
    assert.equal(shown.filter((s) => s.startsWith('error')).length, SHOWN_PER_STEP);
    assert.equal(shown.filter((s) => s.startsWith('warning')).length, SHOWN_PER_STEP);
    assert.deepEqual(
      a.overflow.map((p) => p.message),
      ['e10', 'e11', 'w10'],
    );
    assert.deepEqual(printed, ['error: e10', 'error: e11', 'warning: w10']);
    const section = overflowSection(a.overflow);
    assert.match(section, /these 3 more \(2 errors, 1 warning\)/);
    assert.match(section, /\| `f\.yaml:11` \| error \| e10 \|/);
    assert.equal(overflowSection([]), '');
  });
});

describe('readServerSentEvents', () => {
  it('reads events split across chunks', async () => {
    const chunks = ['data: {"a"', ':1}\nid: 1\n\nevent: end\r\ndata: {"state":"SUCCESS"}\n\n'];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
        c.close();
      },
    });
    const events = [];
    for await (const e of readServerSentEvents(body)) events.push(e);
    assert.deepEqual(events, [
      { event: 'message', data: '{"a":1}' },
      { event: 'end', data: '{"state":"SUCCESS"}' },
    ]);
  });
});
