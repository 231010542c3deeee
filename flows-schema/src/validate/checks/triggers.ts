/** Schedule crons must parse (5 fields, or 6 with `withSeconds: true`); timezones must exist. */
import { cronProblem } from '../../schema/primitives.ts';
import { type Check, list } from './context.ts';

const SCHEDULE = new Set([
  'io.kestra.plugin.core.trigger.Schedule',
  'io.kestra.core.models.triggers.types.Schedule',
]);

export const triggers: Check = (ctx) => {
  list(ctx.doc['triggers']).forEach((t, i) => {
    const trigger = t as {
      type?: unknown;
      cron?: unknown;
      withSeconds?: unknown;
      timezone?: unknown;
      id?: unknown;
    };
    if (!SCHEDULE.has(String(trigger?.type))) return;
    if (typeof trigger.cron === 'string') {
      const problem = cronProblem(trigger.cron, trigger.withSeconds === true);
      if (problem)
        ctx.report(
          'invalid-cron',
          ['triggers', i, 'cron'],
          `trigger '${String(trigger.id)}': invalid cron '${trigger.cron}': ${problem}`,
        );
    }
    if (typeof trigger.timezone === 'string' && !validTimezone(trigger.timezone)) {
      ctx.report(
        'invalid-timezone',
        ['triggers', i, 'timezone'],
        `trigger '${String(trigger.id)}': unknown timezone '${trigger.timezone}'; use an IANA name such as Europe/Paris or UTC`,
      );
    }
  });
};

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
