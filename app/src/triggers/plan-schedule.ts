/**
 * Which instants of a Schedule (or ScheduleOnDates) fire now, and when to look again. Pure apart
 * from awaiting conditions; it runs under the trigger's lock with the state stored for it.
 *
 * The state is a cursor: the last instant handled (fired or skipped). Instants between the cursor
 * and now that are older than a grace period were missed (the scheduler was down or had no leader):
 * `recoverMissedSchedules` decides whether all of them fire (ALL, Kestra's default), only the last
 * (LAST) or none (NONE). Backfill instants (from `backfill.start` to `backfill.end`, or to the
 * registration) always fire. At most `maxInstants` are handled per call; the caller comes back at
 * once for the rest.
 */
import type { CompiledSchedule } from './compile-trigger.ts';
import { allPass } from './conditions.ts';
import { isoAt } from './time-zone.ts';

export interface ScheduleState {
  /** When the trigger (this definition of it) was registered: planning starts there. */
  since: number;
  /** The last instant handled, fired or skipped (epoch ms). */
  cursor?: number;
  /**
   * While backfilling: instants up to `end` are backfill; afterwards the schedule resumes at
   * `resumeAt`. A backfill asked for through the API carries its own inputs and labels.
   */
  backfill?: {
    end: number;
    resumeAt: number;
    inputs?: Record<string, unknown>;
    labels?: Array<{ key: string; value: string }>;
  };
}

export interface ScheduleVariables {
  date: string;
  next?: string;
  previous?: string;
}

export interface ScheduledFire {
  at: number;
  variables: ScheduleVariables;
  backfill: boolean;
}

export interface SchedulePlan {
  state: ScheduleState;
  nextFireAt?: number;
  fires: ScheduledFire[];
  /** Instants passed over: missed (recover policy), too late (lateMaximumDelay), conditions false. */
  skipped: { missed: boolean; late: number; conditions: number };
  /** Conditions that could not be evaluated (the instant is skipped). */
  errors: string[];
}

export interface PlanOptions {
  now: number;
  /** How old an instant must be to count as missed rather than merely late (default 60 s). */
  graceMs: number;
  maxInstants: number;
  /** Variables besides `trigger` that condition expressions see (flow). */
  variables: Record<string, unknown>;
}

/** How far `trigger.next` / `trigger.previous` look for an instant whose conditions hold. */
const MAX_CONDITION_PROBES = 400;

export function initialScheduleState(now: number): ScheduleState {
  return { since: now };
}

export async function planSchedule(
  s: CompiledSchedule,
  stored: ScheduleState,
  options: PlanOptions,
): Promise<SchedulePlan> {
  const { now } = options;
  // A state row lost or written by another version: plan from now rather than from nothing.
  const since = typeof stored.since === 'number' ? stored.since : now;
  let cursor = typeof stored.cursor === 'number' ? stored.cursor : undefined;
  let backfill = stored.backfill;
  if (cursor === undefined) {
    if (s.backfill !== undefined) {
      cursor = s.backfill.start - 1;
      backfill = { end: s.backfill.end ?? since, resumeAt: since };
    } else cursor = since;
  }
  const instants: Array<{ at: number; backfill: boolean }> = [];
  let missed = false;
  for (let guard = 0; instants.length < options.maxInstants && guard < options.maxInstants * 4; guard++) {
    ({ cursor, backfill } = leaveBackfill(s, cursor, backfill));
    const at = s.timeline.next(cursor);
    if (at === undefined || at > now) break;
    if (backfill !== undefined) {
      instants.push({ at, backfill: true });
      cursor = at;
      continue;
    }
    const boundary = now - options.graceMs;
    if (at <= boundary && s.recover !== 'ALL') {
      missed = true;
      if (s.recover === 'LAST') {
        const last = s.timeline.previous(boundary + 1) ?? at;
        instants.push({ at: last, backfill: false });
        cursor = last;
      } else cursor = boundary;
      continue;
    }
    instants.push({ at, backfill: false });
    cursor = at;
  }
  ({ cursor, backfill } = leaveBackfill(s, cursor, backfill));

  const fires: ScheduledFire[] = [];
  const errors: string[] = [];
  let late = 0;
  let failed = 0;
  for (const i of instants) {
    if (!i.backfill && s.lateMaximumDelay !== undefined && now - i.at > s.lateMaximumDelay) {
      late++;
      continue;
    }
    try {
      if (!(await holds(s, i.at, options.variables))) {
        failed++;
        continue;
      }
      fires.push({
        at: i.at,
        backfill: i.backfill,
        variables: await variablesAt(s, i.at, options.variables),
      });
    } catch (e) {
      errors.push(
        `conditions of the instant ${isoAt(i.at, s.zone)} failed: ${(e as Error).message}; skipped`,
      );
    }
  }
  const nextFireAt = s.timeline.next(cursor);
  return {
    state: { since, cursor, ...(backfill !== undefined ? { backfill } : {}) },
    ...(nextFireAt !== undefined ? { nextFireAt } : {}),
    fires,
    skipped: { missed, late, conditions: failed },
    errors,
  };
}

