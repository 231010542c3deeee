/**
 * What a polling trigger's plugin code (runner/: JDBC, HTTP) is given by the server that polls it
 * (app/), and the trigger it polls: one definition for both sides.
 */
import type { InternalStorage } from './internal-storage.ts';
import type { LogLevel } from './task-contract.ts';

export interface TriggerPollerDeps {
  /**
   * Renders `properties` with `{ flow: { namespace } }` and `options.variables` (which may replace
   * `flow`); `secret()` and `kv()` look in `namespace`. Each resolved secret is masked in the
   * server's log from then on, and passed to `options.onSecret`.
   */
  render(
    properties: Record<string, unknown>,
    namespace: string,
    options?: { variables?: Record<string, unknown>; onSecret?: (value: string) => void },
  ): Promise<Record<string, unknown>>;
  storage: InternalStorage;
  log(level: LogLevel, message: string): void;
}

export interface PolledTrigger {
  namespace: string;
  flowId: string;
  triggerId: string;
  type: string;
  definition: Record<string, unknown>;
}
