import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { annotationsOf } from '../../../../app/src/github/checks/annotations.ts';
import { flowMermaid } from '../../../../app/src/github/checks/mermaid.ts';

describe('annotationsOf', () => {
  it('puts columns on one-line issues only, levels from severity, the code as title', () => {
    const notes = annotationsOf('flows/a.yaml', [
      {
        code: 'unknown-property',
        path: 'tasks[0].mesage',
        message: 'unknown',
        severity: 'error',
        range: { start: { line: 6, col: 5 }, end: { line: 6, col: 11 } },
      },
      {
        code: 'file-name-mismatch',
        path: 'id',
        message: 'rename',
        severity: 'warning',
        range: { start: { line: 1, col: 5 }, end: { line: 3, col: 1 } },
      },
    ]);
    assert.deepEqual(notes, [
      {
        path: 'flows/a.yaml',
        start_line: 6,
        end_line: 6,
        start_column: 5,
        end_column: 11,
        annotation_level: 'failure',
        message: 'unknown',
        title: 'unknown-property',
      },
      {
        path: 'flows/a.yaml',
        start_line: 1,
        end_line: 3,
        annotation_level: 'warning',
        message: 'rename',
        title: 'file-name-mismatch',
      },
    ]);
  });
});

describe('flowMermaid', () => {
  it('draws task lists as chains, flowables as subgraphs, Dag dependencies, branches and errors', () => {
    const doc = parse(`id: f
namespace: n
tasks:
  - id: start
    type: io.kestra.plugin.core.log.Log
    message: a
  - id: fan
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: left
        type: io.kestra.plugin.core.log.Log
        message: l
      - id: right
        type: io.kestra.plugin.core.log.Log
        message: r
  - id: graph
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: extract
          type: io.kestra.plugin.core.log.Log
          message: e
      - task:
          id: load
          type: io.kestra.plugin.core.log.Log
          message: l
        dependsOn: [extract]
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
      - id: "yes"
        type: io.kestra.plugin.core.log.Log
        message: "y"
    else:
      - id: "no"
        type: io.kestra.plugin.core.log.Log
        message: "n"
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: "x"
`);
    assert.equal(
      flowMermaid(doc),
      [
        'flowchart TD',
        '  n0["start · Log"]',
        '  subgraph n1["fan · Parallel"]',
        '    direction TB',
        '    n2["left · Log"]',
        '    n3["right · Log"]',
        '  end',
        '  subgraph n4["graph · Dag"]',
        '    direction TB',
        '    n5["extract · Log"]',
        '    n6["load · Log"]',
        '    n5 --> n6',
        '  end',
        '  subgraph n7["check · If"]',
        '    direction TB',
        '    subgraph g8["then"]',
        '      direction TB',
        '      n9["yes · Log"]',
        '    end',
        '    subgraph g10["else"]',
        '      direction TB',
        '      n11["no · Log"]',
        '    end',
        '  end',
        '  n0 --> n1',
        '  n1 --> n4',
        '  n4 --> n7',
        '  subgraph g12["errors (on failure)"]',
        '    direction TB',
        '    n13["alert · Log"]',
        '  end',
      ].join('\n'),
    );
  });

  it('escapes quotes and markup in labels, and returns undefined without tasks', () => {
    const doc = { id: 'f', namespace: 'n', tasks: [{ id: 'say"<b>', type: 'x.Log' }] };
    assert.equal(flowMermaid(doc), 'flowchart TD\n  n0["say#34;#60;b#62; · Log"]');
    assert.equal(flowMermaid({ id: 'f' }), undefined);
    assert.equal(flowMermaid('not a map'), undefined);
  });
});
