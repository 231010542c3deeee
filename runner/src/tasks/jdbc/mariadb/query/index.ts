/** `io.kestra.plugin.jdbc.mariadb.Query`: SQL on MariaDB with fetch outputs (see ../../support/sql-task.ts). */
import { sqlQueryTask } from '../../support/sql-task.ts';
import { mariadbDriver } from '../driver.ts';

export const mariadbQueryTask = sqlQueryTask('io.kestra.plugin.jdbc.mariadb.Query', mariadbDriver);
