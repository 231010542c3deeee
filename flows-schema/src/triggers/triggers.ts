/**
 * Triggers: Schedule (cron), Flow (other executions, with preconditions), Webhook, and Osprey's Git
 * trigger that starts a flow on push / pull_request events of the repository it lives in, and the
 * polling triggers: JDBC (PostgreSQL, MariaDB) and HTTP.
 */
import { z } from 'zod';
import { httpRequestProperties } from '../schema/http.ts';
import { Duration, Id, Json, Labels, StateName } from '../schema/primitives.ts';
import { Condition } from './conditions.ts';

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const LocalTime = z.string().regex(TIME, { message: 'expected a time of day HH:mm:ss, e.g. "09:00:00"' });

const common = {
  id: Id,
  description: z.string().optional(),
  disabled: z.boolean().optional(),
  conditions: z.array(Condition).optional(),
  stopAfter: z.array(StateName).optional(),
  logLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).optional(),
  workerGroup: z.strictObject({ key: z.string() }).optional(),
};

const triggerType = (name: string, old?: string) =>
  z.enum([`io.kestra.plugin.core.trigger.${name}`, `io.kestra.core.models.triggers.types.${old ?? name}`]);

export const ScheduleTrigger = z.strictObject({
  type: triggerType('Schedule'),
  cron: z.string().min(1),
  withSeconds: z.boolean().optional(),
  timezone: z.string().optional(),
  backfill: z
    .strictObject({
      start: z.string().optional(),
      end: z.string().optional(),
      labels: Labels.optional(),
      inputs: z.record(z.string(), Json).optional(),
    })
    .optional(),
  recoverMissedSchedules: z.enum(['ALL', 'NONE', 'LAST']).optional(),
  lateMaximumDelay: Duration.optional(),
  inputs: z.record(z.string(), Json).optional(),
  labels: Labels.optional(),
  scheduleConditions: z.array(Condition).optional(),
  ...common,
});

export const FilterField = z.enum(['NAMESPACE', 'FLOW_ID', 'STATE', 'EXPRESSION', 'LABEL']);
export const FilterType = z.enum([
  'EQUAL_TO',
  'NOT_EQUAL_TO',
  'IS_NULL',
  'IS_NOT_NULL',
  'IS_TRUE',
  'IS_FALSE',
  'STARTS_WITH',
  'ENDS_WITH',
  'REGEX',
  'CONTAINS',
  'IN',
  'NOT_IN',
]);

export const TimeWindow = z
  .strictObject({
    type: z
      .enum(['DURATION_WINDOW', 'SLIDING_WINDOW', 'DAILY_TIME_DEADLINE', 'DAILY_TIME_WINDOW'])
      .optional(),
    window: Duration.optional(),
    windowAdvance: Duration.optional(),
    deadline: LocalTime.optional(),
    startTime: LocalTime.optional(),
    endTime: LocalTime.optional(),
  })
  .superRefine((w, ctx) => {
    const need = (key: keyof typeof w, why: string) => {
      if (w[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `${why} (timeWindow type ${w.type})` });
    };
    if (w.type === 'DAILY_TIME_DEADLINE') need('deadline', 'a deadline such as "09:00:00" is required');
    if (w.type === 'DAILY_TIME_WINDOW') {
      need('startTime', 'a startTime such as "06:00:00" is required');
      need('endTime', 'an endTime such as "09:00:00" is required');
    }
    if (w.type === 'SLIDING_WINDOW') need('window', 'a window duration such as PT1H is required');
  });

export const Preconditions = z.strictObject({
  id: Id,
  flows: z
    .array(
      z.strictObject({
        namespace: z.string(),
        flowId: z.string(),
        states: z.array(StateName).optional(),
        labels: Labels.optional(),
      }),
    )
    .optional(),
  where: z
    .array(
      z.strictObject({
        id: Id,
        operand: z.enum(['AND', 'OR']).optional(),
        filters: z.array(
          z.strictObject({
            field: FilterField,
            type: FilterType,
            value: Json.optional(),
            values: z.array(Json).optional(),
          }),
        ),
      }),
    )
    .optional(),
  timeWindow: TimeWindow.optional(),
  resetOnSuccess: z.boolean().optional(),
});

export const FlowTrigger = z.strictObject({
  type: triggerType('Flow'),
  states: z.array(StateName).optional(),
  preconditions: Preconditions.optional(),
  inputs: z.record(z.string(), Json).optional(),
  labels: Labels.optional(),
  ...common,
});

export const WebhookTrigger = z.strictObject({
  type: triggerType('Webhook'),
  key: z.string().min(1).max(256),
  inputs: z.record(z.string(), Json).optional(),
  wait: z.boolean().optional(),
  returnOutputs: z.boolean().optional(),
  ...common,
});

