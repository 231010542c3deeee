/** pluginDefaults by type prefix (the Snowflake seed's `io.kestra.plugin.jdbc.snowflake`) in validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateFlowSource } from '../../../flows-schema/src/validate/validate-flow.ts';

const flow = (defaults: string) => `id: reports
namespace: company.team
tasks:
  - id: pg
    type: io.kestra.plugin.jdbc.postgresql.Query
    sql: SELECT 1
  - id: maria
    type: io.kestra.plugin.jdbc.mariadb.Queries
    sql: SELECT 1
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: done
${defaults}`;

test('a default for io.kestra.plugin.jdbc gives the required url to every JDBC task, and to no other', () => {
  const result = validateFlowSource(
    flow(`pluginDefaults:
  - type: io.kestra.plugin.jdbc
    values:
      url: jdbc:postgresql://db:5432/app
      username: "{{ secret('DB_USER') }}"
`),
  );
  assert.deepEqual(
    result.issues.filter((i) => i.severity === 'error'),
    [],
  );
  assert.ok(result.flow);
});

test('without the default, each JDBC task without url is an error at its place', () => {
  const result = validateFlowSource(flow(''));
  const errors = result.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(
    errors.map((i) => [i.code, i.path, i.range?.start.line, i.message]),
    [
      ['missing-property', 'tasks[0].url', 4, "task 'pg': missing required property 'url'"],
      ['missing-property', 'tasks[1].url', 7, "task 'maria': missing required property 'url'"],
    ],
  );
});

test('a default whose prefix matches no task type is a warning naming it', () => {
  const result = validateFlowSource(
    flow(`pluginDefaults:
  - type: io.kestra.plugin.jdbc.postgres
    values:
      url: jdbc:postgresql://db:5432/app
`),
  );
  assert.ok(result.issues.some((i) => i.code === 'unknown-plugin-default-type' && i.severity === 'warning'));
});
