/** `io.kestra.plugin.scripts.python.Script`: run an inline Python script with `python` (or `python3`). */
import { scriptTask } from '../../script-task.ts';

export const pythonScriptTask = scriptTask('python');
