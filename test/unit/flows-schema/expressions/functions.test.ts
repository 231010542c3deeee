/**
 * Functions: I/O through fake services, pure functions and render().
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, render } from '../../../../flows-schema/src/expressions/index.ts';
import { fakeServices, kestraContext } from './fixture.ts';

const ctx = kestraContext();

describe('I/O functions call the injected services', () => {
  it("kv('k') uses the execution's namespace, kv('k', namespace='ns') another one", async () => {
    const services = fakeServices();
    assert.equal(
      await render("{{ kv('k') }}|{{ kv('k', namespace='other.ns') }}", ctx, { services }),
      'kv-k@own|kv-k@other.ns',
    );
    assert.deepEqual(services.calls, ['kv:k:-', 'kv:k:other.ns']);
  });

  it('kv values are typed and can be navigated', async () => {
    assert.equal(await evaluate("kv('object').deep.value + 1", ctx, { services: fakeServices() }), 8);
  });

  it('a missing kv key fails unless errorOnMissing=false', async () => {
    const services = fakeServices();
    await assert.rejects(render("{{ kv('missing') }}", ctx, { services }), /kv\(\): no key 'missing'/);
    assert.equal(
      await render("{{ kv('missing', errorOnMissing=false) ?? 'none' }}", ctx, { services }),
      'none',
    );
  });

  it('secret() returns the value and reports it for masking, subkey reads a JSON secret', async () => {
    const services = fakeServices();
    assert.equal(await render("{{ secret('DB_PASSWORD') }}", ctx, { services }), 's3cr3t-DB_PASSWORD');
    assert.equal(await render("{{ secret('JSON_SECRET', subkey='password') }}", ctx, { services }), 'pa55');
    assert.ok(services.secrets.includes('s3cr3t-DB_PASSWORD'));
    assert.ok(services.secrets.includes('pa55'));
    assert.equal(await render("{{ secret('X', namespace='ns') }}", ctx, { services }), 's3cr3t-X');
    assert.ok(services.calls.includes('secret:X:ns'));
  });

  it('read, fileSize, fileExists and isFileEmpty', async () => {
    const services = fakeServices();
    assert.equal(
      await render("{{ read('kestra:///a.txt') }}", ctx, { services }),
      'content of kestra:///a.txt',
    );
    assert.equal(await evaluate("fileSize('kestra:///a.txt')", ctx, { services }), 1234);
    assert.equal(await evaluate("fileExists('kestra:///exists.txt')", ctx, { services }), true);
    assert.equal(await evaluate("fileExists('kestra:///other.txt')", ctx, { services }), false);
    assert.equal(await evaluate("isFileEmpty('kestra:///empty.txt')", ctx, { services }), true);
    assert.equal(await render("{% if fileSize('x') > 1000 %}big{% endif %}", ctx, { services }), 'big');
  });

  it('errorLogs() prints readable JSON containing each message', async () => {
    const out = await render('Failure alert: {{ errorLogs() }}', ctx, { services: fakeServices() });
    assert.ok(out.startsWith('Failure alert: [{"taskId":"fail"'));
    assert.ok(out.includes('Something went wrong'));
    assert.ok(out.includes('exit code 1'));
  });

  it('errorLogs() entries can be looped over', async () => {
    const out = await render(
      '{% for log in errorLogs() %}{{ log.taskId }}: {{ log.message }}\n{% endfor %}',
      ctx,
      {
        services: fakeServices(),
      },
    );
    assert.equal(out, 'fail: Something went wrong\nfail: exit code 1\n');
  });

  it('I/O results flow through every construct', async () => {
    const services = fakeServices();
    const template =
      "{{ outputs.child[kv('a', errorOnMissing=false) | replace({'kv-': '', '@own': ''})].value }}|" +
      "{{ nope | default(kv('d')) }}|{{ [kv('l'), {kv('m'): 1}] }}|" +
      "{% for c in [kv('x')] %}{{ c | upper }}{% endfor %}|{% if fileExists('exists.txt') %}yes{% endif %}|" +
      "{% set v = read('f') %}{{ v ~ '!' }}|{{ \"#{kv('i')}\" }}";
    assert.equal(
      await render(template, ctx, { services }),
      'child-a|kv-d@own|["kv-l@own",{"kv-m@own":1}]|KV-X@OWN|yes|content of f!|kv-i@own',
    );
  });

  it('renders concurrently without mixing contexts', async () => {
    const services = fakeServices();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => render("{{ n }}:{{ kv('k') }}", { n: i }, { services })),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 50 }, (_, i) => `${i}:kv-k@own`),
    );
  });

  it('a function whose service is absent fails naming the function', async () => {
    await assert.rejects(render("{{ secret('X') }}", ctx), (error: Error) => {
      assert.match(
        error.message,
        /secret\(\) is not available here: the renderer was given no 'secret' service/,
      );
      return true;
    });
    await assert.rejects(render("{{ read('x') }}", ctx), /read\(\) is not available here/);
  });
});

describe('pure functions', () => {
  it('now() uses the injected clock, or the real one', async () => {
    assert.equal(await render('{{ now() }}', ctx, { services: fakeServices() }), '2024-01-15T10:30:00.123Z');
    const real = (await evaluate('now()', ctx)) as Date;
    assert.ok(Math.abs(real.getTime() - Date.now()) < 5000);
  });

  it('json() and fromJson() parse JSON text', async () => {
    assert.deepEqual(await evaluate('json(inputs.json)', ctx), { a: [1, 2] });
    assert.equal(await evaluate('fromJson(inputs.json).a[1]', ctx), 2);
    assert.equal(await render("{{ json('[1, 2]') | length }}", ctx), '2');
    await assert.rejects(evaluate("json('{bad')", ctx), /json\(\): the text is not valid JSON/);
  });

  it('yaml() parses YAML text', async () => {
    assert.deepEqual(await evaluate('yaml(text)', { text: 'a: 1\nb: [x]' }), { a: 1, b: ['x'] });
    assert.deepEqual(await evaluate("yaml('{a: 1}')", ctx), { a: 1 });
  });

  it('range(), max() and min()', async () => {
    assert.deepEqual(await evaluate('range(1, 4)', ctx), [1, 2, 3, 4]);
    assert.deepEqual(await evaluate('range(0, 10, 5)', ctx), [0, 5, 10]);
    assert.deepEqual(await evaluate('range(3, 1)', ctx), [3, 2, 1]);
    assert.equal(await evaluate('max(1, 7, 3)', ctx), 7);
    assert.equal(await evaluate('min(inputs.list)', ctx), 1);
  });

  it('uuid() and randomInt()', async () => {
    assert.match(
      String(await evaluate('uuid()', ctx)),
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const n = (await evaluate('randomInt(5, 6)', ctx)) as number;
    assert.equal(n, 5);
  });

  it('unknown functions and argument names fail when the template is parsed', async () => {
    await assert.rejects(
      render('{{ nope() }}', ctx),
      /unknown function 'nope\(\)'; available functions: kv, secret/,
    );
    await assert.rejects(
      render("{{ kv('k', ns='x') }}", ctx),
      /kv\(\) has no argument named 'ns'; its arguments are key, namespace, errorOnMissing/,
    );
    await assert.rejects(render('{{ kv() }}', ctx), /kv\(\) needs 1 argument \(key\)/);
  });
});

describe('render()', () => {
  it('renders a string that contains expressions, recursively by default', async () => {
    assert.equal(await render('{{ render(vars.greeting) }}', ctx), 'Hello hello');
    assert.equal(await render('{{ render(vars.nested) }}', ctx), 'Hello hello!');
    assert.equal(await render('{{ renderOnce(vars.nested) }}', ctx), 'Hello {{ inputs.x }}!');
    assert.equal(await render('{{ render(vars.nested, recursive=false) }}', ctx), 'Hello {{ inputs.x }}!');
  });

  it('returns non-strings as they are', async () => {
    assert.equal(await evaluate('render(inputs.n)', ctx), 2);
  });

  it('sees loop variables and reports inner failures', async () => {
    assert.equal(await render("{% for i in [1, 2] %}{{ render('<{{ i }}>') }}{% endfor %}", ctx), '<1><2>');
    await assert.rejects(render("{{ render('{{ nope }}') }}", ctx), (error: Error) => {
      assert.match(error.message, /^Unable to render "\{\{ render\('\{\{ nope \}\}'\) \}\}": render\(\): /);
      assert.match(error.message, /variable 'nope' is not defined/);
      return true;
    });
  });

  it('stops a template that renders itself', async () => {
    const loop = { vars: { self: '{{ render(vars.self) }}' } };
    await assert.rejects(render('{{ render(vars.self) }}', loop), /nested more than 10 levels/);
  });
});
