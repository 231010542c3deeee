/**
 * Kestra evaluates expressions only at run time, so a flow whose references are guarded
 * (`?? 'd'`, `| default`, `is defined`, `{% if %}`) runs there. Such references to undeclared
 * inputs or unknown tasks are warnings; a reference the render certainly reads is an error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { templateReferences } from '../../../flows-schema/src/expressions/references.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

function flowWith(message: string): string {
  return [
    'id: refs',
    'namespace: company.team',
    'inputs:',
    '  - id: user',
    '    type: STRING',
    '    defaults: me',
    'tasks:',
    '  - id: first',
    '    type: io.kestra.plugin.core.debug.Return',
    '    format: x',
    '  - id: hello',
    '    type: io.kestra.plugin.core.log.Log',
    `    message: ${JSON.stringify(message)}`,
  ].join('\n');
}

function severities(message: string): string[] {
  return validateFlowSource(flowWith(message)).issues.map((i) => `${i.severity} ${i.code}`);
}

const guarded = [
  "{{ inputs.missing ?? 'd' }}",
  "{{ inputs.missing ??? 'd' }}",
  "{{ inputs.missing | default('d') }}",
  '{{ inputs.missing is defined ? inputs.missing : 1 }}',
  '{% if inputs.missing is defined %}{{ inputs.missing }}{% endif %}',
  "{{ outputs.skipped.value ?? 'none' }}",
  "{{ outputs['skipped'].value | default('none') }}",
  '{{ inputs.user == "x" and inputs.missing }}',
  '{% for x in [1] %}{{ outputs.later.value }}{% endfor %}',
  "{{ true ? 'a' : outputs.missing.value }}",
  '{{ inputs.user ?? outputs.missing.value }}',
];

for (const message of guarded) {
  test(`guarded reference is a warning and the flow is valid: ${message}`, () => {
    const result = validateFlowSource(flowWith(message));
    assert.ok(result.issues.length > 0, 'the reference is reported');
    assert.ok(
      result.issues.every((i) => i.severity === 'warning'),
      result.issues.map((i) => i.message).join('\n'),
    );
    assert.ok(result.flow, 'a flow with only warnings comes back valid');
    assert.match(result.issues[0]!.message, /guarded or conditional/);
  });
}

const certain = [
  '{{ inputs.missing }}',
  '{{ outputs.missing.value }}',
  '{{ inputs.missing ~ "x" }}',
  '{{- inputs.missing -}}',
  '{{ inputs.missing | upper }}',
];

for (const message of certain) {
  test(`a reference the render certainly reads is an error: ${message}`, () => {
    const result = validateFlowSource(flowWith(message));
    assert.equal(result.flow, undefined);
    assert.ok(severities(message).some((s) => s.startsWith('error unknown-')));
  });
}

test('declared names give no issue, guarded or not', () => {
  for (const message of ['{{ inputs.user }}', '{{ outputs.first.value }}', "{{ inputs.user ?? 'x' }}"]) {
    assert.deepEqual(severities(message), [], message);
  }
});

test('templateReferences reports offsets and certainty', () => {
  const refs = templateReferences("a {{ inputs.x ?? outputs.t.value }} {{ inputs['y'] }}");
  assert.deepEqual(
    refs.map((r) => [r.kind, r.name, r.offset, r.certain]),
    [
      ['inputs', 'x', 5, false],
      ['outputs', 't', 17, false],
      ['inputs', 'y', 39, true],
    ],
  );
});

test('references inside {% raw %} are not references', () => {
  assert.deepEqual(templateReferences('{% raw %}{{ inputs.x }}{% endraw %}'), []);
});
