/** "Did you mean": close type names and property names are suggested, unrelated ones are not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest } from '../../../flows-schema/src/validate/suggest.ts';

const types = [
  'io.kestra.plugin.core.log.Log',
  'io.kestra.plugin.core.flow.Sequential',
  'io.kestra.plugin.core.flow.Subflow',
  'io.kestra.core.tasks.states.Set',
  'io.kestra.plugin.core.trigger.Toggle',
];

test('a typo in the class name or the package finds the type', () => {
  assert.deepEqual(closest('io.kestra.plugin.core.log.Lgo', types), ['io.kestra.plugin.core.log.Log']);
  assert.deepEqual(closest('io.kestra.plugin.core.flow.Subflows', types), [
    'io.kestra.plugin.core.flow.Subflow',
  ]);
  assert.deepEqual(closest('io.kestra.core.tasks.trigger.Toggle', types), [
    'io.kestra.plugin.core.trigger.Toggle',
  ]);
  assert.deepEqual(closest('Log', types), ['io.kestra.plugin.core.log.Log']);
});

test('a type of another package with an unrelated class name gets no suggestion', () => {
  assert.deepEqual(closest('io.kestra.core.runners.test.TaskThatFail', types), []);
  assert.deepEqual(closest('io.kestra.core.tasks.test.BadSequential', types), [
    'io.kestra.plugin.core.flow.Sequential',
  ]);
});

test('property names are compared as they are', () => {
  assert.deepEqual(closest('mesage', ['message', 'level', 'id']), ['message']);
});
