import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../../../app/src/github/commands/parse-command.ts';

describe('parseCommand', () => {
  it('reads /osprey run with a dotted namespace, inputs and quotes, on any line', () => {
    assert.deepEqual(
      parseCommand(
        'Please try\n  /osprey run company.team.etl day=2024-01-31 "note=two words" msg=\'a b\' empty=',
      ),
      {
        kind: 'run',
        namespace: 'company.team',
        flowId: 'etl',
        inputs: { day: '2024-01-31', note: 'two words', msg: 'a b', empty: '' },
      },
    );
    assert.deepEqual(parseCommand('/osprey run ns.flow key="x=y"'), {
      kind: 'run',
      namespace: 'ns',
      flowId: 'flow',
      inputs: { key: 'x=y' },
    });
  });

  it('ignores comments without a command line', () => {
    assert.equal(parseCommand('I ran /osprey run a.b yesterday'), undefined);
    assert.equal(parseCommand('/ospreys run a.b'), undefined);
  });

  it('explains malformed commands', () => {
    const cases: Array<[string, RegExp]> = [
      ['/osprey deploy a.b', /^unknown command `deploy`/],
      ['/osprey', /^a command is missing/],
      ['/osprey run flowonly', /^name the flow as <namespace>\.<flowId>/],
      ['/osprey run a.b notakeyvalue', /^`notakeyvalue` is not an input/],
      ['/osprey run a.b "unclosed', /^a quote is not closed/],
    ];
    for (const [body, expected] of cases) {
      const command = parseCommand(body);
      assert.equal(command?.kind, 'invalid', body);
      assert.match(command?.kind === 'invalid' ? command.message : '', expected, body);
    }
  });
});
