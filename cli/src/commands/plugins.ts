/**
 * `osprey plugins list|install|remove`: the versioned task plugins of this machine (the plugins
 * folder, `OSPREY_PLUGINS_DIR`, default .osprey/plugins). See docs/plugins.md.
 */
import { pluginsDir } from '../../../runner/src/plugins/catalog.ts';
import { installPlugin, PluginInstallError, removePlugin } from '../../../runner/src/plugins/install.ts';
import { installedPlugins } from '../../../runner/src/plugins/installed.ts';
import { Command, exitWith } from '../program.ts';
import { printTable } from './kv.ts';

export function command(): Command {
  const plugins = new Command('plugins')
    .description(
      `Task plugins are versioned packages; several versions of a task type sit side by side and a task picks one with \`version:\` (an exact version, LATEST or OLDEST). Osprey's built-in tasks are the version of Osprey itself (package osprey). Packages are installed in the plugins folder (OSPREY_PLUGINS_DIR, default .osprey/plugins); \`npm pack <name>@<version>\` makes a .tgz of a published one.`,
    )
    .addHelpText(
      'after',
      '\nExit code: 0 done, 1 refused (not a plugin package, not installed, ...), 2 bad usage.',
    );
  plugins
    .command('list')
    .description('list the installed versions of each task type')
    .option('--all', 'list the built-in-only types too (default: the types with an installed package)')
    .option('--json', 'print the listing as JSON')
    .action(exitWith(async (o: { all?: boolean; json?: boolean }) => list(o.all === true, o.json === true)));
  plugins
    .command('install')
    .description('install a plugin package from a folder or an npm .tgz')
    .argument('<folder-or-tgz>')
    .action(
      exitWith((target: string) =>
        refusals(async () => {
          const dir = pluginsDir();
          const m = await installPlugin(dir, target);
          console.log(
            `installed ${m.name}@${m.version} in ${dir}: ${Object.keys(m.osprey.tasks).join(', ')} (pick it with version: ${m.version})`,
          );
        }),
      ),
    );
  plugins
    .command('remove')
    .description('remove a plugin package (every version, or name@version)')
    .argument('<name[@version]>')
    .action(
      exitWith((target: string) =>
        refusals(async () => {
          const gone = await removePlugin(pluginsDir(), target);
          console.log(`removed ${gone.map((v) => `${target.replace(/@[^@]*$/, '')}@${v}`).join(', ')}`);
        }),
      ),
    );
  return plugins;
}

/** A refused install or removal: its message, exit 1. */
async function refusals(work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return 0;
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
