/** `io.kestra.plugin.jdbc.postgresql.Queries`: several statements on PostgreSQL, transactional by default. */
import { sqlQueriesTask } from '../../support/sql-task.ts';
import { postgresDriver } from '../driver.ts';

export const postgresQueriesTask = sqlQueriesTask('io.kestra.plugin.jdbc.postgresql.Queries', postgresDriver);
