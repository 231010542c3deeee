/** `osprey validate [paths...] [--format text|json]`: exit 0 when valid, 1 on any error, 2 on bad usage. */
import { parseArgs } from 'node:util';
import { collectFlowFiles, openRepository } from '../../../app/src/local/local-repository.ts';
import { formatIssue } from '../../../flows-schema/src/issue.ts';
import { installedPlugins } from '../../../runner/src/plugins/installed.ts';
import { validateFiles } from '../validate-files.ts';

const HELP = `Usage: osprey validate [paths...] [--format text|json]

Validates flow files (files or folders; default: the repository's flows folder, flows/**).
Prints file:line:col: message for each problem and a summary.
Exit code: 0 valid, 1 any error, 2 bad usage or no flow file found.`;

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    console.error(`osprey validate: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const format = args.values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    console.error(`osprey validate: --format must be text or json, got '${format}'`);
    return 2;
  }
  const repository = args.positionals.length > 0 ? undefined : openRepository();
  const paths = repository ? [repository.flowsDir] : args.positionals;
  const { files, missing } = collectFlowFiles(paths);
  if (repository && missing.length > 0) {
    console.error(
      `osprey validate: no flow file found: ${repository.flowsDir} does not exist. Pass files or folders, or set \`flows:\` in .osprey.yml`,
    );
    return 2;
  }
  if (missing.length > 0) {
    console.error(`osprey validate: no such file or folder: ${missing.join(', ')}`);
    return 2;
  }
  if (files.length === 0) {
    console.error(`osprey validate: no flow file (*.yaml, *.yml) found in ${paths.join(', ')}`);
    return 2;
  }
  const started = performance.now();
  const plugins = installedPlugins();
  const report = validateFiles(files, undefined, undefined, {
    pluginVersion: (type, version) => plugins.problem(type, version),
  });
  const ms = performance.now() - started;
  const invalid = report.files.filter((f) => f.issues.some((i) => i.severity === 'error')).length;
  if (format === 'json') {
    console.log(JSON.stringify({ ...report, valid: report.errors === 0 }, null, 2));
  } else {
    for (const f of report.files) for (const issue of f.issues) console.log(formatIssue(f.file, issue));
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    console.log(
      `${plural(report.files.length, 'flow file')} checked in ${ms.toFixed(0)} ms: ${report.files.length - invalid} valid, ${invalid} invalid (${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')})`,
    );
  }
  return report.errors > 0 ? 1 : 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}
