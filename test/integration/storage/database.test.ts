/** The Database contract on both drivers: migrations, transactions, notifications. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadMigrations, MIGRATIONS_TABLE, migrate } from '../../../app/src/storage/migrate.ts';
import { notify } from '../../../app/src/storage/notifications.ts';
import { describeBackends, eventually } from '../helpers/backends.ts';

describeBackends('database', (backend) => {
  it('applies the migrations once and records them; a second run applies nothing', async (t) => {
    const { db, schema, admin, cleanup } = await backend.open({ migrate: false });
    t.after(cleanup);
    const first = await migrate(db);
    const files = await loadMigrations();
    assert.deepEqual(
      first.applied,
      files.map((f) => f.name),
    );
    assert.deepEqual((await migrate(db)).applied, []);
    const rows = await admin<{ name: string }>(
      `SELECT name FROM "${schema}".${MIGRATIONS_TABLE} ORDER BY version`,
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      files.map((f) => f.name),
    );
    const tables = await admin<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    for (const expected of [
      'executions',
      'flow_revisions',
      'flows',
      'kv',
      'logs',
      'secrets',
      'api_tokens',
      'runners',
    ]) {
      assert.ok(
        tables.some((r) => r.table_name === expected),
        `table ${expected} missing`,
      );
    }
  });

  it('two replicas migrating at once apply each migration once', async (t) => {
    const { db, schema, admin, openReplica, cleanup } = await backend.open({ migrate: false });
    t.after(cleanup);
    const replica = await openReplica();
    const [a, b] = await Promise.all([migrate(db), migrate(replica)]);
    const files = await loadMigrations();
    // One of them did the work, the other found it done.
    assert.deepEqual(
      [...a.applied, ...b.applied].sort(),
      files.map((f) => f.name),
    );
    const rows = await admin<{ count: number }>(
      `SELECT count(*)::int AS count FROM "${schema}".${MIGRATIONS_TABLE}`,
    );
    assert.equal(rows[0]?.count, files.length);
  });

  it('refuses a migration file that changed after it was applied', async (t) => {
    const { db, cleanup } = await backend.open({ migrate: false });
    t.after(cleanup);
    const files = await loadMigrations();
    await migrate(db, files);
    const changed = files.map((f, i) => (i === 0 ? { ...f, checksum: 'edited' } : f));
    await assert.rejects(
      migrate(db, changed),
      /0001_init\.sql changed after it was applied.*add a new numbered migration/,
    );
  });

  it('a failing migration leaves nothing behind', async (t) => {
    const { db, schema, admin, cleanup } = await backend.open({ migrate: false });
    t.after(cleanup);
    const files = await loadMigrations();
    const broken = [
      ...files,
      { version: 9999, name: '9999_broken.sql', sql: 'CREATE TABLE ok (a int); SELEC 1;', checksum: 'x' },
    ];
    await assert.rejects(migrate(db, broken), /migration 9999_broken\.sql failed.*nothing was applied/);
    const rows = await admin<{ n: number }>(
      'SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    assert.equal(rows[0]?.n, 0);
  });

  it('commits a transaction, rolls one back on throw', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const insert = `INSERT INTO "${db.schema}".webhook_deliveries (delivery_id, event) VALUES ($1, 'push')`;
    await db.transaction(async (tx) => {
      await tx.query(insert, ['kept']);
    });
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(insert, ['dropped']);
        throw new Error('boom');
      }),
      /boom/,
    );
    const { rows } = await db.query<{ delivery_id: string }>(
      `SELECT delivery_id FROM "${db.schema}".webhook_deliveries ORDER BY 1`,
    );
    assert.deepEqual(
      rows.map((r) => r.delivery_id),
      ['kept'],
    );
  });

  it('refuses a statement on the database from inside its own transaction, naming the fix', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    await assert.rejects(
      db.transaction(async () => {
        await db.query('SELECT 1');
      }),
      /inside its own transaction; pass the transaction's executor \(tx\)/,
    );
    await assert.rejects(
      db.transaction(() => db.transaction(async () => 1)),
      /transaction\(\) was called on the database inside its own transaction/,
    );
    // The database still works afterwards.
    assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
  });

  it('delivers notifications to listeners, on commit when sent in a transaction', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    const received: string[] = [];
    const unlisten = await db.listen('exec_changed', (p) => received.push(p));
    await db.notify('exec_changed', 'direct');
    await eventually(() => received.includes('direct'), 5000, 'direct notification');
    await db.transaction(async (tx) => {
      await notify(tx, 'exec_changed', 'in-tx');
      // Not delivered before commit.
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(!received.includes('in-tx'));
    });
    await eventually(() => received.includes('in-tx'), 5000, 'notification after commit');
    await assert.rejects(
      db.transaction(async (tx) => {
        await notify(tx, 'exec_changed', 'rolled-back');
        throw new Error('no');
      }),
    );
    await unlisten();
    await db.notify('exec_changed', 'after-unlisten');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!received.includes('after-unlisten'));
    assert.ok(!received.includes('rolled-back'));
  });

  it('rejects channel names that Postgres would mangle', async (t) => {
    const { db, cleanup } = await backend.open();
    t.after(cleanup);
    await assert.rejects(
      db.listen('Bad.Name', () => {}),
      /not a valid notification channel/,
    );
  });
});
