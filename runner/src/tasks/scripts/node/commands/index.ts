/** `io.kestra.plugin.scripts.node.Commands`: run commands in a shell, typically `node main.js`. */
import { commandsTask } from '../../script-task.ts';

export const nodeCommandsTask = commandsTask('node');
