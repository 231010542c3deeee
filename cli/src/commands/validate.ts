/** `osprey validate [paths...] [--format text|json]`: exit 0 when valid, 1 on any error, 2 on bad usage. */

import { dirname, resolve } from 'node:path';
import {
  collectFlowFiles,
  openRepository,
  repositoryContext,
} from '../../../app/src/local/local-repository.ts';
import { formatIssue } from '../../../flows-schema/src/issue.ts';
import { installedPlugins } from '../../../runner/src/plugins/installed.ts';
import { Command, exitWith, Option } from '../program.ts';
import { validateFiles } from '../validate-files.ts';

export function command(): Command {
  return new Command('validate')
    .description(
      `Validates flow files (files or folders; default: the repository's flows folder, flows/**). Prints file:line:col: message for each problem and a summary.`,
    )
    .argument('[paths...]', 'flow files or folders')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit code: 0 valid, 1 any error, 2 bad usage or no flow file found.')
    .action(
      exitWith((paths: string[], options: { format: 'text' | 'json' }) => validate(paths, options.format)),
    );
}

async function validate(positionals: string[], format: 'text' | 'json'): Promise<number> {
  // Files given or not, the repository's .osprey.yml gives their namespaces' pluginDefaults.
  const repo = openRepository(
    positionals.length > 0 ? dirname(resolve(positionals[0] as string)) : undefined,
  );
  const repository = positionals.length > 0 ? undefined : repo;
  const paths = repository ? [repository.flowsDir] : positionals;
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
    ...repositoryContext(repo),
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
