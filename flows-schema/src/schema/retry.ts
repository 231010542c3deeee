/** Retry policies (Kestra's `retry` on tasks and flows): constant, exponential and random back-off. */
import { z } from 'zod';
import { Duration } from './primitives.ts';

const common = {
  maxAttempts: z.int().min(1).optional().meta({ description: 'Total attempts, the first one included' }),
  /** Older Kestra spelling of `maxAttempts`; accepted so existing flows run unchanged. */
  maxAttempt: z.int().min(1).optional().meta({ deprecated: true, description: 'Use maxAttempts' }),
  maxDuration: Duration.optional().meta({ description: 'Stop retrying once this much time has passed' }),
  behavior: z.enum(['RETRY_FAILED_TASK', 'CREATE_NEW_EXECUTION']).optional(),
  warningOnRetry: z
    .boolean()
    .optional()
    .meta({ description: 'End in WARNING when it succeeded after a retry' }),
};

export const Retry = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('constant'), interval: Duration, ...common }),
    z.strictObject({
      type: z.literal('exponential'),
      interval: Duration,
      maxInterval: Duration.optional(),
      delayFactor: z.number().positive().optional(),
      ...common,
    }),
    z.strictObject({ type: z.literal('random'), minInterval: Duration, maxInterval: Duration, ...common }),
  ])
  .meta({ id: 'Retry' });
export type Retry = z.infer<typeof Retry>;
