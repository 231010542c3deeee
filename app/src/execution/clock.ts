/**
 * Time for the executor: the current time and one-shot timers at an absolute time. The system clock
 * is the default; tests use `FakeClock` (test/support/fake-clock.ts) so retries, pauses and SLAs run in virtual time.
 */
export interface TimerHandle {
  readonly at: number;
}

export interface Clock {
  now(): number;
  /** Call `fire` at epoch ms `at` (at once if it is past). */
  setTimer(at: number, fire: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

interface SystemHandle extends TimerHandle {
  timeout: ReturnType<typeof setTimeout>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fire) {
    // setTimeout caps at ~24.8 days; re-arm until the deadline for longer waits (a long Pause).
    const MAX = 2 ** 31 - 1;
    const handle = { at } as SystemHandle;
    const arm = () => {
      const delay = at - Date.now();
      handle.timeout = setTimeout(delay > MAX ? arm : fire, Math.max(0, Math.min(delay, MAX)));
    };
    arm();
    return handle;
  },
  clearTimer(handle) {
    clearTimeout((handle as SystemHandle).timeout);
  },
};
