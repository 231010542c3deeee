/**
 * `osprey run <flow.yaml>`: run one flow on this machine with the embedded engine and runner.
 * This file parses the command line; `run/run-flow.ts` does the work.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './run/inputs.ts';
import { runFlow } from './run/run-flow.ts';

const HELP = `Usage: osprey run <flow.yaml> [options]

Runs the flow locally: tasks run in this process, files go to .osprey/storage and KV values to
.osprey/kv of the repository. KV values can be seeded in namespaces/<namespace>/kv.yaml; secrets
come from SECRET_<NAME> environment variables holding base64-encoded values.

Options:
  --input key=value     an input value (repeat for several inputs; a repeated key makes a list)
  --inputs-file FILE    inputs from a JSON or YAML map (--input values win)
  --flows DIR           where subflows are looked up (default: the repository's flows folder)
  --storage DIR         internal storage folder (default: <repository>/.osprey/storage)
  --json                print one JSON document (the execution and its logs) and nothing else
  -h, --help            show this help

Exit code: 0 SUCCESS or WARNING, 1 FAILED, KILLED or CANCELLED, 2 invalid flow, inputs or usage.`;

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    console.error(`osprey run: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) {
    console.error(
      `osprey run: ${file === undefined ? 'which flow? pass one flow file' : `one flow file at a time, got ${args.positionals.join(', ')}`}\n\n${HELP}`,
    );
    return 2;
  }
  try {
    return await runFlow({
      file,
      inputs: args.values.input ?? [],
      inputsFile: args.values['inputs-file'],
      flowsDir: args.values.flows,
      storageDir: args.values.storage,
      json: args.values.json ?? false,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`osprey run: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string', multiple: true, short: 'i' },
      'inputs-file': { type: 'string' },
      flows: { type: 'string' },
      storage: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
