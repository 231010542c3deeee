/**
 * SQL tasks (Kestra's plugin-jdbc): DuckDB and SQLite in the working directory, PostgreSQL and
 * MariaDB over the network. Their runners live in `runner/src/tasks/jdbc/`.
 */
import { z } from 'zod';
import { Json } from '../../schema/primitives.ts';
import { InputFiles } from '../core/flowable.ts';
import type { TaskDefinition } from '../registry.ts';

const FetchType = z.enum(['FETCH', 'FETCH_ONE', 'STORE', 'NONE']);

/** What every JDBC task takes. */
const JdbcCommon = {
  sql: z.string(),
  url: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  fetchType: FetchType.optional(),
  fetch: z.boolean().optional(),
  fetchOne: z.boolean().optional(),
  store: z.boolean().optional(),
  fetchSize: z.union([z.number().int(), z.string()]).optional(),
  parameters: z.record(z.string(), Json).optional(),
  timeZoneId: z.string().optional(),
};

/** Embedded databases (DuckDB, SQLite): a database file that can travel between tasks. */
const FileDatabase = {
  inputFiles: InputFiles.optional(),
  outputFiles: z.array(z.string()).optional(),
  outputDbFile: z.boolean().optional(),
};

const Transaction = { transaction: z.boolean().optional() };

function server(group: string, name: string): TaskDefinition[] {
  const url = z.string().min(1);
  return [
    {
      type: `io.kestra.plugin.jdbc.${group}.Query`,
      kind: 'runnable',
      description: `Run SQL on ${name}; fetchType picks the outputs of the last statement that returns rows.`,
      properties: { ...JdbcCommon, url, autoCommit: z.boolean().optional() },
    },
    {
      type: `io.kestra.plugin.jdbc.${group}.Queries`,
      kind: 'runnable',
      description: `Run several SQL statements on ${name}, in one transaction unless transaction: false.`,
      properties: { ...JdbcCommon, url, ...Transaction },
    },
  ];
}

export const jdbcTasks: TaskDefinition[] = [
  {
    type: 'io.kestra.plugin.jdbc.duckdb.Query',
    kind: 'runnable',
    workingDirectory: true,
    description: 'Run SQL on DuckDB with input files in the working directory.',
    properties: { ...JdbcCommon, ...FileDatabase, databaseUri: z.string().optional() },
  },
  {
    type: 'io.kestra.plugin.jdbc.sqlite.Query',
    kind: 'runnable',
    description: 'Run SQL on SQLite with input files in the working directory.',
    properties: { ...JdbcCommon, ...FileDatabase, sqliteFile: z.string().optional() },
  },
  ...server('postgresql', 'PostgreSQL'),
  ...server('mariadb', 'MariaDB'),
];
