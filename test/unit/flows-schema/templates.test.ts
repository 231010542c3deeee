/**
 * Kestra templates (templates/**.yaml) included by Template tasks when a flow is loaded: the flow
 * validates and runs with the template's tasks and errors, args as the Template task's outputs;
 * a missing template, an invalid template file, a cycle and a flow read without templates are
 * errors at the Template task's templateId.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexFlow } from '../../../app/src/engine/flow-index.ts';
import { parseTemplate, templateSet } from '../../../flows-schema/src/templates.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const FLOW = `id: with-template
namespace: company.team
inputs:
  - id: store
    type: STRING
tasks:
  - id: template
    type: io.kestra.plugin.core.flow.Template
    namespace: company.team
    templateId: template
    args:
      renamed-store: "{{ inputs.store }}"
`;
const TEMPLATE = `id: template
namespace: company.team
tasks:
  - id: 1-return
    type: io.kestra.core.tasks.debugs.Return
    format: "{{ parent.outputs.args['renamed-store'] }}"
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: the template failed
`;

const templates = (files: Record<string, string>) =>
  templateSet(Object.entries(files).map(([path, text]) => ({ path, text })));

test("a Template task gets the template's tasks and errors; the engine indexes them as its children", () => {
  const result = validateFlowSource(FLOW, undefined, {
    templates: templates({ 'templates/t.yaml': TEMPLATE }),
  });
  assert.ok(result.flow, JSON.stringify(result.issues));
  assert.deepEqual(Object.keys(result.templates), ['company.team/template']);
  const index = indexFlow(result.flow);
  assert.equal(index.get('1-return')?.parentTaskId, 'template');
  assert.equal(index.get('alert')?.parentTaskId, 'template');
  assert.equal(index.get('alert')?.branch, 'errors');
  assert.deepEqual(
    result.issues.map((i) => [i.severity, i.code, i.range.start.line]),
    [['warning', 'deprecated-task-type', 8]],
    'only the deprecation warning at its type',
  );
});

test('errors at templateId: no such template (naming invalid template files), a flow read without templates', () => {
  const missing = validateFlowSource(FLOW, undefined, {
    templates: templates({ 'templates/bad.yaml': 'id: x\nnamespace: company.team\n' }),
  });
  assert.equal(missing.flow, undefined);
  const error = missing.issues.find((i) => i.severity === 'error');
  assert.equal(error?.code, 'unknown-template');
  assert.equal(error?.range.start.line, 10);
  assert.match(
    error?.message ?? '',
    /no template template in namespace company\.team; add templates\/template\.yaml/,
  );
  assert.match(error?.message ?? '', /templates\/bad\.yaml: 1:1: tasks: /);
  const none = validateFlowSource(FLOW);
  assert.equal(none.issues.find((i) => i.severity === 'error')?.code, 'template-not-available');
});

test('a template that includes itself is an error, not an endless expansion', () => {
  const loop = `id: loop
namespace: company.team
tasks:
  - id: again
    type: io.kestra.plugin.core.flow.Template
    namespace: company.team
    templateId: loop
`;
  const result = validateFlowSource(FLOW.replace('templateId: template', 'templateId: loop'), undefined, {
    templates: templates({ 'templates/loop.yaml': loop }),
  });
  assert.equal(result.flow, undefined);
  assert.match(
    result.issues.find((i) => i.code === 'template-cycle')?.message ?? '',
    /template company\.team\/loop includes itself/,
  );
});

test('a template task that is invalid is reported (at the Template task), with the task and problem named', () => {
  const broken = TEMPLATE.replace('io.kestra.core.tasks.debugs.Return', 'io.kestra.core.tasks.debugs.Retrun');
  const result = validateFlowSource(FLOW, undefined, {
    templates: templates({ 'templates/t.yaml': broken }),
  });
  assert.equal(result.flow, undefined);
  const error = result.issues.find((i) => i.severity === 'error');
  assert.match(
    error?.message ?? '',
    /task '1-return': unknown task type 'io\.kestra\.core\.tasks\.debugs\.Retrun'/,
  );
});

test('template files: Kestra shape checked, two files with one id keep the first', () => {
  assert.ok(parseTemplate(TEMPLATE).template);
  assert.match(parseTemplate('id: t\nnamespace: a\ntasks: []\n').problem ?? '', /at least one task/);
  assert.match(
    parseTemplate('id: t\nnamespace: a\ntasks: [{id: x, type: y}]\nflowId: z\n').problem ?? '',
    /flowId/,
  );
  const set = templates({ 'templates/a.yaml': TEMPLATE, 'templates/b.yaml': TEMPLATE });
  assert.ok(set.get('company.team', 'template'));
  assert.match(
    set.problems?.[0] ?? '',
    /templates\/b\.yaml: template company\.team\/template is also declared/,
  );
});
