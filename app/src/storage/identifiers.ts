/**
 * Names that end up inside SQL text (schemas, notification channels): checked once, then quoted.
 * Everything else reaches SQL as a bind parameter.
 */

const SCHEMA = /^[a-z_][a-z0-9_]*$/;
const CHANNEL = /^[a-z_][a-z0-9_]*$/;
/** Postgres truncates identifiers longer than this (NAMEDATALEN - 1). */
const MAX_IDENTIFIER = 63;

/** Throws a message that says what a valid schema name is. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA.test(schema) || schema.length > MAX_IDENTIFIER) {
    throw new Error(
      `'${schema}' is not a valid schema name for Osprey's tables: use at most ${MAX_IDENTIFIER} lower-case letters, digits and '_', starting with a letter or '_' (e.g. osprey)`,
    );
  }
}

/** `"schema"` — the name is validated, so quoting cannot be escaped. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The channel name Postgres sees: `<schema>_<channel>`, so two schemas never hear each other. */
export function scopedChannel(schema: string, channel: string): string {
  if (!CHANNEL.test(channel)) {
    throw new Error(
      `'${channel}' is not a valid notification channel: use lower-case letters, digits and '_' (e.g. task_ready)`,
    );
  }
  const scoped = `${schema}_${channel}`;
  if (scoped.length > MAX_IDENTIFIER) {
    throw new Error(
      `notification channel '${scoped}' is longer than ${MAX_IDENTIFIER} characters (Postgres would truncate it); use a shorter channel or schema name`,
    );
  }
  return scoped;
}

/** `"schema".table` for the executor's schema. */
export function table(ex: { readonly schema: string }, name: string): string {
  return `${quoteIdent(ex.schema)}.${name}`;
}
