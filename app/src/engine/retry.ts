/**
 * Retry policies, compiled once per policy object (STYLE.md #10). `maxAttempts` counts every
 * attempt, the first one included; `maxDuration` bounds the time from the first attempt to the
 * start of the next. Without either limit Osprey stops after 100 attempts rather than loop forever.
 */

import type { Retry } from '../../../flows-schema/src/schema/retry.ts';
import { parseDuration } from '../../../flows-schema/src/time.ts';

export interface RetryPolicy {
  maxAttempts: number;
  maxDurationMs?: number;
  behavior: 'RETRY_FAILED_TASK' | 'CREATE_NEW_EXECUTION';
  warningOnRetry: boolean;
  /** Back-off before retry number `n` (1 = the first retry); `random` in [0, 1). */
  delay(n: number, random: number): number;
}

const SAFETY_CAP = 100;
const compiled = new WeakMap<Retry, RetryPolicy>();

export function compileRetry(retry: Retry | undefined): RetryPolicy | undefined {
  if (retry === undefined) return undefined;
  let policy = compiled.get(retry);
  if (policy === undefined) {
    policy = compile(retry);
    compiled.set(retry, policy);
  }
  return policy;
}

function ms(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseDuration(text) ?? fallback);
}

function compile(retry: Retry): RetryPolicy {
  const maxDurationMs = retry.maxDuration === undefined ? undefined : parseDuration(retry.maxDuration);
  const explicit = retry.maxAttempts ?? retry.maxAttempt;
  const common = {
    maxAttempts: explicit ?? SAFETY_CAP,
    ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
    behavior: retry.behavior ?? 'RETRY_FAILED_TASK',
    warningOnRetry: retry.warningOnRetry === true,
  };
  switch (retry.type) {
    case 'constant': {
      const interval = ms(retry.interval, 1000);
      return { ...common, delay: () => interval };
    }
    case 'exponential': {
      const interval = ms(retry.interval, 1000);
      const cap = ms(retry.maxInterval, Number.POSITIVE_INFINITY);
      const factor = retry.delayFactor ?? 2;
      return { ...common, delay: (n) => Math.min(cap, interval * factor ** (n - 1)) };
    }
    case 'random': {
      const min = ms(retry.minInterval, 0);
      const max = ms(retry.maxInterval, min);
      return { ...common, delay: (_n, random) => Math.round(min + random * (max - min)) };
    }
  }
}

/** The back-off before the next attempt, or undefined when the policy allows no more. */
export function nextRetryDelay(
  policy: RetryPolicy,
  attemptsDone: number,
  firstAttemptAt: number,
  now: number,
  random: number,
): number | undefined {
  if (attemptsDone >= policy.maxAttempts) return undefined;
  const delay = policy.delay(attemptsDone, random);
  if (policy.maxDurationMs !== undefined && now + delay - firstAttemptAt > policy.maxDurationMs)
    return undefined;
  return delay;
}
