/** `io.kestra.plugin.scripts.python.Commands`: run commands in a shell, typically `python main.py` on namespace files; `python` resolves to `python3` when only that is installed. */
import { commandsTask } from '../../script-task.ts';

export const pythonCommandsTask = commandsTask('python');
