/** The KV store on both drivers: inheritance (seed key_value_inheritance), expiry, types. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { KvService } from '../../../app/src/kv/kv-service.ts';
import { KvError } from '../../../app/src/kv/kv-values.ts';
import { renderServices } from '../../support/render-services.ts';
import { describeBackends } from '../helpers/backends.ts';

describeBackends('KV store', (backend) => {
  it('kv() looks in the namespace, then its parents; namespace= looks exactly there', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const kv = new KvService(db);
    // As in the seed: the value lives in `company`, the flow runs in `company.team`.
    await kv.set('company', 'my_key_from_company_namespace', 'from company');
    await kv.set('test', 'test_value', 'from test');
    await kv.set('company', 'shadowed', 'parent');
    await kv.set('company.team', 'shadowed', 'child');
    // kv('key') as a flow of that namespace renders it.
    const kvOf = (ns: string, key: string) => renderServices(ns, { kv }).kv?.(key, undefined);
    assert.equal(await kvOf('company.team', 'my_key_from_company_namespace'), 'from company');
    assert.equal((await kv.entry('test', 'test_value'))?.value, 'from test');
    assert.equal(await kvOf('company.team', 'shadowed'), 'child');
    // Explicit namespace: no inheritance.
    assert.equal(await kv.entry('company.team', 'my_key_from_company_namespace'), undefined);
    // Not visible from a sibling tree.
    assert.equal(await kvOf('other.team', 'my_key_from_company_namespace'), undefined);
    // Grandchildren inherit too.
    assert.equal(await kvOf('company.team.project', 'my_key_from_company_namespace'), 'from company');
  });

  it('stores the type and reads typed values back', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const kv = new KvService(db);
    await kv.set('company', 'count', 42);
    await kv.set('company', 'flag', false);
    await kv.set('company', 'when', new Date('2025-01-31T09:30:00Z'));
    await kv.set('company', 'day', '2025-01-31', { type: 'DATE' });
    await kv.set('company', 'every', 'pt15m', { type: 'DURATION' });
    await kv.set('company', 'doc', { list: [1, 'two', null], nested: { ok: true } });
    await kv.set('company', 'array', [1, 2, 3]);
    await kv.set('company', 'text', '{"not":"parsed"}');
    await kv.set('company', 'number_text', '12', { type: 'NUMBER', description: 'from a form' });
    const entries = Object.fromEntries((await kv.list('company')).map((e) => [e.key, [e.type, e.value]]));
    assert.deepEqual(entries, {
      array: ['JSON', [1, 2, 3]],
      count: ['NUMBER', 42],
      day: ['DATE', '2025-01-31'],
      doc: ['JSON', { list: [1, 'two', null], nested: { ok: true } }],
      every: ['DURATION', 'PT15M'],
      flag: ['BOOLEAN', false],
      number_text: ['NUMBER', 12],
      text: ['STRING', '{"not":"parsed"}'],
      when: ['DATETIME', '2025-01-31T09:30:00.000Z'],
    });
    assert.equal((await kv.entry('company', 'number_text'))?.description, 'from a form');
    await assert.rejects(
      kv.set('company', 'bad', 'abc', { type: 'NUMBER' }),
      /'abc' is not a valid NUMBER value/,
    );
    assert.equal(await kv.get('company', 'bad'), undefined);
  });

  it('expired values are invisible at once and purged later', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    let now = Date.parse('2025-01-01T00:00:00Z');
    const kv = new KvService(db, { now: () => now });
    await kv.set('company', 'short', 'v', { ttlMs: 60_000 });
    await kv.set('company.team', 'short', 'child', { ttl: 'PT30S' });
    await kv.set('company', 'forever', 'v');
    assert.deepEqual(await kv.get('company', 'short'), { value: 'v' });
    now += 30_000;
    // The child's value expired: inheritance falls through to the parent's.
    const kvOf = (ns: string, key: string) => renderServices(ns, { kv }).kv?.(key, undefined);
    assert.equal(await kvOf('company.team', 'short'), 'v');
    now += 30_000;
    assert.equal(await kv.get('company', 'short'), undefined);
    assert.deepEqual(await kv.keys('company'), ['forever']);
    assert.equal(await kvOf('company.team', 'short'), undefined);
    // An expired key can be written again even with overwrite: false.
    await kv.set('company', 'short', 'again', { overwrite: false, ttlMs: 1000 });
    assert.deepEqual(await kv.get('company', 'short'), { value: 'again' });
    now += 1000;
    assert.equal(await kv.purgeExpired(), 2);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${db.schema}".kv`);
    assert.equal(rows[0]?.n, 1);
  });

  it('overwrite: false refuses an existing key; delete reports what it removed', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const kv = new KvService(db);
    await kv.set('company', 'k', 1);
    await assert.rejects(
      kv.set('company', 'k', 2, { overwrite: false }),
      (e: unknown) =>
        e instanceof KvError &&
        e.code === 'KEY_EXISTS' &&
        /already exists in namespace 'company'/.test(e.message),
    );
    assert.deepEqual(await kv.get('company', 'k'), { value: 1 });
    assert.equal(await kv.delete('company', 'k'), true);
    assert.equal(await kv.delete('company', 'k'), false);
  });

  it('lists keys by prefix and across namespaces', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const kv = new KvService(db);
    await kv.set('company', 'run.a', 1);
    await kv.set('company', 'run.b', 2);
    await kv.set('company', 'other', 3);
    await kv.set('company.team', 'x', 4);
    await kv.set('companyx', 'y', 5);
    assert.deepEqual(await kv.keys('company', 'run.'), ['run.a', 'run.b']);
    assert.deepEqual(
      (await kv.listAll('company')).map((e) => `${e.namespace}/${e.key}`),
      ['company/other', 'company/run.a', 'company/run.b', 'company.team/x'],
    );
  });

  it('refuses invalid keys and namespaces before touching the database', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const kv = new KvService(db);
    await assert.rejects(kv.set('company', 'bad key', 1), /'bad key' is not a valid KV key/);
    await assert.rejects(
      kv.get('Company', 'k'),
      (e: unknown) => e instanceof KvError && e.code === 'INVALID_NAMESPACE',
    );
  });
});
