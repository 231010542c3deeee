import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectInputs, UsageError } from '../../../../../cli/src/commands/run/inputs.ts';
import { tempDir } from '../../../runner/helpers.ts';

test('--input pairs are raw strings; a repeated key makes a list; = in values is kept', async () => {
  assert.deepEqual(
    await collectInputs(['a=1', 'url=http://x?y=z', 'm=one', 'm=two', 'm=three', 'empty='], undefined),
    {
      a: '1',
      url: 'http://x?y=z',
      m: ['one', 'two', 'three'],
      empty: '',
    },
  );
  await assert.rejects(
    collectInputs(['novalue'], undefined),
    (e: Error) => e instanceof UsageError && /key=value, got 'novalue'/.test(e.message),
  );
  await assert.rejects(collectInputs(['=x'], undefined), UsageError);
});

test('--inputs-file reads JSON or YAML, and --input wins', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'in.json'), '{"n": 3, "flag": true, "name": "file"}');
  await writeFile(join(dir, 'in.yaml'), 'n: 4\nlist: [a, b]\n');
  await writeFile(join(dir, 'bad.yaml'), '- not\n- a map\n');
  assert.deepEqual(await collectInputs(['name=cli'], join(dir, 'in.json')), {
    n: 3,
    flag: true,
    name: 'cli',
  });
  assert.deepEqual(await collectInputs([], join(dir, 'in.yaml')), { n: 4, list: ['a', 'b'] });
  await assert.rejects(collectInputs([], join(dir, 'bad.yaml')), /must hold a map of input id: value/);
  await assert.rejects(
    collectInputs([], join(dir, 'missing.json')),
    /cannot read --inputs-file .*missing\.json: ENOENT/,
  );
  await rm(dir, { recursive: true, force: true });
});