/**
 * Kestra's backfill of a Schedule, asked for after deployment (console, API): every instant from
 * `start` to `end` (default now) fires again — including instants that already ran — with the
 * given inputs and labels, then the schedule goes on from where it was.
 */
export function startBackfill(
  stored: ScheduleState,
  backfill: {
    start: number;
    end: number;
    inputs: Record<string, unknown>;
    labels: Array<{ key: string; value: string }>;
  },
  now: number,
): ScheduleState {
  const since = typeof stored.since === 'number' ? stored.since : now;
  const resumeAt = Math.max(
    typeof stored.cursor === 'number' ? stored.cursor : since,
    stored.backfill?.resumeAt ?? 0,
  );
  return {
    since,
    cursor: backfill.start - 1,
    backfill: { end: backfill.end, resumeAt, inputs: backfill.inputs, labels: backfill.labels },
  };
}

/** Once the backfill range is done, jump to where the regular schedule resumes. */
function leaveBackfill(
  s: CompiledSchedule,
  cursor: number,
  backfill: ScheduleState['backfill'],
): { cursor: number; backfill: ScheduleState['backfill'] } {
  if (backfill === undefined) return { cursor, backfill };
  const next = s.timeline.next(cursor);
  if (next !== undefined && next <= backfill.end) return { cursor, backfill };
  return { cursor: Math.max(cursor, backfill.resumeAt), backfill: undefined };
}

async function holds(s: CompiledSchedule, at: number, variables: Record<string, unknown>): Promise<boolean> {
  if (s.conditions.length === 0) return true;
  const raw: ScheduleVariables = { date: isoAt(at, s.zone) };
  const next = s.timeline.next(at);
  const previous = s.timeline.previous(at);
  if (next !== undefined) raw.next = isoAt(next, s.zone);
  if (previous !== undefined) raw.previous = isoAt(previous, s.zone);
  return allPass(s.conditions, {
    at,
    zone: s.zone,
    variables: { ...variables, trigger: raw, schedule: raw },
  });
}

/** Kestra's `trigger.date`, `trigger.next`, `trigger.previous`: neighbours whose conditions hold. */
async function variablesAt(
  s: CompiledSchedule,
  at: number,
  variables: Record<string, unknown>,
): Promise<ScheduleVariables> {
  const out: ScheduleVariables = { date: isoAt(at, s.zone) };
  const next = await neighbour(s, at, 1, variables);
  const previous = await neighbour(s, at, -1, variables);
  if (next !== undefined) out.next = isoAt(next, s.zone);
  if (previous !== undefined) out.previous = isoAt(previous, s.zone);
  return out;
}

async function neighbour(
  s: CompiledSchedule,
  from: number,
  direction: 1 | -1,
  variables: Record<string, unknown>,
): Promise<number | undefined> {
  let at: number | undefined = from;
  for (let i = 0; i < MAX_CONDITION_PROBES; i++) {
    at = direction === 1 ? s.timeline.next(at) : s.timeline.previous(at);
    if (at === undefined || (await holds(s, at, variables))) return at;
  }
  return undefined;
}
