/** `io.kestra.plugin.scripts.shell.Commands`: run shell commands (`/bin/sh -c` unless `interpreter` says otherwise). */
import { commandsTask } from '../../script-task.ts';

export const shellCommandsTask = commandsTask('shell');
