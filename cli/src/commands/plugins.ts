/**
 * `osprey plugins list|install|remove`: the versioned task plugins of this machine (the plugins
 * folder, `OSPREY_PLUGINS_DIR`, default .osprey/plugins). See docs/plugins.md.
 */
import { parseArgs } from 'node:util';
import { pluginsDir } from '../../../runner/src/plugins/catalog.ts';
import { installPlugin, PluginInstallError, removePlugin } from '../../../runner/src/plugins/install.ts';
import { installedPlugins } from '../../../runner/src/plugins/installed.ts';
import { printTable } from './kv.ts';

const HELP = `Usage:
  osprey plugins list [--all] [--json]
  osprey plugins install <folder | package.tgz>
  osprey plugins remove <name>[@<version>]

Task plugins are versioned packages; several versions of a task type sit side by side and a task
picks one with \`version:\` (an exact version, LATEST or OLDEST). Osprey's built-in tasks are the
version of Osprey itself (package osprey). Packages are installed in the plugins folder
(OSPREY_PLUGINS_DIR, default .osprey/plugins); \`npm pack <name>@<version>\` makes a .tgz of a
published one.

Options:
  --all        list the built-in-only types too (default: the types with an installed package)
  --json       print the listing as JSON
  -h, --help   show this help

Exit code: 0 done, 1 refused (not a plugin package, not installed, ...), 2 bad usage.`;

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    return usage((e as Error).message);
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const [action, target, ...extra] = args.positionals;
  const dir = pluginsDir();
  try {
    switch (action) {
      case 'list':
        if (target !== undefined) return usage('plugins list takes no argument');
        return list(args.values.all === true, args.values.json === true);
      case 'install': {
        if (target === undefined || extra.length > 0)
          return usage('plugins install takes one folder or .tgz');
        const m = await installPlugin(dir, target);
        console.log(
          `installed ${m.name}@${m.version} in ${dir}: ${Object.keys(m.osprey.tasks).join(', ')} (pick it with version: ${m.version})`,
        );
        return 0;
      }
      case 'remove': {
        if (target === undefined || extra.length > 0)
          return usage('plugins remove takes one name or name@version');
        const gone = await removePlugin(dir, target);
        console.log(`removed ${gone.map((v) => `${target.replace(/@[^@]*$/, '')}@${v}`).join(', ')}`);
        return 0;
      }
      default:
        return usage(
          action === undefined ? 'which action? list, install or remove' : `unknown action '${action}'`,
        );
    }
  } catch (e) {
    if (!(e instanceof PluginInstallError)) throw e;
    console.error(`osprey plugins: ${e.message}`);
    return 1;
  }
}

function list(all: boolean, json: boolean): number {
  const catalog = installedPlugins();
  const types = catalog
    .types()
    .filter((t) => all || catalog.versions(t).some((v) => v.builtIn === undefined));
  const rows = types.map((type) => ({
    type,
    versions: catalog.versions(type).map((v) => ({ version: v.version, package: v.package })),
  }));
  if (json) {
    console.log(JSON.stringify({ plugins: rows, problems: catalog.problems }, null, 2));
    return 0;
  }
  if (rows.length === 0)
    console.error(`no plugin packages installed in ${pluginsDir()} (--all lists the built-ins)`);
  else
    printTable(
      rows.map((r) => [r.type, r.versions.map((v) => `${v.version} (${v.package})`).join(', ')]),
      ['TYPE', 'VERSIONS (oldest first)'],
    );
  for (const problem of catalog.problems) console.error(`warning: ${problem}`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
}

function usage(message: string): number {
  console.error(`osprey plugins: ${message}\n\n${HELP}`);
  return 2;
}
