/** Script tasks (`io.kestra.plugin.scripts.*`): run commands or a script as a process. */
import { z } from 'zod';
import { Json, StringOrList } from '../../schema/primitives.ts';
import { InputFiles, NamespaceFilesOptions } from '../core/flowable.ts';
import type { TaskDefinition } from '../registry.ts';

export const TaskRunner = z.looseObject({ type: z.string().min(1) }).meta({
  description: 'Where the script runs; io.kestra.plugin.core.runner.Process runs it as a local process',
});

/** Properties every script task shares. */
export const ScriptCommon = {
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  beforeCommands: StringOrList.optional(),
  interpreter: z.array(z.string()).optional(),
  inputFiles: InputFiles.optional(),
  outputFiles: z.array(z.string()).optional(),
  namespaceFiles: NamespaceFilesOptions.optional(),
  taskRunner: TaskRunner.optional(),
  containerImage: z.string().optional(),
  docker: z.looseObject({}).optional(),
  runner: z.enum(['PROCESS', 'DOCKER']).optional(),
  warningOnStdErr: z.boolean().optional(),
  failFast: z.boolean().optional(),
  targetOS: z.enum(['LINUX', 'WINDOWS', 'AUTO']).optional(),
  outputDirectory: z.boolean().optional(),
};

const languages = [
  { group: 'shell', name: 'shell' },
  { group: 'python', name: 'Python' },
  { group: 'node', name: 'Node.js' },
] as const;

export const scriptTasks: TaskDefinition[] = languages.flatMap(({ group, name }): TaskDefinition[] => [
  {
    type: `io.kestra.plugin.scripts.${group}.Commands`,
    kind: 'runnable',
    workingDirectory: true,
    description: `Run ${name} commands in a working directory with namespace and input files.`,
    properties: {
      commands: StringOrList,
      ...ScriptCommon,
      ...(group === 'python' ? { dependencies: z.array(z.string()).optional() } : {}),
    },
  },
  {
    type: `io.kestra.plugin.scripts.${group}.Script`,
    kind: 'runnable',
    workingDirectory: true,
    description: `Run an inline ${name} script in a working directory with namespace and input files.`,
    properties: {
      script: z.string(),
      ...ScriptCommon,
      ...(group === 'python' ? { dependencies: z.array(z.string()).optional() } : {}),
    },
  },
]);

export { Json };
