/** The `osprey` command line: wires each sub-command; logic lives in `commands/`. */
import { commands } from './commands/index.ts';

const [name, ...rest] = process.argv.slice(2);

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  osprey ${n.padEnd(10)} ${c.summary}`);
  return `Osprey — Git-driven workflow orchestration for Kestra-style flows\n\nUsage:\n${lines.join('\n')}\n\nRun \`osprey <command> --help\` for its options.`;
}

if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  console.log(usage());
  process.exit(name === undefined ? 2 : 0);
}
if (name === '--version' || name === '-v') {
  const pkg = await import('../../package.json', { with: { type: 'json' } });
  console.log(pkg.default.version);
  process.exit(0);
}
const command = commands[name];
if (command === undefined) {
  console.error(`osprey: unknown command '${name}'.\n\n${usage()}`);
  process.exit(2);
}
const mod = await command.load();
process.exitCode = await mod.main(rest);
