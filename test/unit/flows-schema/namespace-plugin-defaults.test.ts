/**
 * Namespace pluginDefaults (`.osprey.yml` `pluginDefaults: { <namespace>: [...] }`): which apply to
 * a flow (its namespace and parents, most specific last), their order with the flow's own and with
 * `forced`, and validation and the engine seeing the same defaults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexFlow } from '../../../app/src/engine/flow-index.ts';
import { withInheritedDefaults } from '../../../flows-schema/src/plugin-defaults.ts';
import { namespacePluginDefaults, RepoConfig } from '../../../flows-schema/src/repo-config.ts';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const config = RepoConfig.parse({
  pluginDefaults: {
    company: [{ type: 'io.kestra.plugin.core.log', values: { level: 'WARN', message: 'from company' } }],
    'company.team': [{ type: 'io.kestra.plugin.core.log.Log', values: { message: 'from company.team' } }],
    'company.locked': [{ type: 'io.kestra.plugin.core.log', forced: true, values: { level: 'ERROR' } }],
    companyx: [{ type: 'io.kestra.plugin.core.log', values: { message: 'not a parent' } }],
  },
});

test('a namespace gets its parents’ defaults first and its own last; a name prefix is not a parent', () => {
  assert.deepEqual(
    namespacePluginDefaults(config, 'company.team.etl').map((d) => d.values['message']),
    ['from company', 'from company.team'],
  );
  assert.deepEqual(namespacePluginDefaults(config, 'other'), []);
  assert.deepEqual(namespacePluginDefaults(RepoConfig.parse({}), 'company'), []);
});

const taskOf = (yaml: string, namespace: string) => {
  const result = validateFlowSource(yaml, undefined, {
    namespaceDefaults: (ns) => namespacePluginDefaults(config, ns),
  });
  assert.ok(result.flow, JSON.stringify(result.issues));
  assert.equal(result.flow.namespace, namespace);
  return indexFlow(result.flow).get('log')?.task as Record<string, unknown>;
};

test('a required property from the namespace makes the flow valid, and the engine runs with it', () => {
  const yaml =
    'id: f\nnamespace: company.team.etl\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n';
  assert.equal(
    validateFlowSource(yaml).issues.some((i) => i.severity === 'error'),
    true,
    'without the namespace defaults, message is missing',
  );
  const task = taskOf(yaml, 'company.team.etl');
  assert.equal(task['message'], 'from company.team', 'the most specific namespace wins');
  assert.equal(task['level'], 'WARN', 'the parent namespace still gives what the child does not set');
});

test("the flow's own defaults and the task's values win over the namespace's, unless those are forced", () => {
  const own = taskOf(
    `id: f
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      message: from the flow
`,
    'company.team',
  );
  assert.equal(own['message'], 'from the flow');
  const forced = taskOf(
    `id: f
namespace: company.locked
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
    level: DEBUG
pluginDefaults:
  - type: io.kestra.plugin.core.log
    forced: true
    values:
      level: TRACE
`,
    'company.locked',
  );
  assert.equal(forced['level'], 'ERROR', "the namespace's forced default is applied last");
  assert.equal(forced['message'], 'hi');
});

test('withInheritedDefaults: namespace non-forced, then the flow’s, then namespace forced', () => {
  const a = { type: 'x', values: { v: 1 } };
  const b = { type: 'x', forced: true, values: { v: 2 } };
  const own = { type: 'x', values: { v: 3 } };
  assert.deepEqual(withInheritedDefaults([a, b], [own]), [a, own, b]);
  assert.deepEqual(withInheritedDefaults([], [own]), [own]);
});

test('a version from the namespace that is not installed is refused, saying where it comes from', () => {
  const result = validateFlowSource(
    'id: f\nnamespace: company\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n',
    undefined,
    {
      namespaceDefaults: () => [{ type: 'io.kestra.plugin.core.log', values: { version: '9.9.9' } }],
      pluginVersion: (_type, version) => (version === '9.9.9' ? `no version '9.9.9'` : undefined),
    },
  );
  const error = result.issues.find((i) => i.code === 'unknown-plugin-version');
  assert.match(
    error?.message ?? '',
    /no version '9\.9\.9' \(the version comes from pluginDefaults: the flow's, or its namespace's in \.osprey\.yml\)/,
  );
  assert.equal(error?.range.start.line, 4, 'at the task');
});

test('.osprey.yml refuses a namespace default with a wrong shape', () => {
  const parsed = RepoConfig.safeParse({ pluginDefaults: { company: [{ type: 'x', value: {} }] } });
  assert.equal(parsed.success, false);
});
