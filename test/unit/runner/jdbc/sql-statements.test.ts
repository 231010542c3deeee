/** Splitting SQL text and binding Kestra's `:name` parameters for PostgreSQL and MariaDB. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitStatements } from '../../../../runner/src/tasks/jdbc/support/sql-statements.ts';

const pg = { placeholders: 'numbered', mysql: false } as const;
const maria = { placeholders: 'positional', mysql: true } as const;

test('PostgreSQL: one $n per distinct name; casts, quotes, comments and dollar quotes are left alone', () => {
  const sql = `SELECT :a::int AS a, ':b' AS "x;:c", :a + :d -- :e; not a statement
; /* ; :f */ DO $$ BEGIN PERFORM ':g;'; END $$; SELECT $tag$ :h; $tag$, :d;
-- trailing comment`;
  assert.deepEqual(splitStatements(sql, pg), [
    {
      text: `SELECT $1::int AS a, ':b' AS "x;:c", $1 + $2 -- :e; not a statement`,
      names: ['a', 'd'],
    },
    { text: `/* ; :f */ DO $$ BEGIN PERFORM ':g;'; END $$`, names: [] },
    { text: 'SELECT $tag$ :h; $tag$, $1', names: ['d'] },
  ]);
});

test('MariaDB: one ? per occurrence; backticks, backslash escapes, # comments and := are left alone', () => {
  const sql = "SET @x := 1; SELECT `a;:b`, 'it\\'s ;:c', :p, :p # :q;\nFROM t;";
  assert.deepEqual(splitStatements(sql, maria), [
    { text: 'SET @x := 1', names: [] },
    { text: "SELECT `a;:b`, 'it\\'s ;:c', ?, ? # :q;\nFROM t", names: ['p', 'p'] },
  ]);
});

test('only whitespace and comments is no statement', () => {
  assert.deepEqual(splitStatements(' ; -- nothing\n/* here */ ;', pg), []);
});
