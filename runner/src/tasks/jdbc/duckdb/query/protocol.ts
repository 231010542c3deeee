/** The messages between the DuckDB Query plugin and the process that runs DuckDB for it. */
import type { FetchType } from '../../support/fetch.ts';

export interface QueryRequest {
  /** A database file path, or `:memory:`. */
  database: string;
  sql: string;
  /** Values for `$name` placeholders. */
  parameters: Record<string, unknown>;
  fetchType: FetchType;
  /** STORE: where the rows are written, one JSON object per line. */
  storePath?: string;
  /** Relative file names in SQL resolve here (also the process's cwd). */
  workingDirectory: string;
}

export type QueryResponse =
  | { ok: true; rows?: Record<string, unknown>[]; row?: Record<string, unknown>; size?: number }
  | { ok: false; message: string };
