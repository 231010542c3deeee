/**
 * SQL text as the JDBC tasks send it: split into statements at top-level semicolons, with Kestra's
 * named parameters (`:name`) replaced by the driver's placeholders (`$1` for PostgreSQL, `?` for
 * MariaDB). Quoted text ('…', "…", `…`), comments (`--`, `/* *\/`, MariaDB's `#`), PostgreSQL
 * dollar quotes (`$tag$…$tag$`) and casts (`::int`) are copied as they are. No kept library both
 * splits and binds named parameters for these dialects (named-placeholders reads `::int` as a
 * parameter), so this is the one hand-written SQL scanner.
 */

export interface SqlDialect {
  /** `$1`, `$2` (one per distinct name) or `?` (one per occurrence). */
  placeholders: 'numbered' | 'positional';
  /** MariaDB: `#` starts a comment, backticks quote names, backslash escapes in strings. */
  mysql: boolean;
}

export interface SqlStatement {
  text: string;
  /** Parameter names in the order of the placeholders' values. */
  names: string[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DOLLAR_TAG = /\$([A-Za-z_][A-Za-z0-9_]*)?\$/y;

export function splitStatements(sql: string, dialect: SqlDialect): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let text = '';
  let names: string[] = [];
  let i = 0;
  const push = () => {
    if (!onlyComments(text, dialect)) statements.push({ text: text.trim(), names });
  };
  const copyUntil = (end: string, from: number, backslash = false) => {
    let j = from;
    while (j < sql.length) {
      if (backslash && sql[j] === '\\') j += 2;
      else if (sql.startsWith(end, j)) return j + end.length;
      else j++;
    }
    return sql.length;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    let next = i + 1;
    if (c === "'" || c === '"' || (c === '`' && dialect.mysql)) {
      next = copyUntil(c, i + 1, dialect.mysql);
    } else if (sql.startsWith('--', i) || (c === '#' && dialect.mysql)) {
      next = copyUntil('\n', i + 1);
    } else if (sql.startsWith('/*', i)) {
      next = copyUntil('*/', i + 2);
    } else if (c === '$' && !dialect.mysql && /[^\w$]|^$/.test(sql[i - 1] ?? '')) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql);
      if (tag !== null) next = copyUntil(tag[0], i + tag[0].length);
    } else if (c === ':' && sql[i + 1] === ':') {
      next = i + 2;
    } else if (c === ':' && sql[i - 1] !== ':') {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(sql)?.[0];
      if (name !== undefined) {
        let index = names.indexOf(name);
        if (dialect.placeholders === 'positional' || index === -1) {
          names.push(name);
          index = names.length - 1;
        }
        text += dialect.placeholders === 'numbered' ? `$${index + 1}` : '?';
        i += 1 + name.length;
        continue;
      }
    } else if (c === ';') {
      push();
      text = '';
      names = [];
      i++;
      continue;
    }
    text += sql.slice(i, next);
    i = next;
  }
  push();
  return statements;
}

/** Whitespace and comments alone (a comment after the last semicolon) are not a statement. */
function onlyComments(text: string, dialect: SqlDialect): boolean {
  const stripped = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(dialect.mysql ? /(--|#)[^\n]*/g : /--[^\n]*/g, '');
  return stripped.trim() === '';
}
