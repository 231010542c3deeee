/**
 * `.osprey.yml`: optional repository configuration. Paths of flows and namespace files, the branches
 * that deploy, and the namespaces this repository owns.
 */
import { z } from 'zod';

export const RepoConfig = z
  .strictObject({
    flows: z
      .string()
      .default('flows')
      .meta({ description: 'Folder holding flow YAML files (searched recursively)' }),
    apps: z.string().default('apps').meta({
      description: 'Folder holding app YAML files (io.kestra.plugin.ee.apps.Execution), searched recursively',
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
  })
  .meta({ title: 'Osprey repository configuration (.osprey.yml)' });
export type RepoConfig = z.infer<typeof RepoConfig>;

export const DEFAULT_REPO_CONFIG: RepoConfig = RepoConfig.parse({});
