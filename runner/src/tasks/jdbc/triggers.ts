/** The polling triggers of the JDBC plugins, by type (wired into the trigger scheduler by the server). */
import { mariadbDriver } from './mariadb/driver.ts';
import { postgresDriver } from './postgresql/driver.ts';
import { type SqlTriggerDeps, sqlTriggerPoller } from './support/sql-trigger.ts';

export function jdbcTriggerPollers(deps: SqlTriggerDeps) {
  return new Map([
    ['io.kestra.plugin.jdbc.postgresql.Trigger', sqlTriggerPoller(postgresDriver, deps)],
    ['io.kestra.plugin.jdbc.mariadb.Trigger', sqlTriggerPoller(mariadbDriver, deps)],
  ]);
}
