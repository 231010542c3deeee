/** The output protocol parser and the environment a script process gets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProtocolLine } from '../../../../runner/src/tasks/scripts/output-protocol.ts';
import { processEnv } from '../../../../runner/src/tasks/scripts/process-env.ts';

test('protocol lines: outputs, logs and metrics are recognised; anything else is an ordinary line', () => {
  assert.deepEqual(parseProtocolLine('::{"outputs": {"a": 1}}::'), { outputs: { a: 1 } });
  assert.deepEqual(parseProtocolLine('  ::{"outputs": {"a": [1]}}::  '), { outputs: { a: [1] } });
  assert.deepEqual(parseProtocolLine('::{"logs": [{"level": "warn", "message": "m"}, {"message": 2}]}::'), {
    logs: [
      { level: 'WARN', message: 'm' },
      { level: 'INFO', message: '2' },
    ],
  });
  assert.deepEqual(parseProtocolLine('::{"metrics": [{"name": "n"}]}::'), { metrics: [{ name: 'n' }] });
  for (const line of [
    '::{not json}::',
    '::["a"]::',
    '::{"other": 1}::',
    'text ::{"outputs": {}}::',
    '{"outputs": {}}',
  ]) {
    assert.equal(parseProtocolLine(line), undefined, line);
  }
});

test('the process environment drops Osprey’s own secrets, including a custom secret prefix', () => {
  const env = processEnv(
    { EXTRA: '1' },
    {
      PATH: '/bin',
      OSPREY_RUNNER_TOKEN: 't',
      OSPREY_ENV_SECRET_PREFIX: 'VAULT_',
      VAULT_DB: 'v',
      SECRET_X: 's',
      DATABASE_URL: 'postgres://u:p@h/db',
      GITHUB_TOKEN: 'g',
      PRIVATE_KEY: 'k',
      GITHUB_SHA: 'abc',
    },
  );
  assert.deepEqual(env, { PATH: '/bin', GITHUB_SHA: 'abc', EXTRA: '1' });
});
