/** The plugin catalog of this machine: the built-in tasks plus the packages in the plugins folder. */
import { taskRegistry } from '../tasks/registry.ts';
import { PluginCatalog, pluginsDir } from './catalog.ts';

export function installedPlugins(env: NodeJS.ProcessEnv = process.env): PluginCatalog {
  return PluginCatalog.load(taskRegistry, pluginsDir(env), env['OSPREY_PLUGIN_VERSION']);
}
