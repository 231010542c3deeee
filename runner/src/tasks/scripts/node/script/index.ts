/** `io.kestra.plugin.scripts.node.Script`: run an inline Node.js script with `node`. */
import { scriptTask } from '../../script-task.ts';

export const nodeScriptTask = scriptTask('node');
