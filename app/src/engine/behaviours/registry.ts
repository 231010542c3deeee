/**
 * The static registry of flowable behaviours, keyed by canonical type name. Aliases resolve through
 * flows-schema's task registry, so `io.kestra.core.tasks.flows.If` finds the If behaviour.
 */
import { defaultRegistry } from '../../../../flows-schema/src/schema/flow.ts';
import { allowFailure } from './allow-failure.ts';
import { dag } from './dag.ts';
import { eachParallel } from './each-parallel.ts';
import { eachSequential } from './each-sequential.ts';
import { forEach } from './for-each.ts';
import { forEachItem } from './for-each-item.ts';
import { ifBehaviour } from './if.ts';
import { parallel } from './parallel.ts';
import { pause } from './pause.ts';
import { sequential } from './sequential.ts';
import { subflow } from './subflow.ts';
import { switchBehaviour } from './switch.ts';
import { template } from './template.ts';
import type { FlowableBehaviour } from './types.ts';
import { unsupported } from './unsupported.ts';
import { loopUntil, waitFor } from './wait-for.ts';
import { workingDirectory } from './working-directory.ts';

const behaviours: readonly FlowableBehaviour[] = [
  sequential,
  parallel,
  ifBehaviour,
  switchBehaviour,
  forEach,
  forEachItem,
  eachSequential,
  eachParallel,
  dag,
  allowFailure,
  subflow,
  pause,
  waitFor,
  loopUntil,
  workingDirectory,
  template,
];

const byType = new Map(behaviours.map((b) => [b.type, b]));

/** The behaviour of a flowable task type (alias or canonical), or undefined for a runnable type. */
export function behaviourOf(type: string): FlowableBehaviour | undefined {
  const def = defaultRegistry.get(type);
  if (def?.kind !== 'flowable') return undefined;
  let found = byType.get(def.type);
  if (found === undefined) {
    found = unsupported(def.type);
    byType.set(def.type, found);
  }
  return found;
}
