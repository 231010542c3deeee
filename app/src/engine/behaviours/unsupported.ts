/** A flowable type Osprey validates but cannot run yet: the task fails with a message saying so. */
import type { FlowableBehaviour } from './types.ts';

export function unsupported(type: string): FlowableBehaviour {
  return {
    type,
    next: (_ctx, signal) =>
      signal.kind === 'begin'
        ? {
            kind: 'end',
            state: 'FAILED',
            message: `Task type ${type} is not supported by this version of Osprey`,
          }
        : undefined,
  };
}
