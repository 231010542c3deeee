/** The `osprey` command line: wires the program; each command lives in `commands/`. */
import pkg from '../../package.json' with { type: 'json' };
import { runProgram } from './program.ts';

process.exitCode = await runProgram(process.argv.slice(2), pkg.version);
