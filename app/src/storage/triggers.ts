/**
 * SQL that writes trigger state: what each trigger of each flow remembers between evaluations. The
 * scheduler reads it through `trigger-registry.ts` (joined with the trigger definitions).
 */
import type { Executor } from './database.ts';
import { table } from './identifiers.ts';

export interface TriggerKey {
  namespace: string;
  flowId: string;
  triggerId: string;
}

export async function putTriggerState<S>(
  ex: Executor,
  key: TriggerKey,
  value: { state: S; nextFireAt?: Date | null | undefined; disabled?: boolean | undefined },
  now: Date,
): Promise<void> {
  await ex.query(
    `INSERT INTO ${table(ex, 'trigger_state')} (namespace, flow_id, trigger_id, state, next_fire_at, disabled, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
     ON CONFLICT (namespace, flow_id, trigger_id) DO UPDATE
       SET state = EXCLUDED.state, next_fire_at = EXCLUDED.next_fire_at, disabled = EXCLUDED.disabled, updated_at = EXCLUDED.updated_at`,
    [
      key.namespace,
      key.flowId,
      key.triggerId,
      JSON.stringify(value.state),
      value.nextFireAt ?? null,
      value.disabled ?? false,
      now,
    ],
  );
}
