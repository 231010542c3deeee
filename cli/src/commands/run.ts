/**
 * `osprey run <flow.yaml>`: run one flow on this machine with the embedded engine and runner.
 * This file declares the command line; `run/run-flow.ts` does the work.
 */
import { Command, collect } from '../program.ts';
import { UsageError } from './run/inputs.ts';
import { runFlow } from './run/run-flow.ts';

interface RunOptions {
  input?: string[];
  inputsFile?: string;
  flows?: string;
  storage?: string;
  json?: boolean;
}

export function command(): Command {
  return new Command('run')
    .description(
      `Runs the flow locally: tasks run in this process, files go to .osprey/storage and KV values to .osprey/kv of the repository. KV values can be seeded in namespaces/<namespace>/kv.yaml; secrets come from SECRET_<NAME> environment variables holding base64-encoded values.`,
    )
    .argument('<flow.yaml>', 'the flow file to run')
    .option(
      '-i, --input <key=value>',
      'an input value (repeat for several inputs; a repeated key makes a list)',
      collect,
    )
    .option('--inputs-file <file>', 'inputs from a JSON or YAML map (--input values win)')
    .option('--flows <dir>', "where subflows are looked up (default: the repository's flows folder)")
    .option('--storage <dir>', 'internal storage folder (default: <repository>/.osprey/storage)')
    .option('--json', 'print one JSON document (the execution and its logs) and nothing else')
    .addHelpText(
      'after',
      '\nExit code: 0 SUCCESS or WARNING, 1 FAILED, KILLED or CANCELLED, 2 invalid flow, inputs or usage,\n3 paused with nothing to resume it.',
    )
    .action(async (file: string, options: RunOptions) => {
      try {
        process.exitCode = await runFlow({
          file,
          inputs: options.input ?? [],
          inputsFile: options.inputsFile,
          flowsDir: options.flows,
          storageDir: options.storage,
          json: options.json ?? false,
        });
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        console.error(`osprey run: ${e.message}`);
        process.exitCode = 2;
      }
    });
}
