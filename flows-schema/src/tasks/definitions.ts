/** The static list of every task type Osprey knows. Add a plugin's definitions here. */
import { flowableTasks } from './core/flowable.ts';
import { runnableTasks } from './core/runnable.ts';
import { integrationTasks } from './plugins/integrations.ts';
import { jdbcTasks } from './plugins/jdbc.ts';
import { logShippingTasks } from './plugins/log-shipping.ts';
import { scriptTasks } from './plugins/scripts.ts';
import type { TaskDefinition } from './registry.ts';

export const taskDefinitions: readonly TaskDefinition[] = [
  ...flowableTasks,
  ...runnableTasks,
  ...scriptTasks,
  ...integrationTasks,
  ...logShippingTasks,
  ...jdbcTasks,
];
