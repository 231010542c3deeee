/**
 * `.osprey.yml`: optional repository configuration. Paths of flows and namespace files, the branches
 * that deploy, and the namespaces this repository owns.
 */
import { z } from 'zod';
import { PluginDefault } from './schema/flow.ts';

export const RepoConfig = z
  .strictObject({
    flows: z
      .string()
      .default('flows')
      .meta({ description: 'Folder holding flow YAML files (searched recursively)' }),
    apps: z.string().default('apps').meta({
      description: 'Folder holding app YAML files (io.kestra.plugin.ee.apps.Execution), searched recursively',
    }),
    templates: z.string().default('templates').meta({
      description:
        'Folder holding Kestra template files (id, namespace, tasks) that Template tasks include, searched recursively',
    }),
    namespaceFiles: z
      .string()
      .default('namespaces')
      .meta({ description: 'Folder holding <namespace>/files/** for each namespace' }),
    deploy: z
      .strictObject({
        branches: z
          .array(z.string())
          .min(1)
          .optional()
          .meta({ description: 'Branches that deploy (default: the default branch)' }),
      })
      .default({}),
    namespaces: z
      .array(z.string())
      .optional()
      .meta({ description: 'Namespaces this repository owns (default: those its flows declare)' }),
    pluginDefaults: z.record(z.string().min(1), z.array(PluginDefault)).default({}).meta({
      description:
        "pluginDefaults per namespace: applied to every flow of the namespace and of its child namespaces (a flow's own pluginDefaults win unless the namespace's are forced)",
    }),
  })
  .meta({ title: 'Osprey repository configuration (.osprey.yml)' });
export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_REPO_CONFIG: RepoConfig = RepoConfig.parse({});

/**
 * The pluginDefaults `.osprey.yml` gives a namespace: those of its parents first (`company`, then
 * `company.team`), so the most specific namespace's come last and win.
 */
export function namespacePluginDefaults(
  config: Pick<RepoConfig, 'pluginDefaults'>,
  namespace: string,
): PluginDefault[] {
  return Object.entries(config.pluginDefaults ?? {})
    .filter(([ns]) => namespace === ns || namespace.startsWith(`${ns}.`))
    .sort(([a], [b]) => a.length - b.length)
    .flatMap(([, defaults]) => defaults);
}
