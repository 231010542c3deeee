/** The semantic checks run after the schema, in order. Each collects every finding it can. */

import type { Check } from './context.ts';
import { dagDependencies } from './dag.ts';
import { deprecatedTasks } from './deprecated-tasks.ts';
import { expressions } from './expressions.ts';
import { inputDependencies } from './input-dependencies.ts';
import { pluginDefaults } from './plugin-defaults.ts';
import { subflowRecursion } from './subflow-recursion.ts';
import { systemLabels } from './system-labels.ts';
import { triggers } from './triggers.ts';
import { uniqueIds } from './unique-ids.ts';

export const checks: readonly Check[] = [
  uniqueIds,
  inputDependencies,
  dagDependencies,
  subflowRecursion,
  systemLabels,
  triggers,
  pluginDefaults,
  expressions,
  deprecatedTasks,
];
