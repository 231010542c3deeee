/**
 * The trigger subsystem: a persistent `TriggerRegistry` (`DatabaseTriggerStore`, or
 * `MemoryTriggerStore` in tests), the `TriggerScheduler` (Schedule, ScheduleOnDates, Flow triggers,
 * stopAfter) and the webhook routes. See docs/triggers.md.
 */
export {
  type CompiledTrigger,
  compileTrigger,
  fingerprintOf,
  kindOf,
  triggerProblems,
} from './compile-trigger.ts';
export { DatabaseTriggerStore, TRIGGER_CHANGES_CHANNEL } from './database-trigger-store.ts';
export { LaunchRefused } from './launch-triggered.ts';
export { MemoryTriggerStore } from './memory-trigger-store.ts';
export { TriggerScheduler, type TriggerSchedulerOptions } from './trigger-scheduler.ts';
export {
  isActive,
  type StoredTrigger,
  type TriggerKey,
  type TriggerKind,
  type TriggerLogger,
  type TriggerStore,
  triggerLog,
} from './types.ts';
export {
  DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  WEBHOOK_ROUTE,
  type WebhookRouteOptions,
  webhookRoutes,
} from './webhook-routes.ts';
