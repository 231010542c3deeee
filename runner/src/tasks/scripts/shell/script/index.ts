/** `io.kestra.plugin.scripts.shell.Script`: run an inline shell script as the body of the shell. */
import { scriptTask } from '../../script-task.ts';

export const shellScriptTask = scriptTask('shell');
