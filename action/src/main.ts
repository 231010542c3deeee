/** The Action's entry (action.yml → action/dist/index.js): wires @actions/core and the environment. */
import * as core from '@actions/core';
import { runAction } from './run-action.ts';

try {
  await runAction(core, process.env);
} catch (e) {
  core.setFailed(`osprey action: ${(e as Error).stack ?? String(e)}`);
}
// Timers of the embedded engine must not keep the step open once it is done.
process.exit(process.exitCode ?? 0);
