/**
 * The flows of the chaos run (namespace `chaos`). Every task that does work is a shell task whose
 * first command appends `executionId/taskRunId/attempt HH:MM:SS.mmm` to the evidence file, and has a retry
 * policy, so a runner killed under it costs an attempt, not the execution.
 */
export const EVIDENCE_PLACEHOLDER = '__EVIDENCE__';

const RETRY = (indent: string) =>
  [`retry:`, `  type: constant`, `  interval: PT0.2S`, `  maxAttempt: 5`]
    .map((l) => `${indent}${l}`)
    .join('\n');

/** A shell task that leaves its evidence line; `extra` commands run after it. */
function mark(id: string, indent: string, extra: string[] = []): string {
  return [
    `${indent}- id: ${id}`,
    `${indent}  type: io.kestra.plugin.scripts.shell.Commands`,
    RETRY(`${indent}  `),
    `${indent}  commands:`,
    `${indent}    - echo "{{ execution.id }}/{{ taskrun.id }}/{{ taskrun.attemptsCount }} $(date -u +%T.%3N)" >> ${EVIDENCE_PLACEHOLDER}`,
    ...extra.map((c) => `${indent}    - ${c}`),
  ].join('\n');
}

const flow = (id: string, tasks: string[]) => `id: ${id}\nnamespace: chaos\ntasks:\n${tasks.join('\n')}\n`;

export const FLOWS = {
  seq: flow(
    'seq',
    ['a', 'b', 'c', 'd', 'e'].map((t) => mark(t, '  ')),
  ),
  loop: flow('loop', [
    '  - id: each',
    '    type: io.kestra.plugin.core.flow.ForEach',
    '    values: ["x", "y", "z"]',
    '    concurrencyLimit: 1',
    '    tasks:',
    mark('item', '      '),
    mark('after', '  '),
  ]),
  fan: flow('fan', [
    '  - id: fan',
    '    type: io.kestra.plugin.core.flow.Parallel',
    '    tasks:',
    mark('p1', '      '),
    mark('p2', '      '),
    mark('p3', '      '),
    mark('join', '  '),
  ]),
  // Fails its first attempt on purpose; the retry policy runs it again.
  flaky: flow('flaky', [
    mark('flaky', '  ', ['test "{{ taskrun.attemptsCount }}" -ge 1']),
    mark('next', '  '),
  ]),
  parent: flow('parent', [
    mark('before', '  '),
    '  - id: call',
    '    type: io.kestra.plugin.core.flow.Subflow',
    '    namespace: chaos',
    '    flowId: child',
    '    wait: true',
    '    transmitFailed: true',
    mark('after', '  '),
  ]),
  child: flow('child', [mark('c1', '  '), mark('c2', '  ')]),
  nap: flow('nap', [
    mark('a', '  '),
    '  - id: nap',
    '    type: io.kestra.plugin.core.flow.Sleep',
    '    duration: PT0.5S',
    RETRY('    '),
    mark('b', '  '),
  ]),
};

export type FlowName = keyof typeof FLOWS;

/** What the chaos run starts (the child only as a subflow). */
export const MIX: readonly FlowName[] = ['seq', 'loop', 'fan', 'flaky', 'parent', 'nap'];
