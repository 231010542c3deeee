/** `io.kestra.plugin.jdbc.postgresql.Query`: SQL on PostgreSQL with fetch outputs (see ../../support/sql-task.ts). */
import { sqlQueryTask } from '../../support/sql-task.ts';
import { postgresDriver } from '../driver.ts';

export const postgresQueryTask = sqlQueryTask('io.kestra.plugin.jdbc.postgresql.Query', postgresDriver);
