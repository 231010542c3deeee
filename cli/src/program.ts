/**
 * The `osprey` program on commander: the command list, `--help`, `--version`, and one rule for
 * usage errors (an unknown command or flag, a missing or extra argument, a bad option value):
 * `osprey <command>: <what is wrong>` on stderr, a pointer to the command's help, exit code 2.
 *
 * Only the invoked command's module is loaded (a server's dependencies are not loaded to validate
 * a file); the others appear in the listing by name and summary.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { commands } from './commands/index.ts';

export { Command, InvalidArgumentError, Option } from 'commander';

/** Exit code of bad usage, for every command. */
export const USAGE = 2;

const DESCRIPTION = 'Osprey — Git-driven workflow orchestration for Kestra-style flows';

/** Builds the program, with the real definition of the command `argv` invokes. */
export async function buildProgram(argv: readonly string[], version: string): Promise<Command> {
  const program = new Command('osprey')
    .description(DESCRIPTION)
    .usage('<command> [options]')
    .version(version, '-v, --version', 'print the version')
    .addHelpText('after', '\nRun `osprey <command> --help` for its options.');
  const [first, second] = argv;
  const invoked = first === 'help' ? second : first;
  for (const [name, command] of Object.entries(commands)) {
    if (name === invoked) program.addCommand((await command.load()).command().summary(command.summary));
    else program.command(name).description(command.summary);
  }
  configure(program, 'osprey');
  return program;
}

/** Runs the program on `argv` (without node and the script); resolves to the exit code. */
export async function runProgram(argv: readonly string[], version: string): Promise<number> {
  const program = await buildProgram(argv, version);
  if (argv.length === 0) {
    program.outputHelp();
    return USAGE;
  }
  process.exitCode = 0;
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help and version exit 0; every other error of commander's is bad usage.
    return e.exitCode === 0 ? 0 : USAGE;
  }
  return Number(process.exitCode ?? 0);
}

const hints = new WeakMap<Command, string>();

/** What a usage error of `command` says after the error (default: run `... --help`). */
export function usageHint(command: Command, hint: string): Command {
  hints.set(command, hint);
  return command;
}

/** Usage errors of every command: named after it, pointing at its help, exit code 2. */
function configure(command: Command, path: string): void {
  command
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, `${path}: `)),
    })
    .showHelpAfterError(hints.get(command) ?? `Run \`${path} --help\` for the usage.`);
  for (const sub of command.commands) configure(sub, `${path} ${sub.name()}`);
}

/** An action whose resolved number is the process's exit code. */
export function exitWith<Args extends unknown[]>(
  run: (...args: Args) => Promise<number>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    process.exitCode = await run(...args);
  };
}

/** Reports a usage problem a command finds itself (e.g. a value that does not parse), exit 2. */
export function usageError(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: USAGE, code: 'osprey.usage' });
}

/** `--port N`: an integer 0…65535. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError(`a port number, got '${text}'`);
  return port;
}

/** A repeatable option: `--input a=1 --input b=2` collects `['a=1', 'b=2']`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
