/** `io.kestra.plugin.jdbc.mariadb.Queries`: several statements on MariaDB, transactional by default. */
import { sqlQueriesTask } from '../../support/sql-task.ts';
import { mariadbDriver } from '../driver.ts';

export const mariadbQueriesTask = sqlQueriesTask('io.kestra.plugin.jdbc.mariadb.Queries', mariadbDriver);
