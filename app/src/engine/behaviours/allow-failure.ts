/** `flow.AllowFailure`: its children run in sequence; a failure among them ends it in WARNING. */
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const allowFailure: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.AllowFailure',
  next: ({ task }, signal) => {
    if (signal.kind === 'begin') return { kind: 'plan', plan: chain(enabledIds(task['tasks'])) };
    if (signal.kind === 'childrenDone' && signal.state === 'FAILED') return { kind: 'end', state: 'WARNING' };
    return undefined;
  },
};
