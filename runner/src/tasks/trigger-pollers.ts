/** Every polling trigger Osprey evaluates, by type (wired into the trigger scheduler by the server). */
import { type HttpTriggerDeps, httpTriggerPollers } from './http/trigger/index.ts';
import { jdbcTriggerPollers } from './jdbc/triggers.ts';

export function triggerPollers(deps: HttpTriggerDeps) {
  return new Map([...jdbcTriggerPollers(deps), ...httpTriggerPollers(deps)]);
}
