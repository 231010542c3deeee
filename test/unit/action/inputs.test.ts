/** The Action's inputs: defaults, parsing, and refusals that name the input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, parseTimeout, readInputs } from '../../../action/src/inputs.ts';

const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('readInputs', () => {
  it('defaults: validate the workspace, wait, no timeout', () => {
    assert.deepEqual(readInputs(read({})), {
      command: 'validate',
      path: '',
      flows: [],
      inputs: {},
      server: undefined,
      token: undefined,
      wait: true,
      timeoutMs: undefined,
    });
  });

  it('reads a YAML or JSON inputs map, several flows and the server without its trailing slash', () => {
    const i = readInputs(
      read({
        command: 'test',
        flow: 'company.team.a\n company.team.b , flows/c.yaml',
        inputs: 'user: Ada\ncount: 2',
        server: 'https://osprey.example.com/',
        wait: 'False',
      }),
    );
    assert.deepEqual(i.flows, ['company.team.a', 'company.team.b', 'flows/c.yaml']);
    assert.deepEqual(i.inputs, { user: 'Ada', count: 2 });
    assert.equal(i.server, 'https://osprey.example.com');
    assert.equal(i.wait, false);
    assert.deepEqual(readInputs(read({ inputs: '{"user": "Ada"}' })).inputs, { user: 'Ada' });
  });

  it('refuses bad values, naming the input', () => {
    const refused = (values: Record<string, string>, pattern: RegExp) =>
      assert.throws(
        () => readInputs(read(values)),
        (e: Error) => e instanceof InputError && pattern.test(e.message),
      );
    refused(
      { command: 'deploy' },
      /^input 'command' must be one of validate, run, trigger, test; got 'deploy'$/,
    );
    refused({ inputs: '[1, 2]' }, /^input 'inputs' must be a map of flow input id to value.*got a list$/);
    refused({ inputs: '{"a": ' }, /^input 'inputs' is not valid YAML or JSON/);
    refused({ wait: 'yes' }, /^input 'wait' must be true or false; got 'yes'$/);
    refused({ server: 'osprey.example.com' }, /^input 'server' must be the http\(s\) URL/);
    refused({ timeout: 'soon' }, /^input 'timeout' must be a duration such as 600/);
  });
});

describe('parseTimeout', () => {
  it('takes seconds, units and ISO-8601 durations', () => {
    assert.equal(parseTimeout(''), undefined);
    assert.equal(parseTimeout('600'), 600_000);
    assert.equal(parseTimeout('90s'), 90_000);
    assert.equal(parseTimeout('1h30m'), 5_400_000);
    assert.equal(parseTimeout('PT10M'), 600_000);
    assert.throws(() => parseTimeout('0'), InputError);
    assert.throws(() => parseTimeout('P'), InputError);
  });
});
