/**
 * The instants a schedule fires at, as a `Timeline`: a cron expression in a time zone (croner does
 * the DST arithmetic) or a fixed list of dates (ScheduleOnDates). Compiled once per trigger.
 *
 * DST, as croner resolves it: a fixed-time job (`30 2 * * *`) whose local time falls in the spring
 * gap runs at the first valid time after the gap and runs once when the time repeats in autumn;
 * interval jobs (`0 * * * *`) skip the missing hour and run on both occurrences of the repeated one.
 */
import type { Cron } from 'croner';
import { compileCron } from '../../../flows-schema/src/schema/primitives.ts';
import type { Zone } from './time-zone.ts';

export interface Timeline {
  /** The first instant strictly after `after` (epoch ms), or undefined when there is none. */
  next(after: number): number | undefined;
  /** The last instant strictly before `before`, or undefined. */
  previous(before: number): number | undefined;
}

/** Parses a Schedule cron (5 fields, 6 with `withSeconds`, or a macro) in `zone`; throws a message naming it. */
export function cronTimeline(expression: string, withSeconds: boolean, zone: Zone): Timeline {
  let cron: Cron;
  try {
    cron = compileCron(expression, withSeconds, zone.intlId);
  } catch (e) {
    throw new Error(`invalid cron '${expression}': ${(e as Error).message}`);
  }
  return {
    next(after) {
      return cron.nextRun(new Date(after))?.getTime();
    },
    previous(before) {
      return cron.previousRuns(1, new Date(before))[0]?.getTime();
    },
  };
}

/** A fixed, sorted list of instants. */
export function datesTimeline(instants: readonly number[]): Timeline {
  const sorted = [...new Set(instants)].sort((a, b) => a - b);
  return {
    next(after) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! <= after) lo = mid + 1;
        else hi = mid;
      }
      return sorted[lo];
    },
    previous(before) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! < before) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? undefined : sorted[lo - 1];
    },
  };
}