export const GIT_TRIGGER_TYPE = 'io.osprey.trigger.Git';

export const GitTrigger = z
  .strictObject({
    type: z.literal(GIT_TRIGGER_TYPE),
    events: z
      .array(z.enum(['push', 'pull_request']))
      .min(1)
      .meta({ description: 'GitHub events that start the flow' }),
    branches: z.array(z.string()).optional().meta({
      description: 'Glob patterns of branches (push: the pushed branch; pull_request: the base branch)',
    }),
    branchesIgnore: z.array(z.string()).optional(),
    paths: z
      .array(z.string())
      .optional()
      .meta({ description: 'Run only when a changed file matches one of these globs' }),
    pathsIgnore: z.array(z.string()).optional(),
    types: z
      .array(z.enum(['opened', 'synchronize', 'reopened', 'closed']))
      .optional()
      .meta({ description: 'pull_request actions (default: opened, synchronize, reopened)' }),
    inputs: z.record(z.string(), Json).optional(),
    labels: Labels.optional(),
    ...common,
  })
  .meta({
    description:
      'Start the flow on push / pull_request events of its repository, at the event commit, like a CI workflow',
  });

/** Kestra's JDBC polling triggers: run `sql` every `interval`, start an execution when it returns rows. */
export const JDBC_TRIGGER_TYPES = [
  'io.kestra.plugin.jdbc.postgresql.Trigger',
  'io.kestra.plugin.jdbc.mariadb.Trigger',
] as const;

export const JdbcTrigger = z
  .strictObject({
    type: z.enum(JDBC_TRIGGER_TYPES),
    url: z.string().min(1),
    username: z.string().optional(),
    password: z.string().optional(),
    sql: z.string(),
    parameters: z.record(z.string(), Json).optional(),
    fetchType: z.enum(['FETCH', 'FETCH_ONE', 'STORE', 'NONE']).optional(),
    fetch: z.boolean().optional(),
    fetchOne: z.boolean().optional(),
    store: z.boolean().optional(),
    fetchSize: z.union([z.number().int(), z.string()]).optional(),
    timeZoneId: z.string().optional(),
    interval: Duration.optional().meta({ description: 'How often the query runs (default PT1M)' }),
    ...common,
  })
  .meta({
    description:
      'Run sql every interval; when it returns rows, start an execution with trigger.rows / trigger.row / trigger.uri and trigger.size',
  });

/**
 * Kestra's HTTP polling trigger: call `uri` every `interval`, start an execution when
 * `responseCondition` holds.
 */
export const HTTP_TRIGGER_TYPES = [
  'io.kestra.plugin.core.http.Trigger',
  'io.kestra.plugin.fs.http.Trigger',
] as const;

export const HttpTrigger = z
  .strictObject({
    type: z.enum(HTTP_TRIGGER_TYPES),
    uri: z.string().min(1),
    ...httpRequestProperties,
    params: z.record(z.string(), Json).optional().meta({
      description: 'Query parameters added to the uri (a list value adds the parameter once per item)',
    }),
    responseCondition: z.string().optional().meta({
      description:
        'Evaluated after each call with response.statusCode, response.body and response.headers; a truthy result starts an execution (default "{{ response.statusCode < 400 }}")',
    }),
    encryptBody: z.boolean().optional(),
    interval: Duration.optional().meta({ description: 'How often the uri is called (default PT1M)' }),
    ...common,
  })
  .meta({
    description:
      'Call uri every interval; when responseCondition holds, start an execution with trigger.uri, trigger.code, trigger.headers and trigger.body',
  });

/** Types the scheduler polls (kind `polling`): each has a `TriggerPoller` on the server. */
export const POLLING_TRIGGER_TYPES: readonly string[] = [...JDBC_TRIGGER_TYPES, ...HTTP_TRIGGER_TYPES];

export const Trigger = z.discriminatedUnion('type', [
  JdbcTrigger,
  HttpTrigger,
  ScheduleTrigger,
  FlowTrigger,
  WebhookTrigger,
  GitTrigger,
  z.strictObject({
    type: z.literal('io.kestra.plugin.core.trigger.ScheduleOnDates'),
    dates: z.array(z.string()).min(1),
    timezone: z.string().optional(),
    inputs: z.record(z.string(), Json).optional(),
    labels: Labels.optional(),
    ...common,
  }),
]);
export type Trigger = z.infer<typeof Trigger>;

export const triggerTypeNames: string[] = [
  ...ScheduleTrigger.shape.type.options,
  ...FlowTrigger.shape.type.options,
  ...WebhookTrigger.shape.type.options,
  GIT_TRIGGER_TYPE,
  'io.kestra.plugin.core.trigger.ScheduleOnDates',
  ...JDBC_TRIGGER_TYPES,
  ...HTTP_TRIGGER_TYPES,
];
