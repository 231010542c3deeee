/**
 * Schema migrations: `sql/NNNN_name.sql`, applied in order, each once, recorded with a checksum in
 * `<schema>.osprey_migrations`. Everything runs in one transaction under an advisory lock, so app
 * replicas that boot at once apply each migration once and the others wait, then find nothing to
 * do. Applied files are append-only: a changed one is refused at boot.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';
import { quoteIdent } from './identifiers.ts';

export interface Migration {
  version: number;
  /** File name, e.g. `0001_init.sql`. */
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_TABLE = 'osprey_migrations';
const FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;
const SQL_DIR = fileURLToPath(new URL('./sql/', import.meta.url));

/** The migration files of `dir` (default: this folder's `sql/`), in order. */
export async function loadMigrations(dir: string = SQL_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = FILE.exec(name);
    if (match === null) {
      throw new Error(
        `migration file ${name} is not named NNNN_lower_case_name.sql (e.g. 0002_add_index.sql)`,
      );
    }
    const sql = await readFile(`${dir}/${name}`, 'utf8');
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous !== undefined && previous.version === version) {
      throw new Error(
        `migrations ${previous.name} and ${name} share the number ${match[1]}; renumber one of them`,
      );
    }
    migrations.push({ version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

export interface MigrateResult {
  /** Names of the migrations this call applied (empty when the schema was current). */
  applied: string[];
}

/** Brings `db.schema` up to date. Safe to call from several processes at once. */
export async function migrate(db: Database, migrations?: readonly Migration[]): Promise<MigrateResult> {
  const files = migrations ?? (await loadMigrations());
  const schema = quoteIdent(db.schema);
  return db.transaction(async (tx) => {
    // Serialises concurrent boots on this schema; released at commit.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('osprey.migrate'), hashtext($1))", [db.schema]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${schema}.${MIGRATIONS_TABLE} (
        version    integer     PRIMARY KEY,
        name       text        NOT NULL,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM ${schema}.${MIGRATIONS_TABLE} ORDER BY version`,
    );
    const applied = new Map(rows.map((r) => [r.version, r]));
    const known = new Set(files.map((m) => m.version));
    for (const row of rows) {
      if (!known.has(row.version)) {
        throw new Error(
          `schema ${db.schema} has migration ${row.name} applied, which this version of Osprey does not know; run a newer Osprey (downgrades are not supported)`,
        );
      }
    }
    const done: string[] = [];
    for (const m of files) {
      const row = applied.get(m.version);
      if (row !== undefined) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.name} changed after it was applied to schema ${db.schema}; applied migrations are append-only: restore the file and add a new numbered migration`,
          );
        }
        continue;
      }
      // Unqualified names in migration files land in Osprey's schema.
      await tx.exec(`SET LOCAL search_path TO ${schema}`);
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new Error(
          `migration ${m.name} failed on schema ${db.schema}: ${(e as Error).message}; nothing was applied`,
          {
            cause: e,
          },
        );
      }
      await tx.query(
        `INSERT INTO ${schema}.${MIGRATIONS_TABLE} (version, name, checksum) VALUES ($1, $2, $3)`,
        [m.version, m.name, m.checksum],
      );
      done.push(m.name);
    }
    return { applied: done };
  });
}
